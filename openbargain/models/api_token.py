from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.user import User


# What a personal access token may do: read what its owner may read; write (propose, comment,
# sign, acknowledge, report, schedule, …); vote (cast ballots). Chosen when it is made.
TOKEN_SCOPES = ("read", "write", "vote")
TOKEN_NAME_MAX = 100


class PersonalAccessToken(Base):
    """A named, expiring, revocable token for a member's scripts; only its hash is kept. It dies
    with a password change or reset and with "log out everywhere"."""

    __tablename__ = "personal_access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scopes: Mapped[str] = mapped_column(String(60), default=" ".join(TOKEN_SCOPES))  # space-separated

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class SpentRefreshToken(Base):
    """A refresh token already exchanged: rotation makes each one single-use."""

    __tablename__ = "spent_refresh_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    spent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """One browser's login, so that logging out ends it on the server: the cookie carries a random
    token whose hash is kept here, and a cookie whose session has ended no longer logs anyone in."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
