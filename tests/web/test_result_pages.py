from __future__ import annotations

import json
from datetime import timedelta

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.services import casting
from tests import factories
from tests.conftest import login
from tests.helpers import FORMULAS, formula_vote, membership, tokens



def closed_vote(world, **kw):
    r = factories.make_open_referendum(world, membership(world.elected), **kw)
    ranked = kw.get("kind") == "ranked"
    receipts = [casting.cast_ballot(u, world.chapter, r.id, {"ranking": rk} if ranked else {"choice": rk})
                for u, rk in zip((world.member, world.elected, world.steering),
                                 (["Bloc"], ["Individually", "Bloc"], ["Individually"]) if ranked else ("yes", "no", "yes"))]
    closed = r.closes_at + timedelta(minutes=5)
    set_clock(lambda: closed)
    return r, receipts


def test_yes_no_result_page(client, world):
    r, _ = closed_vote(world)
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "Adopted: 2 yes, 1 no (66.7%), 0 abstain; turnout 3 of 3, quorum 20% met." in html
    assert "<svg" in html and 'role="img"' in html and "<table" in html


def test_ranked_result_page_draws_each_round(client, world):
    r, _ = closed_vote(world, kind="ranked", title="Endorsements")
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "Won: Individually after 1 round; turnout 3 of 3" in html  # an option wins; people are elected
    assert html.count('class="round"') == 1 and "Exhausted" in html


def test_the_open_vote_has_no_result_page(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    response = client.get(f"/c/riverside/referenda/{r.id}/result", follow_redirects=True)
    assert "no result while the vote is open" in response.get_data(as_text=True)
    assert client.get(f"/c/riverside/referenda/{r.id}/export.json").status_code == 409


def test_tracker_lookup_page(client, world):
    r, receipts = closed_vote(world)
    login(client, world.member)
    url = f"/c/riverside/referenda/{r.id}/board"
    assert "Counted." in client.get(url, query_string={"tracker": receipts[0].display}).get_data(as_text=True)
    assert "Not found." in client.get(url, query_string={"tracker": "f" * 32}).get_data(as_text=True)
    bad = client.get(url, query_string={"tracker": "not-a-code"})
    assert bad.status_code == 422 and "32 characters" in bad.get_data(as_text=True)


def test_exports_and_who_may_have_them(client, world):
    r, _ = closed_vote(world)
    assert client.get(f"/c/riverside/referenda/{r.id}/export.json").status_code == 302  # members only: log in
    login(client, world.member)
    document = json.loads(client.get(f"/c/riverside/referenda/{r.id}/export.json").get_data(as_text=True))
    assert document["result"]["outcome"] == "adopted" and len(document["ballots"]) == 3
    trackers = client.get(f"/c/riverside/referenda/{r.id}/trackers.csv").get_data(as_text=True).splitlines()
    assert trackers[0] == "tracker_sha256" and trackers[1:] == document["trackers"]
    ballots = client.get(f"/c/riverside/referenda/{r.id}/ballots.csv").get_data(as_text=True).splitlines()
    assert ballots == ["choice", "no", "yes", "yes"]


def test_schulze_and_stv_result_pages(client, world):
    schulze, _ = closed_vote(world, kind="ranked", method="schulze", title="Schulze vote")
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{schulze.id}/result").get_data(as_text=True)
    assert "Head to head" in html and 'class="matrix"' in html and "Ranking" in html
    assert "Won: Individually; turnout 3 of 3" in html


def test_stv_result_page(client, world):
    stv, _ = closed_vote(world, kind="ranked", method="stv", title="STV vote")
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{stv.id}/result").get_data(as_text=True)
    assert "Quota (Droop): <strong>2.00000</strong>" in html and "order of election: Individually" in html


def test_the_csv_export_neutralises_formulas_and_the_json_keeps_them(client, world):
    import csv
    import io

    r = formula_vote(world)
    login(client, world.member)
    rows = list(csv.reader(io.StringIO(client.get(f"/c/riverside/referenda/{r.id}/ballots.csv").get_data(as_text=True))))
    assert rows[0] == ["ranking"] and rows[1] == ["'" + f for f in FORMULAS]
    document = client.get(f"/c/riverside/referenda/{r.id}/export.json").get_json()
    assert document["ballots"] == [{"ranking": FORMULAS}]


def test_safe_cell_rule():
    from openbargain.web.csvsafe import safe_cell

    assert [safe_cell(v) for v in ["=1", "+1", "-1", "@a", "\tx", "\rx", "plain", "a=b", "", None, 3]] == \
        ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "plain", "a=b", "", "", "3"]


def test_the_result_page_says_what_each_round_did_and_how_ties_were_decided(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Two-way")
    casting.cast_ballot(world.member, world.chapter, r.id, {"ranking": ["Bloc", "Individually"]})
    casting.cast_ballot(world.elected, world.chapter, r.id, {"ranking": ["Individually", "Bloc"]})
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "Tie among Bloc, Individually decided by lot (SHA-256 of seed" in html
    assert "Eliminated: " in html and "Won: " in html


def test_a_no_decision_result_draws_a_count_that_binds_no_one(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Thin")
    r.quorum_percent = 100
    db.session.commit()
    casting.cast_ballot(world.member, world.chapter, r.id, {"ranking": ["Bloc"]})
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "No decision: turnout 1 of 3, quorum 100% not met. The count below binds no one." in html
    assert "Quorum not met: this count binds no one" in html
    assert "✓" not in html and "bar-won" not in html and "Won: " not in html and "Elected: " not in html
    assert "Ahead when the count ended, binding no one: Bloc" in html


def test_the_result_names_what_it_binds_with_links_to_the_mandates(client, world):
    r, _ = closed_vote(world)
    login(client, world.member)
    html = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "What it binds" in html and "/c/riverside/mandates/" in html and world.elected.name in html


def test_the_export_is_written_once_at_certification_and_served_as_stored(client, world):
    from openbargain.models import ResultExport
    from openbargain.services import results

    r, _ = closed_vote(world)
    results.certify_closed(world.chapter.id)
    stored = db.session.get(ResultExport, r.id)
    assert stored is not None and json.loads(stored.document)["board_hash"]  # written by certification
    login(client, world.member)
    url = f"/c/riverside/referenda/{r.id}/export.json"
    first = client.get(url)
    assert first.get_data() == stored.document and first.headers["ETag"] == f'"{stored.digest}"'
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    api = client.get(f"/api/v1/chapters/riverside/referenda/{r.id}/export",
                     headers={"Authorization": f"Bearer {tokens(client, world.member)['access_token']}"})
    assert api.status_code == 200 and api.get_data() == stored.document and api.is_json
    # A result certified before exports were stored gets its document at the first download, once.
    db.session.delete(stored)
    db.session.commit()
    again = client.get(url)
    assert again.get_data() == first.get_data() and db.session.get(ResultExport, r.id) is not None
