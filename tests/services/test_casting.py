from __future__ import annotations

import logging
import re
import threading
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Ballot, Chapter, Membership, User, VoterRollEntry
from openbargain.services import casting
from openbargain.services.errors import AlreadyVoted, NotEligible
from openbargain.services.errors import InvalidTransition, ValidationFailed
from tests import factories
from tests.services.test_concurrency import race


def membership(user):
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id))


@pytest.fixture
def yes_no(world):
    return factories.make_open_referendum(world, membership(world.elected))


@pytest.fixture
def ranked(world):
    return factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")


def ballots():
    return list(db.session.scalars(select(Ballot)))


def test_a_yes_no_ballot_is_cast_once(app, world, yes_no):
    receipt = casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    assert re.fullmatch(r"[0-9a-f]{32}", receipt.tracker)  # 128 random bits
    [ballot] = ballots()
    assert ballot.content == {"choice": "yes"} and ballot.tracker_hash == casting.tracker_hash(receipt.tracker)
    entry = db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id == membership(world.member).id))
    assert isinstance(entry.voted_on, date) and entry.ballot_id is None
    with pytest.raises(AlreadyVoted):
        casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "no"})
    assert len(ballots()) == 1


def test_ranked_ballots_and_the_blank_abstention(app, world, ranked):
    casting.cast_ballot(world.member, world.chapter, ranked.id, {"ranks": {"Bloc": "2", "Individually": "1"}})
    casting.cast_ballot(world.elected, world.chapter, ranked.id, {"ranking": []})
    assert sorted(b.content["ranking"] for b in ballots()) == [[], ["Individually", "Bloc"]]


@pytest.mark.parametrize("content, message", [
    ({"ranks": {"Bloc": "1", "Individually": "1"}}, "both have rank 1"),
    ({"ranks": {"Bloc": "1", "Nobody": "2"}}, "not on it"),
    ({"ranking": ["Bloc", "Bloc"]}, "more than once"),
    ({"ranks": {"Bloc": "x"}}, "A rank is a number"),
    ({"ranks": {"Bloc": "9"}}, "A rank is a number"),
])
def test_malformed_ranked_ballots_are_refused(app, world, ranked, content, message):
    with pytest.raises(ValidationFailed, match=message):
        casting.cast_ballot(world.member, world.chapter, ranked.id, content)
    assert ballots() == []
    assert db.session.scalar(select(func.count()).select_from(VoterRollEntry)
                             .where(VoterRollEntry.voted_on.is_not(None))) == 0


def test_a_yes_no_ballot_needs_a_choice(app, world, yes_no):
    for content in ({"choice": "maybe"}, {"ranking": ["Yes"]}, {}):
        with pytest.raises(ValidationFailed):
            casting.cast_ballot(world.member, world.chapter, yes_no.id, content)
    assert ballots() == []


def test_not_on_the_roll_before_open_and_after_close(app, world, yes_no):
    with pytest.raises(NotEligible):
        casting.cast_ballot(world.lapsed, world.chapter, yes_no.id, {"choice": "yes"})
    late_joiner = factories.make_membership(world.chapter).user
    with pytest.raises(NotEligible):
        casting.cast_ballot(late_joiner, world.chapter, yes_no.id, {"choice": "yes"})
    set_clock(lambda: yes_no.opens_at - timedelta(seconds=1))
    with pytest.raises(InvalidTransition, match="not open"):
        casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    set_clock(lambda: yes_no.closes_at)
    with pytest.raises(InvalidTransition, match="closed"):
        casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    set_clock(None)
    assert ballots() == []


def test_roll_call_points_the_roll_entry_to_the_ballot(app, world):
    r = factories.make_open_referendum(world, membership(world.elected), secret=False)
    receipt = casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "no"})
    assert receipt.roll_call
    entry = db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id == membership(world.member).id))
    assert db.session.get(Ballot, entry.ballot_id).content == {"choice": "no"}


# --- secrecy --------------------------------------------------------------------------------

def test_nothing_joins_a_voter_to_a_ballot(app, world, yes_no, caplog):
    caplog.set_level(logging.DEBUG)
    voters = [world.member, world.elected, world.steering]
    receipts = [casting.cast_ballot(u, world.chapter, yes_no.id, {"choice": c})
                for u, c in zip(voters, ["yes", "no", "abstain"])]
    # The ballot table holds content and tracker hash only: no voter, no time.
    columns = {c["name"] for c in inspect(db.engine).get_columns("ballots")}
    assert columns == {"id", "referendum_id", "content", "tracker_hash"}
    for b in ballots():
        assert uuid.UUID(b.id).version == 4
    # The roll knows the date, not the time, and (secret ballot) not the ballot.
    roll_columns = {c["name"]: c["type"] for c in inspect(db.engine).get_columns("voter_roll_entries")}
    assert "DATE" in str(roll_columns["voted_on"]).upper()
    assert all(e.ballot_id is None for e in db.session.scalars(select(VoterRollEntry)))
    # The audit log says that each member voted, nothing more.
    voted = list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "referendum.voted")))
    assert len(voted) == 3 and all(e.data == {} and e.subject == f"referendum:{yes_no.id}" for e in voted)
    everything = " ".join(str(e.data) + e.subject for e in db.session.scalars(select(AuditEvent)))
    secrets_seen = [b.id for b in ballots()] + [b.tracker_hash for b in ballots()] + [r.tracker for r in receipts]
    assert not any(s in everything for s in secrets_seen)
    # Nothing logged carries a ballot id, a tracker or a choice.
    logged = caplog.text
    assert not any(s in logged for s in secrets_seen)
    assert not re.search(r"\b(yes|abstain)\b", logged)


def test_ballots_are_not_listed_in_cast_order(app, world, yes_no):
    # Nothing has frozen the roll yet: these members are in good standing when it is.
    voters = [factories.make_membership(world.chapter).user for _ in range(20)]
    cast_order: list[str] = []
    for u in voters:
        casting.cast_ballot(u, world.chapter, yes_no.id, {"choice": "no"})
        cast_order.append(db.session.scalar(select(Ballot.id).where(Ballot.id.not_in(cast_order),
                                                                    Ballot.content["choice"].as_string() == "no")))
    listed = [b.id for b in casting.ballot_set(db.session, yes_no.id) if b.content == {"choice": "no"}]
    assert sorted(listed) == sorted(cast_order)
    assert listed != cast_order  # 1 in 20! that a random order matches by chance
    if db.engine.dialect.name == "sqlite":  # WITHOUT ROWID: even a bare scan is in random-id order
        scanned = [row[0] for row in db.session.execute(text("SELECT id FROM ballots"))]
        assert [i for i in scanned if i in cast_order] != cast_order


# --- one vote each ----------------------------------------------------------------------------

def _cast_job(app, user_id, chapter_id, referendum_id, choice="yes"):
    def job():
        return casting.cast_ballot(db.session.get(User, user_id), db.session.get(Chapter, chapter_id),
                                   referendum_id, {"choice": choice})
    return job


def test_fifty_concurrent_casts_by_one_member_make_one_ballot(app, world, yes_no):
    casting.cast_ballot(world.elected, world.chapter, yes_no.id, {"choice": "no"})  # roll frozen beforehand
    outcomes = race(app, [_cast_job(app, world.member.id, world.chapter.id, yes_no.id) for _ in range(50)])
    cast = [o for o in outcomes if isinstance(o, casting.Receipt)]
    refused = [o for o in outcomes if isinstance(o, AlreadyVoted)]
    assert len(cast) == 1 and len(refused) == 49, outcomes
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 2


def test_a_cast_paused_between_check_and_write_still_refuses_the_duplicate(app, world, yes_no, monkeypatch):
    casting.cast_ballot(world.elected, world.chapter, yes_no.id, {"choice": "no"})
    paused, release = threading.Event(), threading.Event()
    first_thread = []

    def hook():
        if not first_thread:
            first_thread.append(threading.get_ident())
            paused.set()
            release.wait(timeout=30)

    monkeypatch.setattr(casting, "_between_check_and_write", hook)
    job = _cast_job(app, world.member.id, world.chapter.id, yes_no.id)
    results: dict[str, object] = {}

    def run(name):
        with app.app_context():
            try:
                results[name] = job()
            except AlreadyVoted as exc:
                results[name] = exc
            finally:
                db.session.remove()

    a = threading.Thread(target=run, args=("a",))
    a.start()
    assert paused.wait(timeout=30)
    b = threading.Thread(target=run, args=("b",))
    b.start()
    b.join(timeout=1)  # b waits on a's lock (or has already been refused): it cannot have cast
    release.set()
    a.join(timeout=30)
    b.join(timeout=30)
    assert isinstance(results["a"], casting.Receipt) and isinstance(results["b"], AlreadyVoted)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 2


def test_a_second_roll_entry_for_a_member_fails_on_the_database(app, world, yes_no):
    casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    db.session.add(VoterRollEntry(referendum_id=yes_no.id, membership_id=membership(world.member).id,
                                  voted_on=date.today()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_time_of_casting_is_not_in_the_roll(app, world, yes_no):
    start = yes_no.opens_at + timedelta(minutes=30)
    set_clock(lambda: start)
    casting.cast_ballot(world.member, world.chapter, yes_no.id, {"choice": "yes"})
    entry = db.session.scalar(select(VoterRollEntry).where(VoterRollEntry.membership_id == membership(world.member).id))
    assert entry.voted_on == start.astimezone(__import__("zoneinfo").ZoneInfo(world.chapter.timezone)).date()
