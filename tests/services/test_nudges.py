"""Turnout by day against the quorum, and steering's one reminder to those who have not voted:
the app picks them, steering learns how many, and members are never reminded twice in 12 hours."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Notification, Referendum
from openbargain.services import casting, nudges, reminders
from openbargain.services.errors import InvalidTransition, PermissionDenied
from tests import factories
from tests.conftest import login
from tests.helpers import membership


def reminded_users() -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.key.like("%:reminder"))))


@pytest.fixture
def vote(world):
    r = factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()  # the roll is frozen and the vote's opening told
    return r


def test_turnout_counts_each_voting_day_against_the_quorum(app, world, vote):
    start = now()
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    set_clock(lambda: start + timedelta(days=1))
    try:
        casting.cast_ballot(world.elected, world.chapter, vote.id, {"choice": "no"})
        seen = nudges.turnout(db.session.get(Referendum, vote.id))
    finally:
        set_clock(None)
    assert [(d.voted, d.total) for d in seen.days] == [(1, 1), (1, 2)]
    assert seen.days[1].day - seen.days[0].day == timedelta(days=1)
    assert (seen.voted, seen.roll_size) == (2, 3) and seen.quorum == 1 and seen.quorum_met  # 20% of 3, rounded up


def test_steering_reminds_only_those_who_have_not_voted_and_learns_only_how_many(app, world, vote):
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    sent = nudges.send_reminder(world.steering, world.chapter, vote.id)
    assert sent.reminded == 2 and reminded_users() == {world.elected.id, world.steering.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "referendum.reminder_sent"))
    assert event.data == {"reminded": 2}  # a count: the audit log names nobody
    with pytest.raises(InvalidTransition, match="one per vote"):
        nudges.send_reminder(world.steering, world.chapter, vote.id)


def test_only_steering_reminds_and_only_while_the_vote_is_open(app, world, vote):
    with pytest.raises(PermissionDenied):
        nudges.send_reminder(world.member, world.chapter, vote.id)
    closed = factories.make_open_referendum(world, membership(world.elected), closed=True, title="Closed")
    with pytest.raises(InvalidTransition, match="not open"):
        nudges.send_reminder(world.steering, world.chapter, closed.id)
    assert reminded_users() == set()


def test_the_automatic_reminder_and_steerings_are_never_twelve_hours_apart_or_less(app, world, vote):
    start = now()
    closes = vote.closes_at
    try:
        set_clock(lambda: closes - timedelta(hours=30))
        nudges.send_reminder(world.steering, world.chapter, vote.id)
        set_clock(lambda: closes - timedelta(hours=23))  # within a day of the close, 7 hours after steering's
        assert reminders.tick().closing_notices == 0
        set_clock(lambda: closes - timedelta(hours=17))  # 13 hours after
        assert reminders.tick().closing_notices == 3
        other = factories.make_open_referendum(world, membership(world.elected), title="Another")
        reminders.tick()
        set_clock(lambda: other.closes_at - timedelta(hours=20))
        assert reminders.tick().closing_notices == 3  # the automatic one went first, now
        set_clock(lambda: other.closes_at - timedelta(hours=10))
        with pytest.raises(InvalidTransition, match="less than 12 hours ago"):
            nudges.send_reminder(world.steering, world.chapter, other.id)
        set_clock(lambda: other.closes_at - timedelta(hours=7))
        assert nudges.send_reminder(world.steering, world.chapter, other.id).reminded == 3
    finally:
        set_clock(lambda: start)


def test_the_vote_page_shows_turnout_to_members_and_the_reminder_to_steering(app, world, vote):
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    member, steering = app.test_client(), app.test_client()
    login(member, world.member)
    login(steering, world.steering)
    page = member.get(f"/c/riverside/referenda/{vote.id}").get_data(as_text=True)
    assert "Turnout by day" in page and "Send the reminder" not in page
    page = steering.get(f"/c/riverside/referenda/{vote.id}").get_data(as_text=True)
    assert "Send the reminder" in page and "never who" in page
    sent = steering.post(f"/c/riverside/referenda/{vote.id}/remind", follow_redirects=True).get_data(as_text=True)
    assert "Reminded 2 members who had not voted." in sent and "The reminder went" in sent
    assert "Send the reminder" not in sent
    assert member.post(f"/c/riverside/referenda/{vote.id}/remind").status_code == 302
    assert len(reminded_users()) == 2  # the member's attempt changed nothing


def test_the_result_reports_turnout_by_day(app, world):
    decided = factories.make_open_referendum(world, membership(world.elected), closed=True, title="Decided")
    client = app.test_client()
    login(client, world.member)
    page = client.get(f"/c/riverside/referenda/{decided.id}/result").get_data(as_text=True)
    assert "Turnout by day" in page and "the quorum" in page
