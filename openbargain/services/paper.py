"""Paper ballots, counted once. Steering appoints a vote's tellers. A teller marks a member's roll
entry "voted on paper" — which refuses them an online ballot, as an online ballot already cast
refuses the mark (the same conditional update on the roll entry: one vote each across channels).
Tellers enter the paper ballots in batches that carry no member; a batch counts once two
different tellers entered the same ballots (double entry), and never beyond the number of
members marked as voting on paper."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    Chapter,
    Membership,
    PaperBatch,
    PaperBatchEntry,
    Proposal,
    Referendum,
    ReferendumStatus,
    Teller,
    User,
    VoterRollEntry,
)
from openbargain.models.paper import BATCH_MAX, LABEL_MAX
from openbargain.services import audit
from openbargain.services.access import members_in_good_standing, membership_of, require, require_visible
from openbargain.services.casting import STILL_OPEN, ballot_content
from openbargain.services.rolls import ensure_rolls_frozen
from openbargain.services.errors import AlreadyVoted, InvalidTransition, NotEligible, NotFound, ValidationFailed
from openbargain.services.text import ONE_LINE, breaks_the_line
from openbargain.services.uow import unit_of_work
from openbargain.tally.board import canonical

TELLERS_MAX = 50


def _vote(session: Session, actor: User, chapter: Chapter, referendum_id: int,
          lock: bool = False) -> tuple[Referendum, Membership | None]:
    query = select(Referendum).join(Proposal, Proposal.id == Referendum.proposal_id).where(
        Referendum.id == referendum_id, Proposal.chapter_id == chapter.id)
    referendum = session.scalar(query.with_for_update() if lock else query)
    if referendum is None:
        raise NotFound(gettext("No such vote."))
    mine = membership_of(actor, chapter, session)
    require_visible(actor, mine, session.get(Proposal, referendum.proposal_id), chapter, session)
    return referendum, mine


def tellers_of(session: Session, referendum_id: int) -> list[Membership]:
    return list(session.scalars(select(Membership).options(selectinload(Membership.user))
                                .join(Teller, Teller.membership_id == Membership.id)
                                .where(Teller.referendum_id == referendum_id).order_by(Membership.id)))


def is_teller(session: Session, referendum_id: int, mine: Membership | None) -> bool:
    return policy.in_good_standing(mine) and session.scalar(
        select(Teller.id).where(Teller.referendum_id == referendum_id, Teller.membership_id == mine.id)) is not None


def may_see_paper(actor: User | None, chapter: Chapter, referendum_id: int) -> bool:
    """Whether the vote's page offers its paper side to this member: its tellers and steering."""
    mine = membership_of(actor, chapter)
    return policy.can_schedule(actor, mine) or is_teller(db.session, referendum_id, mine)


def appoint_tellers(actor: User, chapter: Chapter, referendum_id: int, emails: list[str]) -> list[Membership]:
    """Steering names the vote's tellers (members in good standing), replacing the list."""
    with unit_of_work() as uow:
        s = uow.session
        referendum, mine = _vote(s, actor, chapter, referendum_id)
        require(policy.can_schedule(actor, mine), mine, gettext("Only the steering committee appoints tellers."))
        if referendum.certified_at is not None:
            raise InvalidTransition(gettext("This vote is certified: its count is over."))
        if len({e.strip().lower() for e in emails if e.strip()}) > TELLERS_MAX:
            raise ValidationFailed.on("emails", gettext("Name at most %(count)d tellers.", count=TELLERS_MAX))
        tellers, unfit = members_in_good_standing(s, chapter.id, emails)
        if unfit:
            raise ValidationFailed.on("emails", gettext("Tellers are members of this chapter in good standing: "
                                                        "%(emails)s are not.", emails=", ".join(unfit)))
        s.execute(Teller.__table__.delete().where(Teller.referendum_id == referendum.id))
        s.add_all([Teller(referendum_id=referendum.id, membership_id=t.id) for t in tellers])
        s.flush()
        audit.record(s, "referendum.tellers_appointed", f"referendum:{referendum.id}", actor=actor, chapter=chapter,
                     data={"tellers": [t.id for t in tellers]})
    return tellers


def _as_teller(session: Session, actor: User, chapter: Chapter, referendum_id: int,
               lock: bool = False) -> tuple[Referendum, Membership]:
    referendum, mine = _vote(session, actor, chapter, referendum_id, lock)
    require(is_teller(session, referendum.id, mine), mine, gettext("Only the vote's tellers handle paper ballots."))
    if referendum.status_at(now()) != ReferendumStatus.OPEN:
        raise InvalidTransition(gettext("Paper ballots are marked and entered while the vote is open."))
    if not referendum.secret:
        raise InvalidTransition(gettext("A roll-call vote is cast online: each ballot carries its voter's name."))
    return referendum, mine


def mark_on_paper(actor: User, chapter: Chapter, referendum_id: int, email: str) -> VoterRollEntry:
    """A teller marks a member on the roll as voting on paper; refused if they voted already,
    online or on paper, by the same conditional update (under the shared lock on the open vote)
    that takes one online ballot each."""
    ensure_rolls_frozen(chapter.id)  # a vote that opened has the roll it opened with, even untouched since
    with unit_of_work() as uow:
        s = uow.session
        referendum, _ = _as_teller(s, actor, chapter, referendum_id)
        entry = s.scalar(select(VoterRollEntry).join(Membership, Membership.id == VoterRollEntry.membership_id)
                         .join(User, User.id == Membership.user_id)
                         .where(VoterRollEntry.referendum_id == referendum.id, Membership.chapter_id == chapter.id,
                                func.lower(User.email) == email.strip().lower()))
        if entry is None:
            raise NotEligible(gettext("No member with this email is on the vote's roll."))
        moment = now()
        marked = s.execute(update(VoterRollEntry).where(
            VoterRollEntry.id == entry.id, VoterRollEntry.voted_on.is_(None), STILL_OPEN).values(
            voted_on=moment.astimezone(ZoneInfo(chapter.timezone)).date(), on_paper=True)
            .execution_options(synchronize_session=False), {"referendum": referendum.id, "moment": moment})
        if marked.rowcount != 1:
            raise AlreadyVoted(gettext("This member has already voted, online or on paper: one vote each."))
        # Who was marked is on the roll, as every voter is; the log says only that a teller marked one.
        audit.record(s, "referendum.paper_marked", f"referendum:{referendum.id}", actor=actor, chapter=chapter)
        s.refresh(entry)
    return entry


@dataclass(frozen=True)
class BatchState:
    batch: PaperBatch
    entries: int
    agreed: bool
    disagreement: bool  # entries by two tellers that differ: count the box again


def enter_batch(actor: User, chapter: Chapter, referendum_id: int, label: str, ballots: list[dict]) -> BatchState:
    """A teller's entry of a batch of paper ballots (each as a cast would send it). The batch
    counts once another teller's entry holds the same ballots."""
    label = (label or "").strip()
    if not label:
        raise ValidationFailed.on("label", gettext("Name the batch, e.g. “Box 1, general meeting”."))
    if len(label) > LABEL_MAX or breaks_the_line(label):
        raise ValidationFailed.on("label", gettext(ONE_LINE) if breaks_the_line(label)
                                  else gettext("Use at most %(count)d characters.", count=LABEL_MAX))
    if not ballots or len(ballots) > BATCH_MAX:
        raise ValidationFailed.on("ballots", gettext("A batch holds 1 to %(most)d ballots.", most=BATCH_MAX))
    with unit_of_work() as uow:
        s = uow.session
        referendum, mine = _as_teller(s, actor, chapter, referendum_id, lock=True)
        labels = [o.label for o in s.get(Proposal, referendum.proposal_id).options]
        contents = []
        for number, ballot in enumerate(ballots, start=1):
            try:
                contents.append(ballot_content(referendum, labels, **{k: ballot[k] for k in ("choice", "ranking")
                                                                       if k in ballot}))
            except ValidationFailed as refused:
                raise ValidationFailed.on("ballots", gettext("Ballot %(number)d: %(problem)s", number=number,
                                                             problem=refused.message))
        contents.sort(key=canonical)
        batch = s.scalar(select(PaperBatch).where(PaperBatch.referendum_id == referendum.id,
                                                  PaperBatch.label == label))
        if batch is None:
            batch = PaperBatch(referendum_id=referendum.id, label=label)
            s.add(batch)
            s.flush()
        if batch.agreed_at is not None:
            raise InvalidTransition(gettext("Two tellers agreed on this batch: it is counted."))
        earlier = list(s.scalars(select(PaperBatchEntry).where(PaperBatchEntry.batch_id == batch.id)))
        if any(e.membership_id == mine.id for e in earlier):
            raise InvalidTransition(gettext("You entered this batch already: another teller enters it again."))
        s.add(PaperBatchEntry(batch_id=batch.id, membership_id=mine.id, ballots=contents, count=len(contents),
                              entered_at=now()))
        agreed = any(Counter(map(canonical, e.ballots)) == Counter(map(canonical, contents)) for e in earlier)
        if agreed:
            _check_room(s, referendum, len(contents))
            batch.agreed_at, batch.ballots = now(), contents
        s.flush()
        audit.record(s, "referendum.paper_batch_entered", f"referendum:{referendum.id}", actor=actor,
                     chapter=chapter, data={"batch": batch.label, "ballots": len(contents), "agreed": agreed})
        state = BatchState(batch, len(earlier) + 1, agreed, not agreed and bool(earlier))
    return state


def _check_room(session: Session, referendum: Referendum, adding: int) -> None:
    """Never more paper ballots counted than members marked as voting on paper."""
    marked = session.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.on_paper.is_(True))) or 0
    counted = sum(len(b) for b in session.scalars(select(PaperBatch.ballots).where(
        PaperBatch.referendum_id == referendum.id, PaperBatch.agreed_at.is_not(None))))
    if counted + adding > marked:
        raise InvalidTransition(gettext(
            "This batch would count %(total)d paper ballots, and only %(marked)d members are marked as voting on "
            "paper: mark them on the roll first, or count the box again.", total=counted + adding, marked=marked))


@dataclass(frozen=True)
class PaperView:
    tellers: list[Membership]
    batches: list[PaperBatch]
    marked: int
    counted: int
    is_teller: bool


def get_paper(actor: User, chapter: Chapter, referendum_id: int) -> PaperView:
    """The vote's paper side, for its tellers and steering: who counts, the batches and their state."""
    s = db.session
    referendum, mine = _vote(s, actor, chapter, referendum_id)
    teller = is_teller(s, referendum.id, mine)
    require(teller or policy.can_schedule(actor, mine), mine, gettext("Only the vote's tellers and steering see "
                                                                      "the paper count."))
    batches = list(s.scalars(select(PaperBatch).options(selectinload(PaperBatch.entries)
                                                        .selectinload(PaperBatchEntry.membership)
                                                        .selectinload(Membership.user))
                             .where(PaperBatch.referendum_id == referendum.id).order_by(PaperBatch.id)))
    marked = s.scalar(select(func.count()).select_from(VoterRollEntry).where(
        VoterRollEntry.referendum_id == referendum.id, VoterRollEntry.on_paper.is_(True))) or 0
    return PaperView(tellers_of(s, referendum.id), batches, marked,
                     sum(len(b.ballots) for b in batches if b.agreed_at is not None), teller)
