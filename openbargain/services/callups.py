"""The members' call-up: within the bylaws' days after a committee decision is released, a share
of members in good standing petitions to take it to a referendum, which steering cannot block.
The decision's mandates are suspended meanwhile or stay in force (as the bylaws say); the vote,
among the options the committee weighed, confirms the committee's choice or overturns it, and
then its own mandates supersede the committee's."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from openbargain import policy
from openbargain.clock import now
from openbargain.models import (
    BallotKind,
    Bylaws,
    CallUpSignature,
    Chapter,
    CommitteeDecision,
    DecisionState,
    MandateStatus,
    Proposal,
    ProposalKind,
    ProposalStatus,
    User,
)
from openbargain.models.mandate import AWAITING_REPORT
from openbargain.models.proposal import TITLE_MAX
from openbargain.phrases import in_language, language_for, phrase
from openbargain.services import audit, notifications, webhooks
from openbargain.services.access import bylaws_of, membership_of, require_visible
from openbargain.services.bylaws import members_needed
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, PermissionDenied
from openbargain.services.lifecycle import transition
from openbargain.services.callup_outcomes import holders_told, mandates_of
from openbargain.services.proposals import OptionDraft, ProposalDraft, add_revision, apply_draft
from openbargain.services.referenda import schedule_by_petition
from openbargain.services.uow import UnitOfWork, unit_of_work

AFTER_THE_VOTE = timedelta(days=7)  # the least time an overturning result leaves the elected to act


def sign_callup(actor: User, chapter: Chapter, decision_id: int) -> bool:
    """Signs; returns whether this signature carried the call-up (and scheduled the vote).
    Concurrent signers queue on the decision's row lock, so exactly one of them carries it."""
    with unit_of_work() as uow:
        s = uow.session
        decision = s.scalar(select(CommitteeDecision).where(CommitteeDecision.id == decision_id,
                                                            CommitteeDecision.chapter_id == chapter.id)
                            .with_for_update())
        if decision is None:
            raise NotFound(gettext("No such decision."))
        proposal = s.get(Proposal, decision.proposal_id)
        mine = membership_of(actor, chapter, s)
        require_visible(actor, mine, proposal, chapter, s)
        if not policy.in_good_standing(mine):
            raise PermissionDenied(gettext("Only members in good standing can call a decision up."))
        moment = now()
        if decision.state != DecisionState.IN_FORCE:
            raise InvalidTransition(gettext("This decision was already called up to a referendum."))
        if not decision.released(moment):
            raise InvalidTransition(gettext("The decision is under embargo: it can be called up once released."))
        if moment >= decision.callup_closes_at:
            raise InvalidTransition(gettext("The bylaws' period to call this decision up has ended."))
        if s.scalar(select(CallUpSignature.id).where(CallUpSignature.decision_id == decision.id,
                                                     CallUpSignature.membership_id == mine.id)):
            raise AlreadySigned(gettext("You have already signed this call-up."))
        s.add(CallUpSignature(decision_id=decision.id, membership_id=mine.id, signed_at=moment))
        try:
            s.flush()
        except IntegrityError:
            raise AlreadySigned(gettext("You have already signed this call-up."))
        audit.record(s, "committee.callup_signed", f"committee_decision:{decision.id}", actor=actor, chapter=chapter)
        bylaws = bylaws_of(chapter, s)
        count = s.scalar(select(func.count()).select_from(CallUpSignature)
                         .where(CallUpSignature.decision_id == decision.id))
        needed = members_needed(s, chapter, bylaws.callup_percent)
        if count < needed:
            return False
        _call_up(uow, actor, chapter, bylaws, decision, proposal, count, needed)
    return True


def _call_up(uow: UnitOfWork, actor: User, chapter: Chapter, bylaws: Bylaws, decision: CommitteeDecision,
             decided: Proposal, count: int, needed: int) -> None:
    s = uow.session
    moment = now()
    decision.state, decision.called_up_at, decision.callup_needed = DecisionState.CALLED_UP, moment, needed
    decision.suspended = bylaws.callup_suspends
    audit.record(s, "committee.called_up", f"committee_decision:{decision.id}", actor=actor, chapter=chapter,
                 data={"signatures": count, "needed": needed, "suspended": decision.suspended})
    if decision.suspended:
        for mandate in mandates_of(uow, decided, list(AWAITING_REPORT)):
            mandate.status = MandateStatus.SUSPENDED
            audit.record(s, "mandate.suspended", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                         data={"committee_decision": decision.id})
            holders_told(uow, chapter, mandate, phrase(
                "Members called up the committee decision “%(title)s”: your mandate is suspended until their vote",
                title=decided.title))
    called = _callup_proposal(uow, actor, chapter, decision, decided)
    audit.record(s, "proposal.published", f"proposal:{called.id}", actor=actor, chapter=chapter,
                 data={"title": called.title, "calls_up": decision.id})
    referendum = schedule_by_petition(s, called, bylaws, moment, count, actor=actor, chapter=chapter)
    transition(called, ProposalStatus.SCHEDULED)
    # The elected has at least a week after the members' result, however soon the first deadline was.
    closing_day = referendum.closes_at.astimezone(ZoneInfo(chapter.timezone)).date()
    called.deadline = max(decided.deadline, closing_day + AFTER_THE_VOTE)
    called.deadline_time = decided.deadline_time if called.deadline == decided.deadline else None
    add_revision(s, called, actor, "called up")
    decision.callup_proposal_id = called.id
    link = notifications.path("proposals.show", slug=chapter.slug, proposal_id=called.id)
    said = phrase("%(count)s members called up the committee decision “%(title)s”: the members vote on it",
                  count=count, title=decided.title)
    notifications.tell(uow, "petition_succeeded", f"callup:{decision.id}", notifications.steering_of(chapter.id),
                       chapter=chapter, title=said, link=link)
    webhooks.emit(uow, chapter, "committee.called_up", f"committee_decision:{decision.id}:called_up", said, link,
                  decision_id=decision.id, proposal_id=called.id, signatures=count, suspended=decision.suspended,
                  opens_at=referendum.opens_at.isoformat(), closes_at=referendum.closes_at.isoformat())


def _callup_proposal(uow: UnitOfWork, actor: User, chapter: Chapter, decision: CommitteeDecision,
                     decided: Proposal) -> Proposal:
    """The referendum's proposal: the committee's question, the options it weighed with their
    directives, the same electeds, on the urgent petition track (what it decides cannot wait)."""
    s = uow.session
    language = language_for(chapter.default_locale)
    title = in_language(language, phrase("Called up: %(title)s", title=decided.title))[:TITLE_MAX]
    link = notifications.path("committee.show", slug=chapter.slug, decision_id=decision.id)
    body = in_language(language, phrase(
        "Members called up [the committee's decision](%(link)s) to a referendum. The committee chose "
        "“%(chosen)s”, reasoning:\n\n%(reasoning)s", link=link, chosen=decision.chosen_option.label,
        reasoning="\n".join("> " + line for line in decision.reasoning.splitlines())))
    electeds = [d.membership for d in decided.directed]
    options = [OptionDraft(o.label, o.directive or "") for o in decided.options]
    called = Proposal(chapter_id=chapter.id, author_id=actor.id, kind=ProposalKind.DIRECTIVE,
                      status=ProposalStatus.DRAFT, revision=0, title="", body="", decision="")
    apply_draft(s, called, ProposalDraft(
        title=title, body=body, decision=decided.decision, deadline=decided.deadline,
        deadline_time=decided.deadline_time, ballot_kind=BallotKind.RANKED, visibility=decided.visibility,
        elected_ids=[m.id for m in electeds], options=options), electeds)
    s.add(called)
    transition(called, ProposalStatus.DELIBERATION)
    moment = now()
    called.published_at = moment
    called.urgent, called.urgent_declared_at = True, moment
    called.urgent_reason = in_language(language, phrase("A committee decision called up by the members"))
    s.flush()
    return called
