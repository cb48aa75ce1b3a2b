"""Scorecards: how each elected has carried out the mandates members gave them."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Mandate, Membership, User
from openbargain.services.access import bylaws_of, membership_of, require_chapter_visible
from openbargain.services.bargaining import EntryView, visible_entries
from openbargain.services.errors import NotFound

CATEGORIES = ("received", "acknowledged", "unacknowledged_48h", "fulfilled", "partially", "breached",
              "unreported", "superseded")


@dataclass
class Scorecard:
    membership: Membership
    items: dict[str, list[Mandate]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    median_hours_to_acknowledge: float | None = None
    entries: list[EntryView] = field(default_factory=list)

    def count(self, category: str) -> int:
        return len(self.items[category])


def _visible_mandates(actor: User | None, chapter: Chapter, membership_ids: list[int]) -> list[Mandate]:
    mine = membership_of(actor, chapter)
    bylaws = bylaws_of(chapter)
    mandates = db.session.scalars(
        select(Mandate).options(selectinload(Mandate.proposal))
        .where(Mandate.chapter_id == chapter.id, Mandate.membership_id.in_(membership_ids or [0]))
        .order_by(Mandate.issued_at.desc(), Mandate.id.desc()))
    return [m for m in mandates if policy.can_view_proposal(actor, mine, m.proposal, bylaws)]


def _score(membership: Membership, mandates: list[Mandate]) -> Scorecard:
    card = Scorecard(membership)
    moment = now()
    hours = []
    for m in mandates:
        card.items["received"].append(m)
        if m.acknowledged_at is not None:
            card.items["acknowledged"].append(m)
            hours.append((m.acknowledged_at - m.issued_at).total_seconds() / 3600)
        if m.unacknowledged_too_long(moment):
            card.items["unacknowledged_48h"].append(m)
        if m.status.value in ("fulfilled", "partially", "breached", "superseded"):
            card.items[m.status.value].append(m)
        if m.unreported(moment):
            card.items["unreported"].append(m)
    card.median_hours_to_acknowledge = statistics.median(hours) if hours else None
    return card


def _electeds(chapter: Chapter) -> list[Membership]:
    return list(db.session.scalars(select(Membership).options(selectinload(Membership.user))
                                   .where(Membership.chapter_id == chapter.id, Membership.is_elected.is_(True))
                                   .order_by(Membership.office)))


def list_electeds(actor: User | None, chapter: Chapter) -> list[Membership]:
    """The chapter's electeds and their offices: whom a proposal can direct."""
    require_chapter_visible(actor, chapter)
    return _electeds(chapter)


def scorecard(actor: User | None, chapter: Chapter, membership_id: int) -> Scorecard:
    require_chapter_visible(actor, chapter)
    elected = db.session.get(Membership, membership_id)
    if elected is None or elected.chapter_id != chapter.id or not elected.is_elected:
        raise NotFound("No such elected.")
    card = _score(elected, _visible_mandates(actor, chapter, [elected.id]))
    card.entries = visible_entries(actor, chapter, membership_id=elected.id)
    return card


def accountability(actor: User | None, chapter: Chapter) -> list[Scorecard]:
    """Every elected with their figures, in a fixed number of queries."""
    require_chapter_visible(actor, chapter)
    electeds = _electeds(chapter)
    mandates = _visible_mandates(actor, chapter, [e.id for e in electeds])
    return [_score(e, [m for m in mandates if m.membership_id == e.id]) for e in electeds]
