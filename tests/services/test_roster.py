from __future__ import annotations

import pytest
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import AuditEvent, Invitation, Membership, Standing, User
from openbargain.services import roster
from openbargain.services.errors import NotFound, PermissionDenied, ValidationFailed
from openbargain.services.roster import RosterInvalid

GOOD = b"""name,email,standing,roles,office
Rosa Parks,rosa@example.org,good_standing,,
Eugene Debs,Eugene@Example.org,Member in Good Standing,elected,"City Council, Ward 4"
Lucy Parsons,lucy@example.org,lapsed,member,
"""


def counts():
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Membership)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def test_import_creates_members_and_invites_new_users(app, world, outbox):
    plan = roster.import_roster(world.steering, world.chapter, GOOD)
    assert plan.counts == {"created": 3, "updated": 0, "lapsed": 0, "unchanged": 0, "not_in_file": 5}
    debs = db.session.scalar(select(User).where(User.email == "eugene@example.org"))
    m = db.session.scalar(select(Membership).where(Membership.user_id == debs.id))
    assert (m.standing, m.is_elected, m.office) == (Standing.GOOD_STANDING, True, "City Council, Ward 4")
    assert sorted(msg.to for msg in outbox) == ["eugene@example.org", "lucy@example.org", "rosa@example.org"]
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 3
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "roster.imported"))
    assert event.data["counts"]["created"] == 3 and event.actor_id == world.steering.id


def test_reimport_is_an_upsert_that_counts_each_kind_and_deletes_nobody(app, world):
    roster.import_roster(world.steering, world.chapter, GOOD)
    again = b"""name,email,standing
Rosa Parks,rosa@example.org,good_standing
Eugene Debs,eugene@example.org,good_standing
Lucy Parsons,lucy@example.org,good_standing
"""
    plan = roster.preview_roster_import(world.steering, world.chapter, again)
    # Debs loses his elected role (no roles column = member only): an update; Parsons is reinstated.
    assert plan.counts["updated"] == 2 and plan.counts["unchanged"] == 1
    lapse = b"name,email,standing\nRosa Parks,rosa@example.org,lapsed\n"
    users_before = counts()[0]
    plan = roster.import_roster(world.steering, world.chapter, lapse)
    assert plan.counts == {"created": 0, "updated": 0, "lapsed": 1, "unchanged": 0, "not_in_file": 7}
    assert counts()[0] == users_before


def test_preview_changes_nothing(app, world):
    before = counts()
    plan = roster.preview_roster_import(world.steering, world.chapter, GOOD)
    assert plan.counts["created"] == 3
    assert counts() == before


@pytest.mark.parametrize(
    "data, line, fragment",
    [
        (b"name,email\nA,a@example.org\n", 1, "missing column(s): standing"),
        (b"name,email,standing\nA,not-an-email,good_standing\n", 2, "is not valid"),
        (b"name,email,standing\nA,a@example.org,good_standing\nB,b@example.org,retired\n", 3, "standing “retired”"),
        (b"name,email,standing\nA,a@example.org,lapsed\nA2,A@example.org,lapsed\n", 3, "already on line 2"),
        (b"name,email,standing\n" + "Ren\xe9e,r@example.org,lapsed\n".encode("latin-1"), 0, "not UTF-8"),
        (b"name,email,standing\n" + b"x" * 200 + b",x@example.org,lapsed\n", 2, "longer than 120"),
        (b"name,email,standing,roles\nA,a@example.org,lapsed,chair\n", 2, "unknown role(s) chair"),
        (b"name,email,standing,office\nA,a@example.org,lapsed,Mayor\n", 2, "only an elected holds an office"),
        (b"name,email,standing\n", 1, "no members"),
    ],
)
def test_a_bad_file_is_rejected_whole_with_line_numbers(app, world, data, line, fragment):
    good_rows = b"Zed,zed@example.org,good_standing\n"
    before = counts()
    with pytest.raises(RosterInvalid) as exc:
        roster.import_roster(world.steering, world.chapter, data + (good_rows if data.count(b"\n") > 1 else b""))
    assert any(ln == line and fragment in msg for ln, msg in exc.value.problems), exc.value.problems
    assert counts() == before


def test_every_problem_in_a_file_is_reported(app, world):
    data = b"name,email,standing\nA,bad,good_standing\nB,b@example.org,nope\n,c@example.org,lapsed\n"
    with pytest.raises(RosterInvalid) as exc:
        roster.parse_roster(data)
    assert [ln for ln, _ in exc.value.problems] == [2, 3, 4]


def test_an_import_that_removes_the_last_steering_member_is_refused(app, world):
    data = f"name,email,standing\nS,{world.steering.email},good_standing\n".encode()
    before = counts()
    with pytest.raises(ValidationFailed, match="at least one steering"):
        roster.import_roster(world.steering, world.chapter, data)
    assert counts() == before


@pytest.mark.parametrize("role, error", [
    ("member", PermissionDenied), ("elected", PermissionDenied), ("lapsed", PermissionDenied),
    ("suspended", NotFound), ("other_steering", NotFound), ("admin", NotFound),
])
def test_only_steering_imports(app, world, role, error):
    before = counts()
    with pytest.raises(error):
        roster.import_roster(world.user(role), world.chapter, GOOD)
    with pytest.raises(error):
        roster.preview_roster_import(world.user(role), world.chapter, GOOD)
    assert counts() == before


def test_roster_listing_filters_and_pages(app, world):
    page = roster.list_roster(world.steering, world.chapter)
    assert page.total == 5 and len(page.memberships) == 5
    lapsed = roster.list_roster(world.steering, world.chapter, standing=Standing.LAPSED)
    assert [m.user_id for m in lapsed.memberships] == [world.lapsed.id]
    found = roster.list_roster(world.steering, world.chapter, query=world.elected.email[:6].upper())
    assert world.elected.id in [m.user_id for m in found.memberships]
