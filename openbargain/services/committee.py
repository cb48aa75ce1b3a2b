"""Committee decisions: the body the bylaws name (steering, or members named to it) settles a
question within the platform whose deadline comes sooner than a referendum could, in the open —
the question, the options it weighed, its choice and reasoning, each member's vote and the planks
it rests on — and the choice issues mandates as a certified result does. Members may call any of
them up (services/callups.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Bylaws,
    CallUpSignature,
    Chapter,
    CommitteeChoice,
    CommitteeDecision,
    CommitteeDecisionPlank,
    CommitteeSeat,
    CommitteeVote,
    DecisionState,
    Mandate,
    Membership,
    Option,
    Plank,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Standing,
    User,
    Visibility,
)
from openbargain.models.bylaws import CommitteeOf
from openbargain.models.committee import REASONING_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, mandates, notifications, proposals, webhooks
from openbargain.services.access import bylaws_of, membership_of, memberships_by_email, require, require_chapter_visible
from openbargain.services.bylaws import members_needed
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.services.proposals import OptionDraft, ProposalDraft, deadline_moment
from openbargain.services.uow import UnitOfWork, unit_of_work

PAGE_SIZE = 25
SEATS_MAX = 50
ABSTAIN, ABSENT = CommitteeChoice.ABSTAIN.value, CommitteeChoice.ABSENT.value


def members_of(session: Session, chapter: Chapter, bylaws: Bylaws) -> list[Membership]:
    """The deciding committee now, in good standing: steering, or the members the bylaws name."""
    query = select(Membership).options(selectinload(Membership.user)).where(
        Membership.chapter_id == chapter.id, Membership.standing == Standing.GOOD_STANDING)
    if bylaws.committee_of == CommitteeOf.STEERING:
        query = query.where(Membership.is_steering.is_(True))
    elif bylaws.committee_of == CommitteeOf.NAMED:
        query = query.join(CommitteeSeat, CommitteeSeat.membership_id == Membership.id)
    else:
        return []
    return sorted(session.scalars(query), key=lambda m: (m.user.name.casefold(), m.id))


def members_of_chapter(actor: User | None, chapter: Chapter) -> list[Membership]:
    """Who sits on the deciding committee, as anyone who sees the chapter's pages may know."""
    require_chapter_visible(actor, chapter)
    return members_of(db.session, chapter, bylaws_of(chapter))


def seated(actor: User | None, chapter: Chapter) -> bool:
    """Whether the actor sits on the deciding committee (pages show the form to record a decision)."""
    mine = membership_of(actor, chapter)
    return mine is not None and any(m.id == mine.id for m in members_of(db.session, chapter, bylaws_of(chapter)))


def set_seats(actor: User, chapter: Chapter, emails: list[str]) -> list[Membership]:
    """Steering names the committee's members (when the bylaws name them, not steering)."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        require(policy.can_edit_bylaws(actor, mine), mine, gettext("Only the steering committee can change the bylaws."))
        wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
        if len(wanted) > SEATS_MAX:
            raise ValidationFailed.on("emails", gettext("Name at most %(count)d members.", count=SEATS_MAX))
        found = memberships_by_email(s, chapter.id, wanted)
        unknown = [e for e in wanted if e not in found]
        if unknown:
            raise ValidationFailed.on("emails", gettext("Not members of this chapter: %(emails)s",
                                                        emails=", ".join(unknown)))
        before = set(s.scalars(select(CommitteeSeat.membership_id).where(CommitteeSeat.chapter_id == chapter.id)))
        after = {found[e].id for e in wanted}
        for seat in s.scalars(select(CommitteeSeat).where(CommitteeSeat.chapter_id == chapter.id,
                                                          CommitteeSeat.membership_id.not_in(after or [0]))):
            s.delete(seat)
        for membership_id in after - before:
            s.add(CommitteeSeat(chapter_id=chapter.id, membership_id=membership_id))
        if before != after:
            audit.record(s, "committee.seats_set", f"chapter:{chapter.id}", actor=actor, chapter=chapter,
                         data={"members": sorted(after), "before": sorted(before)})
    return [found[e] for e in wanted]


def seat_emails(actor: User, chapter: Chapter) -> list[str]:
    mine = membership_of(actor, chapter)
    require(policy.can_edit_bylaws(actor, mine), mine, gettext("Only the steering committee can change the bylaws."))
    return list(db.session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                                   .join(CommitteeSeat, CommitteeSeat.membership_id == Membership.id)
                                   .where(CommitteeSeat.chapter_id == chapter.id).order_by(User.email)))


@dataclass(frozen=True)
class DecisionDraft:
    title: str  # the question
    body: str  # its context
    decision: str  # what the elected faces
    deadline: date | None
    elected_ids: list[int]
    options: list[OptionDraft]  # the options the committee weighed, each with its directive
    chosen: int | None  # which of them it chose, from 1
    reasoning: str
    plank_ids: list[int]
    votes: dict[int, str]  # each committee member's vote: an option's number ("1"...), "abstain" or "absent"
    visibility: Visibility = Visibility.MEMBERS
    deadline_time: time | None = None
    embargo_until: datetime | None = None


def referendum_track_ends(bylaws: Bylaws, moment: datetime) -> datetime:
    """The soonest a referendum opened now could be certified: what the committee decides is sooner."""
    return moment + bylaws.min_deliberation(False) + bylaws.min_voting(False)


@dataclass
class _Problems:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _check(session: Session, chapter: Chapter, bylaws: Bylaws, committee: list[Membership], draft: DecisionDraft,
           moment: datetime) -> tuple[list[Membership], list[Plank], dict[int, int | str]]:
    err = _Problems()
    electeds: list[Membership] = []
    try:
        electeds = proposals.check_draft(session, chapter, ProposalDraft(
            title=draft.title, body=draft.body, decision=draft.decision, deadline=draft.deadline,
            deadline_time=draft.deadline_time, ballot_kind=BallotKind.RANKED, visibility=draft.visibility,
            elected_ids=draft.elected_ids, options=draft.options))
    except ValidationFailed as failed:
        err.errors.update(failed.errors)
    if draft.deadline is not None and "deadline" not in err.errors:
        track = referendum_track_ends(bylaws, moment)
        if deadline_moment(chapter, draft.deadline, draft.deadline_time) >= track:
            err("deadline", gettext("A referendum could decide this before the deadline: the committee decides "
                                    "only what cannot wait for the members' vote (one opened now could be "
                                    "certified by %(day)s UTC).", day=track.strftime("%Y-%m-%d %H:%M")))
    planks = _planks(session, chapter, draft.plank_ids, err)
    if draft.chosen is None or not 1 <= draft.chosen <= len(draft.options):
        err("chosen", gettext("Say which of the options the committee chose."))
    reasoning = draft.reasoning.strip()
    if not reasoning:
        err("reasoning", gettext("Give the committee's reasoning: members judge the decision by it."))
    elif len(reasoning) > REASONING_MAX:
        err("reasoning", gettext("Use at most %(count)d characters.", count=REASONING_MAX))
    votes = _roll_call(committee, draft, err)
    if draft.embargo_until is not None:
        if draft.embargo_until <= moment:
            err("embargo_until", gettext("An embargo ends in the future."))
        elif draft.deadline is not None and draft.embargo_until > deadline_moment(chapter, draft.deadline,
                                                                                   draft.deadline_time):
            err("embargo_until", gettext("An embargo ends by the deadline at the latest: members see what binds "
                                         "their electeds once the elected has acted."))
    if err.errors:
        raise ValidationFailed(gettext("The decision has problems; nothing was recorded."), errors=err.errors)
    return electeds, planks, votes


def _planks(session: Session, chapter: Chapter, ids: list[int], err) -> list[Plank]:
    wanted = list(dict.fromkeys(ids))
    found = {p.id: p for p in session.scalars(select(Plank).where(Plank.id.in_(wanted or [0]),
                                                                  Plank.chapter_id == chapter.id,
                                                                  Plank.ended_at.is_(None)))}
    if not wanted:
        err("plank_ids", gettext("Name the planks the decision rests on: the committee decides within the "
                                 "platform, never beside it."))
    elif len(found) != len(wanted):
        err("plank_ids", gettext("Only planks of the platform in force can ground a decision."))
    return [found[i] for i in wanted if i in found]


def _roll_call(committee: list[Membership], draft: DecisionDraft, err) -> dict[int, int | str]:
    """Each member's vote, checked against the choice: a quorum of the committee present, and the
    chosen option backed by more than half of the votes cast for an option."""
    seats = {m.id for m in committee}
    votes: dict[int, int | str] = {}
    for membership_id, said in draft.votes.items():
        if membership_id not in seats:
            err("votes", gettext("Only the committee's members have a vote."))
            return {}
        said = str(said).strip().lower()
        if said in (ABSTAIN, ABSENT):
            votes[membership_id] = said
        elif said.isdigit() and 1 <= int(said) <= len(draft.options):
            votes[membership_id] = int(said)
        else:
            err("votes", gettext("Record each member's vote as an option's number, abstain or absent."))
            return {}
    missing = [m.user.name for m in committee if m.id not in votes]
    if missing:
        err("votes", gettext("Record the vote of every member of the committee: %(names)s.", names=", ".join(missing)))
        return votes
    present = sum(1 for v in votes.values() if v != ABSENT)
    if present * 2 <= len(committee):
        err("votes", gettext("Fewer than half of the committee took part: it has no quorum to decide."))
    cast = [v for v in votes.values() if isinstance(v, int)]
    if draft.chosen is not None and cast and cast.count(draft.chosen) * 2 <= len(cast):
        err("chosen", gettext("The roll call does not give the chosen option more than half of the votes cast "
                              "(%(got)d of %(cast)d).", got=cast.count(draft.chosen), cast=len(cast)))
    return votes


def record_decision(actor: User, chapter: Chapter, draft: DecisionDraft) -> CommitteeDecision:
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        bylaws = bylaws_of(chapter, s)
        if bylaws.committee_of == CommitteeOf.NONE:
            no_committee = gettext("The bylaws name no committee: every question goes to the members.")
            require(policy.is_chapter_insider(mine), mine, no_committee)
            raise InvalidTransition(no_committee)
        committee = members_of(s, chapter, bylaws)
        require(mine is not None and any(m.id == mine.id for m in committee), mine,
                gettext("Only the committee the bylaws name records its decisions."))
        moment = now()
        electeds, planks, votes = _check(s, chapter, bylaws, committee, draft, moment)
        released_at = draft.embargo_until or moment
        proposal = Proposal(chapter_id=chapter.id, author_id=actor.id, status=ProposalStatus.DECIDED, revision=0,
                            title="", body="", decision="", published_at=released_at)
        proposals.apply_draft(s, proposal, ProposalDraft(
            title=draft.title, body=draft.body, decision=draft.decision, deadline=draft.deadline,
            deadline_time=draft.deadline_time, ballot_kind=BallotKind.RANKED, visibility=draft.visibility,
            elected_ids=draft.elected_ids, options=draft.options), electeds)
        proposal.kind = ProposalKind.COMMITTEE  # decided by the committee, never drafted for a vote
        s.add(proposal)
        s.flush()
        chosen = proposal.options[draft.chosen - 1]
        decision = CommitteeDecision(
            chapter_id=chapter.id, proposal_id=proposal.id, chosen_option_id=chosen.id,
            reasoning=draft.reasoning.strip(), recorded_by_id=actor.id, decided_at=moment,
            embargo_until=draft.embargo_until, released_at=released_at,
            callup_closes_at=released_at + timedelta(days=bylaws.callup_days), state=DecisionState.IN_FORCE)
        s.add(decision)
        s.flush()
        for membership_id, vote in votes.items():
            s.add(CommitteeVote(decision_id=decision.id, membership_id=membership_id,
                                choice=CommitteeChoice.FOR if isinstance(vote, int) else CommitteeChoice(vote),
                                option_id=proposal.options[vote - 1].id if isinstance(vote, int) else None))
        for plank in planks:
            s.add(CommitteeDecisionPlank(decision_id=decision.id, plank_id=plank.id))
        s.flush()
        audit.record(s, "committee.decided", f"committee_decision:{decision.id}", actor=actor, chapter=chapter,
                     data={"proposal_id": proposal.id, "question": proposal.title, "chosen": chosen.label,
                           "directive": chosen.directive, "planks": [p.id for p in planks],
                           "votes": {str(k): v for k, v in sorted(votes.items())},
                           "embargo_until": draft.embargo_until.isoformat() if draft.embargo_until else None})
        embargoed = released_at > moment
        mandates.issue(uow, proposal, electeds, directive=chosen.directive, basis="committee: " + chosen.label,
                                due_on=proposal.deadline, referendum_id=None, announced=not embargoed)
        if not embargoed:
            _announce(uow, chapter, decision, proposal, chosen.label)
    return decision


def _announce(uow: UnitOfWork, chapter: Chapter, decision: CommitteeDecision, proposal: Proposal, chosen: str) -> None:
    """Members hear of a decision when it is released: the chat rooms, and who follows its electeds."""
    link = notifications.path("committee.show", slug=chapter.slug, decision_id=decision.id)
    webhooks.emit(uow, chapter, "committee.decided", f"committee_decision:{decision.id}",
                  phrase("The committee decided “%(title)s”: %(chosen)s", title=proposal.title, chosen=chosen), link,
                  decision_id=decision.id, proposal_id=proposal.id, chosen=chosen,
                  callup_closes_at=decision.callup_closes_at.isoformat())


RELEASE_WINDOW = timedelta(days=7)  # how long after its release `tick` still announces a decision


def announce_released() -> None:
    """From `tick`: the embargoed decisions released lately are announced, and their mandates
    told to the electeds' followers (each announcement keyed, so a re-run tells nobody twice)."""
    with unit_of_work() as uow:
        s = uow.session
        moment = now()
        rows = s.execute(select(CommitteeDecision, Chapter, Proposal)
                         .join(Chapter, Chapter.id == CommitteeDecision.chapter_id)
                         .join(Proposal, Proposal.id == CommitteeDecision.proposal_id)
                         .where(CommitteeDecision.embargo_until.between(moment - RELEASE_WINDOW, moment))).all()
        for decision, chapter, proposal in rows:
            _announce(uow, chapter, decision, proposal, s.get(Option, decision.chosen_option_id).label)
            for mandate in s.scalars(select(Mandate).options(selectinload(Mandate.membership)
                                                             .selectinload(Membership.user))
                                     .where(Mandate.proposal_id == proposal.id, Mandate.referendum_id.is_(None))):
                mandates.announce(uow, chapter, proposal, mandate, mandate.membership)


def decision_of(chapter: Chapter, proposal_id: int) -> int:
    """The committee decision a proposal of kind "committee" records (its page checks who may see it)."""
    decision_id = db.session.scalar(select(CommitteeDecision.id).where(CommitteeDecision.proposal_id == proposal_id,
                                                                       CommitteeDecision.chapter_id == chapter.id))
    if decision_id is None:
        raise NotFound(gettext("No such decision."))
    return decision_id


def _visible(actor: User | None, mine: Membership | None, decision: CommitteeDecision, bylaws: Bylaws,
             chapter: Chapter) -> bool:
    if policy.can_view_proposal(actor, mine, decision.proposal, bylaws):
        return True
    # The committee sees its own decisions under embargo.
    return mine is not None and any(m.id == mine.id for m in members_of(db.session, chapter, bylaws))


@dataclass(frozen=True)
class DecisionView:
    decision: CommitteeDecision
    proposal: Proposal
    votes: list[CommitteeVote]
    planks: list[Plank]
    mandates: list[Mandate]
    signatures: int
    needed: int
    signed_by_me: bool
    membership: Membership | None
    released: bool
    callup_open: bool


def get_decision(actor: User | None, chapter: Chapter, decision_id: int) -> DecisionView:
    s = db.session
    decision = s.scalar(select(CommitteeDecision).options(
        selectinload(CommitteeDecision.proposal).selectinload(Proposal.options),
        selectinload(CommitteeDecision.votes).selectinload(CommitteeVote.membership).selectinload(Membership.user),
        selectinload(CommitteeDecision.planks).selectinload(CommitteeDecisionPlank.plank),
        selectinload(CommitteeDecision.recorded_by), selectinload(CommitteeDecision.callup_proposal))
        .where(CommitteeDecision.id == decision_id, CommitteeDecision.chapter_id == chapter.id))
    mine = membership_of(actor, chapter, s)
    bylaws = bylaws_of(chapter, s)
    if decision is None or not _visible(actor, mine, decision, bylaws, chapter):
        raise NotFound(gettext("No such decision."))
    moment = now()
    signers = list(s.scalars(select(CallUpSignature.membership_id).where(CallUpSignature.decision_id == decision.id)))
    needed = decision.callup_needed or members_needed(s, chapter, bylaws.callup_percent)
    return DecisionView(decision, decision.proposal, sorted(decision.votes, key=lambda v: v.membership.user.name.casefold()),
                        [p.plank for p in decision.planks], mandates.mandates_of(decision.proposal), len(signers),
                        needed, mine is not None and mine.id in signers, mine, decision.released(moment),
                        decision.callup_open(moment))


@dataclass(frozen=True)
class DecisionPage:
    items: list[tuple[CommitteeDecision, str]]  # each decision with its chosen option's label
    page: int
    has_more: bool
    counts: dict[str, int]  # decided, called up, overturned, confirmed


def list_decisions(actor: User | None, chapter: Chapter, page: int = 1) -> DecisionPage:
    """The committee's released decisions, latest first, as the viewer may see them."""
    s = db.session
    mine = require_chapter_visible(actor, chapter)
    query = (select(CommitteeDecision)
             .join(Proposal, Proposal.id == CommitteeDecision.proposal_id)
             .where(CommitteeDecision.chapter_id == chapter.id, CommitteeDecision.released_at <= now()))
    if not policy.is_chapter_insider(mine):
        query = query.where(Proposal.visibility == Visibility.PUBLIC)
    rows = list(s.scalars(query.options(selectinload(CommitteeDecision.chosen_option),
                                        selectinload(CommitteeDecision.proposal))
                          .order_by(CommitteeDecision.decided_at.desc(), CommitteeDecision.id.desc())
                          .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    items = [(d, d.chosen_option.label) for d in rows[:PAGE_SIZE]]
    return DecisionPage(items, page, len(rows) > PAGE_SIZE, tally(s, chapter, public_only=not policy.is_chapter_insider(mine)))


def record_of(actor: User | None, chapter: Chapter) -> dict[str, int] | None:
    """The committee's record as the accountability page shows it (None: no committee, no decision)."""
    mine = require_chapter_visible(actor, chapter)
    counts = tally(db.session, chapter, public_only=not policy.is_chapter_insider(mine))
    if not counts["decided"] and bylaws_of(chapter).committee_of == CommitteeOf.NONE:
        return None
    return counts


def tally(session: Session, chapter: Chapter, public_only: bool = False) -> dict[str, int]:
    """How the committee serves the members: decisions taken, called up, overturned, confirmed."""
    query = (select(CommitteeDecision.state, func.count()).join(Proposal, Proposal.id == CommitteeDecision.proposal_id)
             .where(CommitteeDecision.chapter_id == chapter.id, CommitteeDecision.released_at <= now())
             .group_by(CommitteeDecision.state))
    if public_only:
        query = query.where(Proposal.visibility == Visibility.PUBLIC)
    by_state = dict(session.execute(query).all())
    called = sum(n for state, n in by_state.items() if state != DecisionState.IN_FORCE)
    return {"decided": sum(by_state.values()), "called_up": called,
            "overturned": by_state.get(DecisionState.OVERTURNED, 0),
            "confirmed": by_state.get(DecisionState.CONFIRMED, 0)}
