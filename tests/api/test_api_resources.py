"""The re-cut API: today's operations pinned, and what the web alone could do before (chapters,
bylaws, memberships, invitations, personal access tokens, electeds, amendments, comment edits),
checked role by role with the same rules and audit events as the pages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Invitation, Membership, PersonalAccessToken, Standing
from openbargain.services import accounts
from tests import factories
from tests.helpers import PROBLEM, audit_events, auth, membership, set_bylaws, tokens

# Every operation the API had before the re-cut: each keeps its method and path.
PINNED = """
DELETE /api/v1/chapters/{slug}/referenda/{referendum_id}
GET /api/v1/audit/checkpoint
GET /api/v1/chapters/{slug}
GET /api/v1/chapters/{slug}/audit
GET /api/v1/chapters/{slug}/bargaining
GET /api/v1/chapters/{slug}/electeds/{membership_id}/scorecard
GET /api/v1/chapters/{slug}/mandates
GET /api/v1/chapters/{slug}/mandates/{mandate_id}
GET /api/v1/chapters/{slug}/proposals
GET /api/v1/chapters/{slug}/proposals/{proposal_id}
GET /api/v1/chapters/{slug}/proposals/{proposal_id}/comments
GET /api/v1/chapters/{slug}/proposals/{proposal_id}/petition
GET /api/v1/chapters/{slug}/referenda
GET /api/v1/chapters/{slug}/referenda/{referendum_id}
GET /api/v1/chapters/{slug}/referenda/{referendum_id}/board
GET /api/v1/chapters/{slug}/referenda/{referendum_id}/export
GET /api/v1/chapters/{slug}/referenda/{referendum_id}/result
GET /api/v1/chapters/{slug}/roster
GET /api/v1/docs
GET /api/v1/openapi.json
POST /api/v1/chapters/{slug}/amendments/{amendment_id}/{action}
POST /api/v1/chapters/{slug}/bargaining
POST /api/v1/chapters/{slug}/bargaining/{entry_id}/links
POST /api/v1/chapters/{slug}/comments/{comment_id}/hide
POST /api/v1/chapters/{slug}/mandates/{mandate_id}/acknowledge
POST /api/v1/chapters/{slug}/mandates/{mandate_id}/reports
POST /api/v1/chapters/{slug}/proposals
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/amendments
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/comments
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/petition
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/publish
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/referendum
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/urgency
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/urgency/signatures
POST /api/v1/chapters/{slug}/proposals/{proposal_id}/withdraw
POST /api/v1/chapters/{slug}/referenda/{referendum_id}/ballots
POST /api/v1/chapters/{slug}/reports/{report_id}/review
POST /api/v1/chapters/{slug}/roster
POST /api/v1/tokens
POST /api/v1/tokens/refresh
PUT /api/v1/chapters/{slug}/proposals/{proposal_id}
PUT /api/v1/chapters/{slug}/referenda/{referendum_id}
""".split("\n")

BASE = "/api/v1/chapters/riverside"


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()  # raises on the first thing out of the spec


def test_todays_operations_are_all_still_there_and_every_one_has_a_response_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = {f"{method.upper()} {path}": op for path, ops in document["paths"].items()
                  for method, op in ops.items() if method != "parameters"}
    assert {line for line in PINNED if line} <= operations.keys()
    for name, op in operations.items():
        successes = [r for status, r in op["responses"].items() if status.startswith("2")]
        assert successes and all(r.get("content") for r in successes), f"{name} documents no response schema"
        assert op["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
    problem = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert problem == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.mark.parametrize("role,status", [("member", 403), ("steering", 403), ("admin", 201)])
def test_only_a_site_admin_opens_a_chapter_through_the_api(client, world, outbox, role, status):
    body = {"slug": "lakeside", "name": "Lakeside", "timezone": "America/Chicago",
            "steering_email": "lee@example.org", "steering_name": "Lee"}
    response = client.post("/api/v1/chapters", json=body, headers=auth(tokens(client, world.user(role))["access_token"]))
    assert response.status_code == status
    assert len(audit_events("chapter.created")) == (status == 201)
    assert [m.to for m in outbox] == (["lee@example.org"] if status == 201 else [])


@pytest.mark.parametrize("role,status", [("member", 403), ("elected", 403), ("other_steering", 404),
                                         ("steering", 200)])
def test_bylaws_change_through_the_api_is_steerings_and_audited(client, world, role, status):
    token = tokens(client, world.user(role))["access_token"]
    response = client.patch(f"{BASE}/bylaws", json={"petition_percent": 15}, headers=auth(token))
    assert response.status_code == status
    assert client.get(f"{BASE}/bylaws").get_json()["petition_percent"] == (15 if status == 200 else 10)
    assert len(audit_events("bylaws.updated")) == (status == 200)


def test_bylaws_refuse_bad_settings_and_change_nothing(client, world):
    steering = tokens(client, world.steering)["access_token"]
    bad = client.patch(f"{BASE}/bylaws", json={"voting_hours": 2, "min_voting_hours": 24, "threshold": "most"},
                       headers=auth(steering))
    assert bad.status_code == 422 and "threshold" in bad.get_json()["errors"]
    worse = client.patch(f"{BASE}/bylaws", json={"voting_hours": 2, "min_voting_hours": 24}, headers=auth(steering))
    assert worse.status_code == 422 and "voting_hours" in worse.get_json()["errors"]
    assert client.patch(f"{BASE}/bylaws", json={"quorum_percent": "20"}, headers=auth(steering)).status_code == 422
    assert client.get(f"{BASE}/bylaws").get_json()["voting_hours"] == 168
    assert audit_events("bylaws.updated") == []


def test_a_private_chapters_bylaws_and_electeds_are_for_its_members(client, world):
    set_bylaws(world.chapter, public_pages=False)
    assert client.get(f"{BASE}/bylaws").status_code == 404
    assert client.get(f"{BASE}/electeds").status_code == 404
    member = tokens(client, world.member)["access_token"]
    electeds = client.get(f"{BASE}/electeds", headers=auth(member)).get_json()["items"]
    assert [e["id"] for e in electeds] == [membership(world.elected).id]
    assert client.get(f"{BASE}/bylaws", headers=auth(member)).get_json()["public_pages"] is False


@pytest.mark.parametrize("role,status", [("member", 403), ("elected", 403), ("other_steering", 404),
                                         ("steering", 200)])
def test_editing_a_membership_through_the_api(client, world, role, status):
    target = membership(world.member)
    token = tokens(client, world.user(role))["access_token"]
    response = client.patch(f"{BASE}/roster/{target.id}", json={"standing": "lapsed"}, headers=auth(token))
    assert response.status_code == status
    db.session.expire_all()
    assert membership(world.member).standing.value == ("lapsed" if status == 200 else "good_standing")
    assert len(audit_events("membership.updated")) == (status == 200)


def test_membership_rules_hold_through_the_api(client, world):
    steering = tokens(client, world.steering)["access_token"]
    me = membership(world.steering)
    office = client.patch(f"{BASE}/roster/{membership(world.member).id}", json={"office": "Mayor"},
                          headers=auth(steering))
    assert office.status_code == 422 and "office" in office.get_json()["errors"]
    last = client.patch(f"{BASE}/roster/{me.id}", json={"is_steering": False}, headers=auth(steering))
    assert last.status_code in (409, 422) and last.mimetype == PROBLEM  # the chapter keeps a steering member
    foreign = membership(world.other_steering)
    assert client.get(f"{BASE}/roster/{foreign.id}", headers=auth(steering)).status_code == 404
    assert audit_events("membership.updated") == []


def test_inviting_and_accepting_through_the_api(client, world, outbox):
    steering = tokens(client, world.steering)["access_token"]
    newcomer = factories.make_user(account=False)

    db.session.add(Membership(chapter=world.chapter, user=newcomer, standing=Standing.GOOD_STANDING))
    db.session.commit()
    target = membership(newcomer, world.chapter)
    member = tokens(client, world.member)["access_token"]
    assert client.post(f"{BASE}/roster/{target.id}/invitation", headers=auth(member)).status_code == 403
    sent = client.post(f"{BASE}/roster/{target.id}/invitation", headers=auth(steering))
    assert sent.status_code == 201
    token = re.search(r"/invitation/(\S+)", outbox[-1].body).group(1)
    short = client.post("/api/v1/invitations/accept", json={"token": token, "password": "short"})
    assert short.status_code == 422 and "password" in short.get_json()["errors"]
    forged = client.post("/api/v1/invitations/accept", json={"token": token[:-2] + "xx", "password": "long enough pw"})
    assert forged.status_code == 403 and forged.mimetype == PROBLEM
    joined = client.post("/api/v1/invitations/accept", json={"token": token, "password": "long enough pw"})
    assert joined.status_code == 201 and joined.get_json()["chapter"] == "riverside"
    assert client.get(BASE + "/proposals", headers=auth(joined.get_json()["access_token"])).status_code == 200
    again = client.post("/api/v1/invitations/accept", json={"token": token, "password": "long enough pw"})
    assert again.status_code == 403 and "already" in again.get_json()["detail"]
    assert db.session.scalar(select(Invitation).where(Invitation.user_id == newcomer.id)).accepted_at is not None
    already = client.post(f"{BASE}/roster/{membership(world.member).id}/invitation", headers=auth(steering))
    assert already.status_code == 422  # has an account


def test_personal_access_tokens_through_the_api(client, world):
    member = tokens(client, world.member)["access_token"]
    made = client.post("/api/v1/personal-tokens", json={"name": "dashboard", "days": 7, "scopes": ["read"]},
                       headers=auth(member))
    assert made.status_code == 201
    secret, token_id = made.get_json()["token"], made.get_json()["id"]
    assert secret.startswith("obpat_") and made.get_json()["scopes"] == ["read"]
    listed = client.get("/api/v1/personal-tokens", headers=auth(member)).get_json()["items"]
    assert [t["name"] for t in listed] == ["dashboard"] and "token" not in listed[0]
    assert client.get(f"{BASE}/proposals", headers=auth(secret)).status_code == 200
    refused = client.post("/api/v1/personal-tokens", json={"name": "x", "days": 7, "scopes": ["read"]},
                          headers=auth(secret))
    assert refused.status_code == 403  # making a token is a change: it needs `write`
    for bad in ({"name": "x", "days": 0, "scopes": ["read"]}, {"name": "x", "days": 7, "scopes": []},
                {"name": "x", "days": 7, "scopes": ["admin"]}, {"name": "a\nb", "days": 7, "scopes": ["read"]}):
        assert client.post("/api/v1/personal-tokens", json=bad, headers=auth(member)).status_code == 422, bad
    steering = tokens(client, world.steering)["access_token"]
    assert client.delete(f"/api/v1/personal-tokens/{token_id}", headers=auth(steering)).status_code == 404
    revoked = client.delete(f"/api/v1/personal-tokens/{token_id}", headers=auth(member))
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert client.get(f"{BASE}/proposals", headers=auth(secret)).status_code == 401
    assert [e.kind for e in db.session.scalars(select(AuditEvent).where(AuditEvent.kind.like("token.%"))
                                               .order_by(AuditEvent.id))] == ["token.created", "token.revoked"]
    assert db.session.scalar(select(PersonalAccessToken)).revoked_at is not None


def test_options_go_in_as_they_come_out(client, world):
    member = tokens(client, world.member)["access_token"]
    body = {"title": "Which route", "decision": "Which bus route to defend.",
            "deadline": (now() + timedelta(days=30)).date().isoformat(), "ballot_kind": "ranked",
            "electeds": [membership(world.elected).id],
            "options": [{"label": "Route 5", "directive": "Defend route 5."},
                        {"label": "Route 9", "directive": "Defend route 9."}]}
    made = client.post(f"{BASE}/proposals", json=body, headers=auth(member))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["options"] == body["options"]
    old_style = {**body, "options": ["Route 5", "Route 9"], "option_directives": ["Defend 5.", "Defend 9."]}
    replaced = client.put(f"{BASE}/proposals/{made.get_json()['id']}", json=old_style, headers=auth(member))
    assert replaced.get_json()["options"] == [{"label": "Route 5", "directive": "Defend 5."},
                                              {"label": "Route 9", "directive": "Defend 9."}]
    mixed = {**body, "option_directives": ["Defend 5.", "Defend 9."]}
    refused = client.put(f"{BASE}/proposals/{made.get_json()['id']}", json=mixed, headers=auth(member))
    assert refused.status_code == 422 and "options" in refused.get_json()["errors"]
    too_long = {**body, "title": "x" * 201}
    long_refused = client.post(f"{BASE}/proposals", json=too_long, headers=auth(member))
    assert long_refused.get_json()["errors"]["title"] == ["At most 200 characters."]


@pytest.mark.parametrize("url", [f"{BASE}/proposals/99999999999", f"{BASE}/mandates/2147483648",
                                 f"{BASE}/proposals?elected=99999999999", f"{BASE}/proposals?cursor=0"])
def test_numbers_no_column_holds_are_refused_not_overflowed(client, world, url):
    response = client.get(url, headers=auth(tokens(client, world.member)["access_token"]))
    assert response.status_code in (404, 422) and response.mimetype == PROBLEM


def test_comment_edit_and_amendment_list_through_the_api(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    member, elected = (tokens(client, u)["access_token"] for u in (world.member, world.elected))
    posted = client.post(f"{BASE}/proposals/{p.id}/comments", json={"stance": "for", "body": "Yes."},
                         headers=auth(member)).get_json()
    assert client.patch(f"{BASE}/comments/{posted['id']}", json={"body": "No."}, headers=auth(elected)).status_code \
        == 403
    edited = client.patch(f"{BASE}/comments/{posted['id']}", json={"body": "Yes, and loudly."}, headers=auth(member))
    assert edited.status_code == 200 and edited.get_json()["edited"] is True
    later = now() + timedelta(minutes=16)
    set_clock(lambda: later)
    member = tokens(client, world.member)["access_token"]
    assert client.patch(f"{BASE}/comments/{posted['id']}", json={"body": "Too late."},
                        headers=auth(member)).status_code == 409
    steering = tokens(client, world.steering)["access_token"]
    amended = client.post(f"{BASE}/proposals/{p.id}/amendments", headers=auth(steering), json={
        "kind": "change_directive", "option": p.options[0].label, "directive": "Abstain and explain."})
    assert amended.status_code == 201, amended.get_json()
    listed = client.get(f"{BASE}/proposals/{p.id}/amendments", headers=auth(member)).get_json()["items"]
    assert [(a["id"], a["state"], a["option"]) for a in listed] == [
        (amended.get_json()["id"], amended.get_json()["state"], p.options[0].label)]
    assert client.get(f"{BASE}/proposals/{p.id}/amendments").status_code == 404  # members-only proposal


def test_accounts_are_unchanged_by_a_forged_invitation(client, world):
    invitation = Invitation(chapter=world.chapter, user=world.member)
    db.session.add(invitation)
    db.session.commit()
    token = accounts.invitation_token(invitation)
    before = world.member.password_hash
    accepted = client.post("/api/v1/invitations/accept", json={"token": token, "password": "another password"})
    assert accepted.status_code == 201  # an existing account joins; its password is not replaced
    db.session.refresh(world.member)
    assert world.member.password_hash == before


def test_a_nul_character_anywhere_is_refused_not_a_500(client, world):
    """PostgreSQL cannot store NUL in text: Schemathesis found a login with one answered 500 there."""
    login = client.post("/api/v1/tokens", json={"email": "a\x00@example.org", "password": "x"})
    assert login.status_code == 422 and login.mimetype == PROBLEM and "NUL" in login.get_json()["detail"]
    member = tokens(client, world.member)["access_token"]
    body = {"title": "T", "decision": "D", "deadline": "2030-01-01", "ballot_kind": "yes_no",
            "electeds": [membership(world.elected).id], "adopted_directive": "Vote no.", "body": "a\x00b"}
    assert client.post(f"{BASE}/proposals", json=body, headers=auth(member)).status_code == 422
    assert client.get(f"{BASE}/proposals?q=a%00b").status_code == 422
    page = client.post("/login", data={"email": "a\x00b@example.org", "password": "x"})
    assert page.status_code == 400
