from __future__ import annotations

from sqlalchemy import select, text, update

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


def test_a_tampered_event_is_named(app):
    _three_events()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(data={"forged": True}))
    db.session.commit()
    checked, broken = audit.verify_audit_log(db.session)
    assert checked == 1 and broken.event_id == 2 and "content" in broken.reason


def test_a_deleted_event_is_named(app):
    _three_events()
    db.session.execute(text("DELETE FROM audit_events WHERE id = 2"))
    db.session.commit()
    checked, broken = audit.verify_audit_log(db.session)
    assert checked == 1 and broken.event_id == 2 and "missing" in broken.reason


def test_a_rehashed_event_breaks_the_next_link(app):
    _three_events()
    event = db.session.get(AuditEvent, 2)
    event.data = {"forged": True}
    event.hash = audit.event_hash(event)
    db.session.commit()
    _, broken = audit.verify_audit_log(db.session)
    assert broken.event_id == 3 and "previous" in broken.reason
