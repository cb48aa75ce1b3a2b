"""Mandates: issued by a certified result, acknowledged, reported on, reviewed, superseded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from openbargain import policy
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    MANDATE_TRANSITIONS,
    BallotKind,
    Chapter,
    ComplianceReport,
    DirectedElected,
    Mandate,
    MandateStatus,
    Membership,
    Proposal,
    ProposalStatus,
    Referendum,
    ReportOutcome,
    ReportReview,
    Result,
    User,
)
from openbargain.models.mandate import NOTE_MAX, STATEMENT_MAX, URL_MAX
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, webhooks
from openbargain.services.access import bylaws_of, membership_of, require, require_visible
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from openbargain.services.periods import chapter_today, next_due
from openbargain.services.text import web_address_problem
from openbargain.services.uow import UnitOfWork, unit_of_work


# What a chat room is told of a filed report, by its outcome.
REPORTED = {
    ReportOutcome.FULFILLED: lambda **v: phrase("%(name)s reported on the mandate “%(title)s”: fulfilled", **v),
    ReportOutcome.PARTIALLY: lambda **v: phrase("%(name)s reported on the mandate “%(title)s”: partially fulfilled",
                                                 **v),
    ReportOutcome.BREACHED: lambda **v: phrase("%(name)s reported on the mandate “%(title)s”: breached", **v),
}


def directive_for(proposal: Proposal, result: Result) -> tuple[str | None, str]:
    """The directive a result carries, word for word, and what it is based on."""
    options = {o.label: o.directive for o in proposal.options}
    if result.outcome == "no_decision":
        return proposal.fallback_directive or None, "no_decision"
    if proposal.ballot_kind == BallotKind.YES_NO:
        chosen = "Yes" if result.outcome == "adopted" else "No"
        return options.get(chosen), result.outcome
    directives = [options[w] for w in result.winners if options.get(w)]
    return ("\n\n".join(directives) or None), "elected: " + ", ".join(result.winners)


def issue_mandates(uow: UnitOfWork, referendum: Referendum, proposal: Proposal, result: Result) -> list[Mandate]:
    """One mandate for each elected the proposal directs; each is mailed once the count is saved.

    A result that directs nothing — "no decision" without a fallback directive, or an outcome
    whose option carries no directive (the elected keeps their discretion) — issues no mandate: a
    to-do with nothing to do would sit in every queue and inflate every scorecard. The outcome
    stays recorded on the proposal and its result."""
    directive, basis = directive_for(proposal, result)
    if directive is None:
        return []
    return issue(uow, proposal, directed_memberships(uow.session, proposal), directive=directive, basis=basis,
                 due_on=proposal.deadline, referendum_id=referendum.id)


def directed_memberships(session: Session, proposal: Proposal) -> list[Membership]:
    return [d.membership for d in session.scalars(select(DirectedElected).options(
        selectinload(DirectedElected.membership).selectinload(Membership.user))
        .where(DirectedElected.proposal_id == proposal.id).order_by(DirectedElected.id))]


def issue(uow: UnitOfWork, proposal: Proposal, holders: list[Membership], *, directive: str, basis: str,
          due_on: date, referendum_id: int | None, standing: bool = False, announced: bool = True) -> list[Mandate]:
    """Mandates of one directive to these electeds — from a certified result, a committee decision
    or a plank — audited and mailed to each; told to the elected's followers and the chat rooms
    unless it is not to be announced yet (an embargoed committee decision: `announce` on release)."""
    s = uow.session
    mandates = []
    for holder in holders:
        mandate = Mandate(chapter_id=proposal.chapter_id, proposal_id=proposal.id, referendum_id=referendum_id,
                          membership_id=holder.id, directive=directive, basis=basis, due_on=due_on,
                          standing=standing, status=MandateStatus.ISSUED, issued_at=now())
        s.add(mandate)
        mandates.append(mandate)
    s.flush()
    chapter = s.get(Chapter, proposal.chapter_id)
    for mandate, holder in zip(mandates, holders):
        audit.record(s, "mandate.issued", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                     data={"proposal_id": proposal.id, "membership_id": holder.id, "basis": basis,
                           "directive": directive, "standing": standing, "due_on": due_on.isoformat()})
    for mandate, holder in zip(mandates, holders):
        link = notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id)
        if announced:
            announce(uow, chapter, proposal, mandate, holder)
        notifications.notify(
            uow, "mandate_issued", f"mandate:{mandate.id}", notifications.to_user(holder.user_id),
            chapter=chapter, title=phrase("A mandate was issued to you: %(title)s", title=proposal.title), link=link,
            subject=phrase("Your mandate: %(title)s", title=proposal.title), template="mandate_issued",
            proposal_title=proposal.title, directive=directive, due_on=due_on, mandate_id=mandate.id,
            source=mandate.source.value)
    return mandates


def announce(uow: UnitOfWork, chapter: Chapter, proposal: Proposal, mandate: Mandate, holder: Membership) -> None:
    link = notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id)
    title = phrase("%(name)s was given a mandate: %(title)s", name=holder.user.name, title=proposal.title)
    notifications.tell(uow, "elected_activity", f"mandate:{mandate.id}",
                       notifications.followers_of_elected(chapter.id, holder.id), chapter=chapter,
                       title=title, link=link)
    webhooks.emit(uow, chapter, "mandate.issued", f"mandate:{mandate.id}", title, link, mandate_id=mandate.id,
                  elected=holder.user.name, proposal_id=proposal.id, directive=mandate.directive,
                  due_on=mandate.due_on.isoformat(), source=mandate.source.value)


def _move(mandate: Mandate, to: MandateStatus) -> None:
    if to not in MANDATE_TRANSITIONS[mandate.status]:
        raise InvalidTransition(gettext("A mandate that is %(now)s cannot become %(next)s.", now=mandate.status.value,
                                        next=to.value))
    mandate.status = to


def load_mandate(session: Session, actor: User | None, chapter: Chapter, mandate_id: int,
             lock: bool = False) -> tuple[Mandate, Membership | None]:
    query = select(Mandate).where(Mandate.id == mandate_id, Mandate.chapter_id == chapter.id)
    mandate = session.scalar(query.with_for_update() if lock else query)
    if mandate is None:
        raise NotFound(gettext("No such mandate."))
    mine = membership_of(actor, chapter, session)
    require_visible(actor, mine, session.get(Proposal, mandate.proposal_id), chapter, session)
    return mandate, mine


def _only_the_mandated(mandate: Mandate, mine: Membership | None, refusal: str) -> None:
    if not policy.holds_mandate(mine, mandate):
        raise PermissionDenied(refusal)
    if mandate.status == MandateStatus.SUSPENDED:
        raise InvalidTransition(gettext("Members called up the decision this mandate comes from: it is suspended "
                                        "until their vote."))
    if mandate.status == MandateStatus.LAPSED:
        raise InvalidTransition(gettext("This standing mandate lapsed when its holder left office."))


def acknowledge_mandate(actor: User, chapter: Chapter, mandate_id: int) -> Mandate:
    with unit_of_work() as uow:
        s = uow.session
        mandate, mine = load_mandate(s, actor, chapter, mandate_id, lock=True)
        _only_the_mandated(mandate, mine, gettext("Only the elected who holds this mandate can acknowledge it."))
        _move(mandate, MandateStatus.ACKNOWLEDGED)
        mandate.acknowledged_at = now()
        audit.record(s, "mandate.acknowledged", f"mandate:{mandate.id}", actor=actor, chapter=chapter)
    return mandate


@dataclass(frozen=True)
class ReportDraft:
    outcome: ReportOutcome
    statement: str
    evidence_url: str
    acted_on: date | None
    corrects_id: int | None = None


def check_report(draft: ReportDraft, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if not draft.statement.strip():
        errors["statement"] = [gettext("Say what you did.")]
    elif len(draft.statement) > STATEMENT_MAX:
        errors["statement"] = [gettext("Use at most %(count)d characters.", count=STATEMENT_MAX)]
    url = draft.evidence_url.strip()
    if url and (problem := web_address_problem(url, URL_MAX)):
        errors["evidence_url"] = [problem]
    if draft.acted_on is None:
        errors["acted_on"] = [gettext("Give the date you acted.")]
    elif draft.acted_on > today:
        errors["acted_on"] = [gettext("The date you acted cannot be in the future.")]
    if errors:
        raise ValidationFailed(gettext("The report has problems; nothing was filed."), errors=errors)


def file_report(actor: User, chapter: Chapter, mandate_id: int, draft: ReportDraft) -> ComplianceReport:
    with unit_of_work() as uow:
        s = uow.session
        mandate, mine = load_mandate(s, actor, chapter, mandate_id, lock=True)
        _only_the_mandated(mandate, mine, gettext("Only the elected who holds this mandate can report on it."))
        if mandate.status == MandateStatus.SUPERSEDED:
            raise InvalidTransition(gettext("This mandate was superseded: there is nothing more to report."))
        if mandate.status == MandateStatus.ISSUED:
            raise InvalidTransition(gettext("Acknowledge the mandate before reporting on it."))
        check_report(draft, now().date())
        latest = s.scalar(select(ComplianceReport).where(ComplianceReport.mandate_id == mandate.id)
                          .order_by(ComplianceReport.filed_at.desc(), ComplianceReport.id.desc()).limit(1))
        if latest is None and draft.corrects_id is not None:
            raise ValidationFailed.on("corrects_id", gettext("There is no earlier report to correct."))
        if mandate.standing:
            period_ending = _standing_period(s, chapter, mandate, latest, draft)
        elif latest is not None and draft.corrects_id != latest.id:
            raise ValidationFailed.on("corrects_id", gettext("A report is never edited: file a correction of the "
                                                             "latest report instead."))
        report = ComplianceReport(mandate_id=mandate.id, outcome=draft.outcome, statement=draft.statement.strip(),
                                  evidence_url=draft.evidence_url.strip() or None, acted_on=draft.acted_on,
                                  filed_at=now(), corrects_id=draft.corrects_id,
                                  period_ending=period_ending if mandate.standing else None)
        s.add(report)
        if not mandate.standing:
            _move(mandate, MandateStatus(draft.outcome.value))
        s.flush()
        audit.record(s, "report.filed", f"report:{report.id}", actor=actor, chapter=chapter,
                     data={"mandate_id": mandate.id, "outcome": draft.outcome.value, "corrects": draft.corrects_id})
        title = s.scalar(select(Proposal.title).where(Proposal.id == mandate.proposal_id))
        link = notifications.path("accountability.report_page", slug=chapter.slug, report_id=report.id)
        notifications.tell(uow, "report_to_verify", f"report:{report.id}", notifications.steering_of(chapter.id),
                           chapter=chapter, link=link, title=phrase(
                               "%(name)s reported on “%(title)s”: the report awaits verification", name=actor.name,
                               title=title))
        notifications.tell(uow, "elected_activity", f"report:{report.id}",
                           notifications.followers_of_elected(chapter.id, mandate.membership_id), chapter=chapter,
                           title=phrase("%(name)s reported on the mandate “%(title)s”", name=actor.name, title=title),
                           link=link)
        webhooks.emit(uow, chapter, "report.filed", f"report:{report.id}",
                      REPORTED[draft.outcome](name=actor.name, title=title),
                      link, report_id=report.id, mandate_id=mandate.id, elected=actor.name,
                      outcome=draft.outcome.value)
    return report


def _standing_period(session: Session, chapter: Chapter, mandate: Mandate, latest: ComplianceReport | None,
                     draft: ReportDraft) -> date:
    """The period a standing mandate's report covers. A correction covers its report's period; a new
    report covers the period in course, once the one reported last is over, and moves the mandate on
    to the next (it stays acknowledged: a standing directive is never done)."""
    if draft.corrects_id is not None:
        if draft.corrects_id != latest.id:
            raise ValidationFailed.on("corrects_id", gettext("Correct the latest report, or file this period's."))
        return latest.period_ending
    if latest is not None and latest.period_ending >= chapter_today(chapter):
        raise ValidationFailed.on("corrects_id", gettext(
            "The period to %(day)s is reported on: correct that report, or report on the next period once it has "
            "begun.", day=latest.period_ending.isoformat()))
    covered = mandate.due_on
    mandate.due_on = next_due(covered, bylaws_of(chapter, session).platform_report_months)
    return covered


def review_report(actor: User, chapter: Chapter, report_id: int, review: ReportReview, note: str) -> ComplianceReport:
    with unit_of_work() as uow:
        s = uow.session
        report = s.get(ComplianceReport, report_id)
        if report is None:
            raise NotFound(gettext("No such report."))
        mandate, mine = load_mandate(s, actor, chapter, report.mandate_id)
        require(policy.can_review_reports(actor, mine), mine, gettext("Only the steering committee verifies reports."))
        note = note.strip()
        if review == ReportReview.DISPUTED and not note:
            raise ValidationFailed.on("note", gettext("Say what is disputed."))
        if len(note) > NOTE_MAX:
            raise ValidationFailed.on("note", gettext("Use at most %(count)d characters.", count=NOTE_MAX))
        report.review, report.review_note = review, note or None
        report.reviewed_at, report.reviewed_by_id = now(), actor.id
        audit.record(s, f"report.{review.value}", f"report:{report.id}", actor=actor, chapter=chapter,
                     data={"mandate_id": mandate.id, "note": note})
    return report


def supersede_mandate(actor: User, chapter: Chapter, mandate_id: int, by_proposal_id: int) -> Mandate:
    with unit_of_work() as uow:
        s = uow.session
        mandate, mine = load_mandate(s, actor, chapter, mandate_id, lock=True)
        require(policy.can_review_reports(actor, mine), mine,
                gettext("Only the steering committee supersedes mandates."))
        later = s.get(Proposal, by_proposal_id)
        if later is None or later.chapter_id != chapter.id or later.id == mandate.proposal_id \
                or later.status not in (ProposalStatus.DECIDED, ProposalStatus.NO_DECISION):
            raise ValidationFailed.on("by_proposal_id", gettext("Choose a later proposal of this chapter whose "
                                                                "result is certified."))
        _move(mandate, MandateStatus.SUPERSEDED)
        mandate.superseded_at, mandate.superseded_by_id = now(), later.id
        audit.record(s, "mandate.superseded", f"mandate:{mandate.id}", actor=actor, chapter=chapter,
                     data={"by_proposal_id": later.id})
    return mandate


@dataclass(frozen=True)
class MandateView:
    mandate: Mandate
    membership: Membership | None
    reports: list[ComplianceReport]


def get_mandate(actor: User | None, chapter: Chapter, mandate_id: int) -> MandateView:
    mandate, mine = load_mandate(db.session, actor, chapter, mandate_id)
    reports = list(db.session.scalars(select(ComplianceReport).options(selectinload(ComplianceReport.reviewed_by))
                                      .where(ComplianceReport.mandate_id == mandate.id)
                                      .order_by(ComplianceReport.filed_at, ComplianceReport.id)))
    return MandateView(mandate, mine, reports)


def mandates_of(proposal: Proposal) -> list[Mandate]:
    return list(db.session.scalars(select(Mandate).options(selectinload(Mandate.membership)
                                                           .selectinload(Membership.user))
                                   .where(Mandate.proposal_id == proposal.id).order_by(Mandate.id)))


def get_report(actor: User | None, chapter: Chapter, report_id: int) -> ComplianceReport:
    report = db.session.get(ComplianceReport, report_id)
    if report is None:
        raise NotFound(gettext("No such report."))
    load_mandate(db.session, actor, chapter, report.mandate_id)  # visibility follows the proposal
    return report


def mandate_titles(actor: User, chapter: Chapter) -> list[tuple[int, str]]:
    """The actor's own mandates in force, as choices (a session may be about them)."""
    mine = membership_of(actor, chapter)
    if mine is None:
        return []
    return [(m.id, m.proposal.title) for m in db.session.scalars(
        select(Mandate).options(selectinload(Mandate.proposal))
        .where(Mandate.membership_id == mine.id, Mandate.status != MandateStatus.SUPERSEDED)
        .order_by(Mandate.issued_at.desc()))]
