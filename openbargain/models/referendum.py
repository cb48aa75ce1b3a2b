from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Membership
from openbargain.models.proposal import Proposal

YES_NO_METHOD = "yes_no"
RANKED_METHODS = ("irv", "stv", "schulze")


class ReferendumStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CERTIFIED = "certified"


class Referendum(Base):
    """The vote on a proposal. Its status follows the clock (see `status_at`)."""

    __tablename__ = "referenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    method: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    threshold: Mapped[str | None] = mapped_column(String(20))
    quorum_percent: Mapped[int] = mapped_column(Integer)
    secret: Mapped[bool] = mapped_column(Boolean, default=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_petition: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Set when the roll is frozen (at opening); the roll's size and hash are published then.
    roll_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roll_size: Mapped[int | None] = mapped_column(Integer)
    roll_hash: Mapped[str | None] = mapped_column(String(64))
    open_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship()

    def status_at(self, moment: datetime) -> ReferendumStatus:
        if self.certified_at is not None:
            return ReferendumStatus.CERTIFIED
        if moment < self.opens_at:
            return ReferendumStatus.SCHEDULED
        if moment < self.closes_at:
            return ReferendumStatus.OPEN
        return ReferendumStatus.CLOSED

    @property
    def ranked(self) -> bool:
        return self.method in RANKED_METHODS


class VoterRollEntry(Base):
    """One member on a referendum's frozen roll, and whether they voted. It records the *date*
    of voting, never the time; only in a roll-call referendum does it point to the ballot."""

    __tablename__ = "voter_roll_entries"
    __table_args__ = (UniqueConstraint("referendum_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    voted_on: Mapped[date | None] = mapped_column(Date)
    ballot_id: Mapped[str | None] = mapped_column(ForeignKey("ballots.id"), unique=True)

    membership: Mapped[Membership] = relationship()


class Ballot(Base):
    """One cast ballot: its content and the hash of its tracker. No voter, no time; its id is
    random and, on SQLite, the table is stored in id order (WITHOUT ROWID), not cast order."""

    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    content: Mapped[dict] = mapped_column(JSON)
    tracker_hash: Mapped[str] = mapped_column(String(64), unique=True)
