"""The rules a chapter relies on, driven through the API as a chapter would: each refusal is a
problem document and changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import SealedBallot
from tests import factories
from tests.helpers import FORMULAS, PROBLEM, auth, formula_vote, membership, tokens


def test_a_ranked_vote_refuses_a_yes_no_ballot_and_the_member_votes_after(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    token = tokens(client, world.member)["access_token"]
    url = f"/api/v1/chapters/riverside/referenda/{r.id}/ballots"
    wrong = client.post(url, json={"choice": "yes"}, headers=auth(token))
    assert wrong.status_code == 422 and wrong.mimetype == PROBLEM and "ranking" in wrong.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(SealedBallot)) == 0
    assert client.post(url, json={"ranking": ["Individually"]}, headers=auth(token)).status_code == 201


def test_a_yes_no_vote_refuses_a_ranking(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    token = tokens(client, world.member)["access_token"]
    url = f"/api/v1/chapters/riverside/referenda/{r.id}/ballots"
    wrong = client.post(url, json={"ranking": ["yes"]}, headers=auth(token))
    assert wrong.status_code == 422 and "choice" in wrong.get_json()["errors"]
    assert client.post(url, json={"choice": "no"}, headers=auth(token)).status_code == 201


def _certify(referendum) -> None:
    from datetime import timedelta

    from openbargain.clock import set_clock
    from openbargain.services import results

    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed()


def test_a_mandate_reads_its_whole_basis(client, world):
    factories.certified_committee_election(world, membership(world.elected))
    names = factories.COMMITTEE
    token = tokens(client, world.elected)["access_token"]
    [mandate] = client.get("/api/v1/chapters/riverside/mandates", headers=auth(token)).get_json()["items"]
    assert all(n in mandate["basis"] for n in names[:3]) and mandate["basis"].startswith("elected: ")


def test_no_decision_without_a_fallback_lists_no_mandate(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), fallback_directive="")
    r.quorum_percent = 100
    db.session.commit()
    _certify(r)
    token = tokens(client, world.elected)["access_token"]
    assert client.get("/api/v1/chapters/riverside/mandates", headers=auth(token)).get_json()["items"] == []
    result = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}/result", headers=auth(token)).get_json()
    assert result["outcome"] == "no_decision"
    card = client.get(f"/api/v1/chapters/riverside/electeds/{membership(world.elected).id}/scorecard",
                      headers=auth(token)).get_json()
    assert sum(card["figures"].values()) == 0 and not any(card["mandates"].values())


def test_the_api_export_keeps_formula_like_labels_verbatim(client, world):
    r = formula_vote(world)
    token = tokens(client, world.member)["access_token"]
    document = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}/export", headers=auth(token)).get_json()
    assert document["ballots"] == [{"ranking": FORMULAS}] and document["referendum"]["options"] == FORMULAS


def test_a_title_with_a_line_break_is_a_field_error_and_nothing_is_written(client, world):
    from openbargain.models import Proposal

    token = tokens(client, world.member)["access_token"]
    body = {"title": "Inj2\r\nBcc: evil@example.org", "decision": "How to vote.", "deadline": "2030-01-01",
            "ballot_kind": "yes_no", "visibility": "members", "electeds": [membership(world.elected).id],
            "adopted_directive": "Vote no."}
    refused = client.post("/api/v1/chapters/riverside/proposals", json=body, headers=auth(token))
    assert refused.status_code == 422 and refused.mimetype == PROBLEM and "title" in refused.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_a_petitioned_vote_keeps_its_terms_and_says_so(client, world):
    from openbargain.models import Referendum

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    member, steering = tokens(client, world.member)["access_token"], tokens(client, world.steering)["access_token"]
    signed = client.post(f"/api/v1/chapters/riverside/proposals/{proposal.id}/petition", headers=auth(member))
    assert signed.status_code in (200, 201)
    r = db.session.scalar(select(Referendum).where(Referendum.proposal_id == proposal.id))
    shown = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}", headers=auth(member)).get_json()
    assert shown["by_petition"] is True and shown["petition_signatures"] == 1
    assert set(shown["locked_by_petition"]) >= {"method", "threshold", "quorum_percent", "secret", "length"}
    opens = r.opens_at
    bent = {"method": "yes_no", "opens_at": opens.isoformat(), "closes_at": (opens.replace(microsecond=0)
            + __import__("datetime").timedelta(hours=1)).isoformat(), "quorum_percent": 90, "threshold": "two_thirds"}
    refused = client.put(f"/api/v1/chapters/riverside/referenda/{r.id}", json=bent, headers=auth(steering))
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert {"threshold", "quorum_percent", "closes_at"} <= set(refused.get_json()["errors"])
    db.session.expire_all()
    after = db.session.get(Referendum, r.id)
    assert (after.threshold, after.quorum_percent, after.closes_at) == (r.threshold, r.quorum_percent, r.closes_at)


def test_an_embargo_the_vote_already_ended_is_refused_and_nothing_leaks(client, world):
    from openbargain.models import BargainingEntry, Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    r = factories.make_open_referendum(world, membership(world.elected), visibility="public")
    token = tokens(client, world.elected)["access_token"]
    body = {"met_on": r.opens_at.date().isoformat(), "counterparty": "Speaker's office", "offered": "SECRET-MARKER",
            "proposal_id": r.proposal_id, "embargo_until": "2099-03-01T12:00:00Z"}
    refused = client.post("/api/v1/chapters/riverside/bargaining", json=body, headers=auth(token))
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert "public at once" in refused.get_json()["errors"]["embargo_until"][0]
    assert db.session.scalar(select(func.count()).select_from(BargainingEntry)) == 0
    assert "SECRET-MARKER" not in client.get("/api/v1/chapters/riverside/bargaining").get_data(as_text=True)


def test_an_embargo_until_the_vote_says_when_it_ends_and_links_are_appended(client, world):
    from openbargain.models import Bylaws

    db.session.get(Bylaws, world.chapter.id).public_pages = True
    db.session.commit()
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], visibility="public")
    later = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], visibility="public",
                                    title="Drafted later")
    token = tokens(client, world.elected)["access_token"]
    base = {"met_on": proposal.published_at.date().isoformat(), "counterparty": "Mayor's office",
            "offered": "HELD-MARKER"}
    held = client.post("/api/v1/chapters/riverside/bargaining", headers=auth(token),
                       json={**base, "proposal_id": proposal.id, "embargo_until_vote": True}).get_json()
    assert held["embargo_until_vote"] is True and held["released_at"] is None
    assert "HELD-MARKER" not in client.get("/api/v1/chapters/riverside/bargaining").get_data(as_text=True)
    own = client.post("/api/v1/chapters/riverside/bargaining", headers=auth(token), json=base).get_json()
    assert own["released_at"] == own["recorded_at"]
    link = client.post(f"/api/v1/chapters/riverside/bargaining/{own['id']}/links", headers=auth(token),
                       json={"proposal_id": later.id})
    assert link.status_code == 201 and link.get_json()["proposal_id"] == later.id
    again = client.post(f"/api/v1/chapters/riverside/bargaining/{own['id']}/links", headers=auth(token),
                        json={"proposal_id": later.id})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    member = tokens(client, world.member)["access_token"]
    stranger = client.post(f"/api/v1/chapters/riverside/bargaining/{own['id']}/links", headers=auth(member),
                           json={"proposal_id": proposal.id})
    assert stranger.status_code == 403


def test_urgency_through_the_api_is_declared_or_co_signed_never_set(client, world):
    from openbargain.models import Bylaws, Proposal

    db.session.get(Bylaws, world.chapter.id).urgent_cosign_percent = 50
    db.session.commit()
    member, steering = tokens(client, world.member)["access_token"], tokens(client, world.steering)["access_token"]
    body = {"title": "Budget", "decision": "How to vote.", "deadline": "2030-01-01", "ballot_kind": "yes_no",
            "electeds": [membership(world.elected).id], "adopted_directive": "Vote no.", "urgent": True}
    refused = client.post("/api/v1/chapters/riverside/proposals", json=body, headers=auth(member))
    assert refused.status_code == 422 and refused.mimetype == PROBLEM  # urgency is not the author's to set
    first = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    url = f"/api/v1/chapters/riverside/proposals/{first.id}/urgency"
    assert client.post(url, json={"reason": "Now"}, headers=auth(member)).status_code == 403
    declared = client.post(url, json={"reason": "The council votes Thursday."}, headers=auth(steering))
    assert declared.status_code == 200 and declared.get_json()["urgent_reason"] == "The council votes Thursday."
    second = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Second")
    signatures = f"/api/v1/chapters/riverside/proposals/{second.id}/urgency/signatures"
    no_reason = client.post(signatures, json={}, headers=auth(member))
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    one = client.post(signatures, json={"reason": "Before the recess."}, headers=auth(member)).get_json()
    assert one == {"carried": False, "signatures": 1, "needed": 2, "reason": "Before the recess."}
    elected = tokens(client, world.elected)["access_token"]
    two = client.post(signatures, json={}, headers=auth(elected)).get_json()
    assert two["carried"] is True
    shown = client.get(f"/api/v1/chapters/riverside/proposals/{second.id}", headers=auth(member)).get_json()
    assert shown["urgent"] is True and shown["urgent_reason"] == "Before the recess."
    assert db.session.get(Proposal, first.id).urgent


def test_scheduling_after_the_deadline_hour_answers_with_a_warning(client, world):
    from datetime import timedelta

    from openbargain.clock import now

    p, moment = factories.proposal_due_at_ten(world, membership(world.elected))
    steering = tokens(client, world.steering)["access_token"]
    opens = (now() + timedelta(hours=2)).replace(microsecond=0)
    body = {"method": "yes_no", "opens_at": opens.isoformat(), "closes_at": (moment + timedelta(hours=1)).isoformat(),
            "quorum_percent": 20, "threshold": "majority"}
    scheduled = client.post(f"/api/v1/chapters/riverside/proposals/{p.id}/referendum", json=body,
                            headers=auth(steering))
    assert scheduled.status_code == 201 and len(scheduled.get_json()["warnings"]) == 1
    assert "10:00" in scheduled.get_json()["warnings"][0]
