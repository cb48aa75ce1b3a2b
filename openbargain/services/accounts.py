"""Use-cases of a person's own account: log in, passwords, sessions, invitations."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Invitation, User
from openbargain.phrases import language_for, page_language, phrase
from openbargain.services import api_tokens, audit, login_sessions, outbox, signed_links, throttle
from openbargain.services.errors import InvalidCredentials, InvalidToken, ValidationFailed
from openbargain.services.uow import UnitOfWork, unit_of_work

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("openbargain-timing-equaliser")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_new_password(password: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise ValidationFailed.on(field, _("Use at least %(count)d characters.", count=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise ValidationFailed.on(field, _("Use at most %(count)d characters.", count=PASSWORD_MAX))


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(email: str, password: str, address: str = "") -> User:
    """`address` is the client's, for the throttle on wrong passwords (throttle.py)."""
    throttle.check_login_allowed(email, address)
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        throttle.record_failed_login(email, address)
        raise InvalidCredentials(_("That email and password do not match an account."))
    if not check_password_hash(user.password_hash, password):
        throttle.record_failed_login(email, address)
        raise InvalidCredentials(_("That email and password do not match an account."))
    return user


def _end_sessions(session, user: User) -> None:
    """Ends every way the user is logged in: browser sessions, bearer JWTs (through the session
    version they carry) and personal access tokens."""
    user.session_version += 1
    login_sessions.end_every_session(session, user)
    api_tokens.revoke_every_token(session, user)


def log_out_everywhere(user: User) -> User:
    with unit_of_work() as uow:
        user = uow.session.get(User, user.id)
        _end_sessions(uow.session, user)
        audit.record(uow.session, "user.sessions_ended", f"user:{user.id}", actor=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> User:
    with unit_of_work() as uow:
        user = uow.session.get(User, user.id)
        if user.password_hash is None or not check_password_hash(user.password_hash, current_password):
            raise ValidationFailed.on("current_password", _("That is not your current password."))
        check_new_password(new_password, "new_password")
        user.password_hash = hash_password(new_password)
        _end_sessions(uow.session, user)
        audit.record(uow.session, "user.password_changed", f"user:{user.id}", actor=user)
    return user


def set_language(user: User, code: str | None, offered: list[str]) -> User:
    """The member's language for every page (None: as their browser asks). Not audited: it
    changes nothing anyone else sees."""
    if code is not None and code not in offered:
        raise ValidationFailed.on("language", _("Choose one of the languages offered."))
    with unit_of_work() as uow:
        user = uow.session.get(User, user.id)
        user.locale = code
    return user


# --- password reset -------------------------------------------------------------------------

def _password_fingerprint(user: User) -> str:
    """Part of the reset link: once the password changes, every older link stops working."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Mails a reset link if the account exists; says nothing either way to the caller."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        return
    max_age: timedelta = current_app.config["PASSWORD_RESET_MAX_AGE"]
    token = signed_links.sign("password-reset", {"u": user.id, "f": _password_fingerprint(user)})
    with unit_of_work() as uow:
        # Each request is its own mail: the key is the link's own signature.
        # In their chosen language, else the one of the page they asked on.
        outbox.queue_mail(uow, f"password-reset:{token.rpartition('.')[2][:80]}", user.email,
                          _l("Reset your openbargain password"), "password_reset",
                          language=language_for(user.locale, page_language()), user=user, token=token,
                          hours=int(max_age.total_seconds() // 3600))


def user_for_reset_token(token: str) -> User:
    payload = signed_links.unsign("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("u"))
    if user is None or payload.get("f") != _password_fingerprint(user):
        raise InvalidToken(_("This link has already been used. Ask for a new one."))
    return user


def reset_password(token: str, new_password: str) -> User:
    check_new_password(new_password)
    with unit_of_work() as uow:
        user = user_for_reset_token(token)
        user.password_hash = hash_password(new_password)
        _end_sessions(uow.session, user)
        audit.record(uow.session, "user.password_reset", f"user:{user.id}", actor=user)
    return user


# --- invitations ----------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    return signed_links.sign("invitation", {"i": invitation.id})


def invitation_for_token(token: str) -> Invitation:
    payload = signed_links.unsign("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, payload.get("i"))
    if invitation is None:
        raise InvalidToken(_("This invitation is not valid."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_("This invitation has already been used. Log in, or ask for a new one."))
    return invitation


def accept_invitation(token: str, password: str | None) -> Invitation:
    """Uses the invitation up; sets the password unless the person already has an account.
    Returns the invitation: its user, now able to log in, and the chapter they joined."""
    with unit_of_work() as uow:
        invitation = invitation_for_token(token)
        user = invitation.user
        if user.password_hash is None:
            if password is None:
                raise ValidationFailed.on("password", _("Choose a password."))
            check_new_password(password)
            user.password_hash = hash_password(password)
        invitation.accepted_at = now()
        audit.record(
            uow.session,
            "invitation.accepted",
            f"invitation:{invitation.id}",
            actor=user,
            chapter=invitation.chapter,
        )
    return invitation


def send_invitation(uow: UnitOfWork, invitation: Invitation, inviter: User | None) -> None:
    """Queues the invitation in the transaction that created it."""
    max_age: timedelta = current_app.config["INVITATION_MAX_AGE"]
    outbox.queue_mail(
        uow,
        f"invitation:{invitation.id}",
        invitation.user.email,
        phrase("You are invited to %(chapter)s on openbargain", chapter=invitation.chapter.name),
        "invitation",
        language=language_for(invitation.user.locale, invitation.chapter.default_locale),
        chapter=invitation.chapter,
        user=invitation.user,
        inviter_name=inviter.name if inviter else None,
        token=invitation_token(invitation),
        days=max_age.days,
    )


def create_admin(email: str, name: str, password: str) -> User:
    """Makes (or promotes) a site admin; the CLI's create-admin."""
    check_new_password(password)
    email = normalise_email(email)
    with unit_of_work() as uow:
        user = find_user_by_email(email)
        if user is None:
            user = User(email=email, name=name)
            uow.session.add(user)
        user.is_admin = True
        user.password_hash = hash_password(password)
        uow.session.flush()
        _end_sessions(uow.session, user)
        audit.record(uow.session, "user.admin_granted", f"user:{user.id}", actor=None)
    return user
