"""The platform (issue 20, part 1): planks adopted, amended and repealed only by referendum; the
standing mandates each issues to the electeds it binds (those elected later included), reported on
each period the bylaws set and held to the same flags — on both databases."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import (
    ComplianceReport,
    Escalation,
    Mandate,
    MandateSource,
    MandateStatus,
    Plank,
    ProposalKind,
    ReportOutcome,
)
from openbargain.models.escalation import Missed
from openbargain.services import chapters, mandates, platform, proposals, reminders
from openbargain.services.chapters import MembershipChange
from openbargain.services.errors import NotFound, ValidationFailed
from openbargain.services.periods import first_due, next_due, period_end
from tests import factories
from tests.helpers import at, audit_events, membership, set_bylaws




def standing_of(plank: Plank) -> list[Mandate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Mandate).where(Mandate.proposal_id == plank.proposal_id)
                                   .order_by(Mandate.id)))


def test_periods_run_from_january_and_a_first_report_is_never_due_within_a_month():
    assert period_end(date(2026, 2, 10), 3) == date(2026, 3, 31)
    assert period_end(date(2026, 12, 31), 3) == date(2026, 12, 31)
    assert period_end(date(2028, 2, 3), 1) == date(2028, 2, 29)
    assert period_end(date(2026, 7, 1), 6) == date(2026, 12, 31)
    assert first_due(date(2026, 3, 20), 3) == date(2026, 6, 30)
    assert first_due(date(2026, 1, 2), 3) == date(2026, 3, 31)
    assert next_due(date(2026, 3, 31), 3) == date(2026, 6, 30)
    assert next_due(date(2026, 12, 31), 12) == date(2027, 12, 31)


def test_an_adopted_plank_binds_every_elected_with_a_standing_mandate(app, world):
    second = factories.make_membership(world.chapter, elected=True)
    plank = factories.adopt_plank(world)
    assert plank.in_force and plank.binds_all_electeds and plank.text == "Vote no on every tax abatement above $1M."
    issued = standing_of(plank)
    assert sorted(m.membership_id for m in issued) == sorted([membership(world.elected).id, second.id])
    for mandate in issued:
        assert mandate.standing and mandate.source == MandateSource.PLANK and mandate.status == MandateStatus.ISSUED
        assert mandate.directive == plank.text and mandate.referendum_id is not None
        assert mandate.due_on == first_due(now().date(), 3)
    [adopted] = audit_events("plank.adopted")
    assert adopted.data["proposal_id"] == plank.proposal_id and adopted.data["binds_all_electeds"] is True
    assert len(audit_events("mandate.issued")) == 2


def test_a_plank_the_members_reject_binds_nobody(app, world):
    proposal = factories.decide(world, yes=False, **factories.plank_draft(binds_all_electeds=True))
    assert db.session.scalar(select(Plank).where(Plank.proposal_id == proposal.id)) is None
    assert db.session.scalars(select(Mandate)).all() == []


def test_a_plank_naming_electeds_binds_only_them(app, world):
    factories.make_membership(world.chapter, elected=True)
    plank = factories.adopt_plank(world, electeds=[membership(world.elected)])
    assert not plank.binds_all_electeds
    assert [m.membership_id for m in standing_of(plank)] == [membership(world.elected).id]


def test_whoever_is_elected_later_is_bound_and_whoever_leaves_office_is_released(app, world):
    plank = factories.adopt_plank(world)
    newcomer = membership(world.member)
    chapters.update_membership(world.steering, world.chapter, newcomer.id, MembershipChange(
        standing=newcomer.standing, is_elected=True, is_steering=False, office="City Council, Ward 3"))
    later = [m for m in standing_of(plank) if m.membership_id == newcomer.id]
    assert len(later) == 1 and later[0].status == MandateStatus.ISSUED
    chapters.update_membership(world.steering, world.chapter, newcomer.id, MembershipChange(
        standing=newcomer.standing, is_elected=False, is_steering=False, office=None))
    [lapsed] = [m for m in standing_of(plank) if m.membership_id == newcomer.id]
    assert lapsed.status == MandateStatus.LAPSED
    assert [e.data["membership_id"] for e in audit_events("mandate.lapsed")] == [newcomer.id]
    # Re-elected: bound again by a new standing mandate; the lapsed one stays on the record.
    chapters.update_membership(world.steering, world.chapter, newcomer.id, MembershipChange(
        standing=newcomer.standing, is_elected=True, is_steering=False, office="City Council, Ward 3"))
    statuses = sorted(m.status.value for m in standing_of(plank) if m.membership_id == newcomer.id)
    assert statuses == ["issued", "lapsed"]


@pytest.mark.parametrize("changes, field", [
    (dict(deadline=date.today() + timedelta(days=9)), "deadline"),
    (dict(adopted_directive=""), "adopted_directive"),
    (dict(rejected_directive="Carry on."), "rejected_directive"),
    (dict(binds_all_electeds=False), "electeds"),
    (dict(proposal_kind=ProposalKind.REPEAL), "plank_id"),
    (dict(plank_id=9999), "plank_id"),
    (dict(proposal_kind=ProposalKind.COMMITTEE), "kind"),
])
def test_a_plank_draft_with_a_problem_is_refused_whole(app, world, changes, field):
    fields = factories.plank_draft(binds_all_electeds=True)
    fields.update(changes)
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft([], **fields))
    assert field in refused.value.errors
    assert db.session.scalars(select(proposals.Proposal)).all() == []


def test_a_plank_binds_every_elected_or_those_it_names_not_both(app, world):
    fields = factories.plank_draft(binds_all_electeds=True)
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter,
                                 factories.proposal_draft([membership(world.elected)], **fields))
    assert "electeds" in refused.value.errors


def test_only_a_plank_amends_a_plank(app, world):
    plank = factories.adopt_plank(world)
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(
            [membership(world.elected)], plank_id=plank.id))
    assert "kind" in refused.value.errors


def test_an_amendment_ends_the_plank_supersedes_its_mandates_and_issues_the_new_text(app, world):
    old = factories.adopt_plank(world)
    [old_mandate] = standing_of(old)
    amending = factories.decide(world, **factories.plank_draft(
        plank_id=old.id, binds_all_electeds=True, adopted_directive="Vote no on every tax abatement above $500k."))
    db.session.expire_all()
    old = db.session.get(Plank, old.id)
    assert not old.in_force and old.ended_by_id == amending.id
    new = db.session.scalar(select(Plank).where(Plank.proposal_id == amending.id))
    assert new.replaces_id == old.id and new.text.endswith("$500k.")
    old_mandate = db.session.get(Mandate, old_mandate.id)
    assert old_mandate.status == MandateStatus.SUPERSEDED and old_mandate.superseded_by_id == amending.id
    [new_mandate] = standing_of(new)
    assert new_mandate.status == MandateStatus.ISSUED and new_mandate.directive == new.text
    view = platform.get_plank(world.member, world.chapter, old.id)
    assert [p.id for p in view.history] == [old.id, new.id]
    assert [p.id for p in platform.get_platform(world.member, world.chapter).planks] == [new.id]
    assert [e.subject for e in audit_events("plank.amended")] == [f"plank:{old.id}"]


def test_a_repeal_ends_the_plank_and_its_mandates_and_binds_nobody(app, world):
    plank = factories.adopt_plank(world)
    repeal = factories.decide(world, **factories.plank_draft(proposal_kind=ProposalKind.REPEAL, plank_id=plank.id,
                                                             adopted_directive="", title="Repeal the abatement plank"))
    assert [o.directive for o in repeal.options] == ["The plank “No abatements for luxury towers” is repealed.", None]
    db.session.expire_all()
    assert db.session.get(Plank, plank.id).ended_by_id == repeal.id
    assert [m.status for m in standing_of(plank)] == [MandateStatus.SUPERSEDED]
    assert db.session.scalar(select(Plank).where(Plank.proposal_id == repeal.id)) is None
    assert platform.get_platform(world.member, world.chapter).planks == []
    assert [p.id for p in platform.get_platform(world.member, world.chapter).ended] == [plank.id]


def test_a_failed_repeal_leaves_the_plank_standing(app, world):
    plank = factories.adopt_plank(world)
    factories.decide(world, yes=False, **factories.plank_draft(proposal_kind=ProposalKind.REPEAL, plank_id=plank.id,
                                                                adopted_directive=""))
    db.session.expire_all()
    assert db.session.get(Plank, plank.id).in_force
    assert [m.status for m in standing_of(plank)] == [MandateStatus.ISSUED]


def test_the_members_latest_vote_wins_when_two_changes_of_one_plank_were_open(app, world):
    plank = factories.adopt_plank(world)
    first = proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(
        [], **factories.plank_draft(plank_id=plank.id, binds_all_electeds=True, adopted_directive="Text B.")))
    factories.decide(world, **factories.plank_draft(plank_id=plank.id, binds_all_electeds=True,
                                                    adopted_directive="Text A."))
    # The second amendment, drafted against the first text, amends the text in force when it passes.
    proposals.publish_proposal(world.member, world.chapter, first.id)
    db.session.expire_all()
    [a] = platform.get_platform(world.member, world.chapter).planks
    assert a.text == "Text A." and a.replaces_id == plank.id
    assert platform.current_of(db.session, db.session.get(Plank, plank.id)).id == a.id


def test_a_standing_mandate_is_reported_on_each_period(app, world):
    plank = factories.adopt_plank(world)
    [mandate] = standing_of(plank)
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    due = mandate.due_on
    draft = mandates.ReportDraft(ReportOutcome.FULFILLED, "Voted no on both abatements.", "", now().date())
    first = mandates.file_report(world.elected, world.chapter, mandate.id, draft)
    mandate = db.session.get(Mandate, mandate.id)
    assert first.period_ending == due and mandate.due_on == next_due(due, 3)
    assert mandate.status == MandateStatus.ACKNOWLEDGED  # a standing directive is never done
    with pytest.raises(ValidationFailed) as refused:  # the period reported on is not over yet
        mandates.file_report(world.elected, world.chapter, mandate.id, draft)
    assert "corrects_id" in refused.value.errors
    correction = mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.PARTIALLY, "One abatement passed over my vote.", "", now().date(), corrects_id=first.id))
    assert correction.period_ending == due and db.session.get(Mandate, mandate.id).due_on == next_due(due, 3)
    at(now().replace(year=due.year, month=due.month, day=due.day) + timedelta(days=1))
    second = mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "No abatement came up.", "", now().date()))
    assert second.period_ending == next_due(due, 3)
    assert db.session.get(Mandate, mandate.id).due_on == next_due(next_due(due, 3), 3)


def test_the_bylaws_set_the_reporting_period(app, world):
    set_bylaws(world.chapter, platform_report_months=1)
    plank = factories.adopt_plank(world)
    [mandate] = standing_of(plank)
    assert mandate.due_on == first_due(now().date(), 1)


def test_each_missed_period_is_flagged_and_a_report_meets_it(app, world):
    plank = factories.adopt_plank(world)
    [mandate] = standing_of(plank)
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    due = mandate.due_on
    late = due + timedelta(days=8)
    at(now().replace(year=late.year, month=late.month, day=late.day))
    reminders.tick()
    [flag] = db.session.scalars(select(Escalation).where(Escalation.missed == Missed.REPORT)).all()
    assert flag.due_on == due
    mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Late, but done.", "", now().date()))
    [rung] = [r for r in platform_ladder(world, mandate) if r.flag.id == flag.id]
    assert not rung.still_missed  # met: the ladder goes no further
    later = next_due(due, 3) + timedelta(days=8)
    at(now().replace(year=later.year, month=later.month, day=later.day))
    reminders.tick()
    flags = db.session.scalars(select(Escalation.due_on).where(Escalation.missed == Missed.REPORT)
                               .order_by(Escalation.id)).all()
    assert flags == [due, next_due(due, 3)]


def platform_ladder(world, mandate):
    from openbargain.services import escalations
    return escalations.ladder_of(world.member, world.chapter, db.session.get(Mandate, mandate.id))


def test_the_platform_is_for_members_and_public_planks_for_visitors_where_pages_are_public(app, world):
    private = factories.adopt_plank(world)
    public = factories.adopt_plank(world, title="Never trade a bill for silence", visibility="public",
                                   adopted_directive="Never trade a bill for silence on an endorsement.")
    assert [p.id for p in platform.get_platform(world.member, world.chapter).planks] == [private.id, public.id]
    assert [p.id for p in platform.get_platform(None, world.chapter).planks] == [public.id]
    assert platform.get_platform(world.lapsed, world.chapter).planks  # a lapsed member is still an insider
    with pytest.raises(NotFound):
        platform.get_plank(None, world.chapter, private.id)
    assert platform.get_plank(None, world.chapter, public.id).plank.id == public.id
    set_bylaws(world.chapter, public_pages=False)
    with pytest.raises(NotFound):
        platform.get_platform(None, world.chapter)
    with pytest.raises(NotFound):
        platform.get_plank(world.other_steering, world.chapter, public.id)


def test_reports_on_a_standing_mandate_name_their_period(app, world):
    plank = factories.adopt_plank(world)
    [mandate] = standing_of(plank)
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    due = mandate.due_on
    mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Done.", "", now().date()))
    assert db.session.scalars(select(ComplianceReport.period_ending)).all() == [due]


def test_steering_rates_a_standing_mandate_with_evidence_like_any_other(app, world):
    from openbargain.models import Rating
    from openbargain.services import verdicts

    plank = factories.adopt_plank(world)
    [mandate] = standing_of(plank)
    with pytest.raises(ValidationFailed):  # evidence is required, as for every verdict
        verdicts.rate_mandate(world.steering, world.chapter, mandate.id, verdicts.VerdictDraft(
            Rating.KEPT, "Voted no on both abatements this quarter.", ""))
    rated = verdicts.rate_mandate(world.steering, world.chapter, mandate.id, verdicts.VerdictDraft(
        Rating.KEPT, "Voted no on both abatements this quarter.", "https://example.org/council/minutes"))
    assert rated.mandate_id == mandate.id and verdicts.verdicts_of(mandate)[-1].rating == Rating.KEPT
