from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.clock import now
from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.chapter import Chapter, Membership
from openbargain.models.user import User

TITLE_MAX = 200
YES, NO = "Yes", "No"  # the two options of a yes/no proposal
LABEL_MAX = 120
TEXT_MAX = 20_000
DIRECTIVE_MAX = 2_000
COMMENT_MAX = 10_000
REASON_MAX = 300



class ProposalStatus(StrEnum):
    DRAFT = "draft"
    DELIBERATION = "deliberation"
    SCHEDULED = "scheduled"
    VOTING = "voting"
    DECIDED = "decided"
    NO_DECISION = "no_decision"
    WITHDRAWN = "withdrawn"


# The proposal lifecycle: each state and where it may go next.
PROPOSAL_TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.DELIBERATION, ProposalStatus.WITHDRAWN}),
    ProposalStatus.DELIBERATION: frozenset({ProposalStatus.SCHEDULED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.SCHEDULED: frozenset({ProposalStatus.VOTING, ProposalStatus.DELIBERATION, ProposalStatus.WITHDRAWN}),
    ProposalStatus.VOTING: frozenset({ProposalStatus.DECIDED, ProposalStatus.NO_DECISION}),
    ProposalStatus.DECIDED: frozenset(),
    ProposalStatus.NO_DECISION: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}


class ProposalKind(StrEnum):
    """What a proposal decides: a tactical decision an elected faces (the first and commonest kind),
    a plank of the chapter's standing platform (a new one, or an amendment of one), the repeal of a
    plank, a decision the bylaws' committee took (never voted on by members unless called up), or
    an election of people to seats."""

    DIRECTIVE = "directive"
    PLANK = "plank"
    REPEAL = "repeal"
    COMMITTEE = "committee"
    ELECTION = "election"  # electing people (models/election.py): its options are the accepted nominees


class BallotKind(StrEnum):
    YES_NO = "yes_no"
    RANKED = "ranked"


class Visibility(StrEnum):
    MEMBERS = "members"
    PUBLIC = "public"


class Stance(StrEnum):
    FOR = "for"
    AGAINST = "against"
    QUESTION = "question"
    NEUTRAL = "neutral"


class AmendmentKind(StrEnum):
    CHANGE_DIRECTIVE = "change_directive"
    NEW_OPTION = "new_option"


class AmendmentState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ON_BALLOT = "on_ballot"



class Proposal(Base):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[ProposalKind] = mapped_column(str_enum(ProposalKind), default=ProposalKind.DIRECTIVE)
    # A plank proposal: the plank it amends (None: a new plank); a repeal: the plank it repeals.
    plank_id: Mapped[int | None] = mapped_column(ForeignKey("planks.id", use_alter=True), index=True)
    # A plank that binds every elected of the chapter, those elected later included, not only the
    # electeds it names.
    binds_all_electeds: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str] = mapped_column(Text)
    # None only for a plank or a repeal: a standing directive has no date to act by.
    deadline: Mapped[date | None] = mapped_column(Date)
    # The hour the elected must act by, in the chapter's timezone ("before the council meets at
    # 10:00"); None: by the end of the deadline's day.
    deadline_time: Mapped[time | None] = mapped_column(Time)
    ballot_kind: Mapped[BallotKind] = mapped_column(str_enum(BallotKind))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # set only by declaring it (urgency.py)
    urgent_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    urgent_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fallback_directive: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chapter: Mapped[Chapter] = relationship()
    author: Mapped[User] = relationship()
    options: Mapped[list["Option"]] = relationship(
        back_populates="proposal", order_by="Option.position", cascade="all, delete-orphan"
    )
    directed: Mapped[list["DirectedElected"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan"
    )

    @property
    def is_frozen(self) -> bool:
        """From scheduling on, what members vote on never moves under them."""
        return self.status not in (ProposalStatus.DRAFT, ProposalStatus.DELIBERATION)


class DirectedElected(Base):
    """One elected a proposal directs."""

    __tablename__ = "directed_electeds"
    __table_args__ = (UniqueConstraint("proposal_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)

    proposal: Mapped[Proposal] = relationship(back_populates="directed")
    membership: Mapped[Membership] = relationship()


class Option(Base):
    """One choice on the ballot. Labels are distinct per proposal (checked by the services:
    reordering options in place would trip a unique constraint half-way)."""

    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    # None only for a yes/no proposal's "No" without a directive: the elected keeps discretion; and
    # for an election's options, which elect people and direct no one.
    directive: Mapped[str | None] = mapped_column(Text)
    # An election's option: the member it stands for.
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))

    proposal: Mapped[Proposal] = relationship(back_populates="options")


class Revision(Base):
    """The proposal as it stood after one edit: what members can compare."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    note: Mapped[str] = mapped_column(String(200), default="")
    snapshot: Mapped[dict] = mapped_column(JSON)

    editor: Mapped[User] = relationship()


class StatedAction(StrEnum):
    WITHDRAWN = "withdrawn"
    VOTE_CANCELLED = "vote_cancelled"


class StatedReason(Base):
    """Why a proposal was withdrawn or its vote cancelled, in the words of whoever did it: stopping
    what members started is never done without a public reason."""

    __tablename__ = "stated_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    action: Mapped[StatedAction] = mapped_column(str_enum(StatedAction))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    stated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    as_steering: Mapped[bool] = mapped_column(Boolean)  # False: the proposal's author
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    stated_by: Mapped[User] = relationship()


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    # The top-level comment of the thread (itself for a top-level one): a page of threads is
    # two queries however deep the replies go.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    # A comment belongs to the proposal's deliberation, or to the thread of one compliance report
    # or one bargaining entry about the proposal.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_reports.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column("update_id", ForeignKey("bargaining_updates.id"), index=True)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class Amendment(Base):
    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[AmendmentKind] = mapped_column(str_enum(AmendmentKind))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("options.id"))
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    directive: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[AmendmentState] = mapped_column(str_enum(AmendmentState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User] = relationship()
    option: Mapped[Option | None] = relationship()
    signatures: Mapped[list["AmendmentSignature"]] = relationship(cascade="all, delete-orphan")


class AmendmentSignature(Base):
    __tablename__ = "amendment_signatures"
    __table_args__ = (UniqueConstraint("amendment_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    membership: Mapped[Membership] = relationship()


class UrgencySignature(Base):
    """A member's signature on a request for the urgent track; the first carries the reason."""

    __tablename__ = "urgency_signatures"
    __table_args__ = (UniqueConstraint("proposal_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))


class PetitionSignature(Base):
    """A member's signature on the petition to put a proposal to a vote; a public act."""

    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("proposal_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    membership: Mapped[Membership] = relationship()
