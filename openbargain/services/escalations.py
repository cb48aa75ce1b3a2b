"""The escalation ladder the bylaws set when an elected misses a deadline — acknowledging a
mandate within the bylaws' hours, or reporting by its due date and the bylaws' grace:

1. `tick` flags it: in public on the mandate, the scorecard and the feed; the members following
   the elected and the elected are told.
2. After the bylaws' further period, with the deadline still missed, steering — or the bylaws'
   share of members in good standing by petition, which steering cannot block — opens an
   accountability proposal drawn from the record, decided by referendum like any other.
3. Where the bylaws provide one, and the members chose to call for recall, a recall petition is
   drawn from the record.

Every step is a row written once and an audit event; the elected is told of each and may answer
it on the record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    BallotKind,
    Bylaws,
    Chapter,
    ComplianceReport,
    Mandate,
    Membership,
    Option,
    Proposal,
    Referendum,
    Result,
    User,
    Visibility,
)
from openbargain.models.escalation import RESPONSE_MAX, Escalation, EscalationSignature, Missed, Step
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.models.proposal import TITLE_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, proposals
from openbargain.services.access import bylaws_of, membership_of, require
from openbargain.services.bylaws import members_needed
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, ValidationFailed
from openbargain.services.proposals import chapter_today
from openbargain.services.uow import UnitOfWork, unit_of_work

PROPOSAL_DEADLINE = timedelta(days=30)  # when an accountability proposal's directive falls due
OPTIONS = (  # an accountability proposal's choices, each with what it directs the elected to do
    (_l("No action"), _l("Carry on; the record of the missed deadline stands.")),
    (_l("Public censure"), _l("Answer the chapter's public censure in writing, on the record, within 14 days.")),
    (_l("Withdraw the endorsement"), _l("Stop using the chapter's endorsement, which the chapter withdraws.")),
    (_l("Call for recall"), _l("Face the recall the chapter calls for, or resign.")),  # last: step 3 reads it
)
MISSED_WORDS = {Missed.ACKNOWLEDGEMENT: _l("acknowledging it in time"), Missed.REPORT: _l("reporting on it in time")}


def _still_missed(mandate: Mandate, missed: Missed, bylaws: Bylaws, moment: datetime, due_on: date) -> bool:
    """Whether the deadline flagged is still missed; a standing mandate's report deadline moves on
    a period with each report, so a flag of an earlier period's is met."""
    if missed == Missed.ACKNOWLEDGEMENT:
        return mandate.unacknowledged_too_long(moment, bylaws.ack_within)
    return mandate.due_on == due_on and mandate.unreported(moment, bylaws.report_grace)


def _tell(uow: UnitOfWork, chapter: Chapter, mandate: Mandate, escalation: Escalation, title) -> None:
    link = notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id) + "#ladder"
    key = f"escalation:{escalation.id}"
    notifications.tell(uow, "elected_activity", key,
                       notifications.followers_of_elected(chapter.id, mandate.membership_id),
                       chapter=chapter, title=title, link=link)
    notifications.tell(uow, "escalated", key, notifications.to_user(mandate.membership.user_id), chapter=chapter,
                       title=title, link=link)


def flag_missed() -> int:
    """Step 1, from `tick`: each deadline missed and not yet flagged is flagged, once."""
    flagged = 0
    with unit_of_work() as uow:
        s = uow.session
        moment = now()
        rows = s.execute(select(Mandate, Bylaws, Chapter)
                         .join(Bylaws, Bylaws.chapter_id == Mandate.chapter_id)
                         .join(Chapter, Chapter.id == Mandate.chapter_id)
                         .options(selectinload(Mandate.membership).selectinload(Membership.user),
                                  selectinload(Mandate.proposal))
                         .where(Mandate.status.in_(AWAITING_REPORT))).all()
        done = set(s.execute(select(Escalation.mandate_id, Escalation.missed, Escalation.due_on).where(
            Escalation.step == Step.FLAGGED, Escalation.mandate_id.in_([m.id for m, _, _ in rows] or [0]))).all())
        for mandate, bylaws, chapter in rows:
            for missed in Missed:
                if (mandate.id, missed, mandate.due_on) in done or \
                        not _still_missed(mandate, missed, bylaws, moment, mandate.due_on):
                    continue
                escalation = Escalation(mandate_id=mandate.id, missed=missed, step=Step.FLAGGED, at=moment,
                                        due_on=mandate.due_on)
                s.add(escalation)
                s.flush()
                audit.record(s, "mandate.escalated", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                             data={"step": Step.FLAGGED.value, "missed": missed.value, "escalation": escalation.id})
                _tell(uow, chapter, mandate, escalation, phrase(
                    "%(name)s missed a deadline on the mandate “%(title)s”: it is flagged in public",
                    name=mandate.membership.user.name, title=mandate.proposal.title))
                flagged += 1
    return flagged


@dataclass(frozen=True)
class Rung:
    """A flagged deadline and how far up the ladder it has gone, as a viewer may act on it."""

    flag: Escalation
    proposal: Escalation | None
    recall: Escalation | None
    opens_at: datetime  # from when step 2 may be taken
    still_missed: bool
    signatures: int
    needed: int
    signed_by_me: bool
    recall_chosen: bool  # step 2's vote chose to call for recall (step 3 may be taken)


def ladder_of(actor: User | None, chapter: Chapter, mandate: Mandate) -> list[Rung]:
    s = db.session
    rows = list(s.scalars(select(Escalation).where(Escalation.mandate_id == mandate.id).order_by(Escalation.id)))
    if not rows:
        return []
    bylaws, moment, mine = bylaws_of(chapter, s), now(), membership_of(actor, chapter, s)
    needed = members_needed(s, chapter, bylaws.accountability_petition_percent)
    rungs = []
    for flag in (r for r in rows if r.step == Step.FLAGGED):
        later = {r.step: r for r in rows if (r.missed, r.due_on) == (flag.missed, flag.due_on)}
        signers = list(s.scalars(select(EscalationSignature.membership_id)
                                 .where(EscalationSignature.escalation_id == flag.id)))
        rungs.append(Rung(flag, later.get(Step.PROPOSAL), later.get(Step.RECALL),
                          flag.at + timedelta(days=bylaws.escalate_after_days),
                          _still_missed(mandate, flag.missed, bylaws, moment, flag.due_on), len(signers), needed,
                          mine is not None and mine.id in signers, _recall_chosen(s, later.get(Step.PROPOSAL))))
    return rungs


def _recall_chosen(s: Session, step: Escalation | None) -> bool:
    """Whether step 2's certified result chose its last option, to call for recall."""
    if step is None or step.proposal_id is None:
        return False
    winners = s.scalar(select(Result.winners).join(Referendum, Referendum.id == Result.referendum_id)
                       .where(Referendum.proposal_id == step.proposal_id))
    recall = s.scalar(select(Option.label).where(Option.proposal_id == step.proposal_id,
                                                 Option.position == len(OPTIONS) - 1))
    return bool(winners) and recall in winners


def _flag(s: Session, chapter: Chapter, escalation_id: int) -> tuple[Escalation, Mandate, Bylaws]:
    flag = s.scalar(select(Escalation).where(Escalation.id == escalation_id).with_for_update())
    mandate = s.get(Mandate, flag.mandate_id) if flag is not None else None
    if flag is None or mandate is None or mandate.chapter_id != chapter.id or flag.step != Step.FLAGGED:
        raise NotFound(gettext("No such escalation."))
    return flag, mandate, bylaws_of(chapter, s)


def _ready_for_proposal(s: Session, flag: Escalation, mandate: Mandate, bylaws: Bylaws) -> None:
    moment = now()
    if moment < flag.at + timedelta(days=bylaws.escalate_after_days):
        raise InvalidTransition(gettext("The bylaws give the elected %(days)d days after the flag before an "
                                        "accountability proposal.", days=bylaws.escalate_after_days))
    if not _still_missed(mandate, flag.missed, bylaws, moment, flag.due_on):
        raise InvalidTransition(gettext("The elected has since met this deadline: the flag stays on the record, "
                                        "and the ladder goes no further."))
    if s.scalar(select(Escalation.id).where(Escalation.mandate_id == mandate.id, Escalation.missed == flag.missed,
                                            Escalation.due_on == flag.due_on,
                                            Escalation.step == Step.PROPOSAL)) is not None:
        raise InvalidTransition(gettext("An accountability proposal is already open on this."))


def _record_body(s: Session, mandate: Mandate, missed: Missed) -> str:
    """The accountability proposal's body: the mandate and what the record says of it."""
    reports = list(s.scalars(select(ComplianceReport).where(ComplianceReport.mandate_id == mandate.id)
                             .order_by(ComplianceReport.id)))
    lines = [
        gettext("%(name)s missed the deadline for %(missed)s on the mandate “%(title)s”.",
                name=mandate.membership.user.name, missed=MISSED_WORDS[missed], title=mandate.proposal.title), "",
        gettext("- Directive: %(directive)s", directive=mandate.directive or ""),
        gettext("- Issued %(issued)s; due %(due)s.", issued=mandate.issued_at.date().isoformat(),
                due=mandate.due_on.isoformat()),
        gettext("- Acknowledged %(when)s.", when=mandate.acknowledged_at.date().isoformat())
        if mandate.acknowledged_at else gettext("- Never acknowledged."),
        gettext("- Reports filed: %(count)d.", count=len(reports)),
        "", gettext("The full record: %(link)s", link=notifications.path(
            "accountability.mandate", slug=mandate.chapter.slug, mandate_id=mandate.id)),
    ]
    return "\n".join(lines)


def _open_proposal(uow: UnitOfWork, author: User, chapter: Chapter, flag: Escalation, mandate: Mandate,
                   by: str) -> Escalation:
    s = uow.session
    draft = proposals.ProposalDraft(
        title=gettext("Accountability: %(name)s, “%(title)s”", name=mandate.membership.user.name,
                      title=mandate.proposal.title)[:TITLE_MAX],
        body=_record_body(s, mandate, flag.missed),
        decision=gettext("What does the chapter do about the missed deadline?"),
        deadline=chapter_today(chapter) + PROPOSAL_DEADLINE, ballot_kind=BallotKind.RANKED,
        visibility=Visibility.MEMBERS, elected_ids=[mandate.membership_id],
        options=[proposals.OptionDraft(str(label), str(directive)) for label, directive in OPTIONS])
    proposal = proposals.drafted(uow, author, chapter, draft)
    proposals.published(uow, author, chapter, proposal.id)
    step = Escalation(mandate_id=mandate.id, missed=flag.missed, step=Step.PROPOSAL, at=now(), due_on=flag.due_on,
                      by_id=author.id if by == "steering" else None, proposal_id=proposal.id, petition_kind=by)
    s.add(step)
    s.flush()
    audit.record(s, "mandate.escalated", f"mandate:{mandate.id}", actor=author, chapter=chapter,
                 data={"step": Step.PROPOSAL.value, "missed": flag.missed.value, "by": by,
                       "proposal_id": proposal.id, "escalation": step.id})
    _tell(uow, chapter, mandate, step, phrase(
        "An accountability proposal is open on %(name)s's mandate “%(title)s”", name=mandate.membership.user.name,
        title=mandate.proposal.title))
    return step


def open_accountability_proposal(actor: User, chapter: Chapter, escalation_id: int) -> Escalation:
    """Step 2 by steering."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        flag, mandate, bylaws = _flag(s, chapter, escalation_id)
        require(policy.is_active_steering(mine), mine, gettext(
            "Steering opens an accountability proposal; members can by petition."))
        _ready_for_proposal(s, flag, mandate, bylaws)
        return _open_proposal(uow, actor, chapter, flag, mandate, "steering")


def sign_accountability_petition(actor: User, chapter: Chapter, escalation_id: int) -> bool:
    """Step 2 by members: a signature; the one that reaches the bylaws' share opens the proposal
    (its signer its author). Returns whether it did. Signers queue on the flag's row lock."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        flag, mandate, bylaws = _flag(s, chapter, escalation_id)
        require(policy.in_good_standing(mine), mine, gettext("Only members in good standing sign petitions."))
        _ready_for_proposal(s, flag, mandate, bylaws)
        try:
            with s.begin_nested():
                s.add(EscalationSignature(escalation_id=flag.id, membership_id=mine.id, signed_at=now()))
        except IntegrityError:
            raise AlreadySigned(gettext("You have already signed this petition.")) from None
        count = s.scalar(select(func.count()).select_from(EscalationSignature)
                         .where(EscalationSignature.escalation_id == flag.id))
        needed = members_needed(s, chapter, bylaws.accountability_petition_percent)
        audit.record(s, "mandate.escalation_signed", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                     data={"escalation": flag.id, "signatures": count, "needed": needed})
        if count < needed:
            return False
        _open_proposal(uow, actor, chapter, flag, mandate, "petition")
    return True


def prepare_recall_petition(actor: User, chapter: Chapter, escalation_id: int) -> Escalation:
    """Step 3, where the bylaws provide it and the members chose to call for recall: the petition,
    drawn from the record, for the chapter to take to the recall the law provides."""
    with unit_of_work() as uow:
        s = uow.session
        mine = membership_of(actor, chapter, s)
        flag, mandate, bylaws = _flag(s, chapter, escalation_id)
        require(policy.in_good_standing(mine), mine, gettext("Only members in good standing prepare a recall petition."))
        if not bylaws.recall_petition:
            raise InvalidTransition(gettext("This chapter's bylaws provide no recall petition."))
        proposal_step = s.scalar(select(Escalation).where(Escalation.mandate_id == mandate.id,
                                                          Escalation.missed == flag.missed,
                                                          Escalation.due_on == flag.due_on,
                                                          Escalation.step == Step.PROPOSAL))
        if not _recall_chosen(s, proposal_step):
            raise InvalidTransition(gettext("A recall petition follows the members' vote to call for recall."))
        step = Escalation(mandate_id=mandate.id, missed=flag.missed, step=Step.RECALL, at=now(), due_on=flag.due_on,
                          by_id=actor.id,
                          document=_petition(s, mandate, flag.missed, proposal_step))
        s.add(step)
        try:
            s.flush()
        except IntegrityError:
            raise InvalidTransition(gettext("The recall petition is already drawn up.")) from None
        audit.record(s, "mandate.escalated", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                     data={"step": Step.RECALL.value, "missed": flag.missed.value, "escalation": step.id})
        _tell(uow, chapter, mandate, step, phrase(
            "A recall petition is drawn up on %(name)s's mandate “%(title)s”", name=mandate.membership.user.name,
            title=mandate.proposal.title))
    return step


def _petition(s: Session, mandate: Mandate, missed: Missed, proposal_step: Escalation) -> str:
    proposal = s.get(Proposal, proposal_step.proposal_id)
    return "\n".join([
        gettext("Recall petition: %(name)s, %(office)s", name=mandate.membership.user.name,
                office=mandate.membership.office or ""), "",
        gettext("We, members of %(chapter)s, petition for the recall of %(name)s.", chapter=mandate.chapter.name,
                name=mandate.membership.user.name), "",
        gettext("The record:"),
        _record_body(s, mandate, missed), "",
        gettext("The members voted to call for recall on the proposal “%(title)s” (%(link)s).", title=proposal.title,
                link=notifications.path("proposals.show", slug=mandate.chapter.slug, proposal_id=proposal.id)), "",
        gettext("Name, address, signature, date:"),
    ])


def respond(actor: User, chapter: Chapter, escalation_id: int, response: str) -> Escalation:
    """The elected's answer to a step, on the record beside it (once)."""
    response = response.strip()
    if not response:
        raise ValidationFailed.on("response", gettext("Write your answer."))
    if len(response) > RESPONSE_MAX:
        raise ValidationFailed.on("response", gettext("Use at most %(count)d characters.", count=RESPONSE_MAX))
    with unit_of_work() as uow:
        s = uow.session
        step = s.scalar(select(Escalation).where(Escalation.id == escalation_id).with_for_update())
        mandate = s.get(Mandate, step.mandate_id) if step is not None else None
        if step is None or mandate is None or mandate.chapter_id != chapter.id:
            raise NotFound(gettext("No such escalation."))
        mine = membership_of(actor, chapter, s)
        require(policy.holds_mandate(mine, mandate), mine, gettext("Only the elected answers on the record."))
        if step.response is not None:
            raise InvalidTransition(gettext("You have answered this already; say more in the discussion."))
        step.response, step.responded_at = response, now()
        audit.record(s, "mandate.escalation_answered", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                     data={"escalation": step.id, "step": step.step.value})
    return step


def steps_of(mandate: Mandate) -> list[Escalation]:
    """Every step taken on the mandate's missed deadlines, oldest first."""
    return list(db.session.scalars(select(Escalation).where(Escalation.mandate_id == mandate.id)
                                   .order_by(Escalation.id)))


def flags_of(mandate_ids: list[int]) -> dict[int, list[Escalation]]:
    """Each mandate's flagged deadlines (what the scorecard and the feed show), in one query."""
    found: dict[int, list[Escalation]] = {}
    for row in db.session.scalars(select(Escalation).where(Escalation.mandate_id.in_(mandate_ids or [0]),
                                                          Escalation.step == Step.FLAGGED).order_by(Escalation.id)):
        found.setdefault(row.mandate_id, []).append(row)
    return found

