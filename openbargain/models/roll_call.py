"""The legislature's own record: roll calls imported from the sources legislatures publish, the
ids an elected has in those sources, the bills a mandate directs a vote on, and each match of an
elected's recorded vote against their mandate, proposed to steering as a verdict."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.mandate import URL_MAX, Mandate
from openbargain.models.verdict import Rating, Verdict

EXTERNAL_MAX = 200
NAME_MAX = 200


class Source(StrEnum):
    OPENSTATES = "openstates"
    LEGISCAN = "legiscan"
    LEGISTAR = "legistar"
    CSV = "csv"


class Position(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    OTHER = "other"


class SourceId(Base):
    """An elected's id in one source (an Open States person, a LegiScan people_id, a Legistar
    PersonId, the name a clerk's CSV uses)."""

    __tablename__ = "elected_source_ids"
    __table_args__ = (UniqueConstraint("membership_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    source: Mapped[Source] = mapped_column(str_enum(Source))
    person_id: Mapped[str] = mapped_column(String(EXTERNAL_MAX))


class BillLink(Base):
    """A mandate that directs a vote, linked to the bill or motion in a source, with the vote the
    directive requires."""

    __tablename__ = "mandate_bill_links"
    __table_args__ = (UniqueConstraint("mandate_id", "source", "bill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    source: Mapped[Source] = mapped_column(str_enum(Source))
    bill: Mapped[str] = mapped_column(String(EXTERNAL_MAX), index=True)
    position: Mapped[Position] = mapped_column(str_enum(Position))  # yes or no
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    mandate: Mapped[Mandate] = relationship()


class RollCall(Base):
    __tablename__ = "roll_calls"
    __table_args__ = (UniqueConstraint("chapter_id", "source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    source: Mapped[Source] = mapped_column(str_enum(Source))
    external_id: Mapped[str] = mapped_column(String(EXTERNAL_MAX))
    bill: Mapped[str] = mapped_column(String(EXTERNAL_MAX), index=True)
    motion: Mapped[str] = mapped_column(Text)
    voted_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(NAME_MAX))
    url: Mapped[str | None] = mapped_column(String(URL_MAX))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    votes: Mapped[list["RecordedVote"]] = relationship(back_populates="roll_call", order_by="RecordedVote.id")


class RecordedVote(Base):
    __tablename__ = "recorded_votes"
    __table_args__ = (UniqueConstraint("roll_call_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_call_id: Mapped[int] = mapped_column(ForeignKey("roll_calls.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(EXTERNAL_MAX))
    person_name: Mapped[str] = mapped_column(String(NAME_MAX))
    position: Mapped[Position] = mapped_column(str_enum(Position))
    as_recorded: Mapped[str] = mapped_column(String(NAME_MAX))

    roll_call: Mapped[RollCall] = relationship(back_populates="votes")


class RecordMatch(Base):
    """An elected's recorded vote on a bill their mandate directs: the verdict it suggests (kept
    when the vote is the directed one, broken when it is the opposite, none when they did not
    vote either way), until steering confirms it as a verdict or sets it aside."""

    __tablename__ = "record_matches"
    __table_args__ = (UniqueConstraint("mandate_id", "recorded_vote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    recorded_vote_id: Mapped[int] = mapped_column(ForeignKey("recorded_votes.id"))
    directed: Mapped[Position] = mapped_column(str_enum(Position))
    proposed: Mapped[Rating | None] = mapped_column(str_enum(Rating))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verdict_id: Mapped[int | None] = mapped_column(ForeignKey("mandate_verdicts.id"))
    set_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mandate: Mapped[Mandate] = relationship()
    recorded_vote: Mapped[RecordedVote] = relationship()
    verdict: Mapped[Verdict | None] = relationship()

    @property
    def against_the_mandate(self) -> bool:
        return self.recorded_vote.position in (Position.YES, Position.NO) and self.recorded_vote.position != self.directed

