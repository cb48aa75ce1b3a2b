"""Electing people. Steering opens an election (what is elected, how many seats, until when members
nominate); members nominate themselves or others, and nominees accept with a statement. Once
nominations close, steering draws the ballot — the accepted nominees, ranked (STV for several seats,
instant-runoff for one), or a yes/no confirmation of a single nominee for a single seat — and
schedules its vote like any other. The certified result elects people and issues no mandate;
steering may then give a winner the steering role, on the record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Chapter,
    Election,
    ElectionWinner,
    Membership,
    Nomination,
    Option,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Referendum,
    Result,
    User,
    Visibility,
)
from openbargain.models.election import OFFICE_MAX, STATEMENT_MAX
from openbargain.models.proposal import NO, TEXT_MAX, TITLE_MAX, YES
from openbargain.phrases import phrase
from openbargain.services import audit, notifications
from openbargain.services.access import acting_on, membership_of, memberships_by_email, require, require_visible
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, ValidationFailed
from openbargain.services.lifecycle import transition
from openbargain.services.text import check_one_line
from openbargain.services.uow import UnitOfWork, unit_of_work

SEATS_MAX = 50
NOMINATION_DAYS_MAX = 90


@dataclass(frozen=True)
class ElectionDraft:
    title: str
    office: str
    seats: int | None
    nominations_close_at: datetime | None
    body: str = ""
    visibility: Visibility = Visibility.MEMBERS


def _check(draft: ElectionDraft, moment: datetime) -> None:
    errors: dict[str, list[str]] = {}
    check_one_line(errors, "title", draft.title.strip(), TITLE_MAX, gettext("Give the election a title."))
    check_one_line(errors, "office", draft.office.strip(), OFFICE_MAX,
                   gettext("Say what is elected, e.g. “the bargaining committee”."))
    if len(draft.body) > TEXT_MAX:
        errors["body"] = [gettext("Use at most %(count)d characters.", count=TEXT_MAX)]
    if draft.seats is None or not 1 <= draft.seats <= SEATS_MAX:
        errors["seats"] = [gettext("Elect 1 to %(most)d people.", most=SEATS_MAX)]
    if draft.nominations_close_at is None or draft.nominations_close_at <= moment:
        errors["nominations_close_at"] = [gettext("Nominations close in the future.")]
    elif draft.nominations_close_at > moment + timedelta(days=NOMINATION_DAYS_MAX):
        errors["nominations_close_at"] = [gettext("Nominations close within %(days)d days.",
                                                  days=NOMINATION_DAYS_MAX)]
    if errors:
        raise ValidationFailed(gettext("The election has problems; nothing was saved."), errors=errors)


def open_election(actor: User, chapter: Chapter, draft: ElectionDraft) -> Proposal:
    """Steering opens an election: published at once, nominations open until the date it sets."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee opens elections."))
        moment = now()
        _check(draft, moment)
        proposal = Proposal(chapter_id=chapter.id, author_id=actor.id, kind=ProposalKind.ELECTION,
                            status=ProposalStatus.DRAFT, revision=0, title=draft.title.strip(), body=draft.body,
                            decision=draft.office.strip(), deadline=None, ballot_kind=BallotKind.RANKED,
                            visibility=draft.visibility)
        s.add(proposal)
        transition(proposal, ProposalStatus.DELIBERATION)
        proposal.published_at = moment
        s.flush()
        s.add(Election(proposal_id=proposal.id, office=draft.office.strip(), seats=draft.seats,
                       nominations_close_at=draft.nominations_close_at))
        s.flush()
        audit.record(s, "election.opened", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"title": proposal.title, "office": draft.office.strip(), "seats": draft.seats,
                           "nominations_close_at": draft.nominations_close_at.isoformat()})
    return proposal


def _election(session, actor: User, chapter: Chapter, proposal_id: int, lock: bool = False):
    if lock:
        proposal, mine = acting_on(session, actor, chapter, proposal_id)
    else:
        proposal, mine = _visible(session, actor, chapter, proposal_id)
    election = session.get(Election, proposal.id)
    if election is None:
        raise NotFound(gettext("No such election."))
    return proposal, election, mine


def _visible(session, actor: User | None, chapter: Chapter, proposal_id: int):
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.chapter_id != chapter.id:
        raise NotFound(gettext("No such election."))
    mine = membership_of(actor, chapter, session)
    require_visible(actor, mine, proposal, chapter, session)
    return proposal, mine


def _nominations_open(election: Election) -> None:
    if now() >= election.nominations_close_at or election.ballot_drawn_at is not None:
        raise InvalidTransition(gettext("Nominations are closed."))


def nominate(actor: User, chapter: Chapter, proposal_id: int, nominee_email: str) -> Nomination:
    """A member in good standing nominates a member in good standing (themselves: accepted at once)."""
    with unit_of_work() as uow:
        s = uow.session
        proposal, election, mine = _election(s, actor, chapter, proposal_id, lock=True)
        require(policy.in_good_standing(mine), mine, gettext("Only members in good standing nominate."))
        _nominations_open(election)
        email = nominee_email.strip().lower()
        nominee = memberships_by_email(s, chapter.id, [email]).get(email)
        if nominee is None or not nominee.in_good_standing:
            raise ValidationFailed.on("email", gettext("Only a member of this chapter in good standing can be "
                                                       "nominated."))
        moment = now()
        nomination = Nomination(proposal_id=proposal.id, nominee_id=nominee.id, nominated_by_id=mine.id,
                                nominated_at=moment, accepted_at=moment if nominee.id == mine.id else None)
        s.add(nomination)
        try:
            s.flush()
        except IntegrityError:
            raise AlreadySigned(gettext("This member is nominated already.")) from None
        audit.record(s, "election.nominated", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"nominee": nominee.id, "self": nominee.id == mine.id})
        if nominee.id != mine.id:
            notifications.tell(uow, "nominated", f"nomination:{nomination.id}", notifications.to_user(nominee.user_id),
                               chapter=chapter, title=phrase("%(name)s nominated you for %(office)s",
                                                             name=actor.name, office=election.office),
                               link=notifications.path("elections.show", slug=chapter.slug, election_id=proposal.id))
    return nomination


def answer(actor: User, chapter: Chapter, proposal_id: int, accept: bool, statement: str = "") -> Nomination:
    """The nominee accepts (with a statement, which they may change until nominations close) or declines."""
    statement = statement.strip()
    if len(statement) > STATEMENT_MAX:
        raise ValidationFailed.on("statement", gettext("Use at most %(count)d characters.", count=STATEMENT_MAX))
    with unit_of_work() as uow:
        s = uow.session
        proposal, election, mine = _election(s, actor, chapter, proposal_id, lock=True)
        _nominations_open(election)
        nomination = s.scalar(select(Nomination).where(Nomination.proposal_id == proposal.id,
                                                       Nomination.nominee_id == (mine.id if mine else 0)))
        if nomination is None:
            raise InvalidTransition(gettext("You are not nominated in this election."))
        moment = now()
        nomination.accepted_at, nomination.declined_at = (moment, None) if accept else (None, moment)
        nomination.statement = statement if accept else ""
        audit.record(s, "election.accepted" if accept else "election.declined", f"proposal:{proposal.id}",
                     actor=actor, chapter=chapter, data={"nominee": mine.id})
    return nomination


def draw_ballot(actor: User, chapter: Chapter, proposal_id: int) -> Proposal:
    """Steering puts the accepted nominees on the ballot once nominations have closed: ranked when
    there are more of them than seats, a yes/no confirmation of one nominee for one seat."""
    with unit_of_work() as uow:
        s = uow.session
        proposal, election, mine = _election(s, actor, chapter, proposal_id, lock=True)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee draws the ballot."))
        if election.ballot_drawn_at is not None:
            raise InvalidTransition(gettext("The ballot is drawn already."))
        if now() < election.nominations_close_at:
            raise InvalidTransition(gettext("Nominations are still open."))
        standing = list(s.scalars(select(Nomination).options(selectinload(Nomination.nominee)
                                                             .selectinload(Membership.user))
                                  .where(Nomination.proposal_id == proposal.id, Nomination.accepted_at.is_not(None))
                                  .order_by(Nomination.id)))
        if len(standing) == 1 and election.seats == 1:
            proposal.ballot_kind = BallotKind.YES_NO
            nominee = standing[0].nominee
            proposal.options[:] = [Option(position=0, label=YES, directive=None, membership_id=nominee.id),
                                   Option(position=1, label=NO, directive=None)]
        elif len(standing) > election.seats:
            proposal.options[:] = [Option(position=i, label=label, directive=None, membership_id=n.nominee_id)
                                   for i, (n, label) in enumerate(zip(standing, _labels(standing)))]
        else:
            raise InvalidTransition(gettext("%(count)d nominees accepted for %(seats)d seats: no contest to vote on. "
                                            "Reopen nominations with a later election.", count=len(standing),
                                            seats=election.seats))
        election.ballot_drawn_at = now()
        s.flush()
        audit.record(s, "election.ballot_drawn", f"proposal:{proposal.id}", actor=actor, chapter=chapter,
                     data={"nominees": [n.nominee_id for n in standing], "ballot": proposal.ballot_kind.value})
    return proposal


def _labels(standing: list[Nomination]) -> list[str]:
    """Each nominee's name, told apart where two members share one."""
    names = [n.nominee.user.name for n in standing]
    return [name if names.count(name) == 1 else f"{name} ({n.nominee.user.email.split('@')[0]})"
            for name, n in zip(names, standing)]


def decided(uow: UnitOfWork, proposal: Proposal, result: Result) -> list[int]:
    """At certification: who the result elects (no mandate: people are elected, no one is directed)."""
    s = uow.session
    if result.outcome == "no_decision":
        winners: list[int] = []
    elif proposal.ballot_kind == BallotKind.YES_NO:
        winners = [proposal.options[0].membership_id] if result.outcome == "adopted" else []
    else:
        by_label = {o.label: o.membership_id for o in proposal.options}
        winners = [by_label[label] for label in result.winners]
    for membership_id in winners:
        s.add(ElectionWinner(proposal_id=proposal.id, membership_id=membership_id))
    s.flush()
    audit.record(s, "election.decided", f"proposal:{proposal.id}", actor=None,
                 chapter=s.get(Chapter, proposal.chapter_id), data={"elected": winners})
    return winners


def grant_steering(actor: User, chapter: Chapter, proposal_id: int, membership_id: int) -> ElectionWinner:
    """Steering gives a winner the steering role, on the record."""
    with unit_of_work() as uow:
        s = uow.session
        proposal, election, mine = _election(s, actor, chapter, proposal_id)
        require(policy.can_manage_roster(actor, mine), mine, gettext("Only the steering committee grants roles."))
        winner = s.scalar(select(ElectionWinner).where(ElectionWinner.proposal_id == proposal.id,
                                                       ElectionWinner.membership_id == membership_id))
        if winner is None:
            raise NotFound(gettext("This member was not elected in this election."))
        target = s.get(Membership, membership_id)
        if not target.in_good_standing:
            raise InvalidTransition(gettext("Only a member in good standing can hold the steering role."))
        target.is_steering = True
        winner.role_granted_at = now()
        audit.record(s, "election.role_granted", f"membership:{target.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "role": "steering"})
    return winner


@dataclass(frozen=True)
class ElectionView:
    proposal: Proposal
    election: Election
    nominations: list[Nomination]
    winners: list[ElectionWinner]
    membership: Membership | None
    nominations_open: bool
    mine: Nomination | None  # the viewer's own nomination
    referendum_id: int | None  # its vote, once scheduled


def get_election(actor: User | None, chapter: Chapter, proposal_id: int) -> ElectionView:
    s = db.session
    proposal, election, mine = _election(s, actor, chapter, proposal_id)
    nominations = list(s.scalars(select(Nomination).options(
        selectinload(Nomination.nominee).selectinload(Membership.user),
        selectinload(Nomination.nominated_by).selectinload(Membership.user))
        .where(Nomination.proposal_id == proposal.id).order_by(Nomination.id)))
    winners = list(s.scalars(select(ElectionWinner).options(selectinload(ElectionWinner.membership)
                                                            .selectinload(Membership.user))
                             .where(ElectionWinner.proposal_id == proposal.id).order_by(ElectionWinner.id)))
    own = next((n for n in nominations if mine is not None and n.nominee_id == mine.id), None)
    return ElectionView(proposal, election, nominations, winners, mine,
                        now() < election.nominations_close_at and election.ballot_drawn_at is None, own,
                        s.scalar(select(Referendum.id).where(Referendum.proposal_id == proposal.id)))
