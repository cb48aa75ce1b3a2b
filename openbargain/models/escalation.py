"""The escalation ladder the bylaws set for a missed deadline: (1) a public flag, (2) an
accountability proposal opened by steering or by members' petition, (3) a recall petition drawn
from the record where the bylaws provide one. Each step is a row, written once."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.mandate import Mandate

RESPONSE_MAX = 5_000


class Missed(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # not acknowledged within the bylaws' hours
    REPORT = "report"  # no report by the due date and the bylaws' grace


class Step(StrEnum):
    FLAGGED = "flagged"
    PROPOSAL = "proposal"
    RECALL = "recall"


class Escalation(Base):
    __tablename__ = "escalations"
    # One row a step for each deadline missed: a standing mandate's report falls due each period.
    __table_args__ = (UniqueConstraint("mandate_id", "missed", "step", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    missed: Mapped[Missed] = mapped_column(str_enum(Missed))
    step: Mapped[Step] = mapped_column(str_enum(Step))
    due_on: Mapped[date] = mapped_column(Date)  # the mandate's due date when the deadline was missed
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the clock (tick), or a petition
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))  # step 2's proposal
    document: Mapped[str | None] = mapped_column(Text)  # step 3's recall petition, drawn from the record
    # The elected's answer, on the record beside the step (once; a later word is a comment).
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    petition_kind: Mapped[str | None] = mapped_column(String(20))  # step 2 opened by "steering" or "petition"

    mandate: Mapped[Mandate] = relationship()


class EscalationSignature(Base):
    """A member's signature on the petition to open step 2 for a flagged mandate."""

    __tablename__ = "escalation_signatures"
    __table_args__ = (UniqueConstraint("escalation_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
