from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime

EMAIL_MAX = 254
NAME_MAX = 120
LOCALE_MAX = 10


class User(Base):
    """A person who can log in. The password is unset until an invitation is accepted."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped to end every bearer token at once (log out everywhere, password change).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Set when the mail server refused this address for good; shown to steering on the roster, and
    # cleared by a later mail that goes through.
    mail_bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_bounce_reason: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str | None] = mapped_column(String(LOCALE_MAX))  # None: as the browser asks (i18n.py)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol: the session cookie stores the id with the token of a server-side
    # login session (services/login_sessions.py), set on the instance when it logs in or loads.
    is_anonymous = False
    login_token = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.login_token}"

    @property
    def has_account(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
