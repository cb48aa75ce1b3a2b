"""Paper ballots, counted once: the tellers a vote has, and the batches of paper ballots they enter
twice (double entry), carrying no member. A member who votes on paper is marked on the roll by a
teller, which refuses them an online ballot, as an online ballot refuses the mark."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Membership

LABEL_MAX = 120
BATCH_MAX = 5_000  # ballots in one batch: a ballot box, a day's post


class Teller(Base):
    """A member steering appointed to count a vote's paper ballots."""

    __tablename__ = "tellers"
    __table_args__ = (UniqueConstraint("referendum_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))

    membership: Mapped[Membership] = relationship()


class PaperBatch(Base):
    """A box of paper ballots. It counts once two tellers entered the same ballots (agreed_at)."""

    __tablename__ = "paper_batches"
    __table_args__ = (UniqueConstraint("referendum_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ballots: Mapped[list | None] = mapped_column(JSON)  # the agreed contents, sorted canonical lines

    entries: Mapped[list["PaperBatchEntry"]] = relationship(order_by="PaperBatchEntry.id")


class PaperBatchEntry(Base):
    """One teller's entry of a batch: its ballots' contents as canonical lines, sorted (the order
    the papers came out of the box says nothing)."""

    __tablename__ = "paper_batch_entries"
    __table_args__ = (UniqueConstraint("batch_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batches.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    ballots: Mapped[list] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
