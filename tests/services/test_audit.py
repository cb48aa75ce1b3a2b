from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from openbargain.extensions import db
from openbargain.models import AuditEvent
from openbargain.services import accounts, audit
from tests import factories


def _three_events():
    user = factories.make_user()
    for _ in range(3):
        accounts.log_out_everywhere(user)
    return user


def test_events_are_chained_in_sequence(app):
    _three_events()
    rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.id for e in rows] == [1, 2, 3]
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert audit.verify_audit_log(db.session) == (3, None)


@pytest.mark.parametrize("statement,reason", [
    (update(AuditEvent).where(AuditEvent.id == 2).values(data={"forged": True}), "content"),
    (text("DELETE FROM audit_events WHERE id = 2"), "missing"),
], ids=["tampered", "deleted"])
def test_a_tampered_or_deleted_event_is_named(app, statement, reason):
    _three_events()
    with factories.audit_triggers_set_aside():
        db.session.execute(statement)
        db.session.commit()
    checked, broken = audit.verify_audit_log(db.session)
    assert checked == 1 and broken.event_id == 2 and reason in broken.reason


def test_a_rehashed_event_breaks_the_next_link(app):
    _three_events()
    with factories.audit_triggers_set_aside():
        event = db.session.get(AuditEvent, 2)
        event.data = {"forged": True}
        event.hash = audit.event_hash(event)
        db.session.commit()
    _, broken = audit.verify_audit_log(db.session)
    assert broken.event_id == 3 and "previous" in broken.reason


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET data = '{\"x\": 1}' WHERE id = 2",
    "UPDATE audit_events SET kind = 'referendum.cancelled'",
    "DELETE FROM audit_events WHERE id = 3",
    "wipe",
])
def test_the_database_refuses_to_change_or_delete_an_event(app, statement):
    _three_events()
    if statement == "wipe":  # the whole table at once: PostgreSQL's TRUNCATE is refused too
        statement = "TRUNCATE audit_events CASCADE" if db.engine.dialect.name == "postgresql" else "DELETE FROM audit_events"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert audit.verify_audit_log(db.session) == (3, None)
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
            if event.id == event_id:
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
    assert audit.verify_audit_log(db.session) == (3, None)  # the chain alone cannot tell
    checked, broken = audit.verify_audit_log(db.session, [kept])
    assert broken is not None and broken.event_id == 3 and "rewritten" in broken.reason


def test_a_truncated_log_fails_a_kept_checkpoint(app):
    _three_events()
    kept = audit.head(db.session)
    with factories.audit_triggers_set_aside():
        db.session.execute(text("DELETE FROM audit_events WHERE id = 3"))
        db.session.commit()
    assert audit.verify_audit_log(db.session) == (2, None)
    _, broken = audit.verify_audit_log(db.session, [kept])
    assert broken.event_id == 3 and "deleted" in broken.reason


def test_an_earlier_checkpoint_that_still_matches_narrows_the_rewrite(app):
    _three_events()
    early = audit.head(db.session)
    accounts.log_out_everywhere(factories.make_user())
    accounts.log_out_everywhere(factories.make_user())
    late = audit.head(db.session)
    _rewrite_and_recompute(5, {"forged": True}, drop_newest=False)
    _, broken = audit.verify_audit_log(db.session, [early, late])
    assert broken.event_id == 5 and "after event 3" in broken.reason


@pytest.mark.parametrize("text_", ["", "abc@3", "0" * 64, "0" * 64 + "@x", "g" * 64 + "@1"])
def test_a_malformed_checkpoint_is_refused(text_):
    with pytest.raises(ValueError, match="HASH@LENGTH"):
        audit.Checkpoint.parse(text_)
