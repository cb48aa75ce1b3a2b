from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Membership
from openbargain.models.proposal import Proposal

YES_NO_METHOD = "yes_no"
# The ranked methods a chapter may schedule a vote with; the tally's COUNTING_ENGINES also hold
# meek_stv, for recounts and comparisons from the command line.
SCHEDULABLE_RANKED_METHODS = ("irv", "stv", "schulze")


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
    # How many members signed when the petition carried (a petitioned vote's terms are then locked).
    petition_signatures: Mapped[int | None] = mapped_column(Integer)
    # A vote a general meeting took: its roll is the members checked in when it opened.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Set when the roll is frozen (at opening); the roll's size and hash are published then.
    roll_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    roll_size: Mapped[int | None] = mapped_column(Integer)
    roll_hash: Mapped[str | None] = mapped_column(String(64))
    # Which ballot key seals this vote's ballots (chosen when the roll freezes); see sealing.py.
    seal_key_id: Mapped[str | None] = mapped_column(String(16))
    open_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Steering's one "closes soon" reminder (services/nudges.py), never within 12 h of the automatic one.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
        return self.method in SCHEDULABLE_RANKED_METHODS


class VoterRollEntry(Base):
    """One member on a referendum's frozen roll, and whether they voted. It records the *date*
    of voting, never the time; only in a roll-call referendum does it point to the ballot, and
    only once the vote is certified."""

    __tablename__ = "voter_roll_entries"
    __table_args__ = (
        UniqueConstraint("referendum_id", "membership_id"),
        UniqueConstraint("referendum_id", "ballot_position"),
        ForeignKeyConstraint(["referendum_id", "ballot_position"], ["ballots.referendum_id", "ballots.position"],
                             name="fk_voter_roll_entries_ballot_ballots"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    voted_on: Mapped[date | None] = mapped_column(Date)
    # A teller marked the member as voting on paper: their ballot is in a paper batch, which names
    # no one, and no online ballot is taken from them (nor a paper one after an online ballot).
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    ballot_position: Mapped[int | None] = mapped_column(Integer)

    membership: Mapped[Membership] = relationship()


class SealedBallot(Base):
    """A ballot cast in a vote that is still open: content, tracker hash and (roll-call only) roll
    entry, sealed together under the vote's key. Deleted when the vote is certified. Its id is
    random and, on SQLite, the table is stored in id order (WITHOUT ROWID), not cast order."""

    __tablename__ = "sealed_ballots"

    __table_args__ = (Index("ix_sealed_ballots_void_key", "referendum_id", "void_key", unique=True),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # What a revote finds the ballot by without opening every seal: the tracker keyed by the vote's
    # key (sealing.BallotSeal.void_key), never the tracker hash the board publishes. None: cast
    # before revoting existed.
    void_key: Mapped[str | None] = mapped_column(String(64))


class VoidedTracker(Base):
    """A ballot voided by its voter's revote (their tracker presented, a new ballot cast): listed
    on the board apart from the counted ones. No voter, no time, no link to the ballot that
    replaced it."""

    __tablename__ = "voided_trackers"
    __table_args__ = {"sqlite_with_rowid": False}

    referendum_id: Mapped[int] = mapped_column(ForeignKey("referenda.id"), primary_key=True)
    tracker_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class Ballot(Base):
    """One counted ballot's content, written at certification in canonical order: its position
    is its place in that order, so neither its key, its physical place nor the transaction that
    wrote it says anything of who cast it or when. No voter, no time, no tracker."""

    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    # No foreign key here nor on ballot_trackers, on purpose: certification writes a vote's ballots
    # and trackers in one COPY, and PostgreSQL checks a foreign key row by row, which was two thirds
    # of writing a million of them. Only certification writes these rows, under the referendum's
    # row lock; a referendum is deleted only when cancelled before it opens, long before it has any.
    referendum_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict] = mapped_column(JSON)


class BallotTracker(Base):
    """One published tracker hash, apart from every content (receipts prove inclusion, never
    content); written sorted at certification."""

    __tablename__ = "ballot_trackers"
    __table_args__ = {"sqlite_with_rowid": False}

    referendum_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # no foreign key: see Ballot
    tracker_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
