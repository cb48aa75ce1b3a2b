from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.user import LOCALE_MAX, User

SLUG_MAX = 60
OFFICE_MAX = 160
TIMEZONE_MAX = 64


class Standing(StrEnum):
    GOOD_STANDING = "good_standing"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"

    @property
    def label(self) -> str:
        return "in good standing" if self is Standing.GOOD_STANDING else self.value


class Role(StrEnum):
    MEMBER = "member"
    ELECTED = "elected"
    STEERING = "steering"


class Chapter(Base):
    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX), default="UTC")
    # The pages' language for whoever neither chose one nor has a browser asking for one offered.
    default_locale: Mapped[str] = mapped_column(String(LOCALE_MAX), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="chapter")

    def __repr__(self) -> str:
        return f"<Chapter {self.slug}>"


class Membership(Base):
    """A user's standing and roles in one chapter. Every membership holds the member role."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("chapter_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    standing: Mapped[Standing] = mapped_column(str_enum(Standing))
    is_elected: Mapped[bool] = mapped_column(Boolean, default=False)
    is_steering: Mapped[bool] = mapped_column(Boolean, default=False)
    office: Mapped[str | None] = mapped_column(String(OFFICE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    chapter: Mapped[Chapter] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def in_good_standing(self) -> bool:
        return self.standing == Standing.GOOD_STANDING

    @property
    def roles(self) -> list[Role]:
        roles = [Role.MEMBER]
        if self.is_elected:
            roles.append(Role.ELECTED)
        if self.is_steering:
            roles.append(Role.STEERING)
        return roles

    def __repr__(self) -> str:
        return f"<Membership {self.chapter_id}/{self.user_id} {self.standing}>"
