"""Electing people: a committee, delegates, officers. An election is a proposal of kind "election"
— published, its vote scheduled, cast, counted and certified like any other — with its seats and
nomination period here, the nominations members make and nominees accept, and who was elected."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Membership

OFFICE_MAX = 160
STATEMENT_MAX = 5_000


class Election(Base):
    __tablename__ = "elections"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    office: Mapped[str] = mapped_column(String(OFFICE_MAX))  # what the seats are: "the bargaining committee"
    seats: Mapped[int] = mapped_column(Integer)
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ballot_drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # nominees put on the ballot


class Nomination(Base):
    """A member nominated (by themselves or another); standing once they accept, with a statement."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("proposal_id", "nominee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("elections.proposal_id"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    statement: Mapped[str] = mapped_column(Text, default="")

    nominee: Mapped[Membership] = relationship(foreign_keys=[nominee_id])
    nominated_by: Mapped[Membership] = relationship(foreign_keys=[nominated_by_id])


class ElectionWinner(Base):
    """Who the certified result elected; steering may then give them a role in the chapter."""

    __tablename__ = "election_winners"
    __table_args__ = (UniqueConstraint("proposal_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("elections.proposal_id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    role_granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
