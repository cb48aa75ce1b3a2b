"""What the members' vote on a called-up committee decision does once certified: confirm the
committee's choice (suspended mandates restored) or overturn it (its mandates superseded by the
result's). The call-up itself is services/callups.py."""
from __future__ import annotations

from sqlalchemy import select

from openbargain.clock import now
from openbargain.models import (
    Chapter,
    CommitteeDecision,
    DecisionState,
    Mandate,
    MandateStatus,
    Proposal,
    Referendum,
    Result,
)
from openbargain.phrases import phrase
from openbargain.services import audit, notifications, webhooks
from openbargain.services.mandates import issue_mandates
from openbargain.services.uow import UnitOfWork


def mandates_of(uow: UnitOfWork, proposal: Proposal, statuses) -> list[Mandate]:
    return list(uow.session.scalars(select(Mandate).where(Mandate.proposal_id == proposal.id,
                                                          Mandate.status.in_(statuses))
                                    .order_by(Mandate.id).with_for_update()))


def holders_told(uow: UnitOfWork, chapter: Chapter, mandate: Mandate, title) -> None:
    holder = mandate.membership
    notifications.tell(uow, "mandate_changed", f"mandate:{mandate.id}:{mandate.status.value}",
                       notifications.to_user(holder.user_id), chapter=chapter, title=title,
                       link=notifications.path("accountability.mandate", slug=chapter.slug, mandate_id=mandate.id))


def called_up_by(session, proposal_id: int) -> CommitteeDecision | None:
    """The committee decision this proposal's vote was called up from, if any."""
    return session.scalar(select(CommitteeDecision).where(CommitteeDecision.callup_proposal_id == proposal_id)
                          .with_for_update())


def settle(uow: UnitOfWork, decision: CommitteeDecision, referendum: Referendum, called: Proposal,
           result: Result) -> None:
    """At the certification of the call-up's vote: the members' choice overturns the committee's
    (its mandates superseded, the result's issued) or confirms it (suspended mandates restored).
    A vote that decides nothing leaves the committee's decision standing."""
    s = uow.session
    chapter = s.get(Chapter, called.chapter_id)
    decided = s.get(Proposal, decision.proposal_id)
    chosen = decision.chosen_option.label
    overturned = result.outcome != "no_decision" and bool(result.winners) and result.winners[0] != chosen
    decision.settled_at = now()
    if overturned:
        decision.state = DecisionState.OVERTURNED
        for mandate in mandates_of(uow, decided, [m for m in MandateStatus
                                                if m not in (MandateStatus.SUPERSEDED, MandateStatus.LAPSED)]):
            mandate.status = MandateStatus.SUPERSEDED
            mandate.superseded_at, mandate.superseded_by_id = now(), called.id
            audit.record(s, "mandate.superseded", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                         data={"by_proposal_id": called.id, "committee_decision": decision.id})
            holders_told(uow, chapter, mandate, phrase(
                "The members overturned the committee decision “%(title)s”: your mandate from it is superseded",
                title=decided.title))
    else:
        decision.state = DecisionState.CONFIRMED
        for mandate in mandates_of(uow, decided, [MandateStatus.SUSPENDED]):
            mandate.status = MandateStatus.ACKNOWLEDGED if mandate.acknowledged_at else MandateStatus.ISSUED
            audit.record(s, "mandate.reinstated", f"mandate:{mandate.id}", actor=None, chapter=chapter,
                         data={"committee_decision": decision.id})
            holders_told(uow, chapter, mandate, phrase(
                "The members confirmed the committee decision “%(title)s”: your mandate from it is in force again",
                title=decided.title))
    audit.record(s, f"committee.{decision.state.value}", f"committee_decision:{decision.id}", actor=None,
                 chapter=chapter, data={"referendum_id": referendum.id, "committee_chose": chosen,
                                        "members_chose": list(result.winners), "outcome": result.outcome})
    webhooks.emit(uow, chapter, "committee.settled", f"committee_decision:{decision.id}:settled",
                  phrase("The members overturned the committee decision “%(title)s”", title=decided.title)
                  if overturned else
                  phrase("The members confirmed the committee decision “%(title)s”", title=decided.title),
                  notifications.path("committee.show", slug=chapter.slug, decision_id=decision.id),
                  decision_id=decision.id, overturned=overturned, committee_chose=chosen,
                  members_chose=list(result.winners))
    if overturned:
        issue_mandates(uow, referendum, called, result)
