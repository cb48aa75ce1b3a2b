"""Notifications through the API: the list with its unread count, marking read, the settings
(refused whole when a kind or a delivery is unknown), and following."""
from __future__ import annotations

from openbargain.services import notifications, reminders
from tests import factories
from tests.helpers import PROBLEM, auth, membership, tokens


def bearer(client, user) -> dict:
    return auth(tokens(client, user)["access_token"])


def test_the_list_the_unread_count_and_marking_read(client, world):
    factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    headers = bearer(client, world.member)
    page = client.get("/api/v1/notifications", headers=headers).get_json()
    assert page["unread"] == len(page["items"]) == 2 and page["next"] is None  # the opening; the scheduling
    opened = next(n for n in page["items"] if n["kind"] == "vote_opened")
    assert opened["read"] is False and opened["link"].startswith("/c/riverside/referenda/")
    assert client.post("/api/v1/notifications/read", json={"id": opened["id"]}, headers=headers).get_json() == {
        "marked": 1}
    assert client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 1
    assert client.post("/api/v1/notifications/read", json={}, headers=headers).get_json() == {"marked": 1}
    other = bearer(client, world.elected)  # another member's list is untouched
    assert client.get("/api/v1/notifications", headers=other).get_json()["unread"] >= 1
    assert client.get("/api/v1/notifications").status_code == 401


def test_settings_are_read_and_set_and_bad_ones_change_nothing(client, world):
    headers = bearer(client, world.member)
    before = client.get("/api/v1/notifications/settings", headers=headers).get_json()["items"]
    assert {s["kind"]: s["delivery"] for s in before} == {k.name: k.default for k in notifications.KINDS.values()}
    after = client.put("/api/v1/notifications/settings", json={"settings": {"vote_opened": "digest"}},
                       headers=headers).get_json()["items"]
    assert {s["kind"]: s["delivery"] for s in after}["vote_opened"] == "digest"
    for bad in ({"vote_opened": "pigeon"}, {"no_such_kind": "mail"}):
        refused = client.put("/api/v1/notifications/settings", json={"settings": bad}, headers=headers)
        assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert notifications.preferences_of(world.member)["vote_opened"] == "digest"


def test_following_a_proposal_and_an_elected(client, world):
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    headers = bearer(client, world.lapsed)
    url = f"/api/v1/chapters/riverside/proposals/{proposal.id}/follow"
    assert client.put(url, headers=headers).get_json() == {"following": True}
    assert client.delete(url, headers=headers).get_json() == {"following": False}
    elected = f"/api/v1/chapters/riverside/electeds/{membership(world.elected).id}/follow"
    assert client.put(elected, headers=headers).get_json() == {"following": True}
    outsider = bearer(client, world.other_steering)
    assert client.put(url, headers=outsider).status_code == 404
    assert client.put(f"/api/v1/chapters/riverside/electeds/{membership(world.member).id}/follow",
                      headers=headers).status_code == 404
