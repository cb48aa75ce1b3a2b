"""Live bargaining sessions through the API (issue 18): open, post, poll with If-None-Match,
take the temperature, close — and every refusal a problem document that changes nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import BargainingSession, SessionEntry
from tests.helpers import PROBLEM, audit_events, auth, membership, set_bylaws, tokens

BASE = "/api/v1/chapters/riverside/bargaining-sessions"
SESSION = {"subject": "The budget vote", "counterparty": "Speaker's office", "at_the_table": "Both offices"}


def bearer(client, user) -> dict:
    return auth(tokens(client, user)["access_token"])


def test_a_session_from_opening_to_its_record(client, world):
    elected, member = bearer(client, world.elected), bearer(client, world.member)
    opened = client.post(BASE, json={**SESSION, "note_taker_email": world.member.email}, headers=elected)
    assert opened.status_code == 201, opened.get_json()
    session = opened.get_json()
    assert session["delay_minutes"] == 0 and session["note_taker"] == membership(world.member).id
    url = f"{BASE}/{session['id']}"
    first = client.get(url, headers=member)
    assert first.status_code == 200 and first.get_json()["entries"] == [] and first.get_json()["watchers"] == 1
    assert client.get(url, headers={**member, "If-None-Match": first.headers["ETag"]}).status_code == 304
    posted = client.post(f"{url}/entries", json={"kind": "offer", "body": "A committee chair"}, headers=member)
    assert posted.status_code == 201  # the note-taker posts
    entry_id = posted.get_json()["id"]
    assert client.put(f"{url}/entries/{entry_id}/temperature", json={"temperature": "hold"},
                      headers=elected).get_json() == {"temperature": "hold"}
    news = client.get(url, headers={**member, "If-None-Match": first.headers["ETag"]})
    assert news.status_code == 200
    [entry] = news.get_json()["entries"]
    assert entry["body"] == "A committee chair" and entry["hold"] == 1 and entry["acceptable"] == 0
    closed = client.post(f"{url}/close", json={"summary": "No deal yet."}, headers=elected)
    assert closed.status_code == 200 and closed.get_json()["summary"] == "No deal yet."
    assert [e.kind for e in audit_events() if e.kind.startswith("bargaining_session.")] == [
        "bargaining_session.opened", "bargaining_session.entry_posted", "bargaining_session.reacted",
        "bargaining_session.closed"]
    listed = client.get(BASE, headers=member).get_json()["items"]
    assert [s["id"] for s in listed] == [session["id"]] and listed[0]["closed_at"] is not None


def test_refusals_are_problems_and_write_nothing(client, world):
    elected, member = bearer(client, world.elected), bearer(client, world.member)
    bad = client.post(BASE, json={**SESSION, "subject": "", "embargo_until": (now() - timedelta(hours=1)).isoformat()},
                      headers=elected)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert {"subject", "embargo_until"} <= bad.get_json()["errors"].keys()
    assert client.post(BASE, json=SESSION, headers=member).status_code == 403
    assert client.post(BASE, json=SESSION).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(BargainingSession)) == 0
    session_id = client.post(BASE, json=SESSION, headers=elected).get_json()["id"]
    url = f"{BASE}/{session_id}"
    assert client.post(f"{url}/entries", json={"kind": "bribe", "body": "x"}, headers=elected).status_code == 422
    assert client.post(f"{url}/entries", json={"kind": "offer", "body": "x"}, headers=member).status_code == 403
    assert client.put(f"{url}/entries/999/temperature", json={"temperature": "hold"}, headers=member).status_code == 404
    assert client.post(f"{url}/close", json={"summary": " "}, headers=elected).status_code == 422
    other = bearer(client, world.other_steering)
    assert client.get(url, headers=other).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SessionEntry)) == 0


def test_the_delay_is_told_to_the_poster_and_kept_from_watchers(client, world):
    set_bylaws(world.chapter, session_delay_minutes=10)
    elected, member = bearer(client, world.elected), bearer(client, world.member)
    session_id = client.post(BASE, json=SESSION, headers=elected).get_json()["id"]
    posted = client.post(f"{BASE}/{session_id}/entries", json={"kind": "threat", "body": "A primary"}, headers=elected)
    body = posted.get_json()
    assert body["released_at"] > body["posted_at"]
    seen = client.get(f"{BASE}/{session_id}", headers=member).get_json()
    assert seen["entries"] == [] and seen["pending"] == 1 and seen["next_release"] == body["released_at"]


def test_a_member_calls_an_urgent_vote_from_the_session(client, world):
    elected, steering = bearer(client, world.elected), bearer(client, world.steering)
    session_id = client.post(BASE, json=SESSION, headers=elected).get_json()["id"]
    body = {"question": "Accept the seat for a yes?", "directive": "Accept and vote yes.",
            "reason": "The vote is Thursday.", "deadline": (now().date() + timedelta(days=2)).isoformat()}
    bad = client.post(f"{BASE}/{session_id}/urgent-vote", json={**body, "question": " "}, headers=steering)
    assert bad.status_code == 422 and "question" in bad.get_json()["errors"]
    called = client.post(f"{BASE}/{session_id}/urgent-vote", json=body, headers=steering)
    assert called.status_code == 201 and called.get_json()["urgent"] is True
    proposal = client.get(f"/api/v1/chapters/riverside/proposals/{called.get_json()['proposal_id']}",
                          headers=steering).get_json()
    assert proposal["title"] == "Accept the seat for a yes?" and proposal["urgent"] is True
