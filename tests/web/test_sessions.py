"""Logging out ends that session on the server; a password change, a reset and "log out
everywhere" end every session and every token; personal access tokens do only what their scopes
allow."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Membership, PersonalAccessToken
from openbargain.services import accounts, api_tokens
from tests import factories
from tests.conftest import login


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def copy_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def make_token(client, scopes=("read", "write", "vote"), name="script") -> str:
    page = client.post("/account/tokens", data={"name": name, "days": "30", "scopes": list(scopes)})
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    return re.search(r"(obpat_[A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)


def test_a_cookie_copied_before_logout_no_longer_logs_in(app, world):
    browser, thief = app.test_client(), app.test_client()
    login(browser, world.member)
    copy_cookie(browser, thief)
    assert thief.get("/account").status_code == 200  # the copy works while the session lives
    browser.post("/logout")
    assert browser.get("/account").status_code == 302
    stolen = thief.get("/account")
    assert stolen.status_code == 302 and "/login" in stolen.headers["Location"]


def test_logging_out_on_one_device_leaves_the_others_logged_in(app, world):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, world.member)
    login(laptop, world.member)
    phone.post("/logout")
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_the_remember_me_cookie_dies_with_its_session(app, world):
    browser = app.test_client()
    response = browser.post("/login", data={"email": world.member.email, "password": factories.PASSWORD,
                                            "remember": "y"})
    assert response.status_code == 302
    remembered = browser.get_cookie("remember_token").value
    browser.post("/logout")
    later = app.test_client()
    later.set_cookie("remember_token", remembered)
    assert later.get("/account").status_code == 302


@pytest.mark.parametrize("how", ["password", "reset", "everywhere"])
def test_every_session_and_token_ends_with_a_password_change_reset_or_log_out_everywhere(app, world, how):
    browser, other_device = app.test_client(), app.test_client()
    login(browser, world.member)
    login(other_device, world.member)
    secret = make_token(browser)
    jwt = browser.post("/api/v1/tokens", json={"email": world.member.email,
                                               "password": factories.PASSWORD}).get_json()["access_token"]
    proposal_url = "/api/v1/chapters/riverside"
    assert browser.get(proposal_url, headers=auth(secret)).status_code == 200
    if how == "password":
        changed = browser.post("/account/password", data={"current_password": factories.PASSWORD,
                                                          "new_password": "a brand new password"})
        assert changed.status_code == 302
        assert browser.get("/account").status_code == 200  # this browser logs in afresh
    elif how == "reset":
        user = db.session.get(type(world.member), world.member.id)
        from openbargain.services import signed_links

        link = signed_links.sign("password-reset", {"u": user.id, "f": accounts._password_fingerprint(user)})
        assert browser.post(f"/reset/{link}", data={"password": "a brand new password"}).status_code == 302
    else:
        assert browser.post("/account/logout-everywhere").status_code == 302
    assert other_device.get("/account").status_code == 302
    for token in (secret, jwt):
        assert browser.get(proposal_url, headers=auth(token)).status_code == 401
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    proposal = factories.make_proposal(world.chapter, world.member, [elected])
    refused = browser.post(f"/api/v1/chapters/riverside/proposals/{proposal.id}/comments",
                           json={"body": "still here?", "stance": "neutral"}, headers=auth(secret))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    record = db.session.scalar(select(PersonalAccessToken))
    assert record.revoked_at is not None


def test_a_token_does_only_what_its_scopes_allow(client, world):
    login(client, world.member)
    read_only, writer, voter = (make_token(client, scopes, name) for scopes, name in
                                ((["read"], "reader"), (["read", "write"], "writer"), (["vote"], "voter")))
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    referendum = factories.make_open_referendum(world, elected)
    proposal = factories.make_proposal(world.chapter, world.member, [elected], title="Another")
    comments = f"/api/v1/chapters/riverside/proposals/{proposal.id}/comments"
    ballots = f"/api/v1/chapters/riverside/referenda/{referendum.id}/ballots"
    comment = {"body": "A comment.", "stance": "neutral"}
    assert client.get(comments, headers=auth(read_only)).status_code == 200
    refused = client.post(comments, json=comment, headers=auth(read_only))
    assert refused.status_code == 403 and "write" in refused.get_json()["detail"]
    assert client.post(comments, json=comment, headers=auth(writer)).status_code == 201
    no_vote = client.post(ballots, json={"choice": "yes"}, headers=auth(writer))
    assert no_vote.status_code == 403 and "vote" in no_vote.get_json()["detail"]
    assert client.get(comments, headers=auth(voter)).status_code == 403  # a voting token cannot read
    assert client.post(comments, json=comment, headers=auth(voter)).status_code == 403
    assert client.post(ballots, json={"choice": "yes"}, headers=auth(voter)).status_code == 201
    records = {t.name: t.scopes for t in db.session.scalars(select(PersonalAccessToken))}
    assert records == {"reader": "read", "writer": "read write", "voter": "vote"}


def test_a_token_needs_a_known_scope(client, world):
    login(client, world.member)
    for scopes in ([], ["admin"]):
        page = client.post("/account/tokens", data={"name": "x", "days": "30", "scopes": scopes})
        assert page.status_code == 422 and "Choose what the token may do" in page.get_data(as_text=True)
    assert db.session.scalar(select(PersonalAccessToken)) is None
    with pytest.raises(Exception, match="Choose what the token may do"):
        api_tokens.create_token(world.member, "x", 30, ["read", "sudo"])
