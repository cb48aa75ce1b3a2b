from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.chapter import Chapter, Membership
from openbargain.models.proposal import Proposal, ProposalKind
from openbargain.models.user import User

STATEMENT_MAX = 20_000
URL_MAX = 500
NOTE_MAX = 2_000
PARTY_MAX = 200



class MandateStatus(StrEnum):
    ISSUED = "issued"
    ACKNOWLEDGED = "acknowledged"
    FULFILLED = "fulfilled"
    PARTIALLY = "partially"
    BREACHED = "breached"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"  # a committee decision's, called up by members, until their vote
    LAPSED = "lapsed"  # a standing mandate whose holder is no longer an elected


REPORTED = frozenset({MandateStatus.FULFILLED, MandateStatus.PARTIALLY, MandateStatus.BREACHED})
AWAITING_REPORT = frozenset({MandateStatus.ISSUED, MandateStatus.ACKNOWLEDGED})

# The mandate lifecycle. A later report (a correction) may change a reported outcome. A suspended
# mandate goes back to where it was (issued or acknowledged) when the members confirm the decision.
_ENDS = frozenset({MandateStatus.SUPERSEDED, MandateStatus.LAPSED})
MANDATE_TRANSITIONS: dict[MandateStatus, frozenset[MandateStatus]] = {
    MandateStatus.ISSUED: frozenset({MandateStatus.ACKNOWLEDGED, MandateStatus.SUSPENDED}) | _ENDS,
    MandateStatus.ACKNOWLEDGED: REPORTED | {MandateStatus.SUSPENDED} | _ENDS,
    MandateStatus.FULFILLED: REPORTED | _ENDS,
    MandateStatus.PARTIALLY: REPORTED | _ENDS,
    MandateStatus.BREACHED: REPORTED | _ENDS,
    MandateStatus.SUSPENDED: AWAITING_REPORT | {MandateStatus.SUPERSEDED},
    MandateStatus.SUPERSEDED: frozenset(),
    MandateStatus.LAPSED: frozenset(),
}


class MandateSource(StrEnum):
    """Where a mandate comes from, as the elected sees it on each mandate."""

    REFERENDUM = "referendum"
    PLANK = "plank"
    COMMITTEE = "committee"


class Mandate(Base):
    """The binding directive one elected receives from a certified result."""

    __tablename__ = "mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    # None: a committee decision's (no member voted on it unless it is called up).
    referendum_id: Mapped[int | None] = mapped_column(ForeignKey("referenda.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    # None: the result gave no directive and the elected keeps their discretion (said on the page).
    directive: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)  # which outcome the directive comes from, never cut short
    # A standing mandate (a plank's): due_on is the end of the reporting period in course, moved on
    # a period by each period's report, so the overdue flags and the ladder hold it like any other.
    due_on: Mapped[date] = mapped_column(Date)
    standing: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MandateStatus] = mapped_column(str_enum(MandateStatus), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))

    chapter: Mapped[Chapter] = relationship()
    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    membership: Mapped[Membership] = relationship()
    reports: Mapped[list["ComplianceReport"]] = relationship(
        back_populates="mandate", order_by="ComplianceReport.filed_at")

    @property
    def source(self) -> MandateSource:
        if self.standing:
            return MandateSource.PLANK
        return MandateSource.COMMITTEE if self.proposal.kind == ProposalKind.COMMITTEE else MandateSource.REFERENDUM

    def unacknowledged_too_long(self, moment: datetime, within: timedelta) -> bool:
        """Not acknowledged within the bylaws' hours (Bylaws.ack_within)."""
        return self.acknowledged_at is None and self.status == MandateStatus.ISSUED and \
            moment - self.issued_at > within

    def overdue(self, today: date) -> bool:
        """Past its due date (the chapter's today) with no report: flagged on every to-do list."""
        return self.status in AWAITING_REPORT and self.due_on < today

    def unreported(self, moment: datetime, grace: timedelta) -> bool:
        """No report by the due date plus the bylaws' grace (Bylaws.report_grace), derived from the
        clock like a vote's status."""
        deadline = datetime.combine(self.due_on + grace, datetime.min.time(), tzinfo=moment.tzinfo)
        return self.status in AWAITING_REPORT and moment >= deadline


class ReportOutcome(StrEnum):
    FULFILLED = "fulfilled"
    PARTIALLY = "partially"
    BREACHED = "breached"


class ReportReview(StrEnum):
    VERIFIED = "verified"
    DISPUTED = "disputed"


class ComplianceReport(Base):
    """The elected's account of carrying a mandate out. Never edited: a correction is a new
    report pointing at the one it corrects."""

    __tablename__ = "compliance_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    outcome: Mapped[ReportOutcome] = mapped_column(str_enum(ReportOutcome))
    statement: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    acted_on: Mapped[date] = mapped_column(Date)
    period_ending: Mapped[date | None] = mapped_column(Date)  # a standing mandate's: the period it covers
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_reports.id"))
    review: Mapped[ReportReview | None] = mapped_column(str_enum(ReportReview))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    mandate: Mapped[Mandate] = relationship(back_populates="reports")
    reviewed_by: Mapped[User | None] = relationship()


class BargainingEntry(Base):
    """An elected's public log entry of a negotiation. Append-only: a correction is a new entry."""

    # The table and its foreign keys keep their first names ("updates"): the app says "entry".
    __tablename__ = "bargaining_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    counterparty: Mapped[str] = mapped_column(String(PARTY_MAX))
    offered: Mapped[str] = mapped_column(Text, default="")
    demanded: Mapped[str] = mapped_column(Text, default="")
    threatened: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held until the vote on its proposal opens, however far off that is (no date to invent).
    embargo_until_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("bargaining_updates.id"))

    membership: Mapped[Membership] = relationship()
    proposal: Mapped[Proposal | None] = relationship()

    @property
    def embargoed(self) -> bool:
        return self.embargo_until is not None or self.embargo_until_vote

    def release_at(self, vote_opens_at: datetime | None) -> datetime | None:
        """When the entry is public: at once without an embargo; else when the embargo ends or the
        proposal's vote opens, whichever is first; None while it waits for a vote not yet set."""
        if not self.embargoed:
            return self.recorded_at
        moments = [m for m in (self.embargo_until, vote_opens_at) if m is not None]
        return min(moments) if moments else None

    def published(self, moment: datetime, vote_opens_at: datetime | None) -> bool:
        """Nothing needs to run for a release to happen: it follows the clock."""
        release = self.release_at(vote_opens_at)
        return release is not None and moment >= release


class BargainingLink(Base):
    """An earlier update put on the timeline of a proposal drafted after it: an append-only link,
    sealed in the audit chain, never an edit of the entry."""

    __tablename__ = "bargaining_links"
    __table_args__ = (UniqueConstraint("update_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column("update_id", ForeignKey("bargaining_updates.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
