"""The urgent track is a decision under the bylaws; every minimum length comes from the bylaws;
a deadline has an hour, and a vote closing after it is flagged."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Proposal, UrgencySignature
from openbargain.services import proposals, referenda, urgency
from openbargain.services.errors import AlreadySigned, InvalidTransition, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import audit_events, membership, plan, set_bylaws



@pytest.fixture
def fresh(world):
    return factories.make_proposal(world.chapter, world.member, [membership(world.elected)])


def test_the_author_cannot_make_a_proposal_urgent(app, world, fresh):
    assert "urgent" not in proposals.ProposalDraft.__dataclass_fields__
    with pytest.raises(PermissionDenied):
        urgency.declare_urgent(world.member, world.chapter, fresh.id, "I want it sooner.")
    assert not db.session.get(Proposal, fresh.id).urgent


def test_steering_declares_urgency_with_a_public_reason(app, world, fresh):
    with pytest.raises(ValidationFailed) as missing:
        urgency.declare_urgent(world.steering, world.chapter, fresh.id, "   ")
    assert "reason" in missing.value.errors and not audit_events("proposal.declared_urgent")
    urgency.declare_urgent(world.steering, world.chapter, fresh.id, "The council votes on Thursday at 10:00.")
    p = db.session.get(Proposal, fresh.id)
    assert p.urgent and p.urgent_reason == "The council votes on Thursday at 10:00." and p.urgent_declared_at
    [event] = audit_events("proposal.declared_urgent")
    assert event.actor_id == world.steering.id and event.data == {"by": "steering", "reason": p.urgent_reason}
    with pytest.raises(InvalidTransition):
        urgency.declare_urgent(world.steering, world.chapter, fresh.id, "Again.")


def test_members_carry_urgency_by_co_signing_as_the_bylaws_say(app, world, fresh):
    set_bylaws(world.chapter, urgent_cosign_percent=50)  # 4 in good standing → 2 needed
    with pytest.raises(ValidationFailed):
        urgency.support_urgency(world.member, world.chapter, fresh.id, None)  # the first gives the reason
    assert urgency.support_urgency(world.member, world.chapter, fresh.id, "The vote is on Thursday.") is False
    with pytest.raises(AlreadySigned):
        urgency.support_urgency(world.member, world.chapter, fresh.id)
    with pytest.raises(PermissionDenied):
        urgency.support_urgency(world.lapsed, world.chapter, fresh.id)
    status = urgency.urgency_status(world.elected, world.chapter, db.session.get(Proposal, fresh.id))
    assert (status.signatures, status.needed, status.reason, status.declared) == (1, 2, "The vote is on Thursday.", False)
    assert urgency.support_urgency(world.elected, world.chapter, fresh.id) is True
    p = db.session.get(Proposal, fresh.id)
    assert p.urgent and p.urgent_reason == "The vote is on Thursday."
    [event] = audit_events("proposal.declared_urgent")
    assert event.data == {"by": "members", "reason": "The vote is on Thursday.", "signatures": 2}
    assert len(audit_events("proposal.urgency_signed")) == 2


def test_bylaws_can_leave_urgency_to_steering_alone(app, world, fresh):
    set_bylaws(world.chapter, urgent_cosign_percent=0)
    with pytest.raises(PermissionDenied, match="only the steering committee"):
        urgency.support_urgency(world.member, world.chapter, fresh.id, "Now!")
    assert db.session.scalar(select(func.count()).select_from(UrgencySignature)) == 0


def test_urgent_minimums_come_from_the_bylaws_and_bind_steering(app, world, fresh):
    set_bylaws(world.chapter, urgent_min_deliberation_hours=24, urgent_min_voting_hours=6, min_voting_hours=30)
    urgency.declare_urgent(world.steering, world.chapter, fresh.id, "Council meets tomorrow.")
    start = now()
    too_soon = plan(opens_at=start + timedelta(hours=20), closes_at=start + timedelta(hours=40))
    with pytest.raises(ValidationFailed) as refused:
        referenda.schedule_referendum(world.steering, world.chapter, fresh.id, too_soon)
    assert "24 hours of deliberation" in refused.value.errors["opens_at"][0]
    too_short = plan(opens_at=start + timedelta(hours=25), closes_at=start + timedelta(hours=30))
    with pytest.raises(ValidationFailed) as refused:
        referenda.schedule_referendum(world.steering, world.chapter, fresh.id, too_short)
    assert "urgent vote lasts at least 6 hours" in refused.value.errors["closes_at"][0]
    referenda.schedule_referendum(world.steering, world.chapter, fresh.id,
                                  plan(opens_at=start + timedelta(hours=25), closes_at=start + timedelta(hours=31)))


def test_a_normal_vote_is_at_least_the_bylaws_minimum_not_a_constant(app, world):
    start = now()
    set_clock(lambda: start - timedelta(days=8))
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    set_clock(None)
    set_bylaws(world.chapter, min_voting_hours=30)
    with pytest.raises(ValidationFailed) as refused:
        referenda.schedule_referendum(world.steering, world.chapter, p.id,
                                      plan(opens_at=start + timedelta(hours=2), closes_at=start + timedelta(hours=31)))
    assert "lasts at least 30 hours" in refused.value.errors["closes_at"][0]


def test_a_deadline_has_an_hour_and_a_late_vote_is_flagged(app, world):
    start = now()
    p, moment = factories.proposal_due_at_ten(world, membership(world.elected))
    p = db.session.get(Proposal, p.id)
    assert p.deadline_time == time(10, 0)
    before = referenda.schedule_referendum(world.steering, world.chapter, p.id,
                                           plan(opens_at=start + timedelta(hours=2), closes_at=start + timedelta(days=2)))
    assert referenda.schedule_warnings(world.chapter, p, before) == []
    late = plan(opens_at=start + timedelta(hours=2), closes_at=moment + timedelta(minutes=1))
    [warning] = referenda.schedule_warnings(world.chapter, p, late)
    assert "10:00" in warning and world.chapter.timezone in warning


def test_a_deadline_hour_already_past_is_refused(app, world):
    today = proposals.chapter_today(world.chapter)
    with pytest.raises(ValidationFailed) as refused:
        proposals.draft_proposal(world.member, world.chapter, factories.proposal_draft(
            [membership(world.elected)], deadline=today, deadline_time=time(0, 0)))
    assert "deadline" in refused.value.errors
    assert isinstance(today, date)
