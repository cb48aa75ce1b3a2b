"""A chapter's whole life with nothing but the API and the CLI, from an empty install: the site
admin (made by the CLI) opens the chapter, steering accepts by the mailed link, sets the bylaws and
imports the roster, members are invited and join, a member drafts a proposal for an elected found
through the API, the vote is scheduled, cast and certified (by `tick`, as cron would), the mandate
is acknowledged and reported on, and steering reviews the report."""
from __future__ import annotations

import re
from datetime import timedelta

from openbargain.clock import now, set_clock
from tests.helpers import auth

PASSWORD = "a long enough passphrase"
ROSTER = b"""name,email,standing,roles,office
Rosa Parks,rosa@example.org,good standing,steering,
Ana Lopez,ana@example.org,good standing,,
Ben Okafor,ben@example.org,good standing,,
Cleo Martin,cleo@example.org,good standing,elected,Council seat 3
"""


def _invitation_token(outbox: list, email: str) -> str:
    mail = [m for m in outbox if m.to == email][-1]
    return re.search(r"/invitation/(\S+)", mail.body).group(1)


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["openbargain", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_chapter_from_an_empty_install_to_a_reviewed_report(app, client, outbox):
    start = now().replace(microsecond=0)
    set_clock(lambda: start)

    def post(url, token=None, **kw):
        return client.post(f"/api/v1{url}", headers=auth(token) if token else {}, **kw)

    def get(url, token=None):
        response = client.get(f"/api/v1{url}", headers=auth(token) if token else {})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def login(email):
        response = post("/tokens", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["access_token"]

    def accept(email):
        joined = post("/invitations/accept", json={"token": _invitation_token(outbox, email), "password": PASSWORD})
        assert joined.status_code == 201, joined.get_json()
        return joined.get_json()

    _cli(app, "create-admin", "--email", "admin@example.org", "--password", PASSWORD)
    admin = login("admin@example.org")
    opened = post("/chapters", admin, json={"slug": "riverside", "name": "Riverside", "timezone": "Europe/Berlin",
                                            "steering_email": "rosa@example.org", "steering_name": "Rosa Parks"})
    assert opened.status_code == 201, opened.get_json()
    assert post("/chapters", admin, json={"slug": "riverside", "name": "Again", "timezone": "UTC",
                                          "steering_email": "x@example.org", "steering_name": "X"}).status_code == 422

    joined = accept("rosa@example.org")
    assert joined["chapter"] == "riverside"
    steering = joined["access_token"]
    base = "/chapters/riverside"
    assert client.patch(f"/api/v1{base}/bylaws", headers=auth(admin), json={"quorum_percent": 10}).status_code == 404
    bylaws = client.patch(f"/api/v1{base}/bylaws", headers=auth(steering),
                          json={"min_deliberation_hours": 48, "quorum_percent": 25})
    assert bylaws.status_code == 200 and bylaws.get_json()["quorum_percent"] == 25
    assert get(f"{base}/bylaws", steering)["min_deliberation_hours"] == 48

    preview = post(f"{base}/roster?preview=1", steering, data=ROSTER, content_type="text/csv").get_json()
    assert preview == {"preview": True, "counts": preview["counts"]} and preview["counts"]["created"] == 3
    assert post(f"{base}/roster", steering, data=ROSTER, content_type="text/csv").get_json()["counts"]["created"] == 3
    roster = {m["email"]: m for m in get(f"{base}/roster", steering)["items"]}
    assert roster["cleo@example.org"]["roles"] == ["member", "elected"]
    for email in ("ana@example.org", "ben@example.org", "cleo@example.org"):
        sent = post(f"{base}/roster/{roster[email]['id']}/invitation", steering)
        assert sent.status_code == 201 and sent.get_json()["email"] == email
    ana, ben, cleo = (accept(email)["access_token"] for email in ("ana@example.org", "ben@example.org",
                                                                   "cleo@example.org"))
    promoted = client.patch(f"/api/v1{base}/roster/{roster['ben@example.org']['id']}", headers=auth(steering),
                            json={"is_steering": True})
    assert promoted.status_code == 200 and promoted.get_json()["roles"] == ["member", "steering"]

    electeds = get(f"{base}/electeds", ana)["items"]
    assert [(e["name"], e["office"]) for e in electeds] == [("Cleo Martin", "Council seat 3")]
    draft = post(f"{base}/proposals", ana, json={
        "title": "Vote no on the transit cuts", "decision": "How Cleo votes on the budget.",
        "deadline": (start + timedelta(days=30)).date().isoformat(), "ballot_kind": "yes_no",
        "electeds": [electeds[0]["id"]], "adopted_directive": "Vote no.", "rejected_directive": "Vote yes."})
    assert draft.status_code == 201, draft.get_json()
    proposal = draft.get_json()
    assert proposal["adopted_directive"] == "Vote no." and proposal["status"] == "draft"
    pid = proposal["id"]
    assert post(f"{base}/proposals/{pid}/publish", ana).get_json()["status"] == "deliberation"
    assert post(f"{base}/proposals/{pid}/comments", ben, json={"stance": "for", "body": "Riders first."}).status_code \
        == 201

    scripted = post("/personal-tokens", steering, json={"name": "scheduler", "days": 30, "scopes": ["read", "write"]})
    assert scripted.status_code == 201
    script = scripted.get_json()["token"]
    stronger = post("/personal-tokens", script, json={"name": "x", "days": 1, "scopes": ["vote"]})
    assert stronger.status_code == 403  # a token cannot mint a stronger one

    later = start + timedelta(hours=49)
    set_clock(lambda: later)
    scheduled = post(f"{base}/proposals/{pid}/referendum", script, json={
        "method": "yes_no", "threshold": "majority", "quorum_percent": 25, "opens_at": (later + timedelta(hours=1)).isoformat(),
        "closes_at": (later + timedelta(days=2)).isoformat()})
    assert scheduled.status_code == 201, scheduled.get_json()
    rid = scheduled.get_json()["id"]

    voting = later + timedelta(hours=2)
    set_clock(lambda: voting)
    assert "Rolls frozen: 1" in _cli(app, "tick")
    tokens = {name: login(f"{name}@example.org") for name in ("rosa", "ana", "ben", "cleo")}
    assert get(f"{base}/referenda/{rid}", tokens["ana"])["roll_size"] == 4
    for name, choice in (("rosa", "yes"), ("ana", "yes"), ("ben", "no"), ("cleo", "yes")):
        cast = post(f"{base}/referenda/{rid}/ballots", tokens[name], json={"choice": choice})
        assert cast.status_code == 201, cast.get_json()
    tracker = cast.get_json()["tracker"]

    after = later + timedelta(days=3)
    set_clock(lambda: after)
    assert "referenda certified: 1" in _cli(app, "tick")
    assert "the recount agrees" in _cli(app, "verify-result", str(rid))
    rosa, cleo = login("rosa@example.org"), login("cleo@example.org")
    result = get(f"{base}/referenda/{rid}/result", rosa)
    assert result["outcome"] == "adopted" and result["ballots_cast"] == 4
    assert get(f"{base}/referenda/{rid}/board?tracker={tracker}", rosa) == {"counted": True, "voided": False}

    mandate = get(f"{base}/mandates", rosa)["items"][0]
    assert (mandate["directive"], mandate["status"], mandate["elected"]) == ("Vote no.", "issued", electeds[0]["id"])
    assert post(f"{base}/mandates/{mandate['id']}/acknowledge", cleo).get_json()["status"] == "acknowledged"
    report = post(f"{base}/mandates/{mandate['id']}/reports", cleo, json={
        "outcome": "fulfilled", "statement": "Voted no, as directed.", "acted_on": after.date().isoformat()})
    assert report.status_code == 201, report.get_json()
    reviewed = post(f"{base}/reports/{report.get_json()['id']}/review", rosa, json={"review": "verified"})
    assert reviewed.status_code == 200 and reviewed.get_json()["review"] == "verified"
    card = get(f"{base}/electeds/{electeds[0]['id']}/scorecard", rosa)
    assert card["figures"]["fulfilled"] == 1
    # The proposal was for members: the public scorecard does not show it.
    assert get(f"{base}/electeds/{electeds[0]['id']}/scorecard")["figures"]["received"] == 0

    kinds = {e["kind"] for e in get(f"{base}/audit", rosa)["items"]}
    assert {"chapter.created", "invitation.accepted", "bylaws.updated", "roster.imported", "membership.updated",
            "proposal.published", "referendum.scheduled", "mandate.acknowledged", "report.filed",
            "report.verified"} <= kinds, kinds
    assert "Audit log intact" in _cli(app, "verify-audit")
