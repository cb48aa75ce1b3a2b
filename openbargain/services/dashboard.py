"""What the chapter home shows: votes coming, open and awaiting their count, with turnout so far
(a count only, never a tally), and the votes members forced by petition; an elected's own mandates
as a to-do list, overdue first; steering's queue of reports to verify."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    ComplianceReport,
    Mandate,
    MandateStatus,
    Membership,
    Proposal,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Result,
    User,
    Visibility,
    VoterRollEntry,
)
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.services.access import bylaws_of, membership_of, released, require
from openbargain.services.bargaining import EntryView, visible_entries
from openbargain.services.errors import NotFound
from openbargain.services.proposals import chapter_today

REVIEW_QUEUE_MAX = 20
FRONT_ITEMS = 5


@dataclass(frozen=True)
class VoteLine:
    referendum: Referendum
    status: ReferendumStatus
    turnout: int
    mine: VoterRollEntry | None = None  # the member's place on the roll: None when not on it
    time_left: timedelta = timedelta(0)  # until it closes (open) or opens (scheduled)


@dataclass(frozen=True)
class MandateLine:
    """A mandate still to carry out and report on, with the days until it is due (negative: overdue)."""

    mandate: Mandate
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def needs_acknowledging(self) -> bool:
        return self.mandate.status == MandateStatus.ISSUED


@dataclass(frozen=True)
class Dashboard:
    votes: list[VoteLine]
    in_deliberation: int
    open_mandates: list[MandateLine]  # not yet reported on, overdue first
    unacknowledged: list[Mandate]  # flagged: not acknowledged within the bylaws' hours
    my_mandates: list[MandateLine]  # the actor's own, when they are an elected
    to_verify: list[ComplianceReport]  # for steering: reports nobody has verified or disputed yet
    to_verify_total: int = 0
    ack_within_hours: int = 48  # the bylaws' deadline the flag is for

    def with_status(self, status: str) -> list[VoteLine]:
        return [v for v in self.votes if v.status.value == status]

    @property
    def overdue(self) -> int:
        return sum(line.overdue for line in self.open_mandates)


def _lines(mandates: list[Mandate], today: date) -> list[MandateLine]:
    return sorted((MandateLine(m, (m.due_on - today).days) for m in mandates),
                  key=lambda line: (line.days_left, line.mandate.id))


def votes_awaiting(membership: Membership | None) -> int:
    """How many open votes have this member on their roll and no ballot from them yet: the nav's badge."""
    if membership is None:
        return 0
    moment = now()
    return db.session.scalar(
        select(func.count()).select_from(VoterRollEntry).join(Referendum, Referendum.id == VoterRollEntry.referendum_id)
        .where(VoterRollEntry.membership_id == membership.id, VoterRollEntry.voted_on.is_(None),
               Referendum.opens_at <= moment, Referendum.closes_at > moment, Referendum.certified_at.is_(None))) or 0


def _vote_lines(chapter: Chapter, mine: Membership | None, *, public_only: bool) -> list[VoteLine]:
    """Votes not yet certified, soonest first, with turnout so far and the viewer's roll entry."""
    s = db.session
    moment = now()
    referenda = list(s.scalars(
        select(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id)
        .options(selectinload(Referendum.proposal))
        .where(Proposal.chapter_id == chapter.id, Referendum.certified_at.is_(None),
               *([Proposal.visibility == Visibility.PUBLIC] if public_only else []))
        .order_by(Referendum.opens_at, Referendum.id)))
    ids = [r.id for r in referenda] or [0]
    turnout = dict(s.execute(
        select(VoterRollEntry.referendum_id, func.count())
        .where(VoterRollEntry.referendum_id.in_(ids), VoterRollEntry.voted_on.is_not(None))
        .group_by(VoterRollEntry.referendum_id)).all())
    entries = {e.referendum_id: e for e in s.scalars(select(VoterRollEntry).where(
        VoterRollEntry.referendum_id.in_(ids), VoterRollEntry.membership_id == mine.id))} if mine else {}
    lines = []
    for r in referenda:
        status = r.status_at(moment)
        until = r.closes_at if status == ReferendumStatus.OPEN else r.opens_at
        lines.append(VoteLine(r, status, turnout.get(r.id, 0), entries.get(r.id), max(until - moment, timedelta(0))))
    return lines


def _open_mandates(chapter: Chapter, *, public_only: bool) -> list[Mandate]:
    query = (select(Mandate).options(selectinload(Mandate.proposal),
                                     selectinload(Mandate.membership).selectinload(Membership.user))
             .join(Proposal, Proposal.id == Mandate.proposal_id)
             .where(Mandate.chapter_id == chapter.id, Mandate.status.in_(AWAITING_REPORT), released()))
    if public_only:
        query = query.where(Proposal.visibility == Visibility.PUBLIC)
    return list(db.session.scalars(query.order_by(Mandate.due_on, Mandate.id)))


def chapter_dashboard(actor: User, chapter: Chapter) -> Dashboard:
    mine = membership_of(actor, chapter)
    require(policy.can_view_chapter(actor, mine), mine, "")
    s = db.session
    in_deliberation = s.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.chapter_id == chapter.id, Proposal.status == ProposalStatus.DELIBERATION)) or 0
    open_mandates = _open_mandates(chapter, public_only=False)
    mandate_lines = _lines(open_mandates, chapter_today(chapter))
    to_verify, to_verify_total = _review_queue(chapter) if policy.can_review_reports(actor, mine) else ([], 0)
    bylaws = bylaws_of(chapter, s)
    return Dashboard(_vote_lines(chapter, mine, public_only=False), in_deliberation, mandate_lines,
                     [m for m in open_mandates if m.unacknowledged_too_long(now(), bylaws.ack_within)],
                     [line for line in mandate_lines if mine is not None and line.mandate.membership_id == mine.id],
                     to_verify, to_verify_total, bylaws.ack_within_hours)


@dataclass(frozen=True)
class FrontPage:
    """The chapter as the public sees it: what is being decided, what was, who must act on it."""

    votes: list[VoteLine]
    in_deliberation: list[Proposal]
    results: list[Result]  # newest first
    mandates: list[MandateLine]  # overdue first
    bargaining: list[EntryView]  # newest first

    def with_status(self, status: str) -> list[VoteLine]:
        return [v for v in self.votes if v.status.value == status]


def public_front(chapter: Chapter) -> FrontPage:
    """Public proposals only, and only for a chapter whose bylaws open its pages to the public."""
    if not bylaws_of(chapter).public_pages:
        raise NotFound(gettext("No such chapter."))
    s = db.session
    public = (Proposal.chapter_id == chapter.id, Proposal.visibility == Visibility.PUBLIC)
    deliberating = list(s.scalars(select(Proposal).where(*public, Proposal.status == ProposalStatus.DELIBERATION)
                                  .order_by(Proposal.published_at.desc(), Proposal.id.desc()).limit(FRONT_ITEMS)))
    results = list(s.scalars(
        select(Result).join(Referendum, Referendum.id == Result.referendum_id)
        .join(Proposal, Proposal.id == Referendum.proposal_id)
        .options(selectinload(Result.referendum).selectinload(Referendum.proposal))
        .where(*public).order_by(Result.certified_at.desc(), Result.id.desc()).limit(FRONT_ITEMS)))
    mandates = _lines(_open_mandates(chapter, public_only=True), chapter_today(chapter))
    return FrontPage(_vote_lines(chapter, None, public_only=True), deliberating, results, mandates,
                     visible_entries(None, chapter)[:FRONT_ITEMS])


def _review_queue(chapter: Chapter) -> tuple[list[ComplianceReport], int]:
    """The oldest reports awaiting steering's verification (a report a later one corrects no longer
    does), and how many there are in all."""
    correction = aliased(ComplianceReport)
    waiting = (ComplianceReport.review.is_(None), Mandate.chapter_id == chapter.id,
               ~select(correction.id).where(correction.corrects_id == ComplianceReport.id).exists())
    s = db.session
    total = s.scalar(select(func.count()).select_from(ComplianceReport)
                     .join(Mandate, Mandate.id == ComplianceReport.mandate_id).where(*waiting)) or 0
    oldest = list(s.scalars(
        select(ComplianceReport).join(Mandate, Mandate.id == ComplianceReport.mandate_id)
        .options(selectinload(ComplianceReport.mandate).selectinload(Mandate.proposal),
                 selectinload(ComplianceReport.mandate).selectinload(Mandate.membership).selectinload(Membership.user))
        .where(*waiting).order_by(ComplianceReport.filed_at, ComplianceReport.id).limit(REVIEW_QUEUE_MAX)))
    return oldest, total
