"""The access kernel every use-case starts from: who the actor is in the chapter, the chapter's
bylaws, and the proposal a use-case acts on, which does not exist for whoever may not see it.

Outsiders learn nothing (404); members without the role are told no (403). It depends on the
models and `policy` only, so any service can use it without importing another use-case."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Bylaws, Chapter, Membership, Proposal, ProposalKind, User
from openbargain.services.errors import NotFound, PermissionDenied


def membership_of(user: User | None, chapter: Chapter, session: Session | None = None) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    session = session or db.session
    return session.scalar(
        select(Membership).where(Membership.chapter_id == chapter.id, Membership.user_id == user.id)
    )


def require(allowed: bool, membership: Membership | None, message: str) -> None:
    """Outsiders learn nothing (404); members without the role are told no (403)."""
    if allowed:
        return
    if not policy.is_chapter_insider(membership):
        raise NotFound(gettext("No such page."))
    raise PermissionDenied(message)


def bylaws_of(chapter: Chapter, session: Session | None = None) -> Bylaws:
    bylaws = (session or db.session).get(Bylaws, chapter.id)
    if bylaws is None:
        raise NotFound(gettext("This chapter has no bylaws yet."))
    return bylaws


def require_chapter_visible(actor: User | None, chapter: Chapter) -> Membership | None:
    """The chapter's shared pages (calendar, electeds, scorecards, bylaws): for its members, and
    for anyone where its bylaws make the pages public. Returns the actor's membership."""
    mine = membership_of(actor, chapter)
    if not (policy.is_chapter_insider(mine) or bylaws_of(chapter).public_pages):
        raise NotFound(gettext("No such chapter."))
    return mine


def load_proposal(session: Session, chapter: Chapter, proposal_id: int, *, lock: bool = False) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id, Proposal.chapter_id == chapter.id)
    if lock:
        query = query.with_for_update()
    proposal = session.scalar(query)
    if proposal is None:
        raise NotFound(gettext("No such proposal."))
    return proposal


def require_visible(actor: User | None, mine: Membership | None, proposal: Proposal, chapter: Chapter,
                    session: Session) -> None:
    if not policy.can_view_proposal(actor, mine, proposal, bylaws_of(chapter, session)):
        raise NotFound(gettext("No such proposal."))


def electeds_of(chapter_id: int, session: Session | None = None) -> list[Membership]:
    """The chapter's electeds, by office, with their users."""
    return list((session or db.session).scalars(
        select(Membership).options(selectinload(Membership.user))
        .where(Membership.chapter_id == chapter_id, Membership.is_elected.is_(True))
        .order_by(Membership.office, Membership.id)))


def memberships_by_email(session: Session, chapter_id: int, emails: list[str]) -> dict[str, Membership]:
    """The chapter's memberships of these addresses (lower-cased), with their users; unknown ones left out."""
    return {m.user.email.lower(): m for m in session.scalars(
        select(Membership).options(selectinload(Membership.user)).join(User, User.id == Membership.user_id)
        .where(Membership.chapter_id == chapter_id, func.lower(User.email).in_(emails or [""])))}


def members_in_good_standing(session: Session, chapter_id: int,
                             emails: list[str]) -> tuple[list[Membership], list[str]]:
    """The memberships in good standing these addresses name (each once, in the order given), and
    the addresses that name no such member: whom steering may appoint (tellers, a chair)."""
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    found = memberships_by_email(session, chapter_id, wanted)
    unfit = [e for e in wanted if e not in found or not found[e].in_good_standing]
    return [found[e] for e in wanted if e not in unfit], unfit


def released() -> ColumnElement[bool]:
    """A list's condition on Proposal: no embargoed committee decision (nor its mandates) before its
    release, which `policy.can_view_proposal` also holds to for one proposal."""
    return or_(Proposal.kind != ProposalKind.COMMITTEE, Proposal.published_at <= now())


def acting_on(session: Session, actor: User, chapter: Chapter, proposal_id: int) -> tuple[Proposal, Membership | None]:
    """The proposal a use-case changes, locked for the transaction, and the actor's membership;
    a proposal the actor may not see does not exist for them."""
    proposal = load_proposal(session, chapter, proposal_id, lock=True)
    mine = membership_of(actor, chapter, session)
    require_visible(actor, mine, proposal, chapter, session)
    return proposal, mine
