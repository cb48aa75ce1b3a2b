"""Moving a proposal along its lifecycle, by the one table of allowed transitions."""
from __future__ import annotations

from flask_babel import gettext

from openbargain.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus
from openbargain.services.errors import InvalidTransition


def transition(proposal: Proposal, to: ProposalStatus) -> None:
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise InvalidTransition(gettext("A proposal in %(now)s cannot become %(next)s.",
                                        now=proposal.status.value.replace("_", " "), next=to.value.replace("_", " ")))
    proposal.status = to
