"""What the chapter home shows: votes coming, open and awaiting their count, with turnout so far
(a count only, never a tally), and the votes members forced by petition."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    Mandate,
    MandateStatus,
    Membership,
    Proposal,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    User,
    VoterRollEntry,
)
from openbargain.services.access import membership_of, require


@dataclass(frozen=True)
class VoteLine:
    referendum: Referendum
    status: ReferendumStatus
    turnout: int
    mine: VoterRollEntry | None = None  # the member's place on the roll: None when not on it
    time_left: timedelta = timedelta(0)  # until it closes (open) or opens (scheduled)


@dataclass(frozen=True)
class Dashboard:
    votes: list[VoteLine]
    in_deliberation: int
    open_mandates: list[Mandate]  # not yet reported on
    unacknowledged: list[Mandate]  # flagged: issued more than 48 hours ago and not acknowledged

    def with_status(self, status: str) -> list[VoteLine]:
        return [v for v in self.votes if v.status.value == status]


def chapter_dashboard(actor: User, chapter: Chapter) -> Dashboard:
    mine = membership_of(actor, chapter)
    require(policy.can_view_chapter(actor, mine), mine, "")
    s = db.session
    moment = now()
    referenda = list(s.scalars(
        select(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id)
        .options(selectinload(Referendum.proposal))
        .where(Proposal.chapter_id == chapter.id, Referendum.certified_at.is_(None))
        .order_by(Referendum.opens_at, Referendum.id)))
    turnout = dict(s.execute(
        select(VoterRollEntry.referendum_id, func.count())
        .where(VoterRollEntry.referendum_id.in_([r.id for r in referenda] or [0]), VoterRollEntry.voted_on.is_not(None))
        .group_by(VoterRollEntry.referendum_id)).all())
    in_deliberation = s.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.chapter_id == chapter.id, Proposal.status == ProposalStatus.DELIBERATION)) or 0
    open_mandates = list(s.scalars(
        select(Mandate).options(selectinload(Mandate.proposal), selectinload(Mandate.membership)
                                .selectinload(Membership.user))
        .where(Mandate.chapter_id == chapter.id,
               Mandate.status.in_([MandateStatus.ISSUED, MandateStatus.ACKNOWLEDGED]))
        .order_by(Mandate.due_on, Mandate.id)))
    entries = {e.referendum_id: e for e in s.scalars(select(VoterRollEntry).where(
        VoterRollEntry.referendum_id.in_([r.id for r in referenda] or [0]),
        VoterRollEntry.membership_id == (mine.id if mine else 0)))}
    lines = []
    for r in referenda:
        status = r.status_at(moment)
        until = r.closes_at if status == ReferendumStatus.OPEN else r.opens_at
        lines.append(VoteLine(r, status, turnout.get(r.id, 0), entries.get(r.id), max(until - moment, timedelta(0))))
    return Dashboard(lines, in_deliberation, open_mandates, [m for m in open_mandates if m.unacknowledged_too_long(moment)])
