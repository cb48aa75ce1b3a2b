"""The whole loop with nothing but the API: proposal, comment, schedule, cast, certify, mandate,
acknowledge, bargaining, report."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Membership
from tests.helpers import auth, tokens


def test_the_whole_loop_through_the_api(client, world):
    elected_id = db.session.scalar(select(Membership.id).where(Membership.user_id == world.elected.id))
    start = now()
    set_clock(lambda: start)
    member, steering, elected = (tokens(client, u)["access_token"] for u in (world.member, world.steering,
                                                                              world.elected))
    base = "/api/v1/chapters/riverside"
    bad = client.post(f"{base}/proposals", json={"title": "", "decision": "", "deadline": "yesterday",
                                                 "ballot_kind": "yes_no", "electeds": []}, headers=auth(member))
    assert bad.status_code == 422 and "deadline" in bad.get_json()["errors"]
    draft = client.post(f"{base}/proposals", headers=auth(member), json={
        "title": "Vote no on the budget deal", "decision": "How to vote on the budget.",
        "deadline": (start + timedelta(days=30)).date().isoformat(), "ballot_kind": "yes_no",
        "electeds": [elected_id], "adopted_directive": "Vote no.", "visibility": "public"})
    assert draft.status_code == 201, draft.get_json()
    pid = draft.get_json()["id"]
    assert client.post(f"{base}/proposals/{pid}/publish", headers=auth(member)).get_json()["status"] == "deliberation"
    comment = client.post(f"{base}/proposals/{pid}/comments", headers=auth(member),
                          json={"stance": "for", "body": "Transit riders are our base."})
    assert comment.status_code == 201
    late = start + timedelta(days=8)  # past the bylaws' seven days of deliberation
    set_clock(lambda: late)
    member, steering, elected = (tokens(client, u)["access_token"] for u in (world.member, world.steering,
                                                                              world.elected))
    schedule = {"method": "yes_no", "threshold": "majority", "quorum_percent": 20,
                "opens_at": (late + timedelta(hours=1)).isoformat(), "closes_at": (late + timedelta(days=2)).isoformat()}
    assert client.post(f"{base}/proposals/{pid}/referendum", headers=auth(member), json=schedule).status_code == 403
    scheduled = client.post(f"{base}/proposals/{pid}/referendum", headers=auth(steering), json=schedule)
    assert scheduled.status_code == 201
    rid = scheduled.get_json()["id"]
    voting = late + timedelta(hours=2)
    set_clock(lambda: voting)  # access tokens last 15 minutes: a client logs in again (or refreshes)
    member, steering, elected = (tokens(client, u)["access_token"] for u in (world.member, world.steering,
                                                                              world.elected))
    for token, choice in ((member, "yes"), (elected, "yes"), (steering, "no")):
        assert client.post(f"{base}/referenda/{rid}/ballots", headers=auth(token),
                           json={"choice": choice}).status_code == 201
    assert client.get(f"{base}/referenda/{rid}/result").status_code == 409  # nothing while open
    after = late + timedelta(days=3)
    set_clock(lambda: after)
    elected = tokens(client, world.elected)["access_token"]
    result = client.get(f"{base}/referenda/{rid}/result").get_json()  # the first look certifies
    assert result["outcome"] == "adopted" and result["ballots_cast"] == 3
    from openbargain.models import Mandate

    mid = db.session.scalar(select(Mandate.id).where(Mandate.referendum_id == rid))
    assert client.get(f"{base}/mandates/{mid}").get_json()["directive"] == "Vote no."
    assert client.post(f"{base}/mandates/{mid}/acknowledge", headers=auth(elected)).status_code == 200
    logged = client.post(f"{base}/bargaining", headers=auth(elected), json={
        "met_on": after.date().isoformat(), "counterparty": "Speaker's office", "offered": "A chair",
        "proposal_id": pid})
    assert logged.status_code == 201
    report = client.post(f"{base}/mandates/{mid}/reports", headers=auth(elected), json={
        "outcome": "fulfilled", "statement": "Voted no.", "evidence_url": "https://example.gov/roll",
        "acted_on": after.date().isoformat()})
    assert report.status_code == 201 and report.get_json()["mandate"]["status"] == "fulfilled"
    export = client.get(f"{base}/referenda/{rid}/export").get_json()
    assert export["result"]["outcome"] == "adopted" and len(export["trackers"]) == 3
