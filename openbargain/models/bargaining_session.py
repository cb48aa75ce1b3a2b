"""Live open-bargaining sessions: an elected's negotiation posted as it happens, watched by the
members (and the public, where the chapter allows), each entry sealed in the audit chain at once."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.chapter import Membership
from openbargain.models.mandate import PARTY_MAX, Mandate
from openbargain.models.proposal import Proposal

SUBJECT_MAX = 200
TABLE_MAX = 2_000
ENTRY_MAX = 5_000
SUMMARY_MAX = 20_000


class EntryKind(StrEnum):
    OFFER = "offer"
    DEMAND = "demand"
    THREAT = "threat"
    CONCESSION = "concession"
    WALK_OUT = "walk_out"
    NOTE = "note"


class Temperature(StrEnum):
    """A member's non-binding reading of an entry: counts only, never a vote."""

    HOLD = "hold"  # "hold the line"
    ACCEPTABLE = "acceptable"  # "we could accept this"


class BargainingSession(Base):
    """One sitting at the table. Its rules of release (the chapter's delay, an embargo) are fixed
    when it opens, so whoever posts knows when each entry goes public."""

    __tablename__ = "bargaining_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)  # the elected
    note_taker_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    counterparty: Mapped[str] = mapped_column(String(PARTY_MAX))
    at_the_table: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delay_minutes: Mapped[int] = mapped_column(Integer)
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    summary: Mapped[str | None] = mapped_column(Text)

    membership: Mapped[Membership] = relationship(foreign_keys=[membership_id])
    note_taker: Mapped[Membership | None] = relationship(foreign_keys=[note_taker_id])
    links: Mapped[list["SessionLink"]] = relationship(back_populates="session", order_by="SessionLink.id")

    def live(self, moment: datetime) -> bool:
        return self.closed_at is None and self.starts_at <= moment

    def release_for(self, posted_at: datetime) -> datetime:
        """When an entry posted then goes public: after the delay, and not before the embargo ends."""
        release = posted_at + timedelta(minutes=self.delay_minutes)
        return max(release, self.embargo_until) if self.embargo_until is not None else release


class SessionLink(Base):
    """What the session is about: a proposal or a mandate of the chapter."""

    __tablename__ = "bargaining_session_links"
    __table_args__ = (CheckConstraint("(proposal_id IS NULL) <> (mandate_id IS NULL)", name="one_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("bargaining_sessions.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"), index=True)

    session: Mapped[BargainingSession] = relationship(back_populates="links")
    proposal: Mapped[Proposal | None] = relationship()
    mandate: Mapped[Mandate | None] = relationship()


class SessionEntry(Base):
    """What happened at the table, posted as it happened. Append-only: a correction is a new entry."""

    __tablename__ = "bargaining_session_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("bargaining_sessions.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    body: Mapped[str] = mapped_column(Text)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    release_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("bargaining_session_entries.id"))

    posted_by: Mapped[Membership] = relationship()


class SessionReaction(Base):
    """A member's temperature check on an entry: one each, which they may change."""

    __tablename__ = "bargaining_session_reactions"
    __table_args__ = (UniqueConstraint("entry_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("bargaining_session_entries.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    temperature: Mapped[Temperature] = mapped_column(str_enum(Temperature))
    reacted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TemperatureChange(Base):
    """The room's temperature over time: each reaction adds one to a temperature's count, and a
    change of mind takes one from the other. Whose reaction it was is not kept here."""

    __tablename__ = "bargaining_session_temperature_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("bargaining_session_entries.id"), index=True)
    temperature: Mapped[Temperature] = mapped_column(str_enum(Temperature))
    change: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionWatcher(Base):
    """Who has the session open now: a hash of the viewer's key (a member, or a visitor's random
    id) and when their page last asked for news. Counted, never listed."""

    __tablename__ = "bargaining_session_watchers"

    session_id: Mapped[int] = mapped_column(ForeignKey("bargaining_sessions.id"), primary_key=True)
    watcher: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
