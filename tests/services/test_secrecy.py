"""A database reader — a replica, a dump, a hosting provider — without the ballot key.

During a secret vote they may join each voter's roll entry to the row written in the same
transaction (PostgreSQL's xmin), or zip rows by physical order; all they reach is an opaque blob.
After certification no stored row links a voter to content, even for whoever later gets the key.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import (
    AuditEvent,
    Ballot,
    BallotTracker,
    Chapter,
    Referendum,
    SealedBallot,
    User,
    VoterRollEntry,
)
from openbargain.services import casting, reminders, results, sealing
from openbargain.services.errors import DomainError
from tests import factories
from tests.conftest import other_app
from tests.helpers import audit_events, membership, race

CHOICES = ["yes", "no", "abstain"]



def postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def every_row_as_text(table: str, with_xmin: bool = False) -> list[tuple[str | None, str]]:
    """What `SELECT *` shows a reader (on PostgreSQL with each row's transaction id)."""
    query = f"SELECT {'xmin::text AS xmin_, ' if with_xmin else ''}* FROM {table}"
    out = []
    for row in db.session.execute(text(query)).mappings():
        values = dict(row)
        xmin = values.pop("xmin_", None)
        out.append((xmin, " ".join(str(bytes(v) if isinstance(v, memoryview) else v) for v in values.values())))
    return out


def cast_known(world, referendum, sequential: int, concurrent: int):
    """Members cast known choices, some one after another and some all at once; returns the
    choices and trackers, and the sealed ids in the order the sequential casts made them."""
    voters = [factories.make_membership(world.chapter).user for _ in range(sequential + concurrent)]
    casting.ensure_rolls_frozen(world.chapter.id)
    chosen, trackers, sealed_order = {}, [], []
    for i, user in enumerate(voters[:sequential]):
        choice = CHOICES[i % 3]
        trackers.append(casting.cast_ballot(user, world.chapter, referendum.id, {"choice": choice}).tracker)
        chosen[user.id] = choice
        sealed_order += [i for i in db.session.scalars(select(SealedBallot.id)) if i not in sealed_order]
    chapter_id, referendum_id = world.chapter.id, referendum.id

    def job(user_id, choice):
        def run():
            return casting.cast_ballot(db.session.get(User, user_id), db.session.get(Chapter, chapter_id),
                                       referendum_id, {"choice": choice})
        return run

    batch = [(u.id, CHOICES[(i + 1) % 3]) for i, u in enumerate(voters[sequential:])]
    outcomes = race(current_app._get_current_object(), [job(uid, choice) for uid, choice in batch])
    assert all(isinstance(o, casting.Receipt) for o in outcomes), outcomes
    trackers += [o.tracker for o in outcomes]
    chosen.update(dict(batch))
    return chosen, trackers, sealed_order


@pytest.fixture
def vote(app, world):
    return factories.make_open_referendum(world, membership(world.elected))


def readable_markers(trackers: list[str]) -> list[str]:
    """Strings whose presence in a row would reveal content or tie a row to a receipt."""
    return ["choice", *(casting.tracker_hash(t) for t in trackers), *trackers]


def test_during_the_vote_no_table_shows_content_and_no_join_reaches_it(app, world, vote):
    chosen, trackers, sealed_order = cast_known(world, vote, sequential=6, concurrent=6)
    markers = readable_markers(trackers)
    voter_xmins = set()
    if postgresql():
        voter_xmins = {x for x, _ in every_row_as_text("voter_roll_entries", with_xmin=True)}
    for table in db.metadata.sorted_tables:
        if table.name in {"proposals", "options", "revisions", "bylaws"}:
            continue  # the proposal's own text may say "yes" or "no": it is public anyway
        for xmin, row in every_row_as_text(table.name, with_xmin=postgresql()):
            if table.name in {"sealed_ballots", "ballots", "ballot_trackers", "audit_events"} or xmin in voter_xmins:
                assert not any(m in row for m in markers), f"{table.name} shows {row[:200]}"
    # The join the review made (same transaction id) lands on blobs only, and the blobs do not open
    # without the key: nothing in them is JSON, a choice or a tracker.
    blobs = [bytes(b) for b in db.session.scalars(select(SealedBallot.sealed))]
    assert len(blobs) == 12 and len({len(b) for b in blobs}) == 1  # padded: a length says nothing
    assert not any(m.encode() in b for b in blobs for m in [*markers, "abstain", "content", "tracker_hash"])
    # Physical order: on SQLite the table is stored by random id (WITHOUT ROWID), not cast order.
    if not postgresql():
        scanned = [r[0] for r in db.session.execute(text("SELECT id FROM sealed_ballots"))]
        assert scanned == sorted(scanned)
    # No tally exists while the vote is open, in any table.
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert db.session.scalar(select(func.count()).select_from(BallotTracker)) == 0
    # The audit log names no voter of a secret vote, nor any time of casting.
    assert not audit_events("referendum.voted")


def test_after_certification_nothing_links_a_voter_to_content_even_with_the_key(app, world, vote):
    chosen, trackers, _ = cast_known(world, vote, sequential=6, concurrent=6)
    roll_xmins = set()
    if postgresql():
        roll_xmins = {x for x, _ in every_row_as_text("voter_roll_entries", with_xmin=True)}
    set_clock(lambda at=vote.closes_at: at + timedelta(minutes=1))
    results.certify_closed()
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    contents = list(db.session.scalars(select(Ballot.content).order_by(Ballot.position)))
    expected = sorted(({"choice": c} for c in chosen.values()), key=lambda c: c["choice"])
    assert contents == expected  # canonical order: the order of the contents alone
    # Trackers sit apart from contents, sorted.
    stored = list(db.session.scalars(select(BallotTracker.tracker_hash).order_by(BallotTracker.tracker_hash)))
    assert stored == sorted(casting.tracker_hash(t) for t in trackers)
    assert {c.name for c in Ballot.__table__.columns} == {"referendum_id", "position", "content"}
    # Physical order is canonical order on both databases: it carries nothing of the casting.
    if postgresql():
        physical = [r[0] for r in db.session.execute(text("SELECT content FROM ballots ORDER BY ctid"))]
        ballot_xmins = {x for x, _ in every_row_as_text("ballots", with_xmin=True)}
        tracker_xmins = {x for x, _ in every_row_as_text("ballot_trackers", with_xmin=True)}
        # One transaction wrote every counted ballot: the certifier's, which no voter's row shares.
        assert len(ballot_xmins) == 1 and ballot_xmins == tracker_xmins and not ballot_xmins & roll_xmins
        same_txn = db.session.execute(text("SELECT actor_id, kind FROM audit_events WHERE xmin::text = :x"),
                                      {"x": next(iter(ballot_xmins))}).all()
        assert same_txn and all(actor is None for actor, _ in same_txn)
    else:
        physical = [r[0] for r in db.session.execute(text("SELECT content FROM ballots"))]
    physical = [c if isinstance(c, dict) else __import__("json").loads(c) for c in physical]
    assert physical == contents
    # The counted result uses exactly these ballots.
    result = results.get_result(world.member, world.chapter, vote.id).result
    assert result.ballots_cast == 12 + 0


def test_turnout_reaches_the_audit_log_as_daily_counts(app, world, vote):
    start = now()
    members = [factories.make_membership(world.chapter).user for _ in range(5)]
    casting.ensure_rolls_frozen(world.chapter.id)
    for day, group in ((0, members[:2]), (1, members[2:])):
        set_clock(lambda d=day: start + timedelta(days=d))
        for user in group:
            casting.cast_ballot(user, world.chapter, vote.id, {"choice": "yes"})
    reminders.tick()  # on the second voting day: only the first day is over
    logged = audit_events("referendum.turnout")
    roll_dates = sorted(db.session.scalars(select(VoterRollEntry.voted_on).where(VoterRollEntry.voted_on.is_not(None))))
    assert [(e.data["date"], e.data["voted"], e.actor_id) for e in logged] == [(roll_dates[0].isoformat(), 2, None)]
    reminders.tick()
    assert len(audit_events("referendum.turnout")) == 1  # each day once
    set_clock(lambda at=vote.closes_at: at)
    results.certify_closed()
    logged = list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "referendum.turnout")
                                     .order_by(AuditEvent.id)))
    assert [e.data["voted"] for e in logged] == [2, 3]
    certified = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "referendum.certified"))
    assert certified.id > logged[-1].id


def test_a_tampered_sealed_ballot_stops_certification_and_changes_nothing(app, world, vote):
    cast_known(world, vote, sequential=3, concurrent=0)
    other = factories.make_open_referendum(world, membership(world.elected), title="Another vote")
    moved = db.session.scalars(select(SealedBallot)).first()
    # A blob copied into another vote, as someone with write access might try, does not open there.
    db.session.add(SealedBallot(id=moved.id[::-1], referendum_id=other.id, sealed=moved.sealed))
    db.session.commit()
    set_clock(lambda at=other.closes_at: at)
    with pytest.raises(sealing.SealBroken):
        results.certify_closed()
    db.session.rollback()
    assert db.session.get(Referendum, other.id).certified_at is None
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.referendum_id == other.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)
                             .where(SealedBallot.referendum_id == other.id)) == 1


def test_a_key_rotated_during_the_vote_still_opens_it_and_a_missing_key_refuses(app, world, vote):
    voters = [factories.make_membership(world.chapter).user for _ in range(3)]
    casting.ensure_rolls_frozen(world.chapter.id)
    casting.cast_ballot(voters[0], world.chapter, vote.id, {"choice": "yes"})
    # Plain values only from here: the test's own objects belong to the first app's session.
    old_keys, new_key = app.config["BALLOT_KEYS"], b"\x07" * 32
    chapter_id, vote_id, closes_at = world.chapter.id, vote.id, vote.closes_at
    second_id, third_id, third_membership = voters[1].id, voters[2].id, membership(voters[2]).id
    with other_app(BALLOT_KEYS=[new_key, *old_keys]):
        # The vote keeps the key it opened with; votes opening from now on take the new one.
        casting.cast_ballot(db.session.get(User, second_id), db.session.get(Chapter, chapter_id), vote_id,
                            {"choice": "no"})
        assert db.session.get(Referendum, vote_id).seal_key_id == sealing.key_id(old_keys[0])
        assert sealing.current_key_id() == sealing.key_id(new_key)
    with other_app(BALLOT_KEYS=[new_key]):
        refusal = None
        try:
            casting.cast_ballot(db.session.get(User, third_id), db.session.get(Chapter, chapter_id), vote_id,
                                {"choice": "no"})
        except sealing.BallotKeyMissing as exc:
            refusal = (exc.status, exc.message, isinstance(exc, DomainError))
        db.session.rollback()
        assert refusal and refusal[0] == 503 and "BALLOT_KEYS" in refusal[1] and refusal[2]
        assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 2
        assert db.session.scalar(select(VoterRollEntry.voted_on).where(
            VoterRollEntry.membership_id == third_membership)) is None
    db.session.rollback()
    set_clock(lambda: closes_at)
    results.certify_closed()
    assert sorted(c["choice"] for c in db.session.scalars(select(Ballot.content))) == ["no", "yes"]


def test_opening_many_sealed_ballots_gives_what_opening_each_gives(app):
    seal = sealing.BallotSeal(sealing.current_key_id(), 41)
    labels = ["Bloc", ',"tracker_hash":"', '"roll_entry":null', "Ñandú"]
    longest = {"content": {"ranking": labels}, "tracker_hash": "f" * 64, "roll_entry": 2**63 - 1}
    payloads = [{"content": {"ranking": ranking}, "tracker_hash": f"{i:064x}", "roll_entry": entry}
                for i, (ranking, entry) in enumerate([
                    (labels, None), ([labels[1]], None), (labels, None), ([], None), ([labels[2], labels[0]], 7),
                    ([labels[2], labels[0]], None), ([labels[2], labels[0]], 9)])]
    rows = [(f"sealed-{i}", seal.seal(f"sealed-{i}", p, longest)) for i, p in enumerate(payloads)]
    prepared = []
    opened = list(seal.open_all(rows, lambda payload: prepared.append(payload) or payload))
    assert [{**payload, "tracker_hash": tracker} for payload, tracker in opened] == \
        [seal.open(i, blob) for i, blob in rows] == payloads
    # Each distinct secret payload is prepared once; a roll-call one (naming its voter) each time.
    assert len(prepared) == 6
    with pytest.raises(sealing.SealBroken):
        list(seal.open_all([("sealed-0", rows[1][1])], dict))
