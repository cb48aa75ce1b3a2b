from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import Mandate, ReportOutcome, Stance
from openbargain.services import bargaining, deliberation, mandates, results, stated_reasons
from tests import factories
from tests.helpers import auth, membership, tokens



def test_comments_petition_and_withdrawal(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    deliberation.post_comment(world.elected, world.chapter, p.id, Stance.QUESTION, "Why?")
    member = tokens(client, world.member)["access_token"]
    base = f"/api/v1/chapters/riverside/proposals/{p.id}"
    thread = client.get(f"{base}/comments", headers=auth(member)).get_json()
    assert thread["stances"]["question"] == 1 and thread["items"][0]["body"] == "Why?"
    assert client.get(f"{base}/comments").status_code == 404  # members only
    signed = client.post(f"{base}/petition", headers=auth(member))
    assert signed.status_code == 201 and signed.get_json()["signed_by_me"] is True
    assert client.post(f"{base}/petition", headers=auth(member)).status_code == 409
    steering = tokens(client, world.steering)["access_token"]
    withdrawn = client.post(f"{base}/withdraw", headers=auth(steering), json={"reason": "Settled elsewhere."})
    assert withdrawn.status_code == 409  # the petition forced the vote: it cannot be withdrawn


def test_lists_scorecard_review_and_audit(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    m = db.session.scalar(select(Mandate))
    mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    report = mandates.file_report(world.elected, world.chapter, m.id, mandates.ReportDraft(
        ReportOutcome.BREACHED, "I abstained.", "", closed.date()))
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        closed.date(), "Speaker's office", offered="A chair"))
    member = tokens(client, world.member)["access_token"]
    steering = tokens(client, world.steering)["access_token"]
    base = "/api/v1/chapters/riverside"
    assert [x["id"] for x in client.get(f"{base}/mandates", headers=auth(member)).get_json()["items"]] == [m.id]
    assert client.get(f"{base}/mandates").get_json()["items"] == []  # a members-only mandate
    card = client.get(f"{base}/electeds/{m.membership_id}/scorecard", headers=auth(member)).get_json()
    assert card["figures"]["breached"] == 1 and card["bargaining"][0]["counterparty"] == "Speaker's office"
    assert len(client.get(f"{base}/bargaining").get_json()["items"]) == 1  # own log: public
    review = {"review": "disputed", "note": "The record shows a no."}
    assert client.post(f"{base}/reports/{report.id}/review", headers=auth(member), json=review).status_code == 403
    assert client.post(f"{base}/reports/{report.id}/review", headers=auth(steering),
                       json={"review": "maybe"}).status_code == 422
    done = client.post(f"{base}/reports/{report.id}/review", headers=auth(steering), json=review)
    assert done.status_code == 200 and done.get_json()["review"] == "disputed"
    assert client.get(f"{base}/audit", headers=auth(member)).status_code == 403
    events = client.get(f"{base}/audit", headers=auth(steering)).get_json()["items"]
    assert events[0]["kind"] == "report.disputed" and len(events[0]["hash"]) == 64


def test_steering_cancels_a_scheduled_vote(client, world):
    p, r = factories.make_scheduled_vote(world, membership(world.elected))
    url = f"/api/v1/chapters/riverside/referenda/{r.id}"
    reason = "?reason=The+council+moved+the+floor+vote."
    assert client.delete(url + reason, headers=auth(tokens(client, world.member)["access_token"])).status_code == 403
    steering = auth(tokens(client, world.steering)["access_token"])
    unexplained = client.delete(url, headers=steering)  # the public reason is required
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["errors"]
    assert client.get(url, headers=steering).status_code == 200  # nothing changed
    cancelled = client.delete(url + reason, headers=steering)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "deliberation"
    assert [r.reason for r in stated_reasons.reasons_for(p.id)] == ["The council moved the floor vote."]


def test_roster_through_the_api(client, world):
    steering = tokens(client, world.steering)["access_token"]
    url = "/api/v1/chapters/riverside/roster"
    csv = b"name,email,standing\nRosa Parks,rosa@example.org,good_standing\n"
    headers = auth(steering) | {"Content-Type": "text/csv"}
    preview = client.post(f"{url}?preview=1", data=csv, headers=headers)
    assert preview.get_json() == {"preview": True, "counts": {"created": 1, "updated": 0, "lapsed": 0,
                                                              "unchanged": 0, "not_in_file": 5}}
    bad = client.post(url, data=b"name,email,standing\nX,bad,good_standing\n", headers=headers)
    assert bad.status_code == 422 and "line 2" in bad.get_json()["errors"]
    assert client.post(url, data=csv, headers=headers).get_json()["counts"]["created"] == 1
    listed = client.get(url, headers=auth(steering)).get_json()
    assert listed["total"] == 6 and "rosa@example.org" in [m["email"] for m in listed["items"]]
    member = tokens(client, world.member)["access_token"]
    assert client.get(url, headers=auth(member)).status_code == 403


def test_update_hide_reschedule_and_board(client, world):
    from openbargain.clock import now
    from openbargain.services import casting

    member = tokens(client, world.member)["access_token"]
    steering = tokens(client, world.steering)["access_token"]
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    body = {"title": "Vote NO on the budget deal", "decision": "How to vote.", "ballot_kind": "yes_no",
            "deadline": (now() + timedelta(days=20)).date().isoformat(), "electeds": [membership(world.elected).id],
            "adopted_directive": "Vote no."}
    updated = client.put(f"/api/v1/chapters/riverside/proposals/{p.id}", json=body, headers=auth(member))
    assert updated.status_code == 200 and updated.get_json()["title"] == "Vote NO on the budget deal"
    assert client.put(f"/api/v1/chapters/riverside/proposals/{p.id}", json=body,
                      headers=auth(steering)).status_code == 403
    c = deliberation.post_comment(world.elected, world.chapter, p.id, Stance.AGAINST, "Rude remark")
    hidden = client.post(f"/api/v1/chapters/riverside/comments/{c.id}/hide", json={"reason": "personal attack"},
                         headers=auth(steering))
    assert hidden.status_code == 200 and hidden.get_json()["hidden_reason"] == "personal attack"
    r = factories.make_open_referendum(world, membership(world.elected), title="Second")
    receipt = casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    moved = {"method": "yes_no", "threshold": "majority", "quorum_percent": 20,
             "opens_at": (now() + timedelta(hours=1)).isoformat(), "closes_at": (now() + timedelta(days=1)).isoformat()}
    assert client.put(f"/api/v1/chapters/riverside/referenda/{r.id}", json=moved,
                      headers=auth(steering)).status_code == 409  # it has opened
    board = f"/api/v1/chapters/riverside/referenda/{r.id}/board"
    assert client.get(f"{board}?tracker={receipt.tracker}", headers=auth(member)).status_code == 409  # still open
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    member = tokens(client, world.member)["access_token"]
    assert client.get(f"{board}?tracker={receipt.tracker}", headers=auth(member)).get_json() == {"counted": True, "voided": False}
    assert client.get(f"{board}?tracker=zz", headers=auth(member)).status_code == 422


def test_amendments_through_the_api(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    steering = tokens(client, world.steering)["access_token"]
    member = tokens(client, world.member)["access_token"]
    url = f"/api/v1/chapters/riverside/proposals/{p.id}/amendments"
    bad = client.post(url, json={"kind": "new_option", "label": "Third", "directive": "x"}, headers=auth(steering))
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]  # a yes/no proposal takes no new option
    made = client.post(url, json={"kind": "change_directive", "option": "Yes", "directive": "Vote no, loudly."},
                       headers=auth(steering))
    assert made.status_code == 201
    aid = made.get_json()["id"]
    assert client.post(f"/api/v1/chapters/riverside/amendments/{aid}/accept",
                       headers=auth(steering)).status_code == 403
    accepted = client.post(f"/api/v1/chapters/riverside/amendments/{aid}/accept", headers=auth(member))
    assert accepted.get_json()["state"] == "accepted"
    assert client.get(f"/api/v1/chapters/riverside/proposals/{p.id}",
                      headers=auth(member)).get_json()["options"][0]["directive"] == "Vote no, loudly."


def test_open_votes_filters_and_other_chapters(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    member = tokens(client, world.member)["access_token"]
    listed = client.get("/api/v1/chapters/riverside/referenda?status=open", headers=auth(member)).get_json()
    assert [x["id"] for x in listed["items"]] == [r.id]
    assert client.get("/api/v1/chapters/riverside/referenda?status=done").status_code == 422
    by_elected = client.get(f"/api/v1/chapters/riverside/proposals?elected={membership(world.elected).id}&q=STRIKE",
                            headers=auth(member)).get_json()
    assert [p["id"] for p in by_elected["items"]] == [r.proposal_id]
    other = tokens(client, world.other_steering)["access_token"]
    assert client.get(f"/api/v1/chapters/hilltop/referenda/{r.id}", headers=auth(other)).status_code == 404
    huge = client.post("/api/v1/tokens", data=b"x" * (6 * 1024 * 1024), content_type="application/json")
    assert huge.status_code == 413
