"""Moving a proposal along its lifecycle, by the one table of allowed transitions."""
from __future__ import annotations

from openbargain.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus
from openbargain.services.errors import InvalidTransition


def transition(proposal: Proposal, to: ProposalStatus) -> None:
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise InvalidTransition(f"A proposal in {proposal.status.value.replace('_', ' ')} cannot become {to.value}.")
    proposal.status = to
