"""The authorisation matrix, role by role."""
from __future__ import annotations

import pytest

from openbargain import policy
from openbargain.services.access import membership_of
from tests.conftest import ROLES

EXPECTED = {
    #                  view chapter, view roster, manage roster, audit log, site admin
    "visitor":        (False, False, False, False, False),
    "lapsed":         (True, False, False, False, False),
    "suspended":      (False, False, False, False, False),
    "member":         (True, False, False, False, False),
    "elected":        (True, False, False, False, False),
    "steering":       (True, True, True, True, False),
    "other_steering": (False, False, False, False, False),
    "admin":          (False, False, False, False, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_policy_matrix(app, world, role):
    user = world.user(role)
    m = membership_of(user, world.chapter)
    got = (
        policy.can_view_chapter(user, m),
        policy.can_view_roster(user, m),
        policy.can_manage_roster(user, m),
        policy.can_view_audit_log(user, m),
        policy.can_administer_site(user),
    )
    assert got == EXPECTED[role]


def test_lapsed_steering_loses_steering_powers(app, world):
    from openbargain.extensions import db
    from openbargain.models import Standing

    m = membership_of(world.steering, world.chapter)
    m.standing = Standing.LAPSED
    db.session.commit()
    assert not policy.can_manage_roster(world.steering, m)
    assert policy.can_view_chapter(world.steering, m)


def test_can_vote_only_when_open_on_the_roll_and_not_yet_voted():
    from datetime import date

    from openbargain.models import ReferendumStatus, VoterRollEntry

    fresh, voted = VoterRollEntry(), VoterRollEntry(voted_on=date(2026, 11, 25))
    assert policy.can_vote(fresh, ReferendumStatus.OPEN)
    assert not policy.can_vote(voted, ReferendumStatus.OPEN)
    assert not policy.can_vote(None, ReferendumStatus.OPEN)
    for status in (ReferendumStatus.SCHEDULED, ReferendumStatus.CLOSED, ReferendumStatus.CERTIFIED):
        assert not policy.can_vote(fresh, status)


@pytest.mark.parametrize("status, acknowledge, report", [
    ("issued", True, False), ("acknowledged", False, True), ("fulfilled", False, True),
    ("breached", False, True), ("superseded", False, False),
])
def test_only_the_holder_acknowledges_then_reports(status, acknowledge, report):
    from openbargain.models import Mandate, MandateStatus, Membership

    holder, other = Membership(id=1), Membership(id=2)
    mandate = Mandate(membership_id=1, status=MandateStatus(status))
    assert policy.can_acknowledge_mandate(holder, mandate) is acknowledge
    assert policy.can_file_report(holder, mandate) is report
    assert not policy.can_acknowledge_mandate(other, mandate) and not policy.can_file_report(other, mandate)
    assert not policy.can_file_report(None, mandate)
