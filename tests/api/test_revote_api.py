"""Revoting through the API (issue 19, part 3): the tracker names the ballot voided; every refusal
a problem document that changes nothing; the board says a voided tracker was voided."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import SealedBallot, VoidedTracker
from openbargain.services import results
from tests import factories
from tests.helpers import PROBLEM, at, auth, membership, tokens


def test_a_member_revotes_and_the_board_lists_the_voided_tracker(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    headers = auth(tokens(client, world.member)["access_token"])
    base = f"/api/v1/chapters/riverside/referenda/{r.id}"
    first = client.post(f"{base}/ballots", json={"choice": "yes"}, headers=headers).get_json()
    assert first["replaced"] is False
    bad = client.post(f"{base}/revote", json={"choice": "no", "tracker": "0" * 32}, headers=headers)
    assert bad.status_code == 422 and bad.content_type == PROBLEM and "tracker" in bad.get_json()["errors"]
    malformed = client.post(f"{base}/revote", json={"choice": "no"}, headers=headers)
    assert malformed.status_code == 422 and malformed.content_type == PROBLEM
    assert db.session.scalar(select(func.count()).select_from(VoidedTracker)) == 0
    again = client.post(f"{base}/revote", json={"choice": "no", "tracker": first["tracker"]}, headers=headers)
    assert again.status_code == 201 and again.get_json()["replaced"] is True
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 1
    other = auth(tokens(client, world.steering)["access_token"])
    unvoted = client.post(f"{base}/revote", json={"choice": "no", "tracker": again.get_json()["tracker"]},
                          headers=other)
    assert unvoted.status_code == 409 and unvoted.content_type == PROBLEM  # steering has not voted
    at(r.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    headers = auth(tokens(client, world.member)["access_token"])
    voided = client.get(f"{base}/board", query_string={"tracker": first["tracker"]}, headers=headers).get_json()
    assert voided == {"counted": False, "voided": True}
    counted = client.get(f"{base}/board", query_string={"tracker": again.get_json()["tracker"]}, headers=headers)
    assert counted.get_json() == {"counted": True, "voided": False}
    export = client.get(f"{base}/export", headers=headers).get_json()
    assert len(export["voided_trackers"]) == 1
