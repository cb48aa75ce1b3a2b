from __future__ import annotations

from sqlalchemy import func, select, update

from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, Membership, Standing, User
from openbargain.services import demo


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
    assert events > 2 and ok.exit_code == 0 and f"{events} events verified" in ok.output
    db.session.execute(update(AuditEvent).where(AuditEvent.id == 1).values(kind="chapter.forged"))
    db.session.commit()
    broken = run(app, "verify-audit")
    assert broken.exit_code == 1 and "BROKEN at event 1" in broken.output


def test_create_admin_rejects_a_short_password(app):
    result = run(app, "create-admin", "--email", "root@example.org", "--password", "short")
    assert result.exit_code != 0 and "at least 10" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
