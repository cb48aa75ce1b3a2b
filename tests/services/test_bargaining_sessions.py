"""Live open-bargaining sessions (issue 18, part 1): opening, posting, release by delay and
embargo, temperature checks, watchers, closing — each rule for each role, on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import EntryKind, SessionEntry, SessionReaction, Temperature
from openbargain.services import bargaining_sessions as sessions, feed
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import audit_events, membership, race, set_bylaws


def draft(**changes) -> sessions.SessionDraft:
    values = dict(subject="The budget vote", counterparty="Speaker's office",
                  at_the_table="Alex Rivera (our elected); the Speaker's chief of staff")
    values.update(changes)
    return sessions.SessionDraft(**values)


@pytest.fixture
def live(world):
    return sessions.open_session(world.elected, world.chapter, draft())



def later(minutes: float):
    moment = now() + timedelta(minutes=minutes)
    set_clock(lambda: moment)
    return moment


def test_an_elected_opens_a_session_sealed_in_the_audit_chain_and_told_to_followers(app, world):
    from openbargain.models import Notification
    from openbargain.services import follows

    follows.follow(world.member, world.chapter, membership_id=membership(world.elected).id)
    session = sessions.open_session(world.elected, world.chapter, draft())
    [event] = audit_events("bargaining_session.opened")
    assert event.subject == f"bargaining_session:{session.id}" and event.data["subject"] == "The budget vote"
    assert event.data["delay_minutes"] == 0 and event.data["embargo_until"] is None
    notice = db.session.scalar(select(Notification).where(Notification.user_id == world.member.id))
    assert notice.link.endswith(f"/sessions/{session.id}")


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("steering", PermissionDenied),
                                         ("suspended", NotFound), ("other_steering", NotFound)])
def test_only_electeds_open_sessions(app, world, role, error):
    with pytest.raises(error):
        sessions.open_session(world.user(role), world.chapter, draft())
    assert audit_events("bargaining_session.opened") == []


@pytest.mark.parametrize("changes, field", [
    ({"subject": " "}, "subject"), ({"subject": "two\nlines"}, "subject"), ({"counterparty": ""}, "counterparty"),
    ({"at_the_table": ""}, "at_the_table"), ({"at_the_table": "x" * 2001}, "at_the_table"),
    ({"starts_at": "past"}, "starts_at"), ({"embargo_until": "past"}, "embargo_until"),
    ({"note_taker_email": "other chapter"}, "note_taker_email"), ({"note_taker_email": "nobody@example.org"},
                                                                 "note_taker_email"), ({"proposal_ids": [999999]}, "proposal_ids"),
    ({"mandate_ids": [999999]}, "mandate_ids"),
])
def test_a_bad_session_is_refused_with_its_field_and_nothing_is_written(app, world, changes, field):
    values = dict(changes)
    for key in ("starts_at", "embargo_until"):
        if values.get(key) == "past":
            values[key] = now() - timedelta(hours=1)
    if values.get("note_taker_email") == "other chapter":
        values["note_taker_email"] = world.other_steering.email
    with pytest.raises(ValidationFailed) as refused:
        sessions.open_session(world.elected, world.chapter, draft(**values))
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(sessions.BargainingSession)) == 0


def test_a_session_is_about_proposals_and_the_electeds_own_mandates(app, world):
    mandate = factories.make_mandate(world)
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    session = sessions.open_session(world.elected, world.chapter,
                                    draft(proposal_ids=[proposal.id, proposal.id], mandate_ids=[mandate.id]))
    view = sessions.get_session(world.member, world.chapter, session.id)
    assert [p.id for p in view.proposals] == [proposal.id] and [m.id for m in view.mandates] == [mandate.id]
    someone_else = factories.make_membership(world.chapter, elected=True).user
    with pytest.raises(ValidationFailed) as refused:  # not their mandate
        sessions.open_session(someone_else, world.chapter, draft(mandate_ids=[mandate.id]))
    assert "mandate_ids" in refused.value.errors


def test_entries_are_sealed_at_once_and_never_edited(app, world, live):
    entry = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "A committee chair")
    [event] = audit_events("bargaining_session.entry_posted")
    assert event.data["entry"] == entry.id and event.data["content_sha256"] == sessions.entry_hash(entry)
    correction = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.NOTE, "Vice-chair, in fact",
                                     corrects_id=entry.id)
    view = sessions.get_session(world.member, world.chapter, live.id)
    assert [e.id for e in view.entries] == [correction.id, entry.id]
    assert view.entries[1].body == "A committee chair" and correction.corrects_id == entry.id


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("steering", PermissionDenied),
                                         ("other_steering", NotFound), ("visitor", NotFound)])
def test_only_the_elected_and_their_note_taker_post(app, world, live, role, error):
    actor = world.user(role)
    with pytest.raises(error):
        sessions.post_entry(actor, world.chapter, live.id, EntryKind.OFFER, "x")
    assert audit_events("bargaining_session.entry_posted") == []


def test_the_note_taker_posts_for_the_elected(app, world):
    session = sessions.open_session(world.elected, world.chapter, draft(note_taker_email=f"  {world.member.email.upper()} "))
    entry = sessions.post_entry(world.member, world.chapter, session.id, EntryKind.THREAT, "A primary challenge")
    assert entry.posted_by_id == membership(world.member).id


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_overlong_entry_is_refused(app, world, live, body):
    with pytest.raises(ValidationFailed) as refused:
        sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.NOTE, body)
    assert "body" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(SessionEntry)) == 0


def test_a_correction_points_at_an_entry_of_the_same_session(app, world, live):
    other = sessions.open_session(world.elected, world.chapter, draft(subject="Another"))
    theirs = sessions.post_entry(world.elected, world.chapter, other.id, EntryKind.NOTE, "elsewhere")
    with pytest.raises(ValidationFailed) as refused:
        sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.NOTE, "x", corrects_id=theirs.id)
    assert "corrects_id" in refused.value.errors


def test_nothing_is_posted_before_the_start_nor_after_the_close(app, world):
    later_session = sessions.open_session(world.elected, world.chapter, draft(starts_at=now() + timedelta(hours=2)))
    with pytest.raises(InvalidTransition):
        sessions.post_entry(world.elected, world.chapter, later_session.id, EntryKind.NOTE, "too early")
    later(121)
    sessions.post_entry(world.elected, world.chapter, later_session.id, EntryKind.NOTE, "on time")
    sessions.close_session(world.elected, world.chapter, later_session.id, "Adjourned to Thursday.")
    with pytest.raises(InvalidTransition):
        sessions.post_entry(world.elected, world.chapter, later_session.id, EntryKind.NOTE, "too late")


def test_the_chapters_delay_holds_each_entry_back_from_watchers_not_from_the_poster(app, world):
    set_bylaws(world.chapter, session_delay_minutes=15)
    session = sessions.open_session(world.elected, world.chapter, draft())
    entry = sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.DEMAND, "Vote yes")
    assert entry.release_at == entry.posted_at + timedelta(minutes=15)
    watcher = sessions.get_session(world.member, world.chapter, session.id)
    assert watcher.entries == [] and watcher.pending == 1 and watcher.next_release == entry.release_at
    assert [e.id for e in sessions.get_session(world.elected, world.chapter, session.id).entries] == [entry.id]
    assert [e.id for e in sessions.get_session(world.steering, world.chapter, session.id).entries] == [entry.id]
    later(15)
    shown = sessions.get_session(world.member, world.chapter, session.id)
    assert [e.id for e in shown.entries] == [entry.id] and shown.pending == 0
    assert shown.version != watcher.version


def test_an_embargo_holds_every_entry_until_it_ends(app, world):
    ends = now() + timedelta(hours=1)
    session = sessions.open_session(world.elected, world.chapter, draft(embargo_until=ends))
    entry = sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.OFFER, "x")
    assert entry.release_at == ends
    assert sessions.get_session(world.member, world.chapter, session.id).entries == []
    later(61)
    assert [e.id for e in sessions.get_session(world.member, world.chapter, session.id).entries] == [entry.id]


def test_members_take_the_temperature_once_each_and_may_change_it(app, world, live):
    entry = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "A committee chair")
    sessions.react(world.member, world.chapter, live.id, entry.id, Temperature.HOLD)
    sessions.react(world.steering, world.chapter, live.id, entry.id, Temperature.HOLD)
    sessions.react(world.member, world.chapter, live.id, entry.id, Temperature.ACCEPTABLE)
    view = sessions.get_session(world.member, world.chapter, live.id)
    assert view.reactions[entry.id] == {Temperature.HOLD: 1, Temperature.ACCEPTABLE: 1}
    assert view.mine == {entry.id: Temperature.ACCEPTABLE}
    assert [e.data["temperature"] for e in audit_events("bargaining_session.reacted")] == ["hold", "hold", "acceptable"]


@pytest.mark.parametrize("role, error", [("lapsed", PermissionDenied), ("suspended", NotFound),
                                         ("other_steering", NotFound), ("visitor", NotFound)])
def test_only_members_in_good_standing_take_the_temperature(app, world, live, role, error):
    entry = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "x")
    with pytest.raises(error):
        sessions.react(world.user(role), world.chapter, live.id, entry.id, Temperature.HOLD)
    assert db.session.scalar(select(func.count()).select_from(SessionReaction)) == 0


def test_an_entry_not_yet_shown_cannot_be_reacted_to_nor_one_of_a_closed_session(app, world):
    set_bylaws(world.chapter, session_delay_minutes=10)
    session = sessions.open_session(world.elected, world.chapter, draft())
    entry = sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.OFFER, "x")
    with pytest.raises(NotFound):
        sessions.react(world.member, world.chapter, session.id, entry.id, Temperature.HOLD)
    later(10)
    sessions.react(world.member, world.chapter, session.id, entry.id, Temperature.HOLD)
    sessions.close_session(world.elected, world.chapter, session.id, "Done.")
    with pytest.raises(InvalidTransition):
        sessions.react(world.member, world.chapter, session.id, entry.id, Temperature.ACCEPTABLE)


def test_racing_reactions_by_one_member_leave_one(app, world, live):
    entry = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "x")
    ids = (world.member.id, world.chapter.id)

    def react(temperature):
        def job():
            from openbargain.models import Chapter, User
            return sessions.react(db.session.get(User, ids[0]), db.session.get(Chapter, ids[1]), live.id, entry.id,
                                  temperature)
        return job

    outcomes = race(app, [react(Temperature.HOLD), react(Temperature.ACCEPTABLE)] * 3)
    assert all(o is None for o in outcomes), outcomes
    assert db.session.scalar(select(func.count()).select_from(SessionReaction)) == 1


def test_watchers_are_counted_while_their_pages_ask(app, world, live):
    sessions.get_session(world.member, world.chapter, live.id, watcher="user:1")
    assert sessions.get_session(world.member, world.chapter, live.id, watcher="user:1").watchers == 1
    with pytest.raises(NotFound):  # may not watch: a members-only chapter
        sessions.get_session(None, world.chapter, live.id, watcher="visitor:abc")
    assert sessions.get_session(world.steering, world.chapter, live.id, watcher="user:2").watchers == 2
    later(sessions.WATCHING.total_seconds() / 60 + 0.1)
    assert sessions.get_session(world.steering, world.chapter, live.id, watcher="user:2").watchers == 1
    sessions.close_session(world.elected, world.chapter, live.id, "Done.")
    assert sessions.get_session(world.member, world.chapter, live.id, watcher="user:1").watchers == 0


def test_closing_writes_the_summary_for_the_record(app, world, live):
    sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.WALK_OUT, "We left the room.")
    with pytest.raises(ValidationFailed):
        sessions.close_session(world.elected, world.chapter, live.id, " ")
    with pytest.raises(PermissionDenied):
        sessions.close_session(world.member, world.chapter, live.id, "Not mine to close.")
    closed = sessions.close_session(world.elected, world.chapter, live.id, "No deal; we meet again Thursday.")
    assert closed.summary == "No deal; we meet again Thursday." and closed.closed_at is not None
    [event] = audit_events("bargaining_session.closed")
    assert len(event.data["summary_sha256"]) == 64
    with pytest.raises(InvalidTransition):
        sessions.close_session(world.elected, world.chapter, live.id, "Again.")
    view = sessions.get_session(world.member, world.chapter, live.id)
    assert not view.can_post and not view.can_react and len(view.entries) == 1


def test_visitors_watch_only_where_the_chapter_allows(app, world, live):
    with pytest.raises(NotFound):
        sessions.get_session(None, world.chapter, live.id)
    set_bylaws(world.chapter, public_pages=True)
    with pytest.raises(NotFound):
        sessions.list_sessions(None, world.chapter)
    set_bylaws(world.chapter, public_sessions=True)
    assert [s.id for s in sessions.list_sessions(None, world.chapter)] == [live.id]
    assert sessions.get_session(None, world.chapter, live.id).can_react is False
    with pytest.raises(NotFound):
        sessions.get_session(world.other_steering, world.other_chapter, live.id)


def test_a_closed_public_session_is_in_the_feed(app, world, live):
    set_bylaws(world.chapter, public_pages=True, public_sessions=True)
    sessions.close_session(world.elected, world.chapter, live.id, "No deal yet.")
    atom = feed.atom_feed(world.chapter, "http://x/feed.atom", lambda kind, n: f"http://x/{kind}/{n}").decode()
    assert "No deal yet." in atom and f"http://x/session/{live.id}" in atom
    set_bylaws(world.chapter, public_sessions=False)
    atom = feed.atom_feed(world.chapter, "http://x/feed.atom", lambda kind, n: f"http://x/{kind}/{n}").decode()
    assert "No deal yet." not in atom


def call(**changes) -> sessions.UrgentCall:
    values = dict(question="Accept the committee seat for a yes vote?", directive="Accept the seat and vote yes.",
                  reason="The budget vote is Thursday.", deadline=now().date() + timedelta(days=3))
    values.update(changes)
    return sessions.UrgentCall(**values)


def test_steering_calls_an_urgent_vote_from_the_session_in_one_step(app, world, live):
    from openbargain.models import Proposal, ProposalStatus

    sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "A *committee* seat [for] a yes")
    proposal = sessions.call_urgent_vote(world.steering, world.chapter, live.id, call())
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.DELIBERATION and proposal.urgent
    assert proposal.urgent_reason == "The budget vote is Thursday."
    assert [d.membership_id for d in proposal.directed] == [live.membership_id]
    assert f"/sessions/{live.id}" in proposal.body and r"A \*committee\* seat \[for\] a yes" in proposal.body
    assert [p.id for p in sessions.get_session(world.member, world.chapter, live.id).proposals] == [proposal.id]
    kinds = [e.kind for e in audit_events()]
    assert kinds[-4:] == ["proposal.drafted", "proposal.published", "proposal.declared_urgent",
                          "bargaining_session.vote_called"]
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 1


def test_a_member_calls_it_as_the_first_signature_of_an_urgency_request(app, world, live):
    from openbargain.models import UrgencySignature

    set_bylaws(world.chapter, urgent_cosign_percent=50)
    proposal = sessions.call_urgent_vote(world.member, world.chapter, live.id, call())
    db.session.refresh(proposal)
    assert not proposal.urgent  # half the members in good standing must co-sign: one is not enough
    [signature] = db.session.scalars(select(UrgencySignature)).all()
    assert signature.membership_id == membership(world.member).id and signature.reason == "The budget vote is Thursday."


@pytest.mark.parametrize("changes, field", [({"question": ""}, "question"), ({"directive": ""}, "directive"),
                                            ({"reason": ""}, "reason"), ({"deadline": None}, "deadline")])
def test_a_bad_call_says_which_field_and_writes_nothing(app, world, live, changes, field):
    from openbargain.models import Proposal

    with pytest.raises(ValidationFailed) as refused:
        sessions.call_urgent_vote(world.steering, world.chapter, live.id, call(**changes))
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    assert audit_events("bargaining_session.vote_called") == []


@pytest.mark.parametrize("role, error", [("lapsed", PermissionDenied), ("suspended", NotFound),
                                         ("other_steering", NotFound), ("visitor", NotFound)])
def test_only_members_in_good_standing_call_a_vote(app, world, live, role, error):
    with pytest.raises(error):
        sessions.call_urgent_vote(world.user(role), world.chapter, live.id, call())


def test_no_vote_is_called_from_a_closed_session(app, world, live):
    sessions.close_session(world.elected, world.chapter, live.id, "Done.")
    with pytest.raises(InvalidTransition):
        sessions.call_urgent_vote(world.steering, world.chapter, live.id, call())


def test_the_record_reads_the_room_over_time_without_saying_who(app, world, live):
    from openbargain.models import TemperatureChange

    entry = sessions.post_entry(world.elected, world.chapter, live.id, EntryKind.OFFER, "A committee chair")
    shown = entry.release_at
    for minutes, who, temperature in ((1, world.member, Temperature.HOLD), (10, world.steering, Temperature.HOLD),
                                      (20, world.member, Temperature.ACCEPTABLE),
                                      (21, world.member, Temperature.ACCEPTABLE)):  # the same again: nothing
        set_clock(lambda m=minutes: shown + timedelta(minutes=m))
        sessions.react(who, world.chapter, live.id, entry.id, temperature)
    set_clock(lambda: shown + timedelta(minutes=40))
    assert sessions.get_session(world.member, world.chapter, live.id).over_time == {}  # live: counts only
    sessions.close_session(world.elected, world.chapter, live.id, "Done.")
    readings = sessions.get_session(world.member, world.chapter, live.id).over_time[entry.id]
    assert [(r.minutes, r.hold, r.acceptable) for r in readings] == [(5, 1, 0), (15, 2, 0), (30, 1, 1), (None, 1, 1)]
    assert len(audit_events("bargaining_session.reacted")) == 3
    assert "membership_id" not in TemperatureChange.__table__.columns


def test_a_watcher_seen_lately_costs_a_read_and_no_write(app, world, live, count_queries):
    sessions.get_session(world.member, world.chapter, live.id, watcher="user:1")
    db.session.rollback()
    with count_queries() as polled:
        sessions.get_session(world.member, world.chapter, live.id, watcher="user:1")
    writes = [sql for sql in polled["sql"] if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")
              or sql == "BEGIN IMMEDIATE"]  # SQLite's write lock; its plain BEGIN only reads
    assert writes == [], polled["sql"]
    later(sessions.WATCH_REFRESH.total_seconds() / 60 + 0.05)
    with count_queries() as refreshed:
        sessions.get_session(world.member, world.chapter, live.id, watcher="user:1")
    assert any(sql.startswith("UPDATE bargaining_session_watchers") for sql in refreshed["sql"]), refreshed["sql"]
