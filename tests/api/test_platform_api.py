"""The platform, committee decisions and the call-up through the API (issue 20): drafting a plank
and a repeal as proposals, reading the platform and a plank, recording a decision with its roll
call, calling it up — and every refusal a problem document that changes nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import CommitteeDecision, Proposal, Referendum
from tests import factories
from tests.helpers import PROBLEM, auth, membership, set_bylaws, tokens

BASE = "/api/v1/chapters/riverside"


def bearer(client, user) -> dict:
    return auth(tokens(client, user)["access_token"])


def teardown_function():
    set_clock(None)


def test_a_plank_and_a_repeal_are_drafted_as_proposals(client, world):
    member = bearer(client, world.member)
    bad = client.post(f"{BASE}/proposals", json={"kind": "plank", "title": "No abatements",
                                                 "deadline": (now().date() + timedelta(days=9)).isoformat(),
                                                 "ballot_kind": "yes_no", "binds_all_electeds": True}, headers=member)
    assert bad.status_code == 422 and bad.content_type == PROBLEM
    assert {"deadline", "adopted_directive"} <= set(bad.get_json()["errors"])
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    made = client.post(f"{BASE}/proposals", json={
        "kind": "plank", "title": "No abatements", "ballot_kind": "yes_no", "binds_all_electeds": True,
        "adopted_directive": "Vote no on every tax abatement above $1M."}, headers=member)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["kind"], body["deadline"], body["binds_all_electeds"], body["electeds"]) == ("plank", None, True, [])
    committee = client.post(f"{BASE}/proposals", json={"kind": "committee", "title": "x", "ballot_kind": "yes_no"},
                            headers=member)
    assert committee.status_code == 422 and committee.content_type == PROBLEM


def test_the_platform_and_a_plank_as_the_api_reads_them(client, world):
    plank = factories.adopt_plank(world)
    member = bearer(client, world.member)
    got = client.get(f"{BASE}/platform", headers=member).get_json()
    [shown] = got["planks"]
    assert shown["id"] == plank.id and shown["binds_all_electeds"] and got["ended"] == []
    [bound] = shown["bound"]
    assert bound["elected"] == membership(world.elected).id
    assert bound["mandate"]["source"] == "plank" and bound["mandate"]["standing"] is True
    assert client.get(f"{BASE}/platform").get_json()["planks"] == []  # members only: a visitor sees none
    repeal = client.post(f"{BASE}/proposals", json={"kind": "repeal", "plank_id": plank.id, "title": "Repeal it",
                                                    "ballot_kind": "yes_no"}, headers=member)
    assert repeal.status_code == 201 and repeal.get_json()["plank_id"] == plank.id
    detail = client.get(f"{BASE}/planks/{plank.id}", headers=member).get_json()
    assert detail["history"] == [plank.id] and detail["committee_decisions"] == []
    assert client.get(f"{BASE}/planks/{plank.id}").status_code == 404


def decision_body(world, plank, **changes) -> dict:
    body = {"question": "Harbor Point", "decision": "How to vote on Thursday.",
            "deadline": (now().date() + timedelta(days=2)).isoformat(), "electeds": [membership(world.elected).id],
            "options": [{"label": "Vote no", "directive": "Vote no."}, {"label": "Abstain", "directive": "Abstain."}],
            "chosen": 1, "reasoning": "The platform says no.", "planks": [plank.id],
            "votes": [{"member": membership(world.steering).id, "vote": "1"}]}
    return body | changes


def test_the_committee_records_a_decision_and_members_call_it_up(client, world):
    plank = factories.adopt_plank(world)
    set_bylaws(world.chapter, committee_of="steering", callup_percent=50, callup_suspends=True)
    steering, member, elected = (bearer(client, u) for u in (world.steering, world.member, world.elected))
    refused = client.post(f"{BASE}/committee-decisions", json=decision_body(world, plank), headers=member)
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    bad = client.post(f"{BASE}/committee-decisions", json=decision_body(world, plank, planks=[], chosen=2),
                      headers=steering)
    assert bad.status_code == 422 and {"plank_ids", "chosen"} <= set(bad.get_json()["errors"])
    assert db.session.scalar(select(func.count()).select_from(CommitteeDecision)) == 0
    made = client.post(f"{BASE}/committee-decisions", json=decision_body(world, plank), headers=steering)
    assert made.status_code == 201, made.get_json()
    decision = made.get_json()
    assert decision["chosen"] == "Vote no" and decision["state"] == "in_force" and decision["planks"] == [plank.id]
    assert decision["votes"] == [{"member": membership(world.steering).id, "name": world.steering.name,
                                  "choice": "for", "option": "Vote no"}]
    url = f"{BASE}/committee-decisions/{decision['id']}"
    detail = client.get(url, headers=member).get_json()
    [mandate] = detail["mandates"]
    assert mandate["source"] == "committee" and mandate["referendum_id"] is None
    assert (detail["signatures"], detail["needed"], detail["callup_open"]) == (0, 2, True)
    first = client.post(f"{url}/call-up", headers=member)
    assert first.status_code == 201 and first.get_json() == {"carried": False}
    again = client.post(f"{url}/call-up", headers=member)
    assert again.status_code == 409 and again.content_type == PROBLEM
    carried = client.post(f"{url}/call-up", headers=elected)
    assert carried.get_json() == {"carried": True}
    after = client.get(url, headers=member).get_json()
    assert after["decision"]["state"] == "called_up" and after["decision"]["suspended"] is True
    assert after["mandates"][0]["status"] == "suspended"
    called = after["decision"]["callup_proposal_id"]
    assert db.session.scalar(select(Referendum.by_petition).where(Referendum.proposal_id == called)) is True
    listed = client.get(f"{BASE}/committee-decisions", headers=member).get_json()
    assert listed["counts"] == {"decided": 1, "called_up": 1, "overturned": 0, "confirmed": 0}
    assert [d["id"] for d in listed["items"]] == [decision["id"]] and listed["next"] is None
    assert client.get(f"{BASE}/committee-decisions").get_json()["items"] == []  # members only


def test_a_called_up_decision_the_members_overturn_through_the_api(client, world):
    """From the call-up to the members' certified choice, as a client sees it."""
    from openbargain.services import casting, results

    plank = factories.adopt_plank(world)
    set_bylaws(world.chapter, committee_of="steering", callup_percent=25)
    steering = bearer(client, world.steering)
    decision = client.post(f"{BASE}/committee-decisions", json=decision_body(world, plank), headers=steering).get_json()
    client.post(f"{BASE}/committee-decisions/{decision['id']}/call-up", headers=bearer(client, world.member))
    called = db.session.scalar(select(CommitteeDecision.callup_proposal_id))
    referendum = db.session.scalar(select(Referendum).where(Referendum.proposal_id == called))
    set_clock(lambda: referendum.opens_at + timedelta(minutes=1))
    for user in (world.member, world.elected, world.steering):
        casting.cast_ballot(user, world.chapter, referendum.id, {"ranking": ["Abstain", "Vote no"]})
    set_clock(lambda: referendum.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    member = bearer(client, world.member)
    after = client.get(f"{BASE}/committee-decisions/{decision['id']}", headers=member).get_json()
    assert after["decision"]["state"] == "overturned"
    assert after["mandates"][0]["status"] == "superseded" and after["mandates"][0]["superseded_by_id"] == called
