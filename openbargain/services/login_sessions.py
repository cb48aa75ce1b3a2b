"""Browser logins kept on the server, so that "Log out" ends one and "log out everywhere" all.

The session cookie carries the user's id and a random token; only the token's hash is stored.
A cookie copied before logout then logs nobody in. Logins and logouts are kept here (the member
sees them on their account page), not in the audit log: a login time read beside a vote's live
turnout would say when a member voted.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import LoginSession, User
from openbargain.services.uow import unit_of_work

LIFETIME = timedelta(days=30)
USER_AGENT_MAX = 200


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, user_agent: str = "") -> str:
    """Returns the token for the cookie; it is never stored."""
    token = secrets.token_urlsafe(32)
    with unit_of_work() as uow:
        moment = now()
        uow.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), created_at=moment,
                                     expires_at=moment + LIFETIME, user_agent=user_agent[:USER_AGENT_MAX]))
    return token


def user_for_session(user_id: int, token: str) -> User | None:
    record = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if record is None or record.user_id != user_id or record.ended_at is not None or record.expires_at <= now():
        return None
    return record.user if record.user.is_active else None


def end_session(token: str) -> None:
    with unit_of_work() as uow:
        uow.session.execute(update(LoginSession).where(LoginSession.token_hash == _hash(token),
                                                       LoginSession.ended_at.is_(None)).values(ended_at=now()))


def end_every_session(session: Session, user: User) -> None:
    """Inside the caller's transaction (log out everywhere, a password change or reset)."""
    session.execute(update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
                    .values(ended_at=now()))


def active_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None), LoginSession.expires_at > now())
        .order_by(LoginSession.created_at.desc())))
