"""Referenda: scheduling, rescheduling, cancelling, and freezing the voter roll at opening."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Bylaws,
    Chapter,
    Election,
    Membership,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    StatedAction,
    User,
    VoterRollEntry,
)
from openbargain.models.referendum import SCHEDULABLE_RANKED_METHODS, YES_NO_METHOD
from openbargain.phrases import dated
from openbargain.services import audit, notifications, stated_reasons
from openbargain.services.access import acting_on, bylaws_of, membership_of, require, require_visible
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.lifecycle import transition
from openbargain.services.proposals import deadline_moment
from openbargain.services.uow import unit_of_work
from openbargain.tally import THRESHOLDS

def earliest_opening(bylaws: Bylaws, proposal: Proposal) -> datetime:
    """No vote opens before the bylaws' minimum deliberation since publication."""
    assert proposal.published_at is not None
    return proposal.published_at + bylaws.min_deliberation(proposal.urgent)


def too_early(bylaws: Bylaws, proposal: Proposal) -> str:
    """Why a vote cannot open yet on a proposal whose deliberation is not over."""
    return gettext("The bylaws require %(hours)s hours of deliberation after publication before a vote opens.",
                   hours=f"{bylaws.min_deliberation(proposal.urgent).total_seconds() / 3600:g}")


def methods_for(proposal: Proposal) -> tuple[str, ...]:
    """How a proposal of this kind may be counted."""
    return (YES_NO_METHOD,) if proposal.ballot_kind == BallotKind.YES_NO else tuple(SCHEDULABLE_RANKED_METHODS)


def default_method(proposal: Proposal) -> str:
    return YES_NO_METHOD if proposal.ballot_kind == BallotKind.YES_NO else "irv"


def schedule_by_petition(session: Session, proposal: Proposal, bylaws: Bylaws, moment: datetime,
                         signatures: int, *, actor: User, chapter: Chapter) -> Referendum:
    """A successful petition (or call-up) schedules the vote on the terms of the bylaws in force now,
    audited; those terms belong to the petitioners from then on (see `check_petition_terms`)."""
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
        petition_signatures=signatures,
    )
    session.add(referendum)
    session.flush()
    audit.record(session, "referendum.scheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                 data={"proposal_id": proposal.id, **_describe(referendum), "by_petition": True,
                       "petition_signatures": signatures})
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


DAYTIME = range(8, 22)  # a default opening hour members are awake for: 08:00 to 21:00, chapter time


def sensible_opening(chapter: Chapter, earliest: datetime) -> datetime:
    """The first whole hour at or after `earliest` that falls in the chapter's daytime."""
    zone = ZoneInfo(chapter.timezone)
    local = earliest.astimezone(zone)
    moment = local.replace(minute=0, second=0, microsecond=0)
    if moment < local:
        moment += timedelta(hours=1)
    while moment.hour not in DAYTIME:
        moment += timedelta(hours=1)
    return moment.astimezone(earliest.tzinfo)


def earliest_allowed(chapter: Chapter, proposal: Proposal) -> datetime:
    """The earliest a vote on the proposal may open now: after the bylaws' deliberation, not in the past."""
    return max(earliest_opening(bylaws_of(chapter), proposal), now())


def default_schedule(chapter: Chapter, proposal: Proposal) -> Schedule:
    bylaws = bylaws_of(chapter)
    opens_at = sensible_opening(chapter, max(earliest_opening(bylaws, proposal), now() + timedelta(hours=1)))
    return Schedule(method=default_method(proposal), opens_at=opens_at,
                    closes_at=opens_at + bylaws.voting_length(proposal.urgent), quorum_percent=bylaws.quorum_percent,
                    threshold=bylaws.threshold if proposal.ballot_kind == BallotKind.YES_NO else None)


def check_election_schedule(election: Election, proposal: Proposal, schedule: Schedule) -> None:
    """An election is voted on once its ballot is drawn, its seats filled by STV (instant-runoff or
    STV for one seat), or its single nominee confirmed yes or no."""
    if election.ballot_drawn_at is None:
        raise InvalidTransition(gettext("Draw the ballot from the accepted nominees before scheduling the vote."))
    if proposal.ballot_kind == BallotKind.RANKED and (
            schedule.method not in ("stv", "irv") or (schedule.method == "stv" and schedule.seats != election.seats)
            or (schedule.method == "irv" and election.seats != 1)):
        raise ValidationFailed.on("method", gettext("This election fills %(seats)d seats: count it by STV for "
                                                    "%(seats)d seats (or instant-runoff for one).",
                                                    seats=election.seats))


def check_schedule(schedule: Schedule, proposal: Proposal, bylaws: Bylaws, moment: datetime) -> None:
    errors: dict[str, list[str]] = {}
    yes_no = proposal.ballot_kind == BallotKind.YES_NO
    if schedule.method not in methods_for(proposal):
        errors["method"] = [gettext("A yes/no proposal is decided by a yes/no vote.") if yes_no
                            else gettext("A ranked proposal is counted by instant-runoff, STV or Schulze.")]
    if schedule.method == YES_NO_METHOD and schedule.threshold not in THRESHOLDS:
        errors["threshold"] = [gettext("Choose majority, three fifths or two thirds of yes+no.")]
    if schedule.method == "stv" and not 1 <= schedule.seats < len(proposal.options):
        errors["seats"] = [gettext("STV fills fewer seats than there are options (%(count)d).",
                                   count=len(proposal.options))]
    if not 0 <= schedule.quorum_percent <= 100:
        errors["quorum_percent"] = [gettext("Use a percentage from 0 to 100.")]
    if schedule.opens_at is None:
        errors["opens_at"] = [gettext("Say when the vote opens.")]
    elif schedule.opens_at < moment:
        errors["opens_at"] = [gettext("The vote cannot open in the past.")]
    elif schedule.opens_at < earliest_opening(bylaws, proposal):
        errors["opens_at"] = [too_early(bylaws, proposal)]
    if schedule.closes_at is None:
        errors["closes_at"] = [gettext("Say when the vote closes.")]
    elif schedule.opens_at is not None and schedule.closes_at - schedule.opens_at < bylaws.min_voting(proposal.urgent):
        hours = bylaws.min_voting(proposal.urgent).total_seconds() / 3600
        errors["closes_at"] = [gettext("The bylaws say an urgent vote lasts at least %(hours)s hours.", hours=f"{hours:g}")
                               if proposal.urgent else
                               gettext("The bylaws say a vote lasts at least %(hours)s hours.", hours=f"{hours:g}")]
    if errors:
        raise ValidationFailed(gettext("The schedule has problems; nothing was changed."), errors=errors)


# What a petitioned vote keeps from the bylaws in force when the petition succeeded.
PETITION_LOCKED = ("method", "seats", "threshold", "quorum_percent", "secret", "length")
LOCKED_TERMS = {"method": _l("method"), "seats": _l("seats"), "threshold": _l("threshold"),
                "quorum_percent": _l("quorum"), "secret": _l("secrecy"), "length": _l("length")}


def check_petition_terms(referendum: Referendum, schedule: Schedule) -> None:
    """Steering may move a petitioned vote earlier, where the bylaws allow; nothing else of it."""
    locked = {"method": referendum.method, "seats": referendum.seats, "threshold": referendum.threshold,
              "quorum_percent": referendum.quorum_percent, "secret": referendum.secret,
              "length": referendum.closes_at - referendum.opens_at}
    asked = {"method": schedule.method, "seats": schedule.seats if schedule.method == "stv" else 1,
             "threshold": schedule.threshold if schedule.method == YES_NO_METHOD else None,
             "quorum_percent": schedule.quorum_percent, "secret": schedule.secret,
             "length": schedule.closes_at - schedule.opens_at}
    fields = {"length": "closes_at"}
    errors = {fields.get(term, term): [gettext("Members forced this vote by petition: its %(term)s is fixed by the "
                                               "bylaws in force when the petition succeeded.", term=str(LOCKED_TERMS[term]))]
              for term in PETITION_LOCKED if asked[term] != locked[term]}
    if schedule.opens_at > referendum.opens_at:
        errors["opens_at"] = [gettext("Members forced this vote by petition: it can be moved earlier, not later.")]
    if errors:
        raise ValidationFailed(gettext("A petitioned vote belongs to the petitioners: only an earlier opening is "
                                       "possible; nothing was changed."), errors=errors)


def schedule_warnings(chapter: Chapter, proposal: Proposal, schedule: Schedule | Referendum) -> list[str]:
    """What steering should know but may still decide: a vote closing after the moment the
    elected must act leaves the elected without a mandate in time."""
    if proposal.deadline is None:  # a plank or a repeal: nothing to act by
        return []
    deadline = deadline_moment(chapter, proposal.deadline, proposal.deadline_time)
    if schedule.closes_at is not None and schedule.closes_at > deadline:
        day = dated(proposal.deadline, "%-d %B %Y", "yMMMMd")
        if proposal.deadline_time:
            return [gettext("The vote closes after the proposal's deadline (%(day)s, at %(time)s in %(zone)s): the "
                            "elected would have to act before members decide.", day=day,
                            time=proposal.deadline_time.strftime("%H:%M"), zone=chapter.timezone)]
        return [gettext("The vote closes after the proposal's deadline (%(day)s, by the end of the day in %(zone)s): "
                        "the elected would have to act before members decide.", day=day, zone=chapter.timezone)]
    return []


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
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee schedules votes."))
        if proposal.status != ProposalStatus.DELIBERATION:
            raise InvalidTransition(gettext("Only a proposal in deliberation can be put to a vote."))
        if proposal.kind == ProposalKind.ELECTION:
            check_election_schedule(s.get(Election, proposal.id), proposal, schedule)
        check_schedule(schedule, proposal, bylaws_of(chapter, s), now())
        referendum = Referendum(proposal_id=proposal.id, by_petition=False)
        _apply(referendum, schedule)
        s.add(referendum)
        transition(proposal, ProposalStatus.SCHEDULED)
        s.flush()
        audit.record(s, "referendum.scheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, **_describe(referendum)})
        notifications.proposal_moved(uow, proposal, chapter, by=actor.id)
    return referendum


def _referendum_for_change(session: Session, actor: User, chapter: Chapter,
                           referendum_id: int) -> tuple[Referendum, Proposal, Membership | None]:
    referendum = session.get(Referendum, referendum_id)
    if referendum is None:
        raise NotFound(gettext("No such vote."))
    proposal, mine = acting_on(session, actor, chapter, referendum.proposal_id)
    require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee schedules votes."))
    if referendum.status_at(now()) != ReferendumStatus.SCHEDULED:
        raise InvalidTransition(gettext("The vote has opened: its method, parameters and times can no longer change."))
    return referendum, proposal, mine


def reschedule_referendum(actor: User, chapter: Chapter, referendum_id: int, schedule: Schedule) -> Referendum:
    with unit_of_work() as uow:
        s = uow.session
        referendum, proposal, _ = _referendum_for_change(s, actor, chapter, referendum_id)
        if referendum.by_petition and schedule.opens_at and schedule.closes_at:
            check_petition_terms(referendum, schedule)  # first: its refusal is the one that matters
        check_schedule(schedule, proposal, bylaws_of(chapter, s), now())
        before = _describe(referendum)
        _apply(referendum, schedule)
        audit.record(s, "referendum.rescheduled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "before": before, "after": _describe(referendum)})
    return referendum


def cancel_referendum(actor: User, chapter: Chapter, referendum_id: int, reason: str | None) -> Proposal:
    """Steering calls off a vote before it opens, saying why in public; the proposal goes back to
    deliberation."""
    with unit_of_work() as uow:
        s = uow.session
        referendum, proposal, _ = _referendum_for_change(s, actor, chapter, referendum_id)
        if referendum.by_petition:
            raise InvalidTransition(gettext("Members forced this vote by petition: it cannot be cancelled."))
        reason = stated_reasons.checked(reason)
        transition(proposal, ProposalStatus.DELIBERATION)
        stated_reasons.state(uow, chapter, proposal, actor, StatedAction.VOTE_CANCELLED, reason, as_steering=True)
        audit.record(s, "referendum.cancelled", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "reason": reason, **_describe(referendum)})
        s.delete(referendum)
        notifications.proposal_moved(uow, proposal, chapter, by=actor.id)
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
    s = db.session
    referendum = s.scalar(select(Referendum).options(selectinload(Referendum.proposal).selectinload(Proposal.options))
                          .where(Referendum.id == referendum_id))
    if referendum is None or referendum.proposal.chapter_id != chapter.id:
        raise NotFound(gettext("No such vote."))
    mine = membership_of(actor, chapter)
    require_visible(actor, mine, referendum.proposal, chapter, s)
    entry = s.scalar(select(VoterRollEntry).where(VoterRollEntry.referendum_id == referendum.id,
                                                  VoterRollEntry.membership_id == mine.id)) if mine else None
    turnout = s.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.voted_on.is_not(None))) or 0
    return ReferendumView(referendum, referendum.proposal, mine, referendum.status_at(now()), entry, turnout)

