from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import (
    AuditEvent,
    Mandate,
    MandateStatus,
    Proposal,
    ReportOutcome,
    ReportReview,
    Result,
)
from openbargain.services import casting, mandates, results, scorecards
from openbargain.services.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openbargain.services.mandates import ReportDraft
from tests import factories
from tests.helpers import audit_events, membership, set_bylaws



def decide(world, choices, electeds=None, **kw):
    """Runs a vote to its certified result; returns the mandates it issued."""
    electeds = electeds or [membership(world.elected)]
    r = factories.make_open_referendum(world, electeds[0], **kw)
    if len(electeds) > 1:
        from openbargain.models import DirectedElected

        db.session.add(DirectedElected(proposal_id=r.proposal_id, membership_id=electeds[1].id))
        db.session.commit()
    for user, choice in zip((world.member, world.elected, world.steering), choices):
        casting.cast_ballot(user, world.chapter, r.id, choice)
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    return list(db.session.scalars(select(Mandate).where(Mandate.referendum_id == r.id).order_by(Mandate.id)))


def test_an_adopted_result_mandates_every_directed_elected_word_for_word(app, world, outbox):
    second = factories.make_membership(world.chapter, elected=True, office="City Council, Ward 4")
    issued = decide(world, [{"choice": "yes"}, {"choice": "yes"}], electeds=[membership(world.elected), second])
    assert len(issued) == 2
    assert {m.membership_id for m in issued} == {membership(world.elected).id, second.id}
    assert all(m.directive == "Vote no on the budget deal." and m.basis == "adopted" for m in issued)
    proposal = db.session.get(Proposal, issued[0].proposal_id)
    assert all(m.due_on == proposal.deadline and m.status == MandateStatus.ISSUED for m in issued)
    assert {m.to for m in outbox if m.subject.startswith("Your mandate")} == {world.elected.email, second.user.email}
    assert len(audit_events("mandate.issued")) == 2


def test_a_rejection_carries_the_rejected_directive(app, world):
    [m] = decide(world, [{"choice": "no"}, {"choice": "no"}])
    assert m.directive == "Vote yes on the budget deal." and m.basis == "rejected"


def test_a_ranked_result_carries_the_winning_options_directive(app, world):
    [m] = decide(world, [{"ranking": ["Bloc"]}, {"ranking": ["Bloc"]}], kind="ranked", title="Endorsements")
    assert m.directive == "Endorse the insurgents as a bloc." and m.basis == "elected: Bloc"


def _no_decision(world, fallback: str | None):
    r = factories.make_open_referendum(world, membership(world.elected), fallback_directive=fallback or "")
    r.quorum_percent = 100
    db.session.commit()
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    return r


def test_no_decision_with_a_fallback_issues_the_fallback(app, world):
    _no_decision(world, "Abstain.")
    [m] = db.session.scalars(select(Mandate))
    assert m.basis == "no_decision" and m.directive == "Abstain."


def test_no_decision_without_a_fallback_issues_no_mandate_and_is_no_to_do(app, world):
    r = _no_decision(world, None)
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 0
    assert db.session.get(Proposal, r.proposal_id).status.value == "no_decision"
    assert db.session.scalar(select(Result)).outcome == "no_decision"
    card = scorecards.scorecard(None, world.chapter, membership(world.elected).id)
    assert sum(len(v) for v in card.items.values()) == 0
    assert not audit_events("mandate.issued")


def test_an_stv_mandate_names_every_winner_in_full(app, world):
    factories.certified_committee_election(world, membership(world.elected))
    names = factories.COMMITTEE
    [m] = db.session.scalars(select(Mandate))
    assert m.basis == "elected: " + ", ".join(db.session.scalar(select(Result)).winners)
    assert len(m.basis) > 40 and all(n in m.basis for n in names[:3])


def test_only_the_mandated_elected_acknowledges_once(app, world):
    [m] = decide(world, [{"choice": "yes"}])
    for other in (world.member, world.steering):
        with pytest.raises(PermissionDenied):
            mandates.acknowledge_mandate(other, world.chapter, m.id)
    mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    with pytest.raises(InvalidTransition):
        mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    db.session.refresh(m)
    assert m.status == MandateStatus.ACKNOWLEDGED and m.acknowledged_at is not None


def test_unacknowledged_past_the_bylaws_hours_is_flagged(app, world):
    from openbargain.models import Bylaws

    [m] = decide(world, [{"choice": "yes"}])
    within = db.session.get(Bylaws, world.chapter.id).ack_within  # 48 hours by default
    assert not m.unacknowledged_too_long(m.issued_at + timedelta(hours=47), within)
    assert m.unacknowledged_too_long(m.issued_at + timedelta(hours=49), within)
    set_clock(lambda: m.issued_at + timedelta(hours=49))
    card = scorecards.scorecard(world.member, world.chapter, m.membership_id)
    assert card.count("unacknowledged_48h") == 1
    set_bylaws(world.chapter, ack_within_hours=72)  # the figure's key keeps its first name; the hours are the bylaws'
    card = scorecards.scorecard(world.member, world.chapter, m.membership_id)
    assert card.count("unacknowledged_48h") == 0 and card.ack_within_hours == 72


def report(**changes):
    values = dict(outcome=ReportOutcome.FULFILLED, statement="I voted no, as directed.",
                  evidence_url="https://assembly.example.gov/roll/123", acted_on=date.today() - timedelta(days=1))
    values.update(changes)
    return ReportDraft(**values)


def test_reports_corrections_reviews_and_history(app, world):
    [m] = decide(world, [{"choice": "yes"}])
    with pytest.raises(InvalidTransition, match="Acknowledge"):
        mandates.file_report(world.elected, world.chapter, m.id, report())
    mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    for bad, field in [({"statement": " "}, "statement"), ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
                       ({"evidence_url": "ftp://x.org/a"}, "evidence_url"),
                       ({"acted_on": now().date() + timedelta(days=3)}, "acted_on")]:
        with pytest.raises(ValidationFailed) as exc:
            mandates.file_report(world.elected, world.chapter, m.id, report(**bad))
        assert field in exc.value.errors
    with pytest.raises(PermissionDenied):
        mandates.file_report(world.member, world.chapter, m.id, report())
    first = mandates.file_report(world.elected, world.chapter, m.id, report(outcome=ReportOutcome.PARTIALLY))
    with pytest.raises(ValidationFailed, match="never edited"):
        mandates.file_report(world.elected, world.chapter, m.id, report())
    mandates.file_report(world.elected, world.chapter, m.id, report(corrects_id=first.id))
    db.session.refresh(m)
    assert m.status == MandateStatus.FULFILLED and len(m.reports) == 2
    with pytest.raises(PermissionDenied):
        mandates.review_report(world.member, world.chapter, first.id, ReportReview.VERIFIED, "")
    with pytest.raises(ValidationFailed):
        mandates.review_report(world.steering, world.chapter, first.id, ReportReview.DISPUTED, "")
    mandates.review_report(world.steering, world.chapter, first.id, ReportReview.DISPUTED, "The record shows a yes.")
    kinds = [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))][-4:]
    assert kinds == ["mandate.acknowledged", "report.filed", "report.filed", "report.disputed"]


def test_no_report_by_due_date_plus_the_bylaws_grace_is_unreported(app, world):
    [m] = decide(world, [{"choice": "yes"}])
    late = now().replace(year=m.due_on.year, month=m.due_on.month, day=m.due_on.day) + timedelta(days=8)
    grace = timedelta(days=7)  # the bylaws' default
    assert not m.unreported(late - timedelta(days=2), grace) and m.unreported(late, grace)


def test_steering_supersedes_with_a_later_decision(app, world):
    [m] = decide(world, [{"choice": "yes"}])
    [later] = decide(world, [{"choice": "no"}], title="Second thoughts")
    with pytest.raises(PermissionDenied):
        mandates.supersede_mandate(world.elected, world.chapter, m.id, later.proposal_id)
    with pytest.raises(ValidationFailed):
        mandates.supersede_mandate(world.steering, world.chapter, m.id, m.proposal_id)
    mandates.supersede_mandate(world.steering, world.chapter, m.id, later.proposal_id)
    with pytest.raises(InvalidTransition, match="superseded"):
        mandates.file_report(world.elected, world.chapter, m.id, report())
    card = scorecards.scorecard(None, world.chapter, m.membership_id)
    assert card.count("superseded") == 0  # members-only: a visitor sees none of it
    assert scorecards.scorecard(world.member, world.chapter, m.membership_id).count("superseded") == 1


def test_members_discuss_a_report_in_its_own_thread(app, world):
    from openbargain.models import Stance
    from openbargain.services import deliberation

    [m] = decide(world, [{"choice": "yes"}])
    mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    filed = mandates.file_report(world.elected, world.chapter, m.id, report())
    thread = deliberation.Thread(report_id=filed.id)
    first = deliberation.post_comment_on(world.member, world.chapter, thread, Stance.AGAINST, "The record says otherwise.")
    deliberation.post_comment_on(world.elected, world.chapter, thread, Stance.NEUTRAL, "See page 4.", first.id)
    with pytest.raises(PermissionDenied):
        deliberation.post_comment_on(world.lapsed, world.chapter, thread, Stance.FOR, "Me too")
    with pytest.raises(ValidationFailed):
        deliberation.post_comment_on(world.member, world.chapter, thread, Stance.FOR, "  ")
    proposal = db.session.get(Proposal, m.proposal_id)
    in_report = deliberation.thread_page(world.member, world.chapter, proposal, thread=thread)
    assert [e.comment.body for e in in_report.entries] == ["The record says otherwise.", "See page 4."]
    assert deliberation.thread_page(world.member, world.chapter, proposal).entries == []  # not in the debate
    with pytest.raises(ValidationFailed):  # a reply stays in its own thread
        deliberation.post_comment_on(world.member, world.chapter, thread, Stance.FOR, "x",
                                 _debate_comment(world, proposal))


def _debate_comment(world, proposal):
    from openbargain.models import Comment, Stance

    c = Comment(proposal_id=proposal.id, author_id=world.member.id, stance=Stance.FOR, body="debate", depth=0)
    db.session.add(c)
    db.session.flush()
    c.root_id = c.id
    db.session.commit()
    return c.id


def test_an_embargoed_update_is_not_discussed_before_release(app, world):
    from openbargain.models import Stance
    from openbargain.services import bargaining, deliberation

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    update = bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        now().date(), "Speaker's office", offered="A chair", proposal_id=proposal.id,
        embargo_until=now() + timedelta(days=2)))
    from openbargain.services.errors import NotFound

    with pytest.raises(NotFound):
        deliberation.post_comment_on(world.member, world.chapter, deliberation.Thread(entry_id=update.id),
                                 Stance.QUESTION, "What chair?")
    moment = now() + timedelta(days=3)
    set_clock(lambda: moment)
    deliberation.post_comment_on(world.member, world.chapter, deliberation.Thread(entry_id=update.id),
                             Stance.QUESTION, "What chair?")


@pytest.mark.parametrize("rejected_directive,issued", [("", 0), ("Vote yes and say why.", 1)],
                         ids=["no directive: no mandate", "a directive: a mandate"])
def test_a_result_that_directs_nothing_issues_no_mandate(app, world, rejected_directive, issued):
    elected = membership(world.elected)
    r = factories.make_open_referendum(world, elected, rejected_directive=rejected_directive)
    for user in (world.member, world.steering):
        casting.cast_ballot(user, world.chapter, r.id, {"choice": "no"})
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    assert db.session.scalar(select(Result.outcome)) == "rejected"
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == issued
    card = scorecards.scorecard(world.member, world.chapter, elected.id)
    assert card.count("received") == issued  # nothing to do is not counted as a mandate received
