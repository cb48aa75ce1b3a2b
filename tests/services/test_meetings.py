"""General meetings (issue 19, part 1): steering calls one; members check in by the room's rotating
code, online where allowed, or by a teller; the quorum is counted from who is present; the chair or
a teller opens a vote of minutes whose roll is who is present then; it is cast, sealed, certified at
close, recounted by the verifier and issues mandates as any referendum — on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Attendance, Mandate, Notification, Referendum, VoterRollEntry
from openbargain.services import calendar, casting, meeting_votes, meetings, paper, results
from openbargain.services.errors import (
    AlreadyVoted,
    InvalidTransition,
    NotEligible,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from openbargain.services.throttle import TooManyAttempts
from tests import factories
from tests.conftest import other_app
from tests.helpers import at, audit_events, membership, race, set_bylaws


def draft(world, agenda, **changes) -> meetings.MeetingDraft:
    values = dict(title="Spring general meeting", starts_at=now() + timedelta(hours=1),
                  ends_at=now() + timedelta(hours=3), place="Union hall, 12 Dock Street",
                  video_url="https://video.example/riverside", remote_check_in=True, chair_email=world.steering.email,
                  teller_emails=(world.elected.email,), agenda=tuple(p.id for p in agenda))
    values.update(changes)
    return meetings.MeetingDraft(**values)


@pytest.fixture
def meeting(world):
    proposal = factories.deliberated_proposal(world)
    called = meetings.call_meeting(world.steering, world.chapter, draft(world, [proposal]))
    return db.session.get(type(called), called.id), proposal


def in_session(world, meeting):
    at(meeting.starts_at)
    meetings.call_to_order(world.steering, world.chapter, meeting.id)


def code_now(meeting) -> str:
    return meetings.room_code(meeting, now())


def test_steering_calls_a_meeting_and_members_are_told(app, world):
    proposal = factories.deliberated_proposal(world)
    with pytest.raises(PermissionDenied):
        meetings.call_meeting(world.member, world.chapter, draft(world, [proposal]))
    unpublished = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], publish=False,
                                         title="Draft")
    with pytest.raises(ValidationFailed) as refused:
        meetings.call_meeting(world.steering, world.chapter, draft(
            world, [unpublished], title="", place="", video_url="", starts_at=now() - timedelta(hours=1),
            chair_email=world.lapsed.email))
    assert {"title", "place", "remote_check_in", "starts_at", "chair_email", "agenda"} <= set(refused.value.errors)
    with pytest.raises(ValidationFailed) as refused:
        meetings.call_meeting(world.steering, world.chapter, draft(world, [proposal], video_url="zoom me",
                                                                  ends_at=now()))
    assert {"video_url", "ends_at"} <= set(refused.value.errors)
    called = meetings.call_meeting(world.steering, world.chapter, draft(world, [proposal]))
    [event] = audit_events("meeting.called")
    assert event.data["agenda"] == [proposal.id] and event.data["tellers"] == [membership(world.elected).id]
    told = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "meeting_called"))}
    assert told == {world.member.id, world.elected.id}  # in good standing; not who called it
    view = meetings.get_meeting(world.member, world.chapter, called.id)
    assert view.status.value == "called" and [p.id for p in view.agenda] == [proposal.id]
    with pytest.raises(NotFound):  # outsiders learn nothing
        meetings.get_meeting(world.suspended, world.chapter, called.id)


def test_members_check_in_with_the_room_code_online_or_by_a_teller(app, world, meeting):
    meeting, _ = meeting
    with pytest.raises(InvalidTransition):  # the doors open half an hour before the start
        meetings.check_in(world.member, world.chapter, meeting.id, code=code_now(meeting))
    at(meeting.starts_at - timedelta(minutes=20))
    with pytest.raises(ValidationFailed) as wrong:
        meetings.check_in(world.member, world.chapter, meeting.id, code="000000" if code_now(meeting) != "000000"
                          else "111111")
    assert "code" in wrong.value.errors
    shown = code_now(meeting)
    at(now() + timedelta(seconds=61))  # the screen moved on; the code read a moment ago still counts
    assert meetings.check_in(world.member, world.chapter, meeting.id, code=shown).how == "room"
    at(now() + timedelta(minutes=3))
    with pytest.raises(ValidationFailed):  # a code passed on to someone at home soon stops working
        meetings.check_in(world.steering, world.chapter, meeting.id, code=shown)
    assert meetings.check_in(world.steering, world.chapter, meeting.id, remote=True).how == "remote"
    with pytest.raises(NotEligible):
        meetings.check_in(world.lapsed, world.chapter, meeting.id, remote=True)
    with pytest.raises(PermissionDenied):  # only the chair and tellers check others in
        meetings.check_in_member(world.member, world.chapter, meeting.id, world.elected.email)
    assert meetings.check_in_member(world.elected, world.chapter, meeting.id, world.elected.email).how == "teller"
    with pytest.raises(NotEligible):
        meetings.check_in_member(world.elected, world.chapter, meeting.id, world.lapsed.email)
    view = meetings.get_meeting(world.member, world.chapter, meeting.id)
    assert (view.present, view.needed, view.quorate) == (3, 1, True)
    meetings.leave(world.member, world.chapter, meeting.id)
    assert meetings.get_meeting(world.member, world.chapter, meeting.id).present == 2
    with pytest.raises(PermissionDenied):
        meetings.leave(world.member, world.chapter, meeting.id, world.steering.email)
    events = audit_events("meeting.checked_in")
    assert [(e.data["membership_id"], e.data["how"]) for e in events] == [
        (membership(world.member).id, "room"), (membership(world.steering).id, "remote"),
        (membership(world.elected).id, "teller")]
    assert len(audit_events("meeting.left")) == 1


def test_a_meeting_held_in_the_room_only_refuses_remote_check_in(app, world):
    proposal = factories.deliberated_proposal(world)
    called = meetings.call_meeting(world.steering, world.chapter, draft(world, [proposal], remote_check_in=False,
                                                                       video_url=""))
    at(called.starts_at)
    with pytest.raises(InvalidTransition):
        meetings.check_in(world.member, world.chapter, called.id, remote=True)


def test_wrong_room_codes_are_throttled(app, world, meeting):
    meeting, _ = meeting
    at(meeting.starts_at)
    wrong = "999999" if code_now(meeting) != "999999" else "888888"
    with other_app(RATELIMIT_ENABLED=True):
        for _ in range(10):
            with pytest.raises(ValidationFailed):
                meetings.check_in(world.member, world.chapter, meeting.id, code=wrong)
        with pytest.raises(TooManyAttempts):  # even the right code waits now: guessing stops here
            meetings.check_in(world.member, world.chapter, meeting.id, code=code_now(meeting))


def test_a_meeting_vote_rolls_who_is_present_and_counts_as_any_referendum(app, world, meeting):
    meeting, proposal = meeting
    at(meeting.starts_at - timedelta(minutes=10))
    for user in (world.member, world.elected):
        meetings.check_in(user, world.chapter, meeting.id, code=code_now(meeting))
    with pytest.raises(InvalidTransition):  # not called to order yet
        meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    in_session(world, meeting)
    with pytest.raises(PermissionDenied):
        meeting_votes.open_vote(world.member, world.chapter, meeting.id, proposal.id)
    other = factories.deliberated_proposal(world, "Not on the agenda")
    with pytest.raises(ValidationFailed):
        meeting_votes.open_vote(world.steering, world.chapter, meeting.id, other.id)
    with pytest.raises(ValidationFailed):
        meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id, minutes=0)
    vote = meeting_votes.open_vote(world.elected, world.chapter, meeting.id, proposal.id, minutes=5)  # a teller
    vote = db.session.get(Referendum, vote.id)
    assert vote.meeting_id == meeting.id and vote.secret and vote.closes_at - vote.opens_at == timedelta(minutes=5)
    assert vote.roll_size == 2 and vote.roll_frozen_at is not None
    with pytest.raises(InvalidTransition):  # one vote at a time
        meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    # Steering arrives after the vote opened: present, counted for the quorum, not on this roll.
    meetings.check_in(world.steering, world.chapter, meeting.id, code=code_now(meeting))
    with pytest.raises(NotEligible):
        casting.cast_ballot(world.steering, world.chapter, vote.id, {"choice": "yes"})
    receipt = casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    with pytest.raises(AlreadyVoted):
        casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "no"})
    casting.cast_ballot(world.elected, world.chapter, vote.id, {"choice": "yes"})
    with pytest.raises(InvalidTransition):  # the meeting adjourns once its vote is closed
        meetings.adjourn(world.steering, world.chapter, meeting.id)
    screen = meetings.screen(world.steering, world.chapter, meeting.id)
    assert screen.view.open_vote.turnout == 2 and screen.view.open_vote.result is None  # turnout, never a count
    at(vote.closes_at)
    assert results.certify_closed(world.chapter.id) == 1
    result = results.get_result(world.member, world.chapter, vote.id)
    assert (result.result.outcome, result.result.ballots_cast, result.result.roll_size) == ("adopted", 2, 2)
    assert results.find_tracker(world.member, world.chapter, vote.id, receipt.tracker)
    assert results.verify_result(vote.id) == []
    assert db.session.scalars(select(Mandate).where(Mandate.proposal_id == proposal.id)).all()
    assert meetings.screen(world.steering, world.chapter, meeting.id).last_result.result.outcome == "adopted"
    meetings.adjourn(world.steering, world.chapter, meeting.id)
    with pytest.raises(InvalidTransition):
        meetings.check_in(world.member, world.chapter, meeting.id, code=code_now(meeting))
    assert meetings.screen(world.steering, world.chapter, meeting.id).code is None
    assert [e.kind for e in audit_events() if e.kind.startswith("meeting.")][-1] == "meeting.adjourned"


def test_a_vote_needs_the_meeting_s_quorum_and_a_member_who_left_is_not_on_its_roll(app, world, meeting):
    meeting, proposal = meeting
    set_bylaws(world.chapter, meeting_quorum_percent=100)
    in_session(world, meeting)
    for user in (world.member, world.elected, world.steering):
        meetings.check_in(user, world.chapter, meeting.id, remote=True)
    meetings.leave(world.elected, world.chapter, meeting.id, world.member.email)  # a teller records it
    with pytest.raises(InvalidTransition) as refused:
        meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    assert "2 present, 3 needed" in str(refused.value)
    set_bylaws(world.chapter, meeting_quorum_percent=50)
    vote = meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    on_roll = set(db.session.scalars(select(VoterRollEntry.membership_id).where(
        VoterRollEntry.referendum_id == vote.id)))
    assert on_roll == {membership(world.elected).id, membership(world.steering).id}
    assert vote.closes_at - vote.opens_at == timedelta(minutes=10)  # the bylaws' default length


def test_roll_call_bylaws_make_meeting_votes_roll_call(app, world, meeting):
    meeting, proposal = meeting
    set_bylaws(world.chapter, meeting_roll_call=True)
    in_session(world, meeting)
    meetings.check_in(world.member, world.chapter, meeting.id, remote=True)
    vote = meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    assert not db.session.get(Referendum, vote.id).secret


def test_the_chair_closes_early_only_once_every_ballot_is_in_and_it_is_certified_at_once(app, world, meeting):
    meeting, proposal = meeting
    in_session(world, meeting)
    for user in (world.member, world.elected):
        meetings.check_in(user, world.chapter, meeting.id, remote=True)
    vote = meeting_votes.open_vote(world.steering, world.chapter, meeting.id, proposal.id)
    assert {t.id for t in paper.tellers_of(db.session, vote.id)} == {membership(world.steering).id,
                                                                     membership(world.elected).id}  # chair, teller
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "no"})
    with pytest.raises(InvalidTransition):
        meeting_votes.close_vote(world.steering, world.chapter, meeting.id, vote.id)
    paper.mark_on_paper(world.elected, world.chapter, vote.id, world.elected.email)  # votes on paper in the room
    with pytest.raises(InvalidTransition):  # the paper ballot is not entered yet
        meeting_votes.close_vote(world.steering, world.chapter, meeting.id, vote.id)
    paper.enter_batch(world.elected, world.chapter, vote.id, "Room box", [{"choice": "no"}])
    paper.enter_batch(world.steering, world.chapter, vote.id, "Room box", [{"choice": "no"}])
    with pytest.raises(PermissionDenied):
        meeting_votes.close_vote(world.member, world.chapter, meeting.id, vote.id)
    result = meeting_votes.close_vote(world.steering, world.chapter, meeting.id, vote.id)
    assert (result.outcome, result.ballots_cast, result.paper_ballots) == ("rejected", 2, 1)
    assert audit_events("meeting.vote_closed") and results.verify_result(vote.id) == []


def test_only_the_chair_or_steering_calls_to_order_and_adjourns(app, world, meeting):
    meeting, _ = meeting
    at(meeting.starts_at)
    for user in (world.member, world.elected):  # a member; a teller
        with pytest.raises(PermissionDenied):
            meetings.call_to_order(user, world.chapter, meeting.id)
    meetings.call_to_order(world.steering, world.chapter, meeting.id)
    with pytest.raises(InvalidTransition):
        meetings.call_to_order(world.steering, world.chapter, meeting.id)
    with pytest.raises(PermissionDenied):
        meetings.adjourn(world.elected, world.chapter, meeting.id)
    with pytest.raises(ValidationFailed) as refused:  # called to order: its times are fixed
        meetings.change_meeting(world.steering, world.chapter, meeting.id, draft(
            world, [], starts_at=meeting.starts_at + timedelta(hours=1), ends_at=meeting.ends_at + timedelta(hours=1)))
    assert "starts_at" in refused.value.errors
    with pytest.raises(InvalidTransition):
        meetings.cancel_meeting(world.steering, world.chapter, meeting.id)
    meetings.adjourn(world.steering, world.chapter, meeting.id)
    assert meetings.get_meeting(world.member, world.chapter, meeting.id).status.value == "adjourned"


def test_steering_changes_or_cancels_a_meeting_before_it_sits(app, world, meeting):
    meeting, proposal = meeting
    later = factories.deliberated_proposal(world, "Second item")
    changed = meetings.change_meeting(world.steering, world.chapter, meeting.id, draft(
        world, [later, proposal], chair_email=world.elected.email, teller_emails=()))
    view = meetings.get_meeting(world.elected, world.chapter, changed.id)
    assert [p.id for p in view.agenda] == [later.id, proposal.id] and view.chairs and view.tellers == []
    [event] = audit_events("meeting.changed")
    assert event.data["before"]["agenda"] == [proposal.id] and event.data["after"]["chair"] == membership(world.elected).id
    with pytest.raises(PermissionDenied):
        meetings.cancel_meeting(world.member, world.chapter, meeting.id)
    meetings.cancel_meeting(world.steering, world.chapter, meeting.id)
    at(meeting.starts_at)
    with pytest.raises(InvalidTransition):
        meetings.check_in(world.member, world.chapter, meeting.id, remote=True)
    assert meetings.list_meetings(world.member, world.chapter).past[0].id == meeting.id


def test_a_member_checking_in_twice_at_once_is_present_once(app, world, meeting):
    meeting, _ = meeting
    at(meeting.starts_at)
    chapter_id, meeting_id = world.chapter.id, meeting.id

    def arrive():
        from openbargain.models import Chapter, User
        meetings.check_in(db.session.get(User, world.member.id), db.session.get(Chapter, chapter_id), meeting_id,
                          remote=True)

    outcomes = race(app, [arrive, arrive])
    assert outcomes == [None, None]
    assert len(db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()) == 1
    assert len(audit_events("meeting.checked_in")) == 1


def test_a_meeting_is_on_the_members_calendar_and_feed_not_the_public_one(app, world, meeting):
    meeting, _ = meeting
    entries = calendar.agenda(world.member, world.chapter).upcoming
    assert ("meeting", ("meeting", meeting.id)) in [(d.kind, d.link) for d in entries]
    assert "meeting" not in [d.kind for d in calendar.agenda(None, world.chapter).upcoming]
    body = calendar.feed(world.chapter, calendar.feed_key(world.member, world.chapter),
                         lambda kind, i: f"https://example.org/{kind}/{i}").decode()
    assert "General meeting: Spring general meeting" in body and "https://example.org/meeting/" in body
    assert "Union hall" in body  # its place, as the event's location
    assert "General meeting" not in calendar.feed(world.chapter, None, lambda kind, i: "x").decode()
    meetings.cancel_meeting(world.steering, world.chapter, meeting.id)
    assert "meeting" not in [d.kind for d in calendar.agenda(world.member, world.chapter).upcoming]


def test_a_meeting_cannot_cut_the_bylaws_deliberation_short(app, world):
    fresh = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Published today")
    called = meetings.call_meeting(world.steering, world.chapter, draft(world, [fresh]))
    in_session(world, called)
    meetings.check_in(world.member, world.chapter, called.id, remote=True)
    with pytest.raises(InvalidTransition) as refused:
        meeting_votes.open_vote(world.steering, world.chapter, called.id, fresh.id)
    assert "168 hours of deliberation" in str(refused.value)
    assert db.session.scalar(select(Referendum).where(Referendum.meeting_id == called.id)) is None
