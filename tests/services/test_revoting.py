"""Revoting before the close (issue 19, part 3): a member presents their tracker code, the ballot
it names is voided and listed apart on the board, the new one counts; the server keeps no link
from member to ballot; the bylaws can turn it off — on both databases."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, SealedBallot, User, VoidedTracker, VoterRollEntry
from openbargain.services import casting, results
from openbargain.services.errors import InvalidTransition, NotEligible, ValidationFailed
from tests import factories
from tests.helpers import at, audit_events, membership, race, set_bylaws


@pytest.fixture
def yes_no(world):
    return factories.make_open_referendum(world, membership(world.elected))


def certify(world, referendum):
    at(referendum.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    return results.get_result(world.member, world.chapter, referendum.id)


def test_a_revote_voids_the_ballot_its_tracker_names_and_the_new_one_counts(app, world, yes_no):
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    casting.cast_ballot(world.elected, world.chapter, yes_no.id, {"choice": "yes"})
    second = casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    assert second.replaced and second.tracker != first.tracker
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 2  # still one each
    assert db.session.scalars(select(VoidedTracker.tracker_hash)).all() == [casting.tracker_hash(first.tracker)]
    entry = db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id == membership(world.member).id))
    assert entry.voted_on is not None
    view = certify(world, yes_no)
    assert view.result.ballots_cast == 2 and view.result.tally["rounds"][0]["tallies"]["no"] == 1
    assert view.voided == [casting.tracker_hash(first.tracker)]
    assert results.find_tracker(world.member, world.chapter, yes_no.id, first.tracker) == "voided"
    assert results.find_tracker(world.member, world.chapter, yes_no.id, second.tracker) == "counted"
    export = results.export(world.member, world.chapter, yes_no.id)
    assert export["voided_trackers"] == view.voided and casting.tracker_hash(first.tracker) not in export["trackers"]
    [certified] = audit_events("referendum.certified")
    assert certified.data["voided_by_revoting"] == 1


def test_a_tracker_voids_once_and_a_mistyped_one_voids_nothing(app, world, yes_no):
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    with pytest.raises(ValidationFailed) as again:
        casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "abstain"})
    assert "tracker" in again.value.errors
    with pytest.raises(ValidationFailed):
        casting.revote(world.member, world.chapter, yes_no.id, "f" * 32, {"choice": "abstain"})
    with pytest.raises(ValidationFailed):  # not a tracker at all
        casting.revote(world.member, world.chapter, yes_no.id, "not a tracker", {"choice": "abstain"})
    with pytest.raises(ValidationFailed):  # a malformed ballot voids nothing either
        casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "maybe"})
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1
    assert db.session.scalar(select(func.count()).select_from(VoidedTracker)) == 1


def test_only_a_member_who_voted_revotes_while_the_vote_is_open_and_the_bylaws_allow(app, world, yes_no):
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    with pytest.raises(InvalidTransition):  # has not voted: casts instead
        casting.revote(world.steering, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    with pytest.raises(NotEligible):  # lapsed: not on the roll
        casting.revote(world.lapsed, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    set_bylaws(world.chapter, revoting=False)
    with pytest.raises(InvalidTransition):
        casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    set_bylaws(world.chapter, revoting=True)
    at(yes_no.closes_at)
    with pytest.raises(InvalidTransition):
        casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    assert db.session.scalar(select(func.count()).select_from(VoidedTracker)) == 0


def test_nothing_written_by_a_revote_names_the_member(app, world, yes_no, caplog):
    caplog.set_level(logging.DEBUG)
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    second = casting.revote(world.member, world.chapter, yes_no.id, first.tracker, {"choice": "no"})
    # A secret vote's revote writes no audit event, and nothing logged carries either tracker.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    for secret in (first.tracker, second.tracker, casting.tracker_hash(first.tracker),
                   casting.tracker_hash(second.tracker)):
        assert secret not in caplog.text
    # The voided tracker is a hash and a vote: no voter, no time.
    assert {c.name for c in VoidedTracker.__table__.columns} == {"referendum_id", "tracker_hash"}


def test_in_a_roll_call_vote_only_your_own_ballot_can_be_replaced(app, world):
    roll_call = factories.make_open_referendum(world, membership(world.elected), secret=False)
    theirs = casting.cast_ballot(world.elected, world.chapter, roll_call.id, {"choice": "yes"})
    mine = casting.cast_ballot(world.member, world.chapter, roll_call.id, {"choice": "yes"})
    with pytest.raises(ValidationFailed):
        casting.revote(world.member, world.chapter, roll_call.id, theirs.tracker, {"choice": "no"})
    assert db.session.scalar(select(func.count()).select_from(VoidedTracker)) == 0
    casting.revote(world.member, world.chapter, roll_call.id, mine.tracker, {"choice": "no"})
    assert [e.actor_id for e in audit_events("referendum.revoted")] == [world.member.id]
    view = certify(world, roll_call)
    assert sorted(view.roll_call) == sorted([(world.member.name, {"choice": "no"}),
                                             (world.elected.name, {"choice": "yes"})])


def _revote_job(user_id: int, chapter_id: int, referendum_id: int, code: str, choice: str):
    def job():
        return casting.revote(db.session.get(User, user_id), db.session.get(Chapter, chapter_id), referendum_id, code,
                              {"choice": choice})
    return job


def test_one_tracker_presented_twice_at_once_voids_one_ballot_and_adds_one(app, world, yes_no):
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    outcomes = race(app, [_revote_job(world.member.id, world.chapter.id, yes_no.id, first.tracker, c)
                          for c in ("no", "abstain", "no", "abstain")])
    replaced = [o for o in outcomes if isinstance(o, casting.Receipt)]
    refused = [o for o in outcomes if isinstance(o, ValidationFailed)]
    assert len(replaced) == 1 and len(refused) == 3, outcomes
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1
    assert db.session.scalar(select(func.count()).select_from(VoidedTracker)) == 1


def test_a_revote_racing_the_close_is_counted_or_refused_never_lost(app, world, yes_no):
    first = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    at(yes_no.closes_at - timedelta(seconds=1))
    outcomes = race(app, [_revote_job(world.member.id, world.chapter.id, yes_no.id, first.tracker, "no"),
                          lambda: results.certify_closed(world.chapter.id)])
    at(yes_no.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    view = results.get_result(world.member, world.chapter, yes_no.id)
    assert view.result.ballots_cast == 1  # the first ballot or its replacement, never both nor neither
    if isinstance(outcomes[0], casting.Receipt):
        assert view.result.tally["rounds"][0]["tallies"]["no"] == 1 and len(view.voided) == 1
    else:
        assert view.result.tally["rounds"][0]["tallies"]["yes"] == 1 and view.voided == []
