from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Chapter
from openbargain.models.user import User


class Invitation(Base):
    """One invitation sent to a user; the signed link names it, and accepting it uses it up."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chapter: Mapped[Chapter] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
