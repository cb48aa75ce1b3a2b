"""Committee decisions: routine questions within the platform, settled in the open by the body
the bylaws name, each subject to the members' call-up."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.chapter import Membership
from openbargain.models.platform import Plank
from openbargain.models.proposal import Option, Proposal
from openbargain.models.user import User

REASONING_MAX = 20_000


class CommitteeSeat(Base):
    """A member the bylaws name to the deciding committee (when it is named, not steering)."""

    __tablename__ = "committee_seats"
    __table_args__ = (UniqueConstraint("chapter_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))

    membership: Mapped[Membership] = relationship()


class DecisionState(StrEnum):
    IN_FORCE = "in_force"
    CALLED_UP = "called_up"  # members' petition carried: a referendum decides
    CONFIRMED = "confirmed"  # the referendum chose what the committee chose (or decided nothing)
    OVERTURNED = "overturned"  # the referendum chose otherwise: its mandates supersede the committee's


class CommitteeDecision(Base):
    """What the committee decided. The question, the options it considered (each with its
    directive), the electeds it directs and the deadline live on its proposal (kind "committee"),
    so its mandates are issued, kept and rated like any other."""

    __tablename__ = "committee_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    chosen_option_id: Mapped[int] = mapped_column(ForeignKey("options.id"))
    reasoning: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)  # decided_at, or the embargo's end
    callup_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)  # release + the bylaws' days
    callup_needed: Mapped[int | None] = mapped_column(Integer)  # signatures needed when it carried
    state: Mapped[DecisionState] = mapped_column(str_enum(DecisionState), index=True)
    # Whether its mandates were suspended until the members' vote (the bylaws in force when called up).
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    called_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callup_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), unique=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    chosen_option: Mapped[Option] = relationship()
    recorded_by: Mapped[User] = relationship()
    callup_proposal: Mapped[Proposal | None] = relationship(foreign_keys=[callup_proposal_id])
    votes: Mapped[list["CommitteeVote"]] = relationship(cascade="all, delete-orphan", order_by="CommitteeVote.id")
    planks: Mapped[list["CommitteeDecisionPlank"]] = relationship(cascade="all, delete-orphan")

    def released(self, moment: datetime) -> bool:
        return moment >= self.released_at

    def callup_open(self, moment: datetime) -> bool:
        return self.state == DecisionState.IN_FORCE and self.released(moment) and moment < self.callup_closes_at


class CommitteeChoice(StrEnum):
    FOR = "for"  # for the option named
    ABSTAIN = "abstain"
    ABSENT = "absent"


class CommitteeVote(Base):
    """How one committee member voted: the roll call, always shown to members."""

    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("decision_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("committee_decisions.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    choice: Mapped[CommitteeChoice] = mapped_column(str_enum(CommitteeChoice))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("options.id"))

    membership: Mapped[Membership] = relationship()
    option: Mapped[Option | None] = relationship()


class CommitteeDecisionPlank(Base):
    """A plank the decision rests on: the committee decides within the platform, never beside it."""

    __tablename__ = "committee_decision_planks"
    __table_args__ = (UniqueConstraint("decision_id", "plank_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("committee_decisions.id"), index=True)
    plank_id: Mapped[int] = mapped_column(ForeignKey("planks.id"), index=True)

    plank: Mapped[Plank] = relationship()


class CallUpSignature(Base):
    """A member's signature on the petition to call a committee decision up to a referendum."""

    __tablename__ = "callup_signatures"
    __table_args__ = (UniqueConstraint("decision_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("committee_decisions.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
