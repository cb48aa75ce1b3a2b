"""Stopping what members started takes a public reason: withdrawing a proposal, cancelling a vote."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Proposal, ProposalStatus, Referendum, StatedReason
from openbargain.services import proposals, referenda, stated_reasons
from openbargain.services.errors import ValidationFailed
from tests import factories
from tests.helpers import membership


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301, None])
def test_no_withdrawal_without_a_public_reason(app, world, reason):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as refused:
        proposals.withdraw_proposal(world.steering, world.chapter, p.id, reason)
    assert "reason" in refused.value.errors
    db.session.rollback()
    assert db.session.get(Proposal, p.id).status == ProposalStatus.DELIBERATION
    assert db.session.scalar(select(func.count()).select_from(StatedReason)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_steering_withdraws_with_a_reason_the_author_is_mailed(app, world, outbox):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    outbox.clear()
    proposals.withdraw_proposal(world.steering, world.chapter, p.id, "  The council dropped the bill.  ")
    [stated] = stated_reasons.reasons_for(p.id)
    assert (stated.reason, stated.as_steering, stated.stated_by_id) == ("The council dropped the bill.", True,
                                                                      world.steering.id)
    [mail] = outbox
    assert mail.to == world.member.email and "withdrawn" in mail.subject
    assert "The council dropped the bill." in mail.body and f"/proposals/{p.id}" in mail.body
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.kind == "proposal.withdrawn" and event.data["reason"] == "The council dropped the bill."


def test_an_author_withdrawing_their_own_proposal_is_not_mailed(app, world, outbox):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    outbox.clear()
    proposals.withdraw_proposal(world.member, world.chapter, p.id, "I will redraft it.")
    assert outbox == []
    assert [(r.reason, r.as_steering) for r in stated_reasons.reasons_for(p.id)] == [("I will redraft it.", False)]


def test_cancelling_a_vote_takes_a_reason_published_on_the_proposal(app, world, outbox):
    p, r = factories.make_scheduled_vote(world, membership(world.elected))
    with pytest.raises(ValidationFailed):
        referenda.cancel_referendum(world.steering, world.chapter, r.id, " ")
    db.session.rollback()
    assert db.session.get(Referendum, r.id) is not None
    outbox.clear()
    referenda.cancel_referendum(world.steering, world.chapter, r.id, "The floor vote moved to March.")
    assert db.session.get(Proposal, p.id).status == ProposalStatus.DELIBERATION
    [stated] = proposals.get_proposal(world.member, world.chapter, p.id).stated
    assert stated.action.value == "vote_cancelled" and stated.reason == "The floor vote moved to March."
    [mail] = outbox
    assert mail.to == world.member.email and "cancelled" in mail.subject and "moved to March" in mail.body
