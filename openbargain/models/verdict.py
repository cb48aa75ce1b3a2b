"""Steering's verdicts on mandates, on the scale public promise-trackers use, each backed by
evidence (a link, a document's words, a roll call's record) and never edited: a revision is a new verdict pointing at the one it revises."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from openbargain.models.base import Base, UTCDateTime, str_enum
from openbargain.models.mandate import URL_MAX, Mandate
from openbargain.models.user import User

REASONING_MAX = 5_000
QUOTE_MAX = 10_000


class Rating(StrEnum):
    # While the mandate is under way ("not yet rated" is a mandate with no verdict):
    IN_THE_WORKS = "in_the_works"
    STALLED = "stalled"
    # Once it is decided:
    KEPT = "kept"
    COMPROMISE = "compromise"
    BROKEN = "broken"


UNDER_WAY = frozenset({Rating.IN_THE_WORKS, Rating.STALLED})
DECIDED = frozenset({Rating.KEPT, Rating.COMPROMISE, Rating.BROKEN})


class Verdict(Base):
    __tablename__ = "mandate_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    rating: Mapped[Rating] = mapped_column(str_enum(Rating))
    reasoning: Mapped[str] = mapped_column(Text, default="")
    # The evidence: a link, the words of a document quoted, or both.
    evidence_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    evidence_quote: Mapped[str | None] = mapped_column(Text)
    # A roll call's record of the elected's own vote (services/roll_calls.py).
    recorded_vote_id: Mapped[int | None] = mapped_column(ForeignKey("recorded_votes.id"))
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("mandate_verdicts.id"))

    mandate: Mapped[Mandate] = relationship()
    rated_by: Mapped[User] = relationship()
