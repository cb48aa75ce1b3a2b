"""Petitions: members force a vote that steering has not scheduled."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Bylaws,
    Chapter,
    Membership,
    PetitionSignature,
    Proposal,
    ProposalKind,
    ProposalStatus,
    User,
)
from openbargain.phrases import phrase
from openbargain.services import audit, notifications
from openbargain.services.access import acting_on, bylaws_of
from openbargain.services.bylaws import members_needed
from openbargain.services.errors import AlreadySigned, InvalidTransition, PermissionDenied
from openbargain.services.lifecycle import transition
from openbargain.services.referenda import schedule_by_petition
from openbargain.services.uow import unit_of_work


@dataclass(frozen=True)
class PetitionStatus:
    signatures: int
    needed: int
    signers: list[str]
    signed_by_me: bool

    @property
    def reached(self) -> bool:
        return self.signatures >= self.needed


def petition_threshold(session: Session, chapter: Chapter, bylaws: Bylaws) -> int:
    return members_needed(session, chapter, bylaws.petition_percent)


def petition_status(actor: User | None, chapter: Chapter, proposal: Proposal) -> PetitionStatus:
    s = db.session
    signatures = list(s.scalars(select(PetitionSignature)
                                .options(selectinload(PetitionSignature.membership).selectinload(Membership.user))
                                .where(PetitionSignature.proposal_id == proposal.id)
                                .order_by(PetitionSignature.signed_at, PetitionSignature.id)))
    user_id = actor.id if actor is not None and actor.is_authenticated else None
    return PetitionStatus(
        signatures=len(signatures),
        needed=petition_threshold(s, chapter, bylaws_of(chapter, s)),
        signers=[sig.membership.user.name for sig in signatures],
        signed_by_me=any(sig.membership.user_id == user_id for sig in signatures),
    )


def sign_petition(actor: User, chapter: Chapter, proposal_id: int) -> bool:
    """Signs; returns whether this signature carried the petition (and scheduled the vote)."""
    with unit_of_work() as uow:
        s = uow.session
        # The row lock makes concurrent signers queue, so exactly one of them carries the petition.
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        if proposal.status != ProposalStatus.DELIBERATION:
            raise InvalidTransition(gettext("Only a proposal in deliberation can be petitioned to a vote."))
        if proposal.kind == ProposalKind.ELECTION:
            raise InvalidTransition(gettext("An election's vote follows its nominations: steering schedules it once "
                                            "the ballot is drawn."))
        if not policy.can_sign_petition(actor, mine, proposal):
            raise PermissionDenied(gettext("Only members in good standing can sign petitions."))
        if s.scalar(select(PetitionSignature.id).where(PetitionSignature.proposal_id == proposal.id,
                                                        PetitionSignature.membership_id == mine.id)):
            raise AlreadySigned(gettext("You have already signed this petition."))
        s.add(PetitionSignature(proposal_id=proposal.id, membership_id=mine.id))
        try:
            s.flush()
        except IntegrityError:
            raise AlreadySigned(gettext("You have already signed this petition."))
        audit.record(s, "petition.signed", f"proposal:{proposal.id}", actor=actor, chapter=chapter)
        bylaws = bylaws_of(chapter, s)
        count = s.scalar(select(func.count()).select_from(PetitionSignature)
                         .where(PetitionSignature.proposal_id == proposal.id))
        needed = petition_threshold(s, chapter, bylaws)
        if count < needed:
            return False
        audit.record(s, "petition.succeeded", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"signatures": count, "needed": needed})
        schedule_by_petition(s, proposal, bylaws, now(), count, actor=actor, chapter=chapter)
        transition(proposal, ProposalStatus.SCHEDULED)
        notifications.proposal_moved(uow, proposal, chapter, by=actor.id)
        notifications.tell(uow, "petition_succeeded", f"proposal:{proposal.id}", notifications.steering_of(chapter.id),
                           chapter=chapter, title=phrase("A petition of %(count)s members forced a vote on “%(title)s”",
                                                         count=count, title=proposal.title),
                           link=notifications.path("proposals.show", slug=chapter.slug, proposal_id=proposal.id))
    return True
