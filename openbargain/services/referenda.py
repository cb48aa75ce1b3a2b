"""Referenda: scheduling, rescheduling, cancelling, and freezing the voter roll at opening."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Bylaws,
    Chapter,
    Membership,
    Proposal,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    User,
    VoterRollEntry,
)
from openbargain.models.referendum import RANKED_METHODS, YES_NO_METHOD
from openbargain.services import audit
from openbargain.services.bylaws import bylaws_of
from openbargain.services.chapters import membership_of, require
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.lifecycle import transition
from openbargain.services.proposals import acting_on, require_visible
from openbargain.services.results import certify_closed
from openbargain.services.rolls import ensure_rolls_frozen
from openbargain.services.uow import unit_of_work
from openbargain.tally import THRESHOLDS

MIN_VOTING = timedelta(hours=1)


def earliest_opening(bylaws: Bylaws, proposal: Proposal) -> datetime:
    """No vote opens before the bylaws' minimum deliberation since publication."""
    assert proposal.published_at is not None
    return proposal.published_at + bylaws.min_deliberation(proposal.urgent)


def default_method(proposal: Proposal) -> str:
    return YES_NO_METHOD if proposal.ballot_kind == BallotKind.YES_NO else "irv"


def schedule_by_petition(session: Session, proposal: Proposal, bylaws: Bylaws, moment: datetime) -> Referendum:
    """A successful petition schedules the vote with the chapter's default timing."""
    opens_at = max(moment + timedelta(hours=bylaws.petition_delay_hours), earliest_opening(bylaws, proposal))
    referendum = Referendum(
        proposal_id=proposal.id,
        method=default_method(proposal),
        seats=1,
        threshold=bylaws.threshold if proposal.ballot_kind == BallotKind.YES_NO else None,
        quorum_percent=bylaws.quorum_percent,
        secret=True,
        opens_at=opens_at,
        closes_at=opens_at + bylaws.voting_length(proposal.urgent),
        by_petition=True,
    )
    session.add(referendum)
    return referendum


@dataclass(frozen=True)
class Schedule:
    method: str
    opens_at: datetime | None
    closes_at: datetime | None
    quorum_percent: int
    secret: bool = True
    threshold: str | None = None
    seats: int = 1


def default_schedule(chapter: Chapter, proposal: Proposal) -> Schedule:
    bylaws = bylaws_of(chapter)
    opens_at = max(earliest_opening(bylaws, proposal), now() + timedelta(hours=1)).replace(second=0, microsecond=0)
    return Schedule(method=default_method(proposal), opens_at=opens_at,
                    closes_at=opens_at + bylaws.voting_length(proposal.urgent), quorum_percent=bylaws.quorum_percent,
                    threshold=bylaws.threshold if proposal.ballot_kind == BallotKind.YES_NO else None)


def check_schedule(schedule: Schedule, proposal: Proposal, bylaws: Bylaws, moment: datetime) -> None:
    errors: dict[str, list[str]] = {}
    yes_no = proposal.ballot_kind == BallotKind.YES_NO
    if yes_no and schedule.method != YES_NO_METHOD:
        errors["method"] = ["A yes/no proposal is decided by a yes/no vote."]
    if not yes_no and schedule.method not in RANKED_METHODS:
        errors["method"] = ["A ranked proposal is counted by instant-runoff, STV or Schulze."]
    if schedule.method == YES_NO_METHOD and schedule.threshold not in THRESHOLDS:
        errors["threshold"] = ["Choose majority, three fifths or two thirds of yes+no."]
    if schedule.method == "stv" and not 1 <= schedule.seats < len(proposal.options):
        errors["seats"] = [f"STV fills fewer seats than there are options ({len(proposal.options)})."]
    if not 0 <= schedule.quorum_percent <= 100:
        errors["quorum_percent"] = ["Use a percentage from 0 to 100."]
    if schedule.opens_at is None:
        errors["opens_at"] = ["Say when the vote opens."]
    elif schedule.opens_at < moment:
        errors["opens_at"] = ["The vote cannot open in the past."]
    elif schedule.opens_at < earliest_opening(bylaws, proposal):
        errors["opens_at"] = [
            f"The bylaws require {bylaws.min_deliberation(proposal.urgent).total_seconds() / 3600:g} hours of "
            "deliberation after publication before a vote opens."]
    if schedule.closes_at is None:
        errors["closes_at"] = ["Say when the vote closes."]
    elif schedule.opens_at is not None and schedule.closes_at - schedule.opens_at < MIN_VOTING:
        errors["closes_at"] = ["A vote closes after it opens, and lasts at least one hour."]
    if errors:
        raise ValidationFailed("The schedule has problems; nothing was changed.", errors=errors)


def _describe(r: Referendum) -> dict:
    return {"method": r.method, "seats": r.seats, "threshold": r.threshold, "quorum_percent": r.quorum_percent,
            "secret": r.secret, "opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat()}


def _apply(r: Referendum, schedule: Schedule) -> None:
    r.method, r.seats = schedule.method, schedule.seats if schedule.method == "stv" else 1
    r.threshold = schedule.threshold if schedule.method == YES_NO_METHOD else None
    r.quorum_percent, r.secret = schedule.quorum_percent, schedule.secret
    r.opens_at, r.closes_at = schedule.opens_at, schedule.closes_at


def schedule_referendum(actor: User, chapter: Chapter, proposal_id: int, schedule: Schedule) -> Referendum:
    with unit_of_work() as uow:
        s = uow.session
        proposal, mine = acting_on(s, actor, chapter, proposal_id)
        require(policy.can_schedule(actor, mine), mine, "Only the steering committee schedules votes.")
        if proposal.status != ProposalStatus.DELIBERATION:
            raise InvalidTransition("Only a proposal in deliberation can be put to a vote.")
        check_schedule(schedule, proposal, bylaws_of(chapter, s), now())
        referendum = Referendum(proposal_id=proposal.id, by_petition=False)
        _apply(referendum, schedule)
        s.add(referendum)
        transition(proposal, ProposalStatus.SCHEDULED)
        s.flush()
        audit.record(s, "referendum.scheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, **_describe(referendum)})
    return referendum


def _referendum_for_change(session: Session, actor: User, chapter: Chapter,
                           referendum_id: int) -> tuple[Referendum, Proposal, Membership | None]:
    referendum = session.get(Referendum, referendum_id)
    if referendum is None:
        raise NotFound("No such vote.")
    proposal, mine = acting_on(session, actor, chapter, referendum.proposal_id)
    require(policy.can_schedule(actor, mine), mine, "Only the steering committee schedules votes.")
    if referendum.status_at(now()) != ReferendumStatus.SCHEDULED:
        raise InvalidTransition("The vote has opened: its method, parameters and times can no longer change.")
    return referendum, proposal, mine


def reschedule_referendum(actor: User, chapter: Chapter, referendum_id: int, schedule: Schedule) -> Referendum:
    with unit_of_work() as uow:
        s = uow.session
        referendum, proposal, _ = _referendum_for_change(s, actor, chapter, referendum_id)
        check_schedule(schedule, proposal, bylaws_of(chapter, s), now())
        if referendum.by_petition and schedule.opens_at > referendum.opens_at:
            raise ValidationFailed.on("opens_at", "Members forced this vote by petition: it can be moved earlier, "
                                                  "not later.")
        before = _describe(referendum)
        _apply(referendum, schedule)
        audit.record(s, "referendum.rescheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "before": before, "after": _describe(referendum)})
    return referendum


def cancel_referendum(actor: User, chapter: Chapter, referendum_id: int) -> Proposal:
    with unit_of_work() as uow:
        s = uow.session
        referendum, proposal, _ = _referendum_for_change(s, actor, chapter, referendum_id)
        if referendum.by_petition:
            raise InvalidTransition("Members forced this vote by petition: it cannot be cancelled.")
        transition(proposal, ProposalStatus.DELIBERATION)
        audit.record(s, "referendum.cancelled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, **_describe(referendum)})
        s.delete(referendum)
    return proposal


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReferendumView:
    referendum: Referendum
    proposal: Proposal
    membership: Membership | None
    status: ReferendumStatus
    my_entry: VoterRollEntry | None
    turnout: int


def get_referendum(actor: User | None, chapter: Chapter, referendum_id: int) -> ReferendumView:
    ensure_rolls_frozen(chapter.id)
    certify_closed(chapter.id)  # certification is lazy: the first look after closing does it
    s = db.session
    referendum = s.scalar(select(Referendum).options(selectinload(Referendum.proposal).selectinload(Proposal.options))
                          .where(Referendum.id == referendum_id))
    if referendum is None or referendum.proposal.chapter_id != chapter.id:
        raise NotFound("No such vote.")
    mine = membership_of(actor, chapter)
    require_visible(actor, mine, referendum.proposal, chapter, s)
    entry = s.scalar(select(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum.id,
                                                  VoterRollEntry.membership_id == mine.id)) if mine else None
    turnout = s.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.voted_on.is_not(None))) or 0
    return ReferendumView(referendum, referendum.proposal, mine, referendum.status_at(now()), entry, turnout)

