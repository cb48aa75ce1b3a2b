from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime
from openbargain.models.proposal import Proposal


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
