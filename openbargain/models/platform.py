"""The chapter's platform: standing positions the members adopted by referendum, each binding the
electeds it names (or every elected, those elected later included) until another referendum
amends or repeals it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.proposal import TITLE_MAX, Proposal


class Plank(Base):
    """One plank as adopted. Never edited: an amendment ends it and adopts its successor, which
    points back at it, so the chain of adoptions is the plank's history."""

    __tablename__ = "planks"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)  # the adopting vote
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)  # the standing directive, word for word
    binds_all_electeds: Mapped[bool] = mapped_column(Boolean)
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("planks.id"), unique=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The proposal whose certified result amended or repealed it.
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))

    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    ended_by: Mapped[Proposal | None] = relationship(foreign_keys=[ended_by_id])

    @property
    def in_force(self) -> bool:
        return self.ended_at is None
