"""General meetings: when and where a chapter meets, what is on its agenda, who chairs and tells,
and who is in the room (or online). A meeting's votes are referenda (Referendum.meeting_id) whose
roll is the members checked in when each opens."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime
from openbargain.models.chapter import Membership
from openbargain.models.proposal import TITLE_MAX, Proposal

PLACE_MAX = 200
VIDEO_URL_MAX = 500


# Check-in opens this long before the start; a meeting nobody adjourned ends this long after its
# planned end, so that its check-in link does not stay valid for ever.
DOORS_OPEN = timedelta(minutes=30)
OVERRUN = timedelta(hours=3)


class MeetingStatus(StrEnum):
    CALLED = "called"  # announced; check-in not open yet
    DOORS_OPEN = "doors_open"  # members check in; the chair has not called it to order
    IN_SESSION = "in_session"  # called to order: votes can be opened
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"


class CheckIn(StrEnum):
    """How a member came to be counted present."""

    ROOM = "room"  # the code shown on the room's screen
    REMOTE = "remote"  # online, where the meeting lets remote attendees in
    TELLER = "teller"  # a teller, from the roster


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)  # as planned; the chair adjourns
    place: Mapped[str] = mapped_column(String(PLACE_MAX), default="")
    video_url: Mapped[str] = mapped_column(String(VIDEO_URL_MAX), default="")
    remote_check_in: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    # What the room's rotating check-in code is derived from (services/meetings.room_code); never shown.
    room_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_to_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adjourned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chair: Mapped[Membership] = relationship()

    def status_at(self, moment: datetime) -> MeetingStatus:
        if self.cancelled_at is not None:
            return MeetingStatus.CANCELLED
        if self.adjourned_at is not None or moment >= self.ends_at + OVERRUN:
            return MeetingStatus.ADJOURNED
        if self.called_to_order_at is not None:
            return MeetingStatus.IN_SESSION
        return MeetingStatus.DOORS_OPEN if moment >= self.starts_at - DOORS_OPEN else MeetingStatus.CALLED


class AgendaItem(Base):
    """A proposal the meeting will take up, in the order the agenda lists them."""

    __tablename__ = "agenda_items"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    proposal: Mapped[Proposal] = relationship()


class MeetingTeller(Base):
    """A member steering named to check members in and to open and count the meeting's votes."""

    __tablename__ = "meeting_tellers"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), primary_key=True)

    membership: Mapped[Membership] = relationship()


class Attendance(Base):
    """A member present at the meeting, from their check-in until they leave (if they do)."""

    __tablename__ = "attendances"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), primary_key=True)
    how: Mapped[str] = mapped_column(String(10))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
