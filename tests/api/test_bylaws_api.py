"""The rules a chapter relies on, driven through the API as a chapter would: each refusal is a
problem document and changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import SealedBallot
from tests import factories
from tests.api.test_api import PROBLEM, auth, membership, tokens


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
    from openbargain.services import casting
    from openbargain.services.proposals import OptionDraft

    names = ["Ana Organizer", "Ben Steward", "Chema Delegate-Longname", "Dee Treasurer"]
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", method="stv",
                                       title="Committee", options=[OptionDraft(n, f"Seat {n}.") for n in names])
    r.seats = 3
    db.session.commit()
    for user, ranking in zip((world.member, world.elected, world.steering),
                             (names[:3], [names[1], names[2], names[0]], [names[2], names[0], names[1]])):
        casting.cast_ballot(user, world.chapter, r.id, {"ranking": ranking})
    _certify(r)
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
    from tests.web.test_result_pages import FORMULAS, _formula_vote

    r = _formula_vote(world)
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
