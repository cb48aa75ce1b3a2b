"""Electing a three-seat bargaining committee by STV from 44 voters, through nothing but the API
(issue 19, part 4): the election opened, members nominated and standing, the ballot drawn, the vote
scheduled and cast, the result certified, and the standalone verifier recounting the export."""
from __future__ import annotations

from datetime import timedelta

from openbargain.clock import now
from openbargain.services import results
from openbargain.tally.verify import verify_export
from tests import factories
from tests.helpers import PROBLEM, at, auth, membership, set_bylaws, tokens

BASE = "/api/v1/chapters/riverside"
CANDIDATES = ["Ana Organizer", "Ben Steward", "Chema Delegate", "Dee Treasurer", "Eli Shopfloor"]
# 44 rankings: who ranks whom, as a real committee election might split.
RANKINGS = ([[0, 1, 2]] * 12 + [[1, 0, 3]] * 9 + [[2, 4, 0]] * 8 + [[3, 1]] * 6 + [[4, 2, 3]] * 5
            + [[0, 2]] * 2 + [[3, 4, 1]] * 2)


def test_a_three_seat_committee_elected_by_stv_from_44_voters_through_the_api(client, world):
    candidates = [factories.make_membership(world.chapter, factories.make_user(name=n)) for n in CANDIDATES]
    voters = [c.user for c in candidates] + [factories.make_membership(world.chapter).user for _ in range(39)]
    assert len(voters) == 44
    # The chapter publishes ranked ballots (below 50 on the roll its default withholds them), so that
    # anyone can recount from the export.
    set_bylaws(world.chapter, ranked_ballots_public="always")
    steering = auth(tokens(client, world.steering)["access_token"])
    refused = client.post(f"{BASE}/elections", json={"title": "x", "office": "y", "seats": 0,
                                                     "nominations_close_at": now().isoformat()}, headers=steering)
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    opened = client.post(f"{BASE}/elections", headers=steering, json={
        "title": "Bargaining committee", "office": "the bargaining committee", "seats": 3,
        "nominations_close_at": (now() + timedelta(days=8)).isoformat()})
    assert opened.status_code == 201, opened.get_json()
    pid = opened.get_json()["proposal_id"]
    for candidate in candidates:  # each nominated by a member, then standing with a statement
        member = auth(tokens(client, world.member)["access_token"])
        assert client.post(f"{BASE}/elections/{pid}/nominations", json={"email": candidate.user.email},
                           headers=member).status_code == 201
        own = auth(tokens(client, candidate.user)["access_token"])
        stood = client.put(f"{BASE}/elections/{pid}/nomination", headers=own,
                           json={"accept": True, "statement": f"{candidate.user.name} stands for a strong contract."})
        assert stood.get_json()["accepted"] is True
    early = client.post(f"{BASE}/elections/{pid}/ballot", headers=steering)
    assert early.status_code == 409 and early.content_type == PROBLEM
    at(now() + timedelta(days=9))
    steering = auth(tokens(client, world.steering)["access_token"])
    drawn = client.post(f"{BASE}/elections/{pid}/ballot", headers=steering).get_json()
    assert drawn["ballot"] == CANDIDATES
    scheduled = client.post(f"{BASE}/proposals/{pid}/referendum", headers=steering, json={
        "method": "stv", "seats": 3, "quorum_percent": 20, "secret": True,
        "opens_at": (now() + timedelta(hours=1)).isoformat(), "closes_at": (now() + timedelta(days=3)).isoformat()})
    assert scheduled.status_code == 201, scheduled.get_json()
    rid = scheduled.get_json()["id"]
    at(now() + timedelta(hours=2))
    for voter, ranking in zip(voters, RANKINGS):
        token = auth(tokens(client, voter)["access_token"])
        cast = client.post(f"{BASE}/referenda/{rid}/ballots", headers=token,
                           json={"ranking": [CANDIDATES[i] for i in ranking]})
        assert cast.status_code == 201
    at(now() + timedelta(days=4))
    results.certify_closed(world.chapter.id)
    member = auth(tokens(client, world.member)["access_token"])
    result = client.get(f"{BASE}/referenda/{rid}/result", headers=member).get_json()
    assert result["ballots_cast"] == 44 and len(result["winners"]) == 3
    election = client.get(f"{BASE}/elections/{pid}", headers=member).get_json()
    by_name = {c.user.name: c.id for c in candidates}
    assert sorted(election["elected"]) == sorted(by_name[w] for w in result["winners"])
    export = client.get(f"{BASE}/referenda/{rid}/export", headers=member).get_json()
    assert export["referendum"]["method"] == "stv" and export["referendum"]["seats"] == 3
    assert verify_export(export) == []  # the standalone verifier recounts the same three
    winner = election["elected"][0]
    granted = client.post(f"{BASE}/elections/{pid}/winners/{winner}/steering",
                          headers=auth(tokens(client, world.steering)["access_token"]))
    assert granted.status_code == 201
    assert membership(next(c.user for c in candidates if c.id == winner)).is_steering
