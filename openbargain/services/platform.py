"""The platform: planks the members adopt, amend and repeal by referendum, and the standing
mandates each plank issues to the electeds it binds — reported on every period the bylaws set,
rated like any other, and issued to whoever is elected later where the plank binds every elected."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    CommitteeDecision,
    CommitteeDecisionPlank,
    Mandate,
    MandateStatus,
    Membership,
    Plank,
    Proposal,
    ProposalKind,
    Referendum,
    Result,
    User,
    Visibility,
)
from openbargain.services import audit
from openbargain.services.access import bylaws_of, electeds_of, membership_of, require_chapter_visible
from openbargain.services.errors import NotFound
from openbargain.services.mandates import directed_memberships, issue
from openbargain.services.periods import first_due
from openbargain.services.uow import UnitOfWork

ENDED = (MandateStatus.SUPERSEDED, MandateStatus.LAPSED)


def in_force(session: Session, chapter_id: int) -> list[Plank]:
    return list(session.scalars(select(Plank).where(Plank.chapter_id == chapter_id, Plank.ended_at.is_(None))
                                .order_by(Plank.adopted_at, Plank.id)))


def current_of(session: Session, plank: Plank) -> Plank | None:
    """The plank in force that this one became through amendments since (None: repealed since)."""
    while plank.ended_at is not None:
        successor = session.scalar(select(Plank).where(Plank.replaces_id == plank.id))
        if successor is None:
            return None
        plank = successor
    return plank


def _bound(session: Session, plank: Plank) -> list[Membership]:
    if plank.binds_all_electeds:
        return electeds_of(plank.chapter_id, session)
    return [m for m in directed_memberships(session, plank.proposal) if m.is_elected]


def _issue_standing(uow: UnitOfWork, plank: Plank, holders: list[Membership]) -> list[Mandate]:
    if not holders:
        return []
    s = uow.session
    months = bylaws_of(s.get(Chapter, plank.chapter_id), s).platform_report_months
    referendum_id = s.scalar(select(Referendum.id).where(Referendum.proposal_id == plank.proposal_id))
    return issue(uow, plank.proposal, holders, directive=plank.text, basis="plank",
                 due_on=first_due(now().date(), months), referendum_id=referendum_id, standing=True)


def _end_standing(uow: UnitOfWork, plank: Plank, by: Proposal, chapter: Chapter) -> None:
    for mandate in uow.session.scalars(select(Mandate).where(Mandate.proposal_id == plank.proposal_id,
                                                             Mandate.standing.is_(True),
                                                             Mandate.status.not_in(ENDED))
                                       .with_for_update()):
        mandate.status = MandateStatus.SUPERSEDED
        mandate.superseded_at, mandate.superseded_by_id = now(), by.id
        audit.record(uow.session, "mandate.superseded", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                     data={"by_proposal_id": by.id, "plank_id": plank.id})


def enact(uow: UnitOfWork, proposal: Proposal, result: Result) -> Plank | None:
    """A certified plank or repeal proposal changes the platform if adopted; nothing else does.
    Members' latest vote wins: an amendment of a plank amended since amends its latest text, and
    an amendment of a plank repealed since adopts a new plank."""
    if result.outcome != "adopted":
        return None
    s = uow.session
    chapter = s.get(Chapter, proposal.chapter_id)
    target = None
    if proposal.plank_id is not None:
        target = current_of(s, s.get(Plank, proposal.plank_id, with_for_update=True))
    if target is not None:
        target.ended_at, target.ended_by_id = now(), proposal.id
        _end_standing(uow, target, proposal, chapter)
        audit.record(s, "plank.repealed" if proposal.kind == ProposalKind.REPEAL else "plank.amended",
                     f"plank:{target.id}", actor=None, chapter=chapter, data={"by_proposal_id": proposal.id})
    if proposal.kind == ProposalKind.REPEAL:
        return None
    yes = proposal.options[0]
    plank = Plank(chapter_id=chapter.id, proposal_id=proposal.id, title=proposal.title, text=yes.directive or "",
                  binds_all_electeds=proposal.binds_all_electeds, adopted_at=now(),
                  replaces_id=target.id if target is not None else None)
    s.add(plank)
    s.flush()
    audit.record(s, "plank.adopted", f"plank:{plank.id}", actor=None, chapter=chapter,
                 data={"proposal_id": proposal.id, "replaces": plank.replaces_id, "text": plank.text,
                       "binds_all_electeds": plank.binds_all_electeds})
    _issue_standing(uow, plank, _bound(s, plank))
    return plank


def electeds_changed(uow: UnitOfWork, chapter: Chapter) -> None:
    """After the roster changes: whoever became an elected is bound by each plank that binds every
    elected, and the standing mandates of whoever is no longer an elected lapse."""
    s = uow.session
    electeds = {m.id: m for m in electeds_of(chapter.id, s)}
    standing = list(s.scalars(select(Mandate).where(Mandate.chapter_id == chapter.id, Mandate.standing.is_(True),
                                                    Mandate.status.not_in(ENDED))))
    for mandate in standing:
        if mandate.membership_id not in electeds:
            mandate.status = MandateStatus.LAPSED
            audit.record(s, "mandate.lapsed", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                         data={"membership_id": mandate.membership_id})
    held = {(m.proposal_id, m.membership_id) for m in standing}
    for plank in in_force(s, chapter.id):
        if plank.binds_all_electeds:
            _issue_standing(uow, plank, [m for m in electeds.values() if (plank.proposal_id, m.id) not in held])


def can_view_plank(mine: Membership | None, plank: Plank, public_pages: bool) -> bool:
    return policy.is_chapter_insider(mine) or (public_pages and plank.proposal.visibility == Visibility.PUBLIC)


@dataclass(frozen=True)
class Binding:
    mandate: Mandate
    holder: Membership


@dataclass(frozen=True)
class PlatformView:
    planks: list[Plank]  # in force, in the order adopted
    ended: list[Plank]  # amended or repealed, latest first
    bindings: dict[int, list[Binding]]  # plank id: its standing mandates in force
    membership: Membership | None


def _bindings(session: Session, planks: list[Plank]) -> dict[int, list[Binding]]:
    by_proposal = {p.proposal_id: p.id for p in planks}
    found: dict[int, list[Binding]] = {p.id: [] for p in planks}
    for mandate in session.scalars(select(Mandate).options(selectinload(Mandate.membership)
                                                           .selectinload(Membership.user))
                                   .where(Mandate.proposal_id.in_(list(by_proposal) or [0]),
                                          Mandate.standing.is_(True), Mandate.status.not_in(ENDED))
                                   .order_by(Mandate.id)):
        found[by_proposal[mandate.proposal_id]].append(Binding(mandate, mandate.membership))
    return found


def get_platform(actor: User | None, chapter: Chapter) -> PlatformView:
    """The platform as the viewer may see it: members see every plank; visitors, where the chapter
    shows public pages, the planks adopted by a public proposal."""
    s = db.session
    mine = require_chapter_visible(actor, chapter)
    public_pages = bylaws_of(chapter, s).public_pages
    planks = [p for p in s.scalars(select(Plank).options(selectinload(Plank.proposal), selectinload(Plank.ended_by))
                                   .where(Plank.chapter_id == chapter.id).order_by(Plank.adopted_at, Plank.id))
              if can_view_plank(mine, p, public_pages)]
    current = [p for p in planks if p.in_force]
    ended = sorted((p for p in planks if not p.in_force), key=lambda p: (p.ended_at, p.id), reverse=True)
    return PlatformView(current, ended, _bindings(s, current), mine)


@dataclass(frozen=True)
class PlankView:
    plank: Plank
    history: list[Plank]  # every text it had, the first adopted first, this one among them
    bindings: list[Binding]
    decisions: list[CommitteeDecision]  # the committee decisions resting on it, latest first
    membership: Membership | None


def get_plank(actor: User | None, chapter: Chapter, plank_id: int) -> PlankView:
    s = db.session
    plank = s.get(Plank, plank_id)
    mine = membership_of(actor, chapter, s)
    if plank is None or plank.chapter_id != chapter.id or \
            not can_view_plank(mine, plank, bylaws_of(chapter, s).public_pages):
        raise NotFound(gettext("No such plank."))
    history = [plank]
    while history[0].replaces_id is not None:
        history.insert(0, s.get(Plank, history[0].replaces_id))
    while (after := s.scalar(select(Plank).where(Plank.replaces_id == history[-1].id))) is not None:
        history.append(after)
    decisions = list(s.scalars(select(CommitteeDecision).options(selectinload(CommitteeDecision.proposal))
                               .join(CommitteeDecisionPlank, CommitteeDecisionPlank.decision_id == CommitteeDecision.id)
                               .where(CommitteeDecisionPlank.plank_id == plank.id,
                                      CommitteeDecision.released_at <= now())
                               .order_by(CommitteeDecision.decided_at.desc())))
    if not policy.is_chapter_insider(mine):
        decisions = [d for d in decisions if d.proposal.visibility == Visibility.PUBLIC]
    return PlankView(plank, history, _bindings(s, [plank])[plank.id], decisions, mine)

