"""A general meeting through nothing but the API (issue 19, part 1): called by steering, members
checking in with the room's code, online and by a teller, the quorum counted live, a vote of
minutes opened on an agenda proposal with those present as its roll, cast, closed once every
ballot is in, certified at once and recounted by the standalone verifier; bad input is a
problem+json 4xx that changes nothing."""
from __future__ import annotations

from datetime import timedelta

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Meeting
from openbargain.tally.verify import verify_export
from tests import factories
from tests.helpers import PROBLEM, at, auth, membership, tokens

BASE = "/api/v1/chapters/riverside"


def test_a_meeting_from_check_in_to_a_certified_result_through_the_api(client, world):
    start = now()
    set_clock(lambda: start - timedelta(days=10))
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Strike")
    set_clock(lambda: start)
    steering = auth(tokens(client, world.steering)["access_token"])
    body = {"title": "Spring general meeting", "starts_at": (now() + timedelta(hours=1)).isoformat(),
            "ends_at": (now() + timedelta(hours=3)).isoformat(), "place": "Union hall",
            "video_url": "https://video.example/riverside", "remote_check_in": True,
            "teller_emails": [world.elected.email], "agenda": [proposal.id]}
    for bad in ({**body, "video_url": "not a link"}, {**body, "agenda": ["x"]}, {**body, "ends_at": "tomorrow"}):
        refused = client.post(f"{BASE}/meetings", json=bad, headers=steering)
        assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert db.session.query(Meeting).count() == 0
    member = auth(tokens(client, world.member)["access_token"])
    assert client.post(f"{BASE}/meetings", json=body, headers=member).status_code == 403
    called = client.post(f"{BASE}/meetings", json=body, headers=steering)
    assert called.status_code == 201, called.get_json()
    mid = called.get_json()["id"]
    assert called.get_json()["status"] == "called" and called.get_json()["agenda"] == [proposal.id]

    at(now() + timedelta(minutes=45))  # doors open
    tokens_ = {name: auth(tokens(client, getattr(world, name))["access_token"])
               for name in ("member", "elected", "steering")}
    assert client.get(f"{BASE}/meetings/{mid}/room", headers=tokens_["member"]).status_code == 403
    code = client.get(f"{BASE}/meetings/{mid}/room", headers=tokens_["elected"]).get_json()["code"]
    wrong = client.post(f"{BASE}/meetings/{mid}/check-ins", json={"code": "12345"}, headers=tokens_["member"])
    assert wrong.status_code == 422 and wrong.content_type == PROBLEM
    checked = client.post(f"{BASE}/meetings/{mid}/check-ins", json={"code": code}, headers=tokens_["member"])
    assert checked.status_code == 201 and checked.get_json()["how"] == "room"
    by_teller = client.post(f"{BASE}/meetings/{mid}/check-ins", json={"email": world.elected.email},
                            headers=tokens_["elected"])
    assert by_teller.get_json()["how"] == "teller"
    early = client.post(f"{BASE}/meetings/{mid}/votes", json={"proposal_id": proposal.id}, headers=tokens_["elected"])
    assert early.status_code == 409 and early.content_type == PROBLEM  # not called to order
    assert client.post(f"{BASE}/meetings/{mid}/order", headers=tokens_["steering"]).status_code == 201
    online = client.post(f"{BASE}/meetings/{mid}/check-ins", json={"remote": True}, headers=tokens_["steering"])
    assert online.get_json()["how"] == "remote"
    shown = client.get(f"{BASE}/meetings/{mid}", headers=tokens_["member"]).get_json()
    assert (shown["status"], shown["present"], shown["quorate"], shown["checked_in"]) == ("in_session", 3, True, True)

    too_long = client.post(f"{BASE}/meetings/{mid}/votes", json={"proposal_id": proposal.id, "minutes": 999},
                           headers=tokens_["elected"])
    assert too_long.status_code == 422 and too_long.content_type == PROBLEM
    opened = client.post(f"{BASE}/meetings/{mid}/votes", json={"proposal_id": proposal.id, "minutes": 5},
                         headers=tokens_["elected"])
    assert opened.status_code == 201, opened.get_json()
    vote = opened.get_json()
    assert (vote["status"], vote["roll_size"], vote["turnout"], vote["outcome"]) == ("open", 3, 0, None)
    rid = vote["referendum_id"]
    trackers = []
    for name, choice in (("member", "yes"), ("elected", "yes"), ("steering", "no")):
        cast = client.post(f"{BASE}/referenda/{rid}/ballots", json={"choice": choice}, headers=tokens_[name])
        assert cast.status_code == 201
        trackers.append(cast.get_json()["tracker"])
        if name == "member":  # not everyone has voted: the vote runs its minutes
            not_yet = client.post(f"{BASE}/meetings/{mid}/votes/{rid}/close", headers=tokens_["elected"])
            assert not_yet.status_code == 409 and not_yet.content_type == PROBLEM
    closed = client.post(f"{BASE}/meetings/{mid}/votes/{rid}/close", headers=tokens_["elected"])
    assert closed.status_code == 201 and closed.get_json()["outcome"] == "adopted"
    result = client.get(f"{BASE}/referenda/{rid}/result", headers=tokens_["member"]).get_json()
    assert (result["ballots_cast"], result["roll_size"]) == (3, 3)
    export = client.get(f"{BASE}/referenda/{rid}/export", headers=tokens_["member"]).get_json()
    assert verify_export(export) == []
    for tracker in trackers:  # every ballot cast in the room is on the board
        board = client.get(f"{BASE}/referenda/{rid}/board", query_string={"tracker": tracker}, headers=tokens_["member"])
        assert board.get_json()["counted"] is True
    assert client.post(f"{BASE}/meetings/{mid}/departures", json={}, headers=tokens_["member"]).status_code == 201
    adjourned = client.post(f"{BASE}/meetings/{mid}/adjournment", headers=tokens_["steering"])
    assert adjourned.status_code == 201 and adjourned.get_json()["status"] == "adjourned"
    listed = client.get(f"{BASE}/meetings", headers=tokens_["member"]).get_json()
    assert [m["id"] for m in listed["past"]] == [mid] and listed["upcoming"] == []
