"""Personal access tokens for members' scripts, and single-use refresh tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import TOKEN_SCOPES, PersonalAccessToken, SpentRefreshToken, User
from openbargain.models.api_token import TOKEN_NAME_MAX
from openbargain.services import audit
from openbargain.services.text import breaks_the_line
from openbargain.services.errors import InvalidCredentials, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.uow import unit_of_work

PREFIX = "obpat_"
MAX_DAYS = 366


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: User, name: str, days: int, scopes: list[str],
                 within: frozenset[str] = frozenset(TOKEN_SCOPES)) -> tuple[PersonalAccessToken, str]:
    """Returns the token record and the token itself, which is shown once and never stored.
    `within`: the scopes of the token asking, when a token asks; it cannot make a stronger one."""
    name = name.strip()
    if not name or len(name) > TOKEN_NAME_MAX or breaks_the_line(name):
        raise ValidationFailed.on("name", _("Name the token in one line (at most %(count)d characters), e.g. the "
                                            "script that uses it.", count=TOKEN_NAME_MAX))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed.on("days", _("A token lasts 1 to %(count)d days.", count=MAX_DAYS))
    if not scopes or set(scopes) - set(TOKEN_SCOPES):
        raise ValidationFailed.on("scopes", _("Choose what the token may do: %(scopes)s.",
                                              scopes=", ".join(TOKEN_SCOPES)))
    if set(scopes) - within:
        raise PermissionDenied(_("A token can only make tokens with the scopes it holds itself (%(scopes)s).",
                                 scopes=", ".join(s for s in TOKEN_SCOPES if s in within)))
    scopes = [s for s in TOKEN_SCOPES if s in scopes]
    secret = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work() as uow:
        moment = now()
        record = PersonalAccessToken(user_id=actor.id, name=name, token_hash=token_hash(secret), created_at=moment,
                                     expires_at=moment + timedelta(days=days), scopes=" ".join(scopes))
        uow.session.add(record)
        uow.session.flush()
        audit.record(uow.session, "token.created", f"token:{record.id}", actor=actor,
                     data={"name": name, "expires_at": record.expires_at.isoformat(), "scopes": scopes})
    return record, secret


def revoke_token(actor: User, token_id: int) -> PersonalAccessToken:
    with unit_of_work() as uow:
        record = uow.session.get(PersonalAccessToken, token_id)
        if record is None or record.user_id != actor.id:
            raise NotFound(_("No such token."))
        if record.revoked_at is None:
            record.revoked_at = now()
            audit.record(uow.session, "token.revoked", f"token:{record.id}", actor=actor)
    return record


def revoke_every_token(session: Session, user: User) -> None:
    """Inside the caller's transaction: a password change or reset, or log out everywhere."""
    session.execute(update(PersonalAccessToken).where(PersonalAccessToken.user_id == user.id,
                                                      PersonalAccessToken.revoked_at.is_(None)).values(revoked_at=now()))


def tokens_of(user: User) -> list[PersonalAccessToken]:
    return list(db.session.scalars(select(PersonalAccessToken).where(PersonalAccessToken.user_id == user.id)
                                   .order_by(PersonalAccessToken.created_at.desc())))


def jwt_user(user_id: int, session_version) -> User | None:
    """A JWT's user: still active, and not logged out everywhere since (the version it carries)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or session_version != user.session_version:
        return None
    return user


# Built once: every API call with a personal token runs it (casting at load, most of all).
_TOKEN_WITH_USER = (select(PersonalAccessToken).options(joinedload(PersonalAccessToken.user))
                    .where(PersonalAccessToken.token_hash == bindparam("token_hash")))


def personal_token(secret: str) -> PersonalAccessToken | None:
    """The live token for this secret, or None when unknown, revoked, expired or its user is gone."""
    record = db.session.scalar(_TOKEN_WITH_USER, {"token_hash": token_hash(secret)})
    if record is None or not is_live(record.revoked_at, record.expires_at, record.user.is_active):
        return None
    return record


def is_live(revoked_at, expires_at, user_active: bool) -> bool:
    """A personal token works until it is revoked or expires, and only while its user is active
    (the plain cast reads these three as columns: casting.cast_by_token)."""
    return revoked_at is None and expires_at > now() and user_active


def spend_refresh_token(jti: str) -> None:
    """Marks a refresh token used; a second use (a replay, or a race) is refused."""
    try:
        with unit_of_work() as uow:
            if uow.session.get(SpentRefreshToken, jti) is not None:
                raise InvalidCredentials(_("This refresh token has already been used."))
            uow.session.add(SpentRefreshToken(jti=jti, spent_at=now()))
            uow.session.flush()
    except IntegrityError:
        raise InvalidCredentials(_("This refresh token has already been used."))
