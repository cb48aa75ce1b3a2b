"""General meetings. Steering calls one: when, where (a place, a video link or both), who chairs and
who tells, and the agenda of proposals it will vote on. Members check in with the code on the
room's screen (it changes every minute, so a code passed on to someone at home is soon worthless),
online where the meeting lets remote attendees in, or from a teller's roster. The chair calls the
meeting to order and adjourns it; while it sits with its quorum present, the chair or a teller
opens a vote on an agenda proposal for some minutes. That vote is a referendum like any other —
one ballot each, sealed, trackers, the board, the verifier, mandates from the result — whose roll
is the members checked in when it opens, frozen then (services/meeting_votes.py)."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    AgendaItem,
    Attendance,
    Bylaws,
    Chapter,
    CheckIn,
    Meeting,
    MeetingStatus,
    MeetingTeller,
    Membership,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Result,
    Standing,
    User,
    VoterRollEntry,
)
from openbargain.models.meeting import PLACE_MAX, VIDEO_URL_MAX
from openbargain.models.proposal import TITLE_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, throttle
from openbargain.services.access import (
    bylaws_of,
    members_in_good_standing,
    membership_of,
    memberships_by_email,
    require,
)
from openbargain.services.errors import InvalidTransition, NotEligible, NotFound, ValidationFailed
from openbargain.services.text import check_one_line, web_address_problem
from openbargain.services.uow import unit_of_work

CODE_SECONDS = 60  # the room code changes this often; the one before it is still taken
CODE_DIGITS = 6
# Wrong room codes a member may try before waiting: six digits, two valid at a time, are not
# guessed in ten tries.
CODE_FAILURES = "10 per 10 minutes"
MEETING_HOURS_MAX = 24
AGENDA_MAX = 50
TELLERS_MAX = 20
CALLED_AHEAD_MAX = timedelta(days=365)
SUGGESTIONS_MAX = 3_000
SCREEN_REFUSED = _l("The room's screen is for the meeting's chair and tellers: it shows the check-in code.")  # names the attendance page suggests; beyond, tellers type the email


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str = ""
    video_url: str = ""
    remote_check_in: bool = False
    chair_email: str = ""
    teller_emails: tuple[str, ...] = ()
    agenda: tuple[int, ...] = ()  # proposal ids, in order


# --- the room code --------------------------------------------------------------------------

def _code_for(meeting: Meeting, window: int) -> str:
    digest = hmac.new(meeting.room_key, f"meeting:{meeting.id}:{window}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def code_window(moment: datetime) -> int:
    """Which minute's code is shown at this moment."""
    return int(moment.timestamp()) // CODE_SECONDS


def room_code(meeting: Meeting, moment: datetime) -> str:
    """The code the room's screen shows now."""
    return _code_for(meeting, code_window(moment))


def code_matches(meeting: Meeting, code: str, moment: datetime) -> bool:
    """The code on the screen now, or the one it showed a minute ago (read just before it changed)."""
    typed = "".join(ch for ch in code if ch.isdigit())
    window = code_window(moment)
    return len(typed) == CODE_DIGITS and any(
        hmac.compare_digest(typed, _code_for(meeting, w)) for w in (window, window - 1))


# --- calling, changing and cancelling a meeting ---------------------------------------------

def _members(session: Session, chapter: Chapter, emails: list[str], field: str,
             errors: dict) -> list[Membership]:
    members, unfit = members_in_good_standing(session, chapter.id, emails)
    if unfit:
        errors[field] = [gettext("These are not members of this chapter in good standing: %(emails)s.",
                                 emails=", ".join(unfit))]
    return members


def _check(session: Session, chapter: Chapter, draft: MeetingDraft, meeting: Meeting | None,
           moment: datetime) -> tuple[Membership | None, list[Membership], list[Proposal]]:
    """Every problem with the draft at once, or the chair, tellers and agenda it names."""
    errors: dict[str, list[str]] = {}
    check_one_line(errors, "title", draft.title.strip(), TITLE_MAX, gettext("Give the meeting a title."))
    check_one_line(errors, "place", draft.place.strip(), PLACE_MAX)
    video = draft.video_url.strip()
    if video and (problem := web_address_problem(video, VIDEO_URL_MAX, gettext(
            "A video link is a web address starting with http:// or https://."))):
        errors["video_url"] = [problem]
    if not draft.place.strip() and not video:
        errors["place"] = [gettext("Say where the meeting is held: a place, a video link, or both.")]
    if draft.remote_check_in and not video:
        errors["remote_check_in"] = [gettext("Members attending from afar need the video link.")]
    times_fixed = meeting is not None and meeting.called_to_order_at is not None
    if times_fixed and (draft.starts_at, draft.ends_at) != (meeting.starts_at, meeting.ends_at):
        errors["starts_at"] = [gettext("The meeting has been called to order: its times can no longer change.")]
    elif draft.starts_at is None:
        errors["starts_at"] = [gettext("Say when the meeting starts.")]
    elif not times_fixed and draft.starts_at < moment and (meeting is None or draft.starts_at != meeting.starts_at):
        errors["starts_at"] = [gettext("A meeting cannot start in the past.")]
    elif draft.starts_at > moment + CALLED_AHEAD_MAX:
        errors["starts_at"] = [gettext("Call a meeting at most a year ahead.")]
    if draft.ends_at is None:
        errors["ends_at"] = [gettext("Say when the meeting is planned to end.")]
    elif draft.starts_at is not None and not (
            draft.starts_at < draft.ends_at <= draft.starts_at + timedelta(hours=MEETING_HOURS_MAX)):
        errors["ends_at"] = [gettext("A meeting ends after it starts, within %(hours)d hours.",
                                     hours=MEETING_HOURS_MAX)]
    chair = None
    if draft.chair_email.strip():
        found = _members(session, chapter, [draft.chair_email], "chair_email", errors)
        chair = found[0] if found else None
    tellers = _members(session, chapter, list(draft.teller_emails), "teller_emails", errors)
    if len(tellers) > TELLERS_MAX:
        errors["teller_emails"] = [gettext("Name at most %(count)d tellers.", count=TELLERS_MAX)]
    agenda = _agenda(session, chapter, list(dict.fromkeys(draft.agenda)), meeting, errors)
    if errors:
        raise ValidationFailed(gettext("The meeting has problems; nothing was changed."), errors=errors)
    return chair, tellers, agenda


def _agenda(session: Session, chapter: Chapter, ids: list[int], meeting: Meeting | None,
            errors: dict) -> list[Proposal]:
    """The proposals a meeting may vote on: published ones in deliberation (or already voted on at
    this meeting), which no committee decided."""
    if len(ids) > AGENDA_MAX:
        errors["agenda"] = [gettext("Put at most %(count)d proposals on the agenda.", count=AGENDA_MAX)]
        return []
    found = {p.id: p for p in session.scalars(select(Proposal).where(Proposal.id.in_(ids),
                                                                     Proposal.chapter_id == chapter.id))}
    taken = set() if meeting is None else set(session.scalars(select(Referendum.proposal_id).where(
        Referendum.meeting_id == meeting.id)))
    unfit = [i for i in ids if i not in found or found[i].kind == ProposalKind.COMMITTEE
             or (found[i].status != ProposalStatus.DELIBERATION and i not in taken)]
    if unfit:
        errors["agenda"] = [gettext("A meeting votes on published proposals in deliberation; not on: %(ids)s.",
                                    ids=", ".join(f"#{i}" for i in unfit))]
    return [found[i] for i in ids if i not in unfit]


def _describe(meeting: Meeting, tellers: list[Membership], agenda: list[Proposal]) -> dict:
    return {"title": meeting.title, "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
            "place": meeting.place, "video_url": meeting.video_url, "remote_check_in": meeting.remote_check_in,
            "chair": meeting.chair_id, "tellers": [t.id for t in tellers], "agenda": [p.id for p in agenda]}


def _fill(meeting: Meeting, draft: MeetingDraft, chair: Membership) -> None:
    meeting.title, meeting.place, meeting.video_url = draft.title.strip(), draft.place.strip(), draft.video_url.strip()
    meeting.starts_at, meeting.ends_at = draft.starts_at, draft.ends_at
    meeting.remote_check_in, meeting.chair_id = draft.remote_check_in, chair.id


def _seat(session: Session, meeting: Meeting, tellers: list[Membership], agenda: list[Proposal]) -> None:
    """Replaces the meeting's tellers and agenda."""
    session.execute(MeetingTeller.__table__.delete().where(MeetingTeller.meeting_id == meeting.id))
    session.execute(AgendaItem.__table__.delete().where(AgendaItem.meeting_id == meeting.id))
    session.add_all([MeetingTeller(meeting_id=meeting.id, membership_id=t.id) for t in tellers])
    session.add_all([AgendaItem(meeting_id=meeting.id, proposal_id=p.id, position=i) for i, p in enumerate(agenda)])
    session.flush()


def call_meeting(actor: User, chapter: Chapter, draft: MeetingDraft) -> Meeting:
    """Steering calls a general meeting; every member in good standing is told."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee calls general meetings."))
        moment = now()
        chair, tellers, agenda = _check(s, chapter, draft, None, moment)
        meeting = Meeting(chapter_id=chapter.id, room_key=secrets.token_bytes(32), called_at=moment)
        _fill(meeting, draft, chair or mine)
        s.add(meeting)
        s.flush()
        _seat(s, meeting, tellers, agenda)
        audit.record(s, "meeting.called", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                     data=_describe(meeting, tellers, agenda))
        notifications.tell(uow, "meeting_called", f"meeting:{meeting.id}", _good_standing(chapter.id, actor.id), chapter=chapter,
                           title=phrase("General meeting called: %(title)s", title=meeting.title),
                           link=notifications.path("meetings.show", slug=chapter.slug, meeting_id=meeting.id))
    return meeting


def _good_standing(chapter_id: int, but: int):
    return notifications.insiders(chapter_id, select(Membership.user_id).where(
        Membership.chapter_id == chapter_id, Membership.standing == Standing.GOOD_STANDING), but=but)


def meeting_in(session: Session, chapter: Chapter, meeting_id: int, lock: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id, Meeting.chapter_id == chapter.id)
    meeting = session.scalar(query.with_for_update() if lock else query)
    if meeting is None:
        raise NotFound(gettext("No such meeting."))
    return meeting


def insider_in(session: Session, actor: User | None, chapter: Chapter) -> Membership:
    mine = membership_of(actor, chapter, session)
    require(policy.is_chapter_insider(mine), mine, gettext("General meetings are for the chapter's members."))
    return mine


def change_meeting(actor: User, chapter: Chapter, meeting_id: int, draft: MeetingDraft) -> Meeting:
    """Steering changes a meeting until it adjourns (its times only until it is called to order)."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee changes meetings."))
        meeting = meeting_in(s, chapter, meeting_id, lock=True)
        if meeting.status_at(now()) in (MeetingStatus.ADJOURNED, MeetingStatus.CANCELLED):
            raise InvalidTransition(gettext("This meeting is over."))
        chair, tellers, agenda = _check(s, chapter, draft, meeting, now())
        before = _describe(meeting, tellers_of(s, meeting.id), agenda_of(s, meeting.id))
        _fill(meeting, draft, chair or meeting.chair)
        _seat(s, meeting, tellers, agenda)
        audit.record(s, "meeting.changed", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                     data={"before": before, "after": _describe(meeting, tellers, agenda)})
    return meeting


def cancel_meeting(actor: User, chapter: Chapter, meeting_id: int) -> Meeting:
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee cancels meetings."))
        meeting = meeting_in(s, chapter, meeting_id, lock=True)
        if meeting.status_at(now()) not in (MeetingStatus.CALLED, MeetingStatus.DOORS_OPEN):
            raise InvalidTransition(gettext("Only a meeting not yet called to order can be cancelled."))
        meeting.cancelled_at = now()
        audit.record(s, "meeting.cancelled", f"meeting:{meeting.id}", actor=actor, chapter=chapter)
        notifications.tell(uow, "meeting_called", f"meeting:{meeting.id}:cancelled", _good_standing(chapter.id, actor.id),
                           chapter=chapter, title=phrase("General meeting cancelled: %(title)s", title=meeting.title),
                           link=notifications.path("meetings.show", slug=chapter.slug, meeting_id=meeting.id))
    return meeting


# --- who runs it ----------------------------------------------------------------------------

def tellers_of(session: Session, meeting_id: int) -> list[Membership]:
    return list(session.scalars(select(Membership).options(selectinload(Membership.user))
                                .join(MeetingTeller, MeetingTeller.membership_id == Membership.id)
                                .where(MeetingTeller.meeting_id == meeting_id).order_by(Membership.id)))


def agenda_of(session: Session, meeting_id: int) -> list[Proposal]:
    return list(session.scalars(select(Proposal).join(AgendaItem, AgendaItem.proposal_id == Proposal.id)
                                .where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)))


def runs(session: Session, meeting: Meeting, mine: Membership | None) -> bool:
    """The chair, a teller, or steering standing in: who checks members in and opens and closes votes."""
    if not policy.in_good_standing(mine):
        return False
    return mine.id == meeting.chair_id or policy.is_active_steering(mine) or session.scalar(
        select(MeetingTeller.membership_id).where(MeetingTeller.meeting_id == meeting.id,
                                                  MeetingTeller.membership_id == mine.id)) is not None


def chairs(session: Session, meeting: Meeting, mine: Membership | None) -> bool:
    """The chair, or steering standing in, calls the meeting to order and adjourns it."""
    return policy.in_good_standing(mine) and (mine.id == meeting.chair_id or policy.is_active_steering(mine))


def acting_at(session: Session, actor: User, chapter: Chapter, meeting_id: int, may, refusal: str) -> Meeting:
    """The meeting a use-case changes, locked for the transaction (check-ins, votes opening and
    closing, the chair's acts queue behind one another), once `may(session, meeting, membership)`
    allows the actor; refused with `refusal` otherwise."""
    meeting = meeting_in(session, chapter, meeting_id, lock=True)
    mine = insider_in(session, actor, chapter)
    require(may(session, meeting, mine), mine, refusal)
    return meeting


def call_to_order(actor: User, chapter: Chapter, meeting_id: int) -> Meeting:
    with unit_of_work() as uow:
        s = uow.session
        meeting = acting_at(s, actor, chapter, meeting_id, chairs, gettext("The chair calls the meeting to order."))
        if meeting.status_at(now()) != MeetingStatus.DOORS_OPEN:
            raise InvalidTransition(gettext("A meeting is called to order from 30 minutes before its start, once."))
        meeting.called_to_order_at = now()
        audit.record(s, "meeting.called_to_order", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                     data={"present": present_count(s, meeting.id)})
    return meeting


def adjourn(actor: User, chapter: Chapter, meeting_id: int) -> Meeting:
    with unit_of_work() as uow:
        s = uow.session
        meeting = acting_at(s, actor, chapter, meeting_id, chairs, gettext("The chair adjourns the meeting."))
        if meeting.status_at(now()) not in (MeetingStatus.DOORS_OPEN, MeetingStatus.IN_SESSION):
            raise InvalidTransition(gettext("This meeting is not sitting."))
        if vote_open_at(s, meeting.id) is not None:
            raise InvalidTransition(gettext("A vote is open: the meeting adjourns once it has closed."))
        meeting.adjourned_at = now()
        audit.record(s, "meeting.adjourned", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                     data={"present": present_count(s, meeting.id)})
    return meeting


# --- attendance -----------------------------------------------------------------------------

def present_count(session: Session, meeting_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Attendance).join(
        Membership, Membership.id == Attendance.membership_id).where(
        Attendance.meeting_id == meeting_id, Attendance.left_at.is_(None),
        Membership.standing == Standing.GOOD_STANDING)) or 0


def quorum_needed(session: Session, chapter: Chapter, bylaws: Bylaws) -> int:
    members = session.scalar(select(func.count()).select_from(Membership).where(
        Membership.chapter_id == chapter.id, Membership.standing == Standing.GOOD_STANDING)) or 0
    return Bylaws.share_of(bylaws.meeting_quorum_percent, members) if bylaws.meeting_quorum_percent else 0


def _checking_in(meeting: Meeting) -> None:
    if meeting.status_at(now()) not in (MeetingStatus.DOORS_OPEN, MeetingStatus.IN_SESSION):
        raise InvalidTransition(gettext("Check-in is open from 30 minutes before the meeting starts until it "
                                        "adjourns."))


def _arrive(session: Session, meeting: Meeting, member: Membership, how: CheckIn, actor: User,
            chapter: Chapter) -> Attendance:
    """Counts the member present (again, if they had left); checking in twice changes nothing."""
    attendance = session.get(Attendance, (meeting.id, member.id))
    if attendance is not None and attendance.left_at is None:
        return attendance
    moment = now()
    if attendance is None:
        attendance = Attendance(meeting_id=meeting.id, membership_id=member.id)
        session.add(attendance)
    attendance.how, attendance.checked_in_at, attendance.left_at = how.value, moment, None
    session.flush()
    audit.record(session, "meeting.checked_in", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                 data={"membership_id": member.id, "how": how.value})
    return attendance


def _code_rules(member: Membership, meeting: Meeting) -> list[tuple[str, tuple[str, ...]]]:
    return [(CODE_FAILURES, ("room-code-failures", str(meeting.id), str(member.id)))]


def check_in(actor: User, chapter: Chapter, meeting_id: int, *, code: str | None = None,
             remote: bool = False) -> Attendance:
    """A member checks themselves in: with the room's code, or online where the meeting allows it."""
    with unit_of_work() as uow:
        s = uow.session
        meeting = meeting_in(s, chapter, meeting_id, lock=True)  # one check-in at a time, and none while a roll freezes
        mine = insider_in(s, actor, chapter)
        if not mine.in_good_standing:
            raise NotEligible(gettext("Members in good standing check in: they are the ones who vote."))
        _checking_in(meeting)
        if remote:
            if not meeting.remote_check_in:
                raise InvalidTransition(gettext("This meeting is held in the room: check in with the code on its "
                                                "screen, or with a teller."))
            how = CheckIn.REMOTE
        else:
            rules = _code_rules(mine, meeting)
            throttle.check_allowed(rules, lambda wait: gettext(
                "Too many wrong codes. Ask a teller to check you in, or try again in %(seconds)d seconds.",
                seconds=wait))
            if not code_matches(meeting, code or "", now()):
                throttle.record_failure(rules)
                raise ValidationFailed.on("code", gettext("This is not the code on the room's screen (it changes "
                                                          "every minute): type the one shown now."))
            how = CheckIn.ROOM
        return _arrive(s, meeting, mine, how, actor, chapter)


def _member_by_email(session: Session, chapter: Chapter, email: str) -> Membership:
    found = memberships_by_email(session, chapter.id, [email.strip().lower()]).get(email.strip().lower())
    if found is None:
        raise ValidationFailed.on("email", gettext("No member of this chapter has this email."))
    return found


def check_in_member(actor: User, chapter: Chapter, meeting_id: int, email: str) -> Attendance:
    """A teller checks a member in from the roster (someone without a phone, or whose code failed)."""
    with unit_of_work() as uow:
        s = uow.session
        meeting = acting_at(s, actor, chapter, meeting_id, runs,
                            gettext("Only the meeting's chair and tellers check members in."))
        _checking_in(meeting)
        member = _member_by_email(s, chapter, email)
        if not member.in_good_standing:
            raise NotEligible(gettext("Only members in good standing are checked in: they are the ones who vote."))
        return _arrive(s, meeting, member, CheckIn.TELLER, actor, chapter)


def leave(actor: User, chapter: Chapter, meeting_id: int, email: str | None = None) -> Attendance:
    """A member leaves (or a teller records that they left): no longer counted for the quorum, nor
    on the roll of a vote opened after. A vote already open keeps the roll it opened with."""
    with unit_of_work() as uow:
        s = uow.session
        meeting = meeting_in(s, chapter, meeting_id, lock=True)
        mine = insider_in(s, actor, chapter)
        member = mine
        if email is not None:
            member = _member_by_email(s, chapter, email)
            if member.id != mine.id:
                require(runs(s, meeting, mine), mine, gettext("Only the meeting's chair and tellers record that "
                                                              "someone left."))
        _checking_in(meeting)
        attendance = s.get(Attendance, (meeting.id, member.id))
        if attendance is None or attendance.left_at is not None:
            raise InvalidTransition(gettext("This member is not checked in."))
        attendance.left_at = now()
        audit.record(s, "meeting.left", f"meeting:{meeting.id}", actor=actor, chapter=chapter,
                     data={"membership_id": member.id})
    return attendance


def vote_open_at(session: Session, meeting_id: int) -> Referendum | None:
    """The meeting's vote open now, if any (services/meeting_votes.py opens and closes them)."""
    return session.scalar(select(Referendum).where(Referendum.meeting_id == meeting_id,
                                                   Referendum.certified_at.is_(None),
                                                   Referendum.closes_at > now()))


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoteLine:
    referendum: Referendum
    proposal: Proposal
    status: ReferendumStatus
    turnout: int  # ballots cast so far (roll entries marked as voted): never how they were cast
    result: Result | None
    my_entry: VoterRollEntry | None


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    membership: Membership
    status: MeetingStatus
    agenda: list[Proposal]
    tellers: list[Membership]
    votes: list[VoteLine]
    present: int
    needed: int
    mine: Attendance | None
    runs: bool
    chairs: bool

    @property
    def open_vote(self) -> VoteLine | None:
        return next((v for v in self.votes if v.status == ReferendumStatus.OPEN), None)

    @property
    def quorate(self) -> bool:
        return self.present >= self.needed

    @property
    def checked_in(self) -> bool:
        return self.mine is not None and self.mine.left_at is None

    def voted_on(self, proposal: Proposal) -> VoteLine | None:
        return next((v for v in self.votes if v.proposal.id == proposal.id), None)


def _votes(session: Session, meeting: Meeting, mine: Membership) -> list[VoteLine]:
    referenda_ = list(session.scalars(select(Referendum).options(selectinload(Referendum.proposal))
                                      .where(Referendum.meeting_id == meeting.id).order_by(Referendum.opens_at)))
    ids = [r.id for r in referenda_]
    turnout = dict(session.execute(select(VoterRollEntry.referendum_id, func.count()).where(
        VoterRollEntry.referendum_id.in_(ids), VoterRollEntry.voted_on.is_not(None))
        .group_by(VoterRollEntry.referendum_id)).all())
    found = {r.referendum_id: r for r in session.scalars(select(Result).where(Result.referendum_id.in_(ids)))}
    entries = {e.referendum_id: e for e in session.scalars(select(VoterRollEntry).where(
        VoterRollEntry.referendum_id.in_(ids), VoterRollEntry.membership_id == mine.id))}
    moment = now()
    return [VoteLine(r, r.proposal, r.status_at(moment), turnout.get(r.id, 0), found.get(r.id), entries.get(r.id))
            for r in referenda_]


def get_meeting(actor: User | None, chapter: Chapter, meeting_id: int) -> MeetingView:
    s = db.session
    meeting = meeting_in(s, chapter, meeting_id)
    mine = insider_in(s, actor, chapter)
    return MeetingView(meeting, mine, meeting.status_at(now()), agenda_of(s, meeting.id), tellers_of(s, meeting.id),
                       _votes(s, meeting, mine), present_count(s, meeting.id),
                       quorum_needed(s, chapter, bylaws_of(chapter, s)), s.get(Attendance, (meeting.id, mine.id)),
                       runs(s, meeting, mine), chairs(s, meeting, mine))


def live_version(actor: User | None, chapter: Chapter, meeting_id: int) -> str:
    """A digest of what the meeting's page shows this member and may change while it sits — its
    state, who is present, the agenda, each vote's state and turnout, their own check-in and
    ballots: the live part's ETag. Every phone in the hall asks for it every few seconds, so it
    is a handful of small queries and no rendering; the page is rendered only when it changes."""
    s = db.session
    return _live_digest(s, meeting_in(s, chapter, meeting_id), insider_in(s, actor, chapter))


def screen_version(actor: User | None, chapter: Chapter, meeting_id: int) -> str:
    """The room's screen's version: the meeting's, and the code's minute; for those who may see it."""
    s = db.session
    meeting, mine = meeting_in(s, chapter, meeting_id), insider_in(s, actor, chapter)
    require(runs(s, meeting, mine), mine, str(SCREEN_REFUSED))
    return f"{_live_digest(s, meeting, mine)}-{code_window(now())}"


def _live_digest(s: Session, meeting: Meeting, mine: Membership) -> str:
    moment = now()
    votes = s.execute(select(Referendum.id, Referendum.closes_at, Referendum.certified_at,
                             func.count(VoterRollEntry.voted_on))
                      .outerjoin(VoterRollEntry, VoterRollEntry.referendum_id == Referendum.id)
                      .where(Referendum.meeting_id == meeting.id).group_by(Referendum.id).order_by(Referendum.id)).all()
    voted = s.execute(select(VoterRollEntry.referendum_id, VoterRollEntry.voted_on).join(
        Referendum, Referendum.id == VoterRollEntry.referendum_id).where(
        Referendum.meeting_id == meeting.id, VoterRollEntry.membership_id == mine.id)
        .order_by(VoterRollEntry.referendum_id)).all()
    attendance_ = s.get(Attendance, (meeting.id, mine.id))
    state = [meeting.status_at(moment).value, present_count(s, meeting.id), mine.standing.value,
             [p.id for p in agenda_of(s, meeting.id)],
             [(v[0], v[1] <= moment, v[2] is not None, v[3]) for v in votes], [(e[0], e[1] is not None) for e in voted],
             None if attendance_ is None else (attendance_.how, attendance_.left_at is None)]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Screen:
    view: MeetingView
    code: str | None  # shown while members can check in
    last_result: VoteLine | None


def screen(actor: User | None, chapter: Chapter, meeting_id: int) -> Screen:
    """What the room's screen shows: the check-in code, who is present against the quorum, the vote
    open and its turnout (never its partial count), and the last result certified."""
    view = get_meeting(actor, chapter, meeting_id)
    require(view.runs, view.membership, str(SCREEN_REFUSED))
    checking_in = view.status in (MeetingStatus.DOORS_OPEN, MeetingStatus.IN_SESSION)
    done = [v for v in view.votes if v.result is not None]
    return Screen(view, room_code(view.meeting, now()) if checking_in else None,
                  max(done, key=lambda v: v.result.certified_at) if done else None)


@dataclass(frozen=True)
class Attendee:
    attendance: Attendance
    name: str
    email: str


def attendance(actor: User | None, chapter: Chapter, meeting_id: int) -> tuple[MeetingView, list[Attendee],
                                                                               list[tuple[str, str]]]:
    """For the chair and tellers: who checked in (and left), and the roster's suggestions — the
    name and email of each member in good standing not present, for a chapter small enough to
    send them all (a larger one's tellers type the email)."""
    s = db.session
    view = get_meeting(actor, chapter, meeting_id)
    require(view.runs, view.membership, gettext("Only the meeting's chair and tellers keep its attendance."))
    rows = s.scalars(select(Attendance).options(selectinload(Attendance.membership).selectinload(Membership.user))
                     .where(Attendance.meeting_id == meeting_id).order_by(Attendance.checked_in_at))
    attendees = [Attendee(a, a.membership.user.name, a.membership.user.email) for a in rows]
    here = {a.attendance.membership_id for a in attendees if a.attendance.left_at is None}
    roster = s.execute(select(Membership.id, User.name, User.email).join(User, User.id == Membership.user_id).where(
        Membership.chapter_id == chapter.id, Membership.standing == Standing.GOOD_STANDING)
        .order_by(User.name).limit(SUGGESTIONS_MAX + 1)).all()
    absent = [(name, email) for m, name, email in roster if m not in here] if len(roster) <= SUGGESTIONS_MAX else []
    return view, attendees, absent


@dataclass(frozen=True)
class Meetings:
    upcoming: list[Meeting]
    past: list[Meeting]
    may_call: bool


def list_meetings(actor: User | None, chapter: Chapter) -> Meetings:
    s = db.session
    mine = insider_in(s, actor, chapter)
    moment = now()
    meetings = list(s.scalars(select(Meeting).where(Meeting.chapter_id == chapter.id).order_by(Meeting.starts_at)))
    over = (MeetingStatus.ADJOURNED, MeetingStatus.CANCELLED)
    return Meetings([m for m in meetings if m.status_at(moment) not in over],
                    [m for m in reversed(meetings) if m.status_at(moment) in over], policy.can_schedule(actor, mine))


def proposals_for_agenda(actor: User, chapter: Chapter) -> list[Proposal]:
    """What steering may put on an agenda: the chapter's proposals in deliberation."""
    s = db.session
    insider_in(s, actor, chapter)
    return list(s.scalars(select(Proposal).where(Proposal.chapter_id == chapter.id,
                                                 Proposal.status == ProposalStatus.DELIBERATION,
                                                 Proposal.kind != ProposalKind.COMMITTEE).order_by(Proposal.id)))
