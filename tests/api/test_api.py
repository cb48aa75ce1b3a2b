from __future__ import annotations

import re
from contextlib import contextmanager, nullcontext
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Ballot, Mandate, PersonalAccessToken
from openbargain.services import accounts, api_tokens, casting, results
from tests import factories
from tests.conftest import login
from tests.helpers import PROBLEM, auth, membership, tokens


def test_tokens_and_their_problems(client, world):
    pair = tokens(client, world.member)
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900
    wrong = client.post("/api/v1/tokens", json={"email": world.member.email, "password": "nope nope"})
    assert wrong.status_code == 401 and wrong.mimetype == PROBLEM
    extra = client.post("/api/v1/tokens", json={"email": "x", "password": 3, "admin": True})
    body = extra.get_json()
    assert extra.status_code == 422 and body["errors"] == {"admin": ["Unknown field."], "password": ["Must be a string."]}
    assert client.post("/api/v1/tokens", data="not json").status_code == 400
    refreshed = client.post("/api/v1/tokens/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 201
    assert client.post("/api/v1/tokens/refresh", json={"refresh_token": pair["access_token"]}).status_code == 401


def test_only_a_valid_bearer_token_authenticates(client, world, app):
    r = factories.make_open_referendum(world, membership(world.elected))
    url = f"/api/v1/chapters/riverside/referenda/{r.id}/ballots"
    login(client, world.member)  # a session cookie must not count
    assert client.post(url, json={"choice": "yes"}).status_code == 401
    good = tokens(client, world.member)["access_token"]
    claims = jwt.decode(good, options={"verify_signature": False})
    forged = [
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        jwt.encode({**claims, "aud": "someone-else"}, app.secret_key, algorithm="HS256"),
        jwt.encode(claims, "another key entirely, long enough", algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode({**claims, "typ": "refresh"}, app.secret_key, algorithm="HS256"),
    ]
    for token in forged:
        response = client.post(url, json={"choice": "yes"}, headers=auth(token))
        assert response.status_code == 401 and response.mimetype == PROBLEM, token
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_expired_and_revoked_tokens_stop_working(client, world):
    token = tokens(client, world.member)["access_token"]
    url = "/api/v1/chapters/riverside"
    assert client.get(url, headers=auth(token)).status_code == 200
    later = now() + timedelta(minutes=16)
    set_clock(lambda: later)
    assert client.get(url, headers=auth(token)).status_code == 401
    set_clock(None)
    token = tokens(client, world.member)["access_token"]
    accounts.log_out_everywhere(world.member)
    assert client.get(url, headers=auth(token)).status_code == 401


def test_members_only_resources_are_404_to_outsiders(client, world):
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    url = f"/api/v1/chapters/riverside/proposals/{proposal.id}"
    assert client.get(url).status_code == 404
    outsider = tokens(client, world.other_steering)["access_token"]
    assert client.get(url, headers=auth(outsider)).status_code == 404
    body = client.get(url, headers=auth(tokens(client, world.member)["access_token"])).get_json()
    assert body["title"] == "Vote no on the budget deal" and body["options"][0]["label"] == "Yes"


def test_proposal_list_pages_with_a_next_link(client, world):
    for i in range(27):
        factories.make_proposal(world.chapter, world.member, [membership(world.elected)], visibility="public",
                                title=f"Public {i}")
    first = client.get("/api/v1/chapters/riverside/proposals").get_json()
    assert first["total"] == 27 and len(first["items"]) == 25 and first["next"].endswith("cursor=2")
    second = client.get(first["next"].replace("http://localhost", "")).get_json()
    assert len(second["items"]) == 2 and second["next"] is None
    assert client.get("/api/v1/chapters/riverside/proposals?status=nonsense").status_code == 422


def test_cast_a_ballot_once_and_read_my_status(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    token = tokens(client, world.member)["access_token"]
    base = f"/api/v1/chapters/riverside/referenda/{r.id}"
    bad = client.post(f"{base}/ballots", json={"choice": "maybe"}, headers=auth(token))
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    both = client.post(f"{base}/ballots", json={"choice": "yes", "ranking": []}, headers=auth(token))
    assert both.status_code == 422
    cast = client.post(f"{base}/ballots", json={"choice": "yes"}, headers=auth(token))
    assert cast.status_code == 201 and len(cast.get_json()["tracker"]) == 32
    again = client.post(f"{base}/ballots", json={"choice": "no"}, headers=auth(token))
    assert again.status_code == 409 and again.get_json()["title"] == "Already voted"
    status = client.get(base, headers=auth(token)).get_json()
    assert status["status"] == "open" and status["turnout"] == 1 and status["my_voting_status"]["voted_on"]
    assert set(status) == {"id", "proposal_id", "status", "method", "seats", "threshold", "quorum_percent",
                           "secret", "opens_at", "closes_at", "roll_size", "roll_hash", "turnout",
                           "my_voting_status", "by_petition", "petition_signatures",
                           "locked_by_petition"}  # nothing of how anyone voted


def test_the_elected_acknowledges_a_mandate(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    closed = r.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == r.id))
    url = f"/api/v1/chapters/riverside/mandates/{mandate.id}"
    member = tokens(client, world.member)["access_token"]
    assert client.post(f"{url}/acknowledge", headers=auth(member)).status_code == 403
    elected = tokens(client, world.elected)["access_token"]
    done = client.post(f"{url}/acknowledge", headers=auth(elected))
    assert done.status_code == 200 and done.get_json()["status"] == "acknowledged"
    # Nobody voted, so the quorum failed: the mandate carries the proposal's fallback directive.
    assert client.get(url, headers=auth(member)).get_json()["directive"] == "Abstain."


def test_every_api_route_is_in_the_openapi_document(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not documented"


@pytest.mark.parametrize("path", ["/api/v1/chapters/nowhere", "/api/v1/chapters/riverside/proposals/999"])
def test_unknown_ids_are_problem_404s(client, world, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_reads_carry_an_etag(client, world):
    first = client.get("/api/v1/chapters/riverside")
    assert first.headers["ETag"]
    again = client.get("/api/v1/chapters/riverside", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_rate_limits_are_per_token_with_retry_after(world):
    from tests.conftest import other_app

    member_email, elected_email = world.member.email, world.elected.email
    with other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute") as app:
        client = app.test_client()
        first = client.post("/api/v1/tokens", json={"email": member_email, "password": factories.PASSWORD})
        token = first.get_json()["access_token"]
        codes = [client.get("/api/v1/chapters/riverside", headers=auth(token)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/chapters/riverside", headers=auth(token))
        assert limited.mimetype == PROBLEM and int(limited.headers["Retry-After"]) > 0
        other = client.post("/api/v1/tokens", json={"email": elected_email, "password": factories.PASSWORD})
        assert client.get("/api/v1/chapters/riverside",
                          headers=auth(other.get_json()["access_token"])).status_code == 200


def test_refresh_tokens_are_single_use(client, world):
    pair = tokens(client, world.member)
    first = client.post("/api/v1/tokens/refresh", json={"refresh_token": pair["refresh_token"]})
    assert first.status_code == 201
    replay = client.post("/api/v1/tokens/refresh", json={"refresh_token": pair["refresh_token"]})
    assert replay.status_code == 401 and "already been used" in replay.get_json()["detail"]
    rotated = client.post("/api/v1/tokens/refresh", json={"refresh_token": first.get_json()["refresh_token"]})
    assert rotated.status_code == 201


def test_personal_access_tokens_work_until_revoked_or_expired(client, world):
    login(client, world.member)
    page = client.post("/account/tokens", data={"name": "phone-bank dashboard", "days": "30", "scopes": ["read"]})
    assert page.headers["Cache-Control"] == "no-store"
    secret = re.search(r"(obpat_[A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    assert client.post("/account/tokens", data={"name": "", "days": "30"}).status_code == 422
    assert client.post("/account/tokens", data={"name": "x", "days": "9999"}).status_code == 422
    client.post("/logout")
    url = "/api/v1/chapters/riverside/referenda/999"
    assert client.get(url, headers=auth(secret)).status_code == 404  # authenticated, nothing there
    assert client.get("/api/v1/chapters/riverside", headers=auth(secret)).status_code == 200
    record = db.session.scalar(select(PersonalAccessToken))
    assert record.token_hash != secret and secret not in record.token_hash
    later = record.expires_at + timedelta(seconds=1)
    set_clock(lambda: later)
    assert client.get("/api/v1/chapters/riverside", headers=auth(secret)).status_code == 401
    set_clock(None)
    login(client, world.member)
    client.post(f"/account/tokens/{record.id}/revoke")
    assert client.get("/api/v1/chapters/riverside", headers=auth(secret)).status_code == 401
    assert client.get("/api/v1/chapters/riverside", headers=auth("obpat_forged")).status_code == 401


@contextmanager
def _wire(path):
    """The protocol messages this process sends PostgreSQL meanwhile, read from libpq's trace
    of every pooled connection taken (a list, filled when the block ends): each its type, then
    its contents (a Parse has the statement's text)."""
    from psycopg import pq
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    sent: list[str] = []
    traced = []

    def trace(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.pgconn.trace(wire.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        traced.append(dbapi_connection)

    with path.open("w+") as wire:
        event.listen(Pool, "checkout", trace)
        try:
            yield sent
        finally:
            event.remove(Pool, "checkout", trace)
            for connection in traced:
                connection.pgconn.untrace()
        wire.seek(0)
        sent.extend(line.split("\t", 2)[2] for line in wire.read().splitlines() if line.startswith("F\t"))


def test_a_cast_through_the_api_is_two_round_trips_on_postgresql(client, world, app, tmp_path):
    """Issue 16: the token, its user, the vote, its chapter and options and the caster's roll
    entry in one read (api/fast_cast.py), then the write — one statement, its own transaction on
    PostgreSQL (no BEGIN and COMMIT): nothing loaded twice, no rollback and begin again. On
    PostgreSQL the round trips are counted on the wire, from the driver's protocol trace."""
    from sqlalchemy import event

    r = factories.make_open_referendum(world, membership(world.elected))
    casting_token = api_tokens.create_token(world.member, "casting", 7, ["vote"])[1]
    casting.ensure_rolls_frozen(world.chapter.id)
    url = f"/api/v1/chapters/riverside/referenda/{r.id}/ballots"
    seen: list[str] = []
    postgresql = db.engine.dialect.name == "postgresql"
    listeners = {
        "before_cursor_execute": lambda _c, _cur, statement, *_a, **_k: seen.append(statement.split()[0]),
        "begin": lambda _c: seen.append("begin"),
        "commit": lambda _c: seen.append("commit"),
        "rollback": lambda _c: seen.append("rollback"),
    }
    db.session.remove()
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    try:
        with _wire(tmp_path / "wire") if postgresql else nullcontext([]) as sent:
            response = client.post(url, json={"choice": "yes"}, headers=auth(casting_token))
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine, name, listener)
    assert response.status_code == 201, response.get_json()
    if postgresql:
        # Both statements go on the driver's cursor (services/driver.py), in autocommit: SQLAlchemy
        # sees neither, and its begin and rollback reach no wire. The trace shows what does.
        assert [s for s in seen if s not in ("begin", "rollback")] == [], seen
        waits = [m for m in sent if m.split("\t")[0] in ("Sync", "Query")]  # each waits for the server once
        parsed = [m.split("\t")[1].split('"')[3].split()[0] for m in sent if m.startswith("Parse")]
        assert waits == ["Sync", "Sync"] and parsed == ["SELECT", "WITH"], sent
    else:  # SQLite begins its write transaction with BEGIN IMMEDIATE, and writes in two statements
        assert [s for s in seen if s not in ("begin", "BEGIN")] == ["SELECT", "UPDATE", "INSERT", "commit"], seen
