from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Invitation, User
from openbargain.services import accounts
from openbargain.services.errors import InvalidCredentials, InvalidToken, ValidationFailed
from tests import factories
from tests.helpers import audit_events


def test_authenticate_accepts_the_right_password_only(app):
    user = factories.make_user("Ada@Example.org")
    assert accounts.authenticate(" ada@example.ORG ", factories.PASSWORD).id == user.id
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("ada@example.org", "wrong password!")
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("nobody@example.org", factories.PASSWORD)


def test_a_user_without_an_account_cannot_log_in(app):
    factories.make_user("invited@example.org", account=False)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("invited@example.org", "")


def test_passwords_are_hashed_strongly(app):
    user = factories.make_user()
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert factories.PASSWORD not in user.password_hash


def test_change_password_ends_sessions_and_is_audited(app):
    user = factories.make_user()
    version = user.session_version
    accounts.change_password(user, factories.PASSWORD, "a brand new password")
    db.session.refresh(user)
    assert user.session_version == version + 1
    assert accounts.authenticate(user.email, "a brand new password").id == user.id
    assert [e.kind for e in audit_events()] == ["user.password_changed"]


def test_change_password_refuses_a_wrong_current_password_and_changes_nothing(app):
    user = factories.make_user()
    before = (user.password_hash, user.session_version)
    with pytest.raises(ValidationFailed) as exc:
        accounts.change_password(user, "not my password", "a brand new password")
    assert "current_password" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        accounts.change_password(user, factories.PASSWORD, "short")
    assert "new_password" in exc.value.errors
    db.session.refresh(user)
    assert (user.password_hash, user.session_version) == before
    assert audit_events() == []


def test_log_out_everywhere_bumps_the_session_version(app):
    user = factories.make_user()
    accounts.log_out_everywhere(user)
    db.session.refresh(user)
    assert user.session_version == 2
    assert [e.kind for e in audit_events()] == ["user.sessions_ended"]


def _token_from(outbox, path: str) -> str:
    match = re.search(rf"/{path}/(\S+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def test_password_reset_link_works_once(app, outbox):
    user = factories.make_user()
    accounts.request_password_reset(user.email.upper())
    assert len(outbox) == 1 and outbox[0].to == user.email
    token = _token_from(outbox, "reset")
    accounts.reset_password(token, "reset to something new")
    assert accounts.authenticate(user.email, "reset to something new")
    with pytest.raises(InvalidToken, match="already been used"):
        accounts.reset_password(token, "and again something new")
    assert [e.kind for e in audit_events()] == ["user.password_reset"]


def test_password_reset_for_an_unknown_email_sends_nothing(app, outbox):
    accounts.request_password_reset("nobody@example.org")
    assert outbox == []


def test_expired_and_forged_reset_links_are_refused(app, outbox, monkeypatch):
    user = factories.make_user()
    accounts.request_password_reset(user.email)
    token = _token_from(outbox, "reset")
    with pytest.raises(InvalidToken, match="not valid"):
        accounts.reset_password(token[:-2] + "xx", "reset to something new")
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 3 * 3600)
    with pytest.raises(InvalidToken, match="expired"):
        accounts.reset_password(token, "reset to something new")
    db.session.refresh(user)
    assert accounts.authenticate(user.email, factories.PASSWORD)


def test_invitation_sets_the_password_once(app, world):
    invited = factories.make_user("new@example.org", account=False)
    invitation = Invitation(chapter=world.chapter, user=invited)
    db.session.add(invitation)
    db.session.commit()
    token = accounts.invitation_token(invitation)
    with pytest.raises(ValidationFailed):
        accounts.accept_invitation(token, "short")
    assert db.session.get(User, invited.id).password_hash is None
    accounts.accept_invitation(token, "my own password here")
    assert accounts.authenticate("new@example.org", "my own password here")
    with pytest.raises(InvalidToken, match="already been used"):
        accounts.accept_invitation(token, "my other password here")
    assert [e.kind for e in audit_events()] == ["invitation.accepted"]


def test_create_admin_makes_a_site_admin(app):
    user = accounts.create_admin("Root@Example.org", "Root", "an admin password")
    assert user.is_admin and user.email == "root@example.org"
    with pytest.raises(ValidationFailed):
        accounts.create_admin("root2@example.org", "Root", "short")
    assert db.session.scalar(select(User).where(User.email == "root2@example.org")) is None


def test_an_expired_invitation_is_refused(app, world, monkeypatch):
    import itsdangerous.timed

    invited = factories.make_user("late@example.org", account=False)
    invitation = Invitation(chapter=world.chapter, user=invited)
    db.session.add(invitation)
    db.session.commit()
    token = accounts.invitation_token(invitation)
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 15 * 86400)
    with pytest.raises(InvalidToken, match="expired"):
        accounts.accept_invitation(token, "my own password here")
    assert db.session.get(User, invited.id).password_hash is None
    assert audit_events() == []
