from __future__ import annotations

from sqlalchemy import func, select, update

from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, Membership, Standing, User
from openbargain.services import demo
from tests import factories


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["openbargain", *args], input=input)


def test_demo_is_idempotent_and_prints_logins(app):
    first = run(app, "demo")
    assert first.exit_code == 0 and "steering@demo.openbargain.test" in first.output
    assert run(app, "demo").exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Chapter)) == 1
    chapter = db.session.scalar(select(Chapter))
    memberships = list(db.session.scalars(select(Membership).where(Membership.chapter_id == chapter.id)))
    assert len(memberships) == 43
    assert sum(m.is_steering for m in memberships) == 1
    assert [m.office for m in memberships if m.is_elected] == ["State Assembly, District 36", "City Council, Ward 4"]
    standings = {m.standing for m in memberships}
    assert standings == {Standing.GOOD_STANDING, Standing.LAPSED, Standing.SUSPENDED}


def test_demo_if_empty_leaves_a_used_database_alone(app):
    db.session.add(User(email="x@example.org", name="X"))
    db.session.commit()
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0 and "not added" in result.output
    assert db.session.scalar(select(func.count()).select_from(Chapter)) == 0


def test_demo_logins_work(app):
    run(app, "demo")
    from openbargain.services.accounts import authenticate

    for login in demo.demo_logins():
        assert authenticate(login.email, demo.DEMO_PASSWORD)


def test_verify_audit_passes_then_names_the_tampered_event(app):
    run(app, "demo")
    run(app, "create-admin", "--email", "root@example.org", "--password", "an admin password")
    ok = run(app, "verify-audit")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    chains = db.session.scalar(select(func.count(func.distinct(AuditEvent.chain))))
    assert events > 2 and chains > 1 and ok.exit_code == 0
    assert f"{events} events in {chains} chain(s) verified" in ok.output
    first = db.session.scalar(select(AuditEvent).where(AuditEvent.chain != 0, AuditEvent.seq == 1).limit(1))
    with factories.audit_triggers_set_aside():
        db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(kind="chapter.forged"))
        db.session.commit()
    broken = run(app, "verify-audit")
    slug = db.session.get(Chapter, first.chain).slug
    assert broken.exit_code == 1 and f"BROKEN at event 1 in the chain of chapter '{slug}'" in broken.output


def test_create_admin_rejects_a_short_password(app):
    result = run(app, "create-admin", "--email", "root@example.org", "--password", "short")
    assert result.exit_code != 0 and "at least 10" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_verify_audit_checks_a_kept_checkpoint_and_names_the_rewrite(app):
    from openbargain.services import audit

    run(app, "demo")
    chapter = db.session.scalar(select(Chapter).where(Chapter.slug == "demo"))
    kept = audit.head(db.session, chapter)
    ok = run(app, "verify-audit", "--expect", kept.label)
    assert ok.exit_code == 0 and "pass through 1 kept checkpoint" in ok.output and kept.label.startswith("demo:")
    # Rewrite an early event and recompute every later hash, as the security review did.
    with factories.audit_triggers_set_aside():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == chapter.id)
                                         .order_by(AuditEvent.seq)))
        prev = events[3].hash
        for event in events[4:]:
            if event.seq == 5:
                event.data = {"rewritten": True}
            event.prev_hash, event.hash = prev, None
            event.hash = audit.event_hash(event)
            prev = event.hash
        db.session.commit()
    assert run(app, "verify-audit").exit_code == 0  # the chain alone is consistent again
    caught = run(app, "verify-audit", "--expect", kept.label)
    assert caught.exit_code == 1 and f"BROKEN at event {kept.length} in the chain of chapter 'demo'" in caught.output
    assert "rewritten" in caught.output
    bad = run(app, "verify-audit", "--expect", "not-a-checkpoint")
    assert bad.exit_code == 2 and "HASH@LENGTH" in bad.output
