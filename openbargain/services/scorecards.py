"""Scorecards: how each elected has carried out the mandates members gave them."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Bylaws, Chapter, ComplianceReport, Escalation, Mandate, Membership, RecordMatch, User, Verdict
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.services.access import bylaws_of, membership_of, require_chapter_visible
from openbargain.services.bargaining import EntryView, visible_entries
from openbargain.services.errors import NotFound
from openbargain.services.proposals import chapter_today
from openbargain.services.escalations import flags_of
from openbargain.services.roll_calls import against_the_mandate
from openbargain.services.verdicts import current_verdicts

CATEGORIES = ("received", "acknowledged", "unacknowledged_48h", "fulfilled", "partially", "breached",
              "unreported", "superseded")


# The fulfilment bar's parts, in the order drawn.
SHARES = (("fulfilled", _l("fulfilled")), ("partially", _l("partially")), ("breached", _l("breached")),
          ("open", _l("awaiting a report")))


@dataclass(frozen=True)
class MandateStory:
    """One mandate once, as a timeline: received, acknowledged (how fast), reported (how)."""

    mandate: Mandate
    overdue: bool  # past its due date with no report
    report: ComplianceReport | None  # the latest: a correction replaces what the page says
    verdict: Verdict | None = None  # steering's, in force; None: not yet rated
    against: tuple[RecordMatch, ...] = ()  # the elected's recorded votes that went against it
    flags: tuple[Escalation, ...] = ()  # deadlines missed, flagged in public (services/escalations.py)

    @property
    def hours_to_acknowledge(self) -> float | None:
        m = self.mandate
        return (m.acknowledged_at - m.issued_at).total_seconds() / 3600 if m.acknowledged_at else None


@dataclass
class Scorecard:
    membership: Membership
    items: dict[str, list[Mandate]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    median_hours_to_acknowledge: float | None = None
    entries: list[EntryView] = field(default_factory=list)
    stories: list[MandateStory] = field(default_factory=list)  # overdue first, then open by due date, then the rest
    ack_within_hours: int = 48  # the bylaws' deadline the "unacknowledged" figure counts against

    def count(self, category: str) -> int:
        return len(self.items[category])

    @property
    def overdue(self) -> int:
        return sum(story.overdue for story in self.stories)

    def shares(self) -> list[tuple[str, str, int]]:
        """(key, words, count) for the bar: the outcomes of mandates not superseded, and those open."""
        counts = {"open": sum(s.mandate.status in AWAITING_REPORT for s in self.stories)} | {
            k: self.count(k) for k in ("fulfilled", "partially", "breached")}
        return [(key, str(words), counts[key]) for key, words in SHARES]


def _visible_mandates(actor: User | None, chapter: Chapter, membership_ids: list[int]) -> list[Mandate]:
    mine = membership_of(actor, chapter)
    bylaws = bylaws_of(chapter)
    mandates = db.session.scalars(
        select(Mandate).options(selectinload(Mandate.proposal),
                                selectinload(Mandate.reports).selectinload(ComplianceReport.reviewed_by))
        .where(Mandate.chapter_id == chapter.id, Mandate.membership_id.in_(membership_ids or [0]))
        .order_by(Mandate.issued_at.desc(), Mandate.id.desc()))
    return [m for m in mandates if policy.can_view_proposal(actor, mine, m.proposal, bylaws)]


def _story_order(story: MandateStory) -> tuple:
    m = story.mandate
    if story.overdue:
        return (0, m.due_on.toordinal(), m.id)
    if m.status in AWAITING_REPORT:
        return (1, m.due_on.toordinal(), m.id)
    return (2, -m.issued_at.timestamp(), -m.id)


def _score(membership: Membership, mandates: list[Mandate], today: date, rated: dict[int, Verdict],
           against: dict[int, list[RecordMatch]], flags: dict[int, list[Escalation]], bylaws: Bylaws) -> Scorecard:
    card = Scorecard(membership, ack_within_hours=bylaws.ack_within_hours)
    moment = now()
    hours = []
    card.stories = sorted((MandateStory(m, m.overdue(today), m.reports[-1] if m.reports else None, rated.get(m.id),
                                        tuple(against.get(m.id, ())), tuple(flags.get(m.id, ())))
                           for m in mandates), key=_story_order)
    for m in mandates:
        card.items["received"].append(m)
        if m.acknowledged_at is not None:
            card.items["acknowledged"].append(m)
            hours.append((m.acknowledged_at - m.issued_at).total_seconds() / 3600)
        if m.unacknowledged_too_long(moment, bylaws.ack_within):
            card.items["unacknowledged_48h"].append(m)
        if m.status.value in ("fulfilled", "partially", "breached", "superseded"):
            card.items[m.status.value].append(m)
        if m.unreported(moment, bylaws.report_grace):
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
        raise NotFound(gettext("No such elected."))
    mandates = _visible_mandates(actor, chapter, [elected.id])
    ids = [m.id for m in mandates]
    card = _score(elected, mandates, chapter_today(chapter), current_verdicts(ids), against_the_mandate(ids),
                  flags_of(ids), bylaws_of(chapter))
    card.entries = visible_entries(actor, chapter, membership_id=elected.id)
    return card


def accountability(actor: User | None, chapter: Chapter) -> list[Scorecard]:
    """Every elected with their figures, in a fixed number of queries."""
    require_chapter_visible(actor, chapter)
    electeds = _electeds(chapter)
    mandates = _visible_mandates(actor, chapter, [e.id for e in electeds])
    today = chapter_today(chapter)
    ids = [m.id for m in mandates]
    rated, against, flags = current_verdicts(ids), against_the_mandate(ids), flags_of(ids)
    bylaws = bylaws_of(chapter)
    cards = [_score(e, [m for m in mandates if m.membership_id == e.id], today, rated, against, flags, bylaws)
             for e in electeds]
    return sorted(cards, key=lambda card: -card.overdue)  # whoever is behind comes first (stable otherwise)
