"""The urgent track: a decision under the bylaws, never an author's checkbox.

Urgency shortens the deliberation members were promised (to the bylaws' urgent minimum) and may
shorten the vote, so who may declare it is a bylaw: the steering committee, with a reason; or,
where the bylaws set a share, enough members in good standing co-signing a request and its
reason. The reason is shown with the proposal; every step is in the audit log. Urgency can be
declared only while the proposal is in deliberation, before any vote is scheduled.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Proposal, ProposalStatus, UrgencySignature, User
from openbargain.services.text import required_reason
from openbargain.phrases import phrase
from openbargain.services import audit, notifications
from openbargain.services.access import acting_on, bylaws_of, membership_of, require
from openbargain.services.bylaws import members_needed
from openbargain.services.errors import AlreadySigned, InvalidTransition, PermissionDenied
from openbargain.services.uow import UnitOfWork, unit_of_work


@dataclass(frozen=True)
class UrgencyStatus:
    declared: bool
    reason: str | None  # the declared reason, or the pending request's
    signatures: int
    needed: int | None  # None: the bylaws let only steering declare urgency
    signed_by_me: bool


def _check_reason(reason: str | None) -> str:
    return required_reason(reason, gettext("Say why this cannot wait for the full deliberation: members see it."))


def _open_to_urgency(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.DELIBERATION:
        raise InvalidTransition(gettext(
            "Urgency is declared while a proposal is in deliberation, before its vote is set."))
    if proposal.urgent:
        raise InvalidTransition(gettext("This proposal is already on the urgent track."))


def _declare(session: Session, proposal: Proposal, reason: str) -> None:
    proposal.urgent = True
    proposal.urgent_reason = reason
    proposal.urgent_declared_at = now()


def declare_urgent(actor: User, chapter: Chapter, proposal_id: int, reason: str) -> Proposal:
    """Steering puts a proposal on the urgent track, with a public reason."""
    with unit_of_work() as uow:
        return declared(uow, actor, chapter, proposal_id, reason)


def declared(uow: UnitOfWork, actor: User, chapter: Chapter, proposal_id: int, reason: str) -> Proposal:
    """Declaring, inside a use-case's own transaction (a vote called from a session)."""
    reason = _check_reason(reason)
    s = uow.session
    proposal, mine = acting_on(s, actor, chapter, proposal_id)
    require(policy.can_declare_urgent(actor, mine), mine, gettext("Only the steering committee declares urgency."))
    _open_to_urgency(proposal)
    _declare(s, proposal, reason)
    audit.record(s, "proposal.declared_urgent", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                 data={"by": "steering", "reason": reason})
    return proposal


def support_urgency(actor: User, chapter: Chapter, proposal_id: int, reason: str | None = None) -> bool:
    """A member requests urgency (the first gives the reason) or co-signs the request; returns
    whether this signature carried it. Concurrent signers queue on the proposal's row lock."""
    with unit_of_work() as uow:
        return supported(uow, actor, chapter, proposal_id, reason)


def supported(uow: UnitOfWork, actor: User, chapter: Chapter, proposal_id: int, reason: str | None = None) -> bool:
    """Requesting or co-signing, inside a use-case's own transaction."""
    s = uow.session
    proposal, mine = acting_on(s, actor, chapter, proposal_id)
    if not policy.in_good_standing(mine):
        raise PermissionDenied(gettext("Only members in good standing can ask for the urgent track."))
    bylaws = bylaws_of(chapter, s)
    if not bylaws.urgent_cosign_percent:
        raise PermissionDenied(gettext("Under this chapter's bylaws only the steering committee declares urgency."))
    _open_to_urgency(proposal)
    first = s.scalar(select(UrgencySignature).where(UrgencySignature.proposal_id == proposal.id)
                     .order_by(UrgencySignature.id).limit(1))
    signature = UrgencySignature(proposal_id=proposal.id, membership_id=mine.id, signed_at=now(),
                                 reason=None if first else _check_reason(reason))
    s.add(signature)
    try:
        s.flush()
    except IntegrityError:
        raise AlreadySigned(gettext("You have already signed this request."))
    count = s.scalar(select(func.count()).select_from(UrgencySignature)
                     .where(UrgencySignature.proposal_id == proposal.id))
    needed = members_needed(s, chapter, bylaws.urgent_cosign_percent)
    audit.record(s, "proposal.urgency_signed", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                 data={"signatures": count, "needed": needed, **({"reason": signature.reason} if not first else {})})
    if first is None:  # the request itself, not each co-signature, is steering's news
        notifications.tell(uow, "urgent_requested", f"proposal:{proposal.id}", notifications.steering_of(chapter.id),
                           chapter=chapter,
                           title=phrase("Members asked for an urgent vote on “%(title)s”", title=proposal.title),
                           link=notifications.path("proposals.show", slug=chapter.slug, proposal_id=proposal.id))
    if count < needed:
        return False
    reason = first.reason if first else signature.reason
    _declare(s, proposal, reason)
    audit.record(s, "proposal.declared_urgent", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                 data={"by": "members", "reason": reason, "signatures": count})
    return True


def urgency_status(actor: User | None, chapter: Chapter, proposal: Proposal) -> UrgencyStatus:
    s = db.session
    bylaws = bylaws_of(chapter, s)
    signatures = list(s.scalars(select(UrgencySignature).where(UrgencySignature.proposal_id == proposal.id)
                                .order_by(UrgencySignature.id)))
    mine = {sig.membership_id for sig in signatures}
    membership = membership_of(actor, chapter)
    return UrgencyStatus(
        declared=proposal.urgent, reason=proposal.urgent_reason or (signatures[0].reason if signatures else None),
        signatures=len(signatures),
        needed=members_needed(s, chapter, bylaws.urgent_cosign_percent) if bylaws.urgent_cosign_percent else None,
        signed_by_me=membership is not None and membership.id in mine)
