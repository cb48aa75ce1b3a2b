from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base
from openbargain.models.chapter import Chapter


DEFAULTS = {
    "min_deliberation_hours": 168,
    "urgent_min_deliberation_hours": 24,
    "voting_hours": 168,
    "urgent_voting_hours": 48,
    "min_voting_hours": 24,
    "urgent_min_voting_hours": 4,
    "urgent_cosign_percent": 10,
    "petition_delay_hours": 48,
    "quorum_percent": 20,
    "threshold": "majority",
    "petition_percent": 10,
    "amendment_percent": 5,
    "public_pages": True,
    "ranked_ballots_public": "from_roll",
    "ranked_ballots_min_roll": 50,
    "session_delay_minutes": 0,
    "public_sessions": False,
    "ack_within_hours": 48,
    "report_grace_days": 7,
    "escalate_after_days": 14,
    "accountability_petition_percent": 10,
    "recall_petition": False,
    "platform_report_months": 3,
    "committee_of": "none",
    "callup_days": 7,
    "callup_percent": 5,
    "callup_suspends": False,
    "revoting": True,
    "meeting_quorum_percent": 10,
    "meeting_roll_call": False,
    "meeting_vote_minutes": 10,
}


class CommitteeOf(StrEnum):
    """Who decides routine questions within the platform between referenda, if anyone."""

    NONE = "none"  # nobody: every question goes to the members
    STEERING = "steering"  # the steering committee in good standing
    NAMED = "named"  # the members the bylaws name (CommitteeSeat)


# How often a standing mandate is reported on: periods of this many months, counted from January.
REPORT_PERIODS = (1, 2, 3, 4, 6, 12)


class BallotPublication(StrEnum):
    """Whether a secret ranked vote's individual ballots are published on its board and in its
    export. With few voters most full rankings are unique, so a published ranking can point at
    the one member who cast it; the round tallies and the hashes are published whatever this says."""

    ALWAYS = "always"
    FROM_ROLL = "from_roll"  # only when the roll is at least ranked_ballots_min_roll
    NEVER = "never"


class Bylaws(Base):
    """A chapter's rules for deliberation and votes, as settings the app enforces."""

    __tablename__ = "bylaws"

    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id"), primary_key=True)
    min_deliberation_hours: Mapped[int] = mapped_column(Integer)
    urgent_min_deliberation_hours: Mapped[int] = mapped_column(Integer)
    voting_hours: Mapped[int] = mapped_column(Integer)
    urgent_voting_hours: Mapped[int] = mapped_column(Integer)
    # The shortest vote anyone, steering included, may schedule; and who may ask for the urgent
    # track besides steering (a share of members in good standing co-signing; 0: steering alone).
    min_voting_hours: Mapped[int] = mapped_column(Integer, default=DEFAULTS["min_voting_hours"])
    urgent_min_voting_hours: Mapped[int] = mapped_column(Integer, default=DEFAULTS["urgent_min_voting_hours"])
    urgent_cosign_percent: Mapped[int] = mapped_column(Integer, default=DEFAULTS["urgent_cosign_percent"])
    petition_delay_hours: Mapped[int] = mapped_column(Integer)
    quorum_percent: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[str] = mapped_column(String(20))
    petition_percent: Mapped[int] = mapped_column(Integer)
    amendment_percent: Mapped[int] = mapped_column(Integer)
    public_pages: Mapped[bool] = mapped_column(Boolean)
    ranked_ballots_public: Mapped[str] = mapped_column(String(20), default=DEFAULTS["ranked_ballots_public"])
    ranked_ballots_min_roll: Mapped[int] = mapped_column(Integer, default=DEFAULTS["ranked_ballots_min_roll"])
    # Live bargaining sessions: how long each entry waits before it is shown (0: at once), and
    # whether visitors may watch them where the chapter's pages are public.
    session_delay_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULTS["session_delay_minutes"])
    public_sessions: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS["public_sessions"])
    # The escalation ladder: the deadlines a mandate is held to, how long a flag stands before an
    # accountability proposal may be opened (by steering, or by this share of members petitioning),
    # and whether the bylaws provide a recall petition.
    ack_within_hours: Mapped[int] = mapped_column(Integer, default=DEFAULTS["ack_within_hours"])
    report_grace_days: Mapped[int] = mapped_column(Integer, default=DEFAULTS["report_grace_days"])
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=DEFAULTS["escalate_after_days"])
    accountability_petition_percent: Mapped[int] = mapped_column(Integer,
                                                                default=DEFAULTS["accountability_petition_percent"])
    recall_petition: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS["recall_petition"])
    # The platform's standing mandates are reported on every this many months (REPORT_PERIODS).
    platform_report_months: Mapped[int] = mapped_column(Integer, default=DEFAULTS["platform_report_months"])
    # The committee that settles questions within the platform (CommitteeOf), and the members' call-up
    # of its decisions: within how many days of publication, by what share of members in good
    # standing, and whether a called-up decision's mandates are suspended until the members' vote.
    committee_of: Mapped[str] = mapped_column(String(20), default=DEFAULTS["committee_of"])
    callup_days: Mapped[int] = mapped_column(Integer, default=DEFAULTS["callup_days"])
    callup_percent: Mapped[int] = mapped_column(Integer, default=DEFAULTS["callup_percent"])
    callup_suspends: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS["callup_suspends"])
    # A member may cast again before the close, voiding the ballot their tracker names: so that a
    # ballot cast under pressure need not stand (coercion resistance).
    revoting: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS["revoting"])
    # General meetings: the share of members in good standing who must be present before a meeting
    # votes, whether its votes are taken by roll call (each member's vote published by name) rather
    # than in secret, and how many minutes a meeting vote lasts unless the chair says otherwise.
    meeting_quorum_percent: Mapped[int] = mapped_column(Integer, default=DEFAULTS["meeting_quorum_percent"])
    meeting_roll_call: Mapped[bool] = mapped_column(Boolean, default=DEFAULTS["meeting_roll_call"])
    meeting_vote_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULTS["meeting_vote_minutes"])

    chapter: Mapped[Chapter] = relationship()

    @classmethod
    def for_new_chapter(cls, chapter: Chapter) -> "Bylaws":
        return cls(chapter=chapter, **DEFAULTS)

    def min_deliberation(self, urgent: bool) -> timedelta:
        return timedelta(hours=self.urgent_min_deliberation_hours if urgent else self.min_deliberation_hours)

    def min_voting(self, urgent: bool) -> timedelta:
        return timedelta(hours=self.urgent_min_voting_hours if urgent else self.min_voting_hours)

    def voting_length(self, urgent: bool) -> timedelta:
        return timedelta(hours=self.urgent_voting_hours if urgent else self.voting_hours)

    @property
    def ack_within(self) -> timedelta:
        return timedelta(hours=self.ack_within_hours)

    @property
    def report_grace(self) -> timedelta:
        return timedelta(days=self.report_grace_days)

    def publishes_ranked_ballots(self, roll_size: int) -> bool:
        publication = BallotPublication(self.ranked_ballots_public)
        if publication == BallotPublication.FROM_ROLL:
            return roll_size >= self.ranked_ballots_min_roll
        return publication == BallotPublication.ALWAYS

    @staticmethod
    def share_of(percent: int, members: int) -> int:
        """A threshold as a head count: the percentage of members, rounded up, at least 1."""
        return max(1, -(-percent * members // 100))
