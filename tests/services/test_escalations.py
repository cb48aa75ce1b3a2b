"""The escalation ladder the bylaws set (issue 18, part 3): a missed deadline flagged by tick, an
accountability proposal opened by steering or by members' petition (which steering cannot
block), a recall petition once members call for recall, the elected's answer on the record —
every step audited, each rule for each role, on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Escalation, Notification, Proposal, ProposalStatus
from openbargain.models.escalation import Missed, Step
from openbargain.services import escalations, follows, mandates, reminders
from openbargain.services.errors import AlreadySigned, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests import factories
from tests.helpers import at, audit_events, membership, race, set_bylaws




def flagged(world, hours: int = 49):
    """A mandate left unacknowledged past the bylaws' 48 hours, flagged by tick."""
    mandate = factories.make_mandate(world)
    at(mandate.issued_at + timedelta(hours=hours))
    reminders.tick()
    return mandate, db.session.scalar(select(Escalation).where(Escalation.step == Step.FLAGGED))


def test_tick_flags_a_missed_acknowledgement_once_and_tells_followers_and_the_elected(app, world):
    mandate = factories.make_mandate(world)
    follows.follow(world.member, world.chapter, membership_id=membership(world.elected).id)
    at(mandate.issued_at + timedelta(hours=47))
    reminders.tick()
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 0
    at(mandate.issued_at + timedelta(hours=49))
    reminders.tick()
    reminders.tick()  # again: nothing twice
    [flag] = db.session.scalars(select(Escalation)).all()
    assert (flag.missed, flag.step, flag.by_id) == (Missed.ACKNOWLEDGEMENT, Step.FLAGGED, None)
    [event] = audit_events("mandate.escalated")
    assert event.data == {"step": "flagged", "missed": "acknowledgement", "escalation": flag.id}
    told = db.session.scalars(select(Notification.user_id).where(Notification.key.like("%escalation:%"))).all()
    assert sorted(told) == sorted([world.member.id, world.elected.id])


def test_the_bylaws_set_the_deadlines(app, world):
    set_bylaws(world.chapter, ack_within_hours=96)
    mandate = factories.make_mandate(world)
    at(mandate.issued_at + timedelta(hours=49))
    reminders.tick()
    assert db.session.scalar(select(func.count()).select_from(Escalation)) == 0
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    grace = db.session.get(mandates.Mandate, mandate.id).due_on + timedelta(days=8)
    at(now().replace(year=grace.year, month=grace.month, day=grace.day))
    reminders.tick()
    [flag] = db.session.scalars(select(Escalation)).all()
    assert flag.missed == Missed.REPORT


def test_steering_opens_an_accountability_proposal_after_the_period(app, world):
    mandate, flag = flagged(world)
    with pytest.raises(InvalidTransition):  # the bylaws give the elected 14 days first
        escalations.open_accountability_proposal(world.steering, world.chapter, flag.id)
    at(flag.at + timedelta(days=14))
    with pytest.raises(PermissionDenied):
        escalations.open_accountability_proposal(world.member, world.chapter, flag.id)
    step = escalations.open_accountability_proposal(world.steering, world.chapter, flag.id)
    proposal = db.session.get(Proposal, step.proposal_id)
    assert proposal.status == ProposalStatus.DELIBERATION and proposal.author_id == world.steering.id
    assert [o.label for o in proposal.options] == ["No action", "Public censure", "Withdraw the endorsement",
                                                   "Call for recall"]
    assert "Never acknowledged." in proposal.body and [d.membership_id for d in proposal.directed] == [
        mandate.membership_id]
    with pytest.raises(InvalidTransition):
        escalations.open_accountability_proposal(world.steering, world.chapter, flag.id)
    assert [e.data["step"] for e in audit_events("mandate.escalated")] == ["flagged", "proposal"]


def test_the_ladder_stops_when_the_deadline_is_met_meanwhile(app, world):
    mandate, flag = flagged(world)
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    at(flag.at + timedelta(days=15))
    with pytest.raises(InvalidTransition) as refused:
        escalations.open_accountability_proposal(world.steering, world.chapter, flag.id)
    assert "met this deadline" in refused.value.message


def test_members_open_it_by_petition_and_steering_cannot_block_it(app, world):
    set_bylaws(world.chapter, accountability_petition_percent=50)  # 2 of the 3 in good standing
    mandate, flag = flagged(world)
    at(flag.at + timedelta(days=14))
    with pytest.raises(PermissionDenied):
        escalations.sign_accountability_petition(world.lapsed, world.chapter, flag.id)
    assert escalations.sign_accountability_petition(world.member, world.chapter, flag.id) is False
    with pytest.raises(AlreadySigned):
        escalations.sign_accountability_petition(world.member, world.chapter, flag.id)
    assert escalations.sign_accountability_petition(world.elected, world.chapter, flag.id) is True
    step = db.session.scalar(select(Escalation).where(Escalation.step == Step.PROPOSAL))
    assert step.petition_kind == "petition" and step.by_id is None
    assert db.session.get(Proposal, step.proposal_id).author_id == world.elected.id
    [rung] = escalations.ladder_of(world.member, world.chapter, mandate)
    assert rung.proposal.id == step.id and rung.signatures == 2 and rung.signed_by_me


def test_racing_signatures_open_one_proposal(app, world):
    set_bylaws(world.chapter, accountability_petition_percent=1)
    mandate, flag = flagged(world)
    at(flag.at + timedelta(days=14))
    signers = [factories.make_membership(world.chapter).user for _ in range(4)]
    ids = [u.id for u in signers]
    chapter_id = world.chapter.id

    def sign(user_id):
        def job():
            from openbargain.models import Chapter, User
            return escalations.sign_accountability_petition(db.session.get(User, user_id),
                                                            db.session.get(Chapter, chapter_id), flag.id)
        return job

    outcomes = race(app, [sign(i) for i in ids])
    assert db.session.scalar(select(func.count()).select_from(Escalation).where(Escalation.step == Step.PROPOSAL)) == 1
    assert outcomes.count(True) == 1, outcomes


def test_a_recall_petition_follows_the_members_call_for_recall_where_the_bylaws_provide_one(app, world):
    from openbargain.services import casting, referenda, results
    from tests.helpers import plan

    mandate, flag = flagged(world)
    at(flag.at + timedelta(days=14))
    step = escalations.open_accountability_proposal(world.steering, world.chapter, flag.id)
    with pytest.raises(InvalidTransition):  # no vote yet
        escalations.prepare_recall_petition(world.member, world.chapter, flag.id)
    start = now()
    at(start + timedelta(days=8))
    referendum = referenda.schedule_referendum(world.steering, world.chapter, step.proposal_id, plan(
        method="irv", opens_at=start + timedelta(days=8, hours=1), closes_at=start + timedelta(days=9, hours=2),
        quorum_percent=1))
    at(start + timedelta(days=8, hours=2))
    for voter in (world.member, world.steering):
        casting.cast_ballot(voter, world.chapter, referendum.id, {"ranking": ["Call for recall", "Public censure"]})
    at(start + timedelta(days=9, hours=3))
    results.certify_closed(world.chapter.id)
    with pytest.raises(InvalidTransition) as refused:
        escalations.prepare_recall_petition(world.member, world.chapter, flag.id)
    assert "provide no recall petition" in refused.value.message
    set_bylaws(world.chapter, recall_petition=True)
    recall = escalations.prepare_recall_petition(world.member, world.chapter, flag.id)
    assert "petition for the recall of" in recall.document and "Never acknowledged." in recall.document
    assert [e.data["step"] for e in audit_events("mandate.escalated")] == ["flagged", "proposal", "recall"]


def test_the_elected_answers_each_step_on_the_record_once(app, world):
    mandate, flag = flagged(world)
    with pytest.raises(ValidationFailed):
        escalations.respond(world.elected, world.chapter, flag.id, " ")
    with pytest.raises(PermissionDenied):
        escalations.respond(world.member, world.chapter, flag.id, "Not mine.")
    with pytest.raises(NotFound):
        escalations.respond(world.other_steering, world.chapter, flag.id, "Not mine.")
    escalations.respond(world.elected, world.chapter, flag.id, "I was in session all week; acknowledged now.")
    assert db.session.get(Escalation, flag.id).response.startswith("I was in session")
    with pytest.raises(InvalidTransition):
        escalations.respond(world.elected, world.chapter, flag.id, "Again.")
    assert len(audit_events("mandate.escalation_answered")) == 1


def test_the_ladder_on_the_mandate_page_the_scorecard_and_the_feed(client, world):
    from tests.conftest import login

    set_bylaws(world.chapter, public_pages=True)
    mandate = factories.make_mandate(world, visibility="public")
    at(mandate.issued_at + timedelta(hours=49))
    reminders.tick()
    flag = db.session.scalar(select(Escalation))
    login(client, world.elected)
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    assert "Missed deadlines" in page and "not acknowledged in time" in page and "Answer on the record" in page
    client.post(f"/c/riverside/escalations/{flag.id}/answer", data={"response": "I was in session all week."},
                headers={"Referer": f"/c/riverside/mandates/{mandate.id}"})
    login(client, world.steering)
    at(flag.at + timedelta(days=14))
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    assert "I was in session all week." in page and "Open the accountability proposal" in page
    done = client.post(f"/c/riverside/escalations/{flag.id}/proposal", follow_redirects=True,
                       headers={"Referer": f"/c/riverside/mandates/{mandate.id}"})
    assert "The accountability proposal is open for deliberation." in done.get_data(as_text=True)
    card = client.get(f"/c/riverside/electeds/{mandate.membership_id}").get_data(as_text=True)
    assert "flagged</span> not acknowledged in time" in card
    atom = client.get("/c/riverside/feed.atom").get_data(as_text=True)
    assert "an accountability proposal is open" in atom and "flagged in public" in atom


def test_the_ladder_through_the_api(client, world):
    from tests.helpers import auth, tokens

    set_bylaws(world.chapter, accountability_petition_percent=34)  # 2 of the 3 in good standing
    mandate, flag = flagged(world)
    at(flag.at + timedelta(days=14))
    member = auth(tokens(client, world.member)["access_token"])
    steering = auth(tokens(client, world.steering)["access_token"])
    base = "/api/v1/chapters/riverside"
    assert client.post(f"{base}/escalations/{flag.id}/proposal", headers=member).status_code == 403
    signed = client.post(f"{base}/escalations/{flag.id}/signatures", headers=member)
    assert signed.status_code == 201 and signed.get_json() == {"opened": False}
    assert client.post(f"{base}/escalations/{flag.id}/signatures", headers=member).status_code == 409
    assert client.post(f"{base}/escalations/{flag.id}/signatures", headers=steering).get_json() == {"opened": True}
    steps = client.get(f"{base}/mandates/{mandate.id}", headers=member).get_json()["escalations"]
    assert [(s["step"], s["opened_by"]) for s in steps] == [("flagged", None), ("proposal", "petition")]
    assert client.post(f"{base}/escalations/{flag.id}/answer", json={"response": "x"},
                       headers=member).status_code == 403


def test_a_step_returns_to_the_chapters_page_it_came_from_never_to_another_site(client, world):
    from tests.conftest import login

    mandate, flag = flagged(world)
    at(flag.at + timedelta(days=14))
    login(client, world.member)
    elsewhere = client.post(f"/c/riverside/escalations/{flag.id}/sign", headers={"Referer": "https://evil.example/c/x"})
    assert elsewhere.headers["Location"].endswith("/c/riverside/accountability#ladder")
    login(client, world.steering)
    here = client.post(f"/c/riverside/escalations/{flag.id}/sign",
                       headers={"Referer": f"http://localhost/c/riverside/mandates/{mandate.id}?x=1"})
    assert here.headers["Location"].endswith(f"/c/riverside/mandates/{mandate.id}#ladder")
