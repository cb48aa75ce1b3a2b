from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import (
    AuditEvent,
    Proposal,
    ProposalStatus,
    Referendum,
    ReferendumStatus,
    Standing,
    VoterRollEntry,
)
from openbargain.services import calendar, chapters, petitions, proposals, referenda, reminders, urgency
from openbargain.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import audit_events, membership, plan



@pytest.fixture
def proposal(world):
    start = now()
    set_clock(lambda: start - timedelta(days=8))  # published eight days ago: past the 7-day minimum
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    set_clock(None)
    return p



def counts():
    return (db.session.scalar(select(func.count()).select_from(Referendum)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def test_steering_schedules_a_vote(app, world, proposal):
    r = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SCHEDULED
    assert r.status_at(now()) == ReferendumStatus.SCHEDULED
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "referendum.scheduled" and event.data["method"] == "yes_no"
    with pytest.raises(InvalidTransition):
        referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())


@pytest.mark.parametrize("changes, field", [
    ({"closes_at": now() + timedelta(hours=1)}, "closes_at"),
    ({"closes_at": now() + timedelta(hours=2, minutes=30)}, "closes_at"),
    ({"opens_at": now() - timedelta(hours=1)}, "opens_at"),
    ({"method": "irv"}, "method"),
    ({"threshold": "most"}, "threshold"),
    ({"quorum_percent": 101}, "quorum_percent"),
])
def test_bad_schedules_are_refused_and_record_nothing(app, world, proposal, changes, field):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan(**changes))
    assert field in exc.value.errors
    assert counts() == before


def test_the_minimum_deliberation_is_enforced(app, world):
    fresh = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Fresh")
    with pytest.raises(ValidationFailed) as exc:
        referenda.schedule_referendum(world.steering, world.chapter, fresh.id, plan())
    assert "168 hours of deliberation" in exc.value.errors["opens_at"][0]
    urgent = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    urgency.declare_urgent(world.steering, world.chapter, urgent.id, "The council votes on Thursday.")
    referenda.schedule_referendum(world.steering, world.chapter, urgent.id,
                                  plan(opens_at=now() + timedelta(hours=25)))


def test_stv_needs_fewer_seats_than_options(app, world):
    start = now()
    set_clock(lambda: start - timedelta(days=8))
    ranked = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], kind="ranked")
    set_clock(None)
    with pytest.raises(ValidationFailed) as exc:
        referenda.schedule_referendum(world.steering, world.chapter, ranked.id,
                                      plan(method="stv", seats=3, threshold=None))
    assert "seats" in exc.value.errors


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("elected", PermissionDenied),
                                         ("other_steering", NotFound), ("suspended", NotFound)])
def test_only_steering_schedules(app, world, proposal, role, error):
    with pytest.raises(error):
        referenda.schedule_referendum(world.user(role), world.chapter, proposal.id, plan())


def test_a_withdrawn_proposal_cannot_be_scheduled(app, world, proposal):
    proposals.withdraw_proposal(world.member, world.chapter, proposal.id, "Superseded by events.")
    with pytest.raises(InvalidTransition):
        referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())


def test_reschedule_and_cancel_before_opening_only(app, world, proposal):
    r = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())
    referenda.reschedule_referendum(world.steering, world.chapter, r.id, plan(threshold="two_thirds"))
    assert db.session.get(Referendum, r.id).threshold == "two_thirds"
    start = now()
    set_clock(lambda: start + timedelta(hours=3))
    with pytest.raises(InvalidTransition, match="can no longer change"):
        referenda.reschedule_referendum(world.steering, world.chapter, r.id, plan(threshold="majority"))
    with pytest.raises(InvalidTransition):
        referenda.cancel_referendum(world.steering, world.chapter, r.id, "The council moved the vote.")
    set_clock(None)
    referenda.cancel_referendum(world.steering, world.chapter, r.id, "The council moved the vote.")
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.DELIBERATION
    kinds = [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))][-3:]
    assert kinds == ["referendum.scheduled", "referendum.rescheduled", "referendum.cancelled"]


def _as_petitioned(r, **changes):
    """The petitioned vote's own terms, with some changed."""
    values = dict(method=r.method, opens_at=r.opens_at, closes_at=r.closes_at, quorum_percent=r.quorum_percent,
                  secret=r.secret, threshold=r.threshold, seats=r.seats)
    values.update(changes)
    return referenda.Schedule(**values)


def test_a_petitioned_vote_moves_earlier_but_not_later_and_is_not_cancelled(app, world, proposal):
    petitions.sign_petition(world.member, world.chapter, proposal.id)  # 1 signature is 10% of 3
    r = db.session.scalar(select(Referendum).where(Referendum.proposal_id == proposal.id))
    assert r.by_petition and r.petition_signatures == 1
    with pytest.raises(ValidationFailed, match="earlier"):
        referenda.reschedule_referendum(world.steering, world.chapter, r.id,
                                        _as_petitioned(r, opens_at=r.opens_at + timedelta(hours=1),
                                                       closes_at=r.closes_at + timedelta(hours=1)))
    earlier = timedelta(hours=24)
    referenda.reschedule_referendum(world.steering, world.chapter, r.id, _as_petitioned(
        r, opens_at=r.opens_at - earlier, closes_at=r.closes_at - earlier))
    with pytest.raises(InvalidTransition, match="petition"):
        referenda.cancel_referendum(world.steering, world.chapter, r.id, "The council moved the vote.")


@pytest.mark.parametrize("changes, field", [
    (dict(threshold="two_thirds"), "threshold"),
    (dict(quorum_percent=90), "quorum_percent"),
    (dict(secret=False), "secret"),
    ("one hour", "closes_at"),
    ("shorter and earlier", "closes_at"),
])
def test_steering_cannot_change_the_terms_of_a_petitioned_vote(app, world, proposal, changes, field):
    petitions.sign_petition(world.member, world.chapter, proposal.id)
    r = db.session.scalar(select(Referendum).where(Referendum.proposal_id == proposal.id))
    before = (r.method, r.threshold, r.quorum_percent, r.secret, r.opens_at, r.closes_at)
    events = counts()[1]
    if changes == "one hour":  # the review's repro: a one-hour vote at 2/3 and 90% quorum
        changes = dict(closes_at=r.opens_at + timedelta(hours=1))
    elif changes == "shorter and earlier":
        changes = dict(opens_at=r.opens_at - timedelta(hours=2), closes_at=r.closes_at - timedelta(hours=5))
    with pytest.raises(ValidationFailed) as refused:
        referenda.reschedule_referendum(world.steering, world.chapter, r.id, _as_petitioned(r, **changes))
    assert field in refused.value.errors and "petition" in refused.value.errors[field][0]
    db.session.refresh(r)
    assert (r.method, r.threshold, r.quorum_percent, r.secret, r.opens_at, r.closes_at) == before
    assert counts()[1] == events


def test_status_follows_the_clock(app, world, proposal):
    r = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())
    assert r.status_at(r.opens_at - timedelta(seconds=1)) == ReferendumStatus.SCHEDULED
    assert r.status_at(r.opens_at) == ReferendumStatus.OPEN
    assert r.status_at(r.closes_at) == ReferendumStatus.CLOSED


def test_the_roll_is_frozen_at_opening(app, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    lapsing, joining = membership(world.member), None
    # The first change of standing after opening freezes the roll first.
    chapters.update_membership(world.steering, world.chapter, lapsing.id,
                               chapters.MembershipChange(Standing.LAPSED, False, False, None))
    joining = factories.make_membership(world.chapter)
    roll = set(db.session.scalars(select(VoterRollEntry.membership_id).where(VoterRollEntry.referendum_id == r.id)))
    assert roll == {membership(world.member).id, membership(world.elected).id, membership(world.steering).id}
    assert joining.id not in roll
    db.session.refresh(r)
    assert r.roll_size == 3 and len(r.roll_hash) == 64
    assert db.session.get(Proposal, r.proposal_id).status == ProposalStatus.VOTING
    assert len(audit_events("referendum.opened")) == 1


def test_tick_freezes_and_mails_each_reminder_once(app, world, outbox):
    r = factories.make_open_referendum(world, membership(world.elected))
    first = reminders.tick()
    assert first.rolls_frozen == 1 and first.open_notices == 3 and first.closing_notices == 0
    assert {m.to for m in outbox} == {world.member.email, world.elected.email, world.steering.email}
    assert reminders.tick() == reminders.TickReport(0, 0, 0)
    start = now()
    set_clock(lambda at=r.closes_at: at - timedelta(hours=2))
    from openbargain.services import casting

    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    outbox.clear()
    closing = reminders.tick()
    assert closing.closing_notices == 2 and world.member.email not in {m.to for m in outbox}
    assert reminders.tick().closing_notices == 0
    set_clock(lambda: start)


def test_calendar_and_feed(app, world, proposal):
    r = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())
    assert [e.referendum.id for e in calendar.upcoming_votes(world.member, world.chapter)] == [r.id]
    assert calendar.upcoming_votes(None, world.chapter) == []  # members-only
    key = calendar.feed_key(world.member, world.chapter)
    body = calendar.feed(world.chapter, key, lambda kind, i: f"https://example.org/{kind}/{i}").decode()
    assert "BEGIN:VEVENT" in body and "Vote: Vote no on the budget deal" in body
    assert f"Deadline: {proposal.title}" in body and f"DTSTART;VALUE=DATE:{proposal.deadline:%Y%m%d}" in body
    assert "BEGIN:VEVENT" not in calendar.feed(world.chapter, None, lambda kind, i: "x").decode()
    with pytest.raises(NotFound):
        calendar.feed(world.chapter, key + "x", lambda kind, i: "x")
    with pytest.raises(NotFound):
        calendar.feed(world.other_chapter, key, lambda kind, i: "x")


def test_the_agenda_holds_votes_deadlines_due_reports_and_recent_results(app, world):
    from datetime import timedelta

    from openbargain.clock import set_clock
    from openbargain.models import Mandate
    from openbargain.services import casting, results
    from tests import factories

    elected = membership(world.elected)
    r = factories.make_open_referendum(world, elected, title="Levy")
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    later = factories.make_proposal(world.chapter, world.member, [elected], title="Transit")
    set_clock(lambda: r.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == r.id))
    agenda = calendar.agenda(world.member, world.chapter)
    kinds = {(d.kind, d.title) for d in agenda.upcoming}
    assert ("deadline", "Transit") in kinds and ("report_due", "Levy") in kinds
    assert [d.day for d in agenda.upcoming] == sorted(d.day for d in agenda.upcoming)
    due = next(d for d in agenda.upcoming if d.kind == "report_due")
    assert due.day == mandate.due_on and due.who == world.elected.name and due.link == ("mandate", mandate.id)
    assert [(d.kind, d.title) for d in agenda.recent] == [("result", "Levy")]
    assert later.visibility.value == "members" and calendar.agenda(None, world.chapter).upcoming == []


def test_reading_a_vote_writes_nothing_and_settling_does_what_the_clock_made_due(world):
    from openbargain.models import Result
    from openbargain.services import due

    elected = membership(world.elected)
    opened = factories.make_open_referendum(world, elected)
    closed = factories.make_open_referendum(world, elected, closed=True, title="Closed")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    for r in (opened, closed):
        view = referenda.get_referendum(world.member, world.chapter, r.id)
        assert view.status.value in ("open", "closed")
    db.session.expire_all()
    assert [db.session.get(Referendum, r.id).roll_frozen_at for r in (opened, closed)] == [None, None]
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    due.settle_due(world.chapter)
    db.session.expire_all()
    assert db.session.get(Referendum, opened.id).roll_frozen_at is not None
    assert db.session.get(Referendum, closed.id).certified_at is not None
    assert referenda.get_referendum(world.member, world.chapter, closed.id).status.value == "certified"
