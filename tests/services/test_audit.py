from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from openbargain.extensions import db
from openbargain.models import AuditEvent
from openbargain.services import accounts, audit, uow
from tests import factories


def _three_events():
    user = factories.make_user()
    for _ in range(3):
        accounts.log_out_everywhere(user)
    return user


def _verified(session, expect=()) -> tuple[int, audit.ChainBreak | None]:
    verified = audit.verify_audit_log(session, expect)
    return verified.events, verified.broken


def test_events_are_chained_in_sequence(app):
    _three_events()
    rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.chain, e.seq) for e in rows] == [(0, 1), (0, 2), (0, 3)]
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert _verified(db.session) == (3, None)


def _chapter_events(chapter, count: int) -> None:
    for n in range(count):
        audit.record(db.session, "test.event", f"event:{n}", actor=None, chapter=chapter)
    db.session.commit()


def test_each_chapter_has_its_own_chain_and_every_chain_is_verified(app):
    _three_events()
    north, south = factories.make_chapter("north"), factories.make_chapter("south")
    _chapter_events(north, 2)
    _chapter_events(south, 3)
    _chapter_events(north, 1)
    by_chain = {}
    for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        by_chain.setdefault(e.chain, []).append(e)
    assert {chain: [e.seq for e in events] for chain, events in by_chain.items()} == {
        0: [1, 2, 3], north.id: [1, 2, 3], south.id: [1, 2, 3]}
    for events in by_chain.values():  # each chain starts afresh and links only its own events
        assert events[0].prev_hash == audit.GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    assert all(e.chapter_id == north.id for e in by_chain[north.id])
    verified = audit.verify_audit_log(db.session)
    assert (verified.events, verified.chains, verified.broken) == (9, 3, None)
    site, *others = audit.heads(db.session, [north, south])
    assert site == audit.head(db.session) and others == [audit.head(db.session, north), audit.head(db.session, south)]
    assert others[0].label.startswith("north:") and others[0].length == 3
    assert audit.Checkpoint.parse(others[0].label) == others[0]


def test_a_break_in_one_chapter_chain_is_named_with_its_chapter(app):
    north, south = factories.make_chapter("north"), factories.make_chapter("south")
    _chapter_events(north, 2)
    _chapter_events(south, 2)
    kept = [audit.head(db.session, north), audit.head(db.session, south)]
    second = db.session.scalar(select(AuditEvent).where(AuditEvent.chain == south.id, AuditEvent.seq == 2))
    with factories.audit_triggers_set_aside():
        db.session.execute(update(AuditEvent).where(AuditEvent.id == second.id).values(kind="forged"))
        db.session.commit()
    broken = audit.verify_audit_log(db.session, kept).broken
    assert broken.chain == "south" and broken.event_id == 2 and "content" in broken.reason
    assert broken.place == "event 2 in the chain of chapter 'south'"


def test_a_checkpoint_of_an_unknown_chapter_is_a_break(app):
    _three_events()
    broken = audit.verify_audit_log(db.session, [audit.Checkpoint(1, "a" * 64, "nowhere")]).broken
    assert broken is not None and "nowhere" in broken.reason


def test_a_chapter_chain_deleted_whole_fails_its_kept_checkpoint(app):
    north = factories.make_chapter("north")
    _chapter_events(north, 2)
    kept = audit.head(db.session, north)
    with factories.audit_triggers_set_aside():
        db.session.execute(text("DELETE FROM audit_events WHERE chain = :c"), {"c": north.id})
        db.session.commit()
    assert audit.verify_audit_log(db.session).broken is None  # nothing left to contradict itself
    broken = audit.verify_audit_log(db.session, [kept]).broken
    assert broken.chain == "north" and "deleted" in broken.reason


def _append_waits(session, chapter) -> bool:
    """Whether an audit append to `chapter` by `session` has to wait (it gives up at once)."""
    from sqlalchemy.exc import OperationalError

    try:
        audit.record(session, "test.append", chapter.slug, actor=None,
                     chapter=session.get(type(chapter), chapter.id))
        session.flush()
        session.commit()
        return False
    except OperationalError as exc:
        assert "lock timeout" in str(exc) or "database is locked" in str(exc), exc
        session.rollback()
        return True


def test_an_audit_append_waits_only_for_its_own_chain_on_postgresql_and_for_any_on_sqlite(app):
    """Each chain has its own lock: a transaction holding north's does not hold up south's, and
    a second writer to north waits (here: gives up at once) until the first commits. SQLite has
    one writer at a time whatever the chains: there both wait."""
    from sqlalchemy.orm import Session

    north, south = factories.make_chapter("north"), factories.make_chapter("south")
    postgresql = db.engine.dialect.name == "postgresql"
    holder = Session(db.engine)
    if postgresql:
        holder.execute(text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:chain AS integer))"),
                       {"space": audit._PG_AUDIT_LOCKS, "chain": north.id})
    else:
        audit.record(holder, "test.north", "north", actor=None, chapter=holder.get(type(north), north.id))
        holder.flush()  # north's append holds SQLite's one write lock until it commits
    sessions = [Session(db.engine), Session(db.engine)]
    impatient = "SET LOCAL lock_timeout = '200ms'" if postgresql else "PRAGMA busy_timeout = 200"
    try:
        for session in sessions:
            session.execute(text(impatient))
        south_waits, north_waits = _append_waits(sessions[0], south), _append_waits(sessions[1], north)
    finally:
        holder.rollback()
        holder.close()
        for session in sessions:
            session.rollback()
            if not postgresql:  # pooled connections keep their pragma: give back the usual patience
                session.execute(text(f"PRAGMA busy_timeout = {uow.SQLITE_BUSY_TIMEOUT_MS}"))
            session.close()
    assert north_waits
    assert south_waits is not postgresql
    south_events = [e.kind for e in db.session.scalars(select(AuditEvent).where(AuditEvent.chain == south.id))]
    assert south_events == (["test.append"] if postgresql else [])


@pytest.mark.parametrize("statement,reason", [
    (update(AuditEvent).where(AuditEvent.seq == 2).values(data={"forged": True}), "content"),
    (text("DELETE FROM audit_events WHERE seq = 2"), "missing"),
], ids=["tampered", "deleted"])
def test_a_tampered_or_deleted_event_is_named(app, statement, reason):
    _three_events()
    with factories.audit_triggers_set_aside():
        db.session.execute(statement)
        db.session.commit()
    checked, broken = _verified(db.session)
    assert checked == 1 and broken.event_id == 2 and reason in broken.reason


def test_a_rehashed_event_breaks_the_next_link(app):
    _three_events()
    with factories.audit_triggers_set_aside():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
        event.data = {"forged": True}
        event.hash = audit.event_hash(event)
        db.session.commit()
    _, broken = _verified(db.session)
    assert broken.event_id == 3 and "previous" in broken.reason


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET data = '{\"x\": 1}' WHERE seq = 2",
    "UPDATE audit_events SET kind = 'referendum.cancelled'",
    "DELETE FROM audit_events WHERE seq = 3",
    "wipe",
])
def test_the_database_refuses_to_change_or_delete_an_event(app, statement):
    _three_events()
    if statement == "wipe":  # the whole table at once: PostgreSQL's TRUNCATE is refused too
        statement = "TRUNCATE audit_events CASCADE" if db.engine.dialect.name == "postgresql" else "DELETE FROM audit_events"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert _verified(db.session) == (3, None)
    assert [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == ["user.sessions_ended"] * 3


def _rewrite_and_recompute(event_id: int, data: dict, drop_newest: bool) -> None:
    """The attack from the security review: edit an event, recompute every later hash with the
    app's own function, and drop the newest event, with the triggers out of the way."""
    with factories.audit_triggers_set_aside():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        if drop_newest:
            db.session.delete(events.pop())
            db.session.flush()
        prev = events[event_id - 2].hash if event_id > 1 else audit.GENESIS_HASH
        for event in events[event_id - 1:]:
            if event.seq == event_id:
                event.data = data
            event.prev_hash = prev
            event.hash = audit.event_hash(event)
            prev = event.hash
        db.session.commit()


def test_a_recomputed_rewrite_passes_the_chain_but_not_a_kept_checkpoint(app):
    _three_events()
    kept = audit.head(db.session)
    assert kept.length == 3 and audit.Checkpoint.parse(kept.label) == kept
    user = factories.make_user()
    accounts.log_out_everywhere(user)  # a fourth event after the checkpoint was kept
    _rewrite_and_recompute(2, {"forged": True}, drop_newest=True)
    assert _verified(db.session) == (3, None)  # the chain alone cannot tell
    checked, broken = _verified(db.session, [kept])
    assert broken is not None and broken.event_id == 3 and "rewritten" in broken.reason


def test_a_truncated_log_fails_a_kept_checkpoint(app):
    _three_events()
    kept = audit.head(db.session)
    with factories.audit_triggers_set_aside():
        db.session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        db.session.commit()
    assert _verified(db.session) == (2, None)
    _, broken = _verified(db.session, [kept])
    assert broken.event_id == 3 and "deleted" in broken.reason


def test_an_earlier_checkpoint_that_still_matches_narrows_the_rewrite(app):
    _three_events()
    early = audit.head(db.session)
    accounts.log_out_everywhere(factories.make_user())
    accounts.log_out_everywhere(factories.make_user())
    late = audit.head(db.session)
    _rewrite_and_recompute(5, {"forged": True}, drop_newest=False)
    _, broken = _verified(db.session, [early, late])
    assert broken.event_id == 5 and "after event 3" in broken.reason


@pytest.mark.parametrize("text_", ["", "abc@3", "0" * 64, "0" * 64 + "@x", "g" * 64 + "@1"])
def test_a_malformed_checkpoint_is_refused(text_):
    with pytest.raises(ValueError, match="HASH@LENGTH"):
        audit.Checkpoint.parse(text_)
