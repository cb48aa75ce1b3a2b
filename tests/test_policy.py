"""The authorisation matrix, role by role."""
from __future__ import annotations

import pytest

from openbargain import policy
from openbargain.services.chapters import membership_of
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
