"""Paper ballots through the API: appointing tellers, marking, double entry, the result's channels;
refusals as problem documents that change nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import PaperBatch
from openbargain.services import results
from tests import factories
from tests.helpers import PROBLEM, at, auth, membership, tokens


def test_paper_ballots_from_tellers_to_the_result(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    base = f"/api/v1/chapters/riverside/referenda/{r.id}"
    steering, member = (auth(tokens(client, u)["access_token"]) for u in (world.steering, world.member))
    refused = client.put(f"{base}/tellers", json={"emails": [world.member.email]}, headers=member)
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    appointed = client.put(f"{base}/tellers", json={"emails": [world.steering.email, world.member.email]},
                           headers=steering)
    assert appointed.get_json() == {"tellers": [membership(world.steering).id, membership(world.member).id]}
    marked = client.post(f"{base}/paper-marks", json={"email": world.elected.email}, headers=member)
    assert marked.status_code == 201 and marked.get_json()["on_paper"] is True
    twice = client.post(f"{base}/paper-marks", json={"email": world.elected.email}, headers=steering)
    assert twice.status_code == 409 and twice.content_type == PROBLEM
    online = client.post(f"{base}/ballots", json={"choice": "yes"}, headers=auth(tokens(client, world.elected)
                                                                                  ["access_token"]))
    assert online.status_code == 409  # marked on paper: no online ballot
    bad = client.post(f"{base}/paper-batches", json={"label": "Box 1", "ballots": [{"choice": "maybe"}]},
                      headers=member)
    assert bad.status_code == 422 and bad.content_type == PROBLEM
    assert db.session.scalar(select(func.count()).select_from(PaperBatch)) == 0
    first = client.post(f"{base}/paper-batches", json={"label": "Box 1", "ballots": [{"choice": "no"}]}, headers=member)
    assert first.status_code == 201 and first.get_json() == {"label": "Box 1", "entries": 1, "agreed": False,
                                                            "disagreement": False}
    second = client.post(f"{base}/paper-batches", json={"label": "Box 1", "ballots": [{"choice": "no"}]},
                         headers=steering)
    assert second.get_json()["agreed"] is True
    side = client.get(f"{base}/paper", headers=steering).get_json()
    assert (side["marked"], side["counted"], side["batches"][0]["label"]) == (1, 1, "Box 1")
    at(r.closes_at + timedelta(minutes=1))
    results.certify_closed(world.chapter.id)
    result = client.get(f"{base}/result", headers=auth(tokens(client, world.member)["access_token"])).get_json()
    assert (result["ballots_cast"], result["paper_ballots"]) == (1, 1)
    from openbargain.tally.verify import verify_export
    export = client.get(f"{base}/export", headers=auth(tokens(client, world.member)["access_token"])).get_json()
    assert export["paper_ballots"] == 1 and export["trackers"] == [] and verify_export(export) == []
