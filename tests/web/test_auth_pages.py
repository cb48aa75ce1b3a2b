from __future__ import annotations

import re

from openbargain.extensions import db
from openbargain.models import Invitation
from openbargain.services import accounts
from tests import factories
from tests.conftest import login, other_app


def test_login_with_a_wrong_password_says_so(client, app):
    user = factories.make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope nope nope"})
    assert response.status_code == 422
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_then_logout(client, app):
    user = factories.make_user()
    login(client, user)
    assert client.get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_login_redirects_only_to_local_pages(client, app):
    user = factories.make_user()
    response = client.post("/login?next=https://evil.example/x", data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account", data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/account"


def test_log_out_everywhere_ends_other_sessions(app):
    user = factories.make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    assert phone.get("/account").status_code == 200
    laptop.post("/account/logout-everywhere")
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app):
    user = factories.make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    response = laptop.post("/account/password", data={"current_password": factories.PASSWORD,
                                                       "new_password": "a much better password"})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_password_change_errors_sit_on_their_fields(client, app):
    user = factories.make_user()
    login(client, user)
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": "a much better password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-error"' in html and "not your current password" in html
    assert 'aria-describedby="current_password-error"' in html


def test_password_reset_by_mail(client, app, outbox):
    user = factories.make_user()
    assert client.post("/reset", data={"email": user.email}).status_code == 302
    link = re.search(r"http://[^/]+(/reset/\S+)", outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": "short"}).status_code == 422
    assert client.post(link, data={"password": "a new long password"}).status_code == 302
    reused = client.get(link)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)
    login(client, user, "a new long password")


def test_reset_request_for_an_unknown_email_looks_the_same(client, app, outbox):
    response = client.post("/reset", data={"email": "nobody@example.org"})
    assert response.status_code == 302 and outbox == []


def test_accepting_an_invitation_logs_in_to_the_chapter(client, app, world):
    invited = factories.make_user("new@example.org", account=False)
    factories.make_membership(world.chapter, invited)
    invitation = Invitation(chapter=world.chapter, user=invited)
    db.session.add(invitation)
    db.session.commit()
    link = f"/invitation/{accounts.invitation_token(invitation)}"
    page = client.get(link)
    assert page.status_code == 200 and "Riverside Socialists" in page.get_data(as_text=True)
    response = client.post(link, data={"password": "my chosen password"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/riverside/"
    assert client.get("/c/riverside/").status_code == 200
    again = client.get(link)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_over_long_input_is_refused_cleanly(client, app):
    response = client.post("/login", data={"email": "a" * 300 + "@example.org", "password": "x"})
    assert response.status_code == 422
    assert "Field cannot be longer" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(world):
    email = world.member.email  # read here: inside other_app the test's session would borrow its engine
    with other_app(WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
        assert response.status_code == 400
        assert "form expired" in response.get_data(as_text=True)
        assert client.get("/account").status_code == 302


def test_login_is_rate_limited(world):
    email = world.member.email
    with other_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute") as app:
        client = app.test_client()
        codes = [client.post("/login", data={"email": email, "password": "wrong guess"}).status_code
                 for _ in range(4)]
        assert codes == [422, 422, 422, 429]


def test_security_headers_are_set(client, app):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_lax(client, app):
    user = factories.make_user()
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_templates_carry_no_inline_script_or_style():
    from pathlib import Path

    for path in Path("openbargain/templates").rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and "style=" not in text and " on" + "click=" not in text, path
