"""In a real browser: logging out ends the session for a copied cookie too; the account page makes
a scoped token and lists the sessions; the audit checkpoint page shows the chain's head."""
from __future__ import annotations

import re

import pytest

from openbargain.extensions import db
from openbargain.services import audit, chapters, demo
from tests.browser.conftest import log_in, screenshots

pytestmark = pytest.mark.browser


def test_logout_ends_the_session_a_copied_cookie_carried(live_server, browser, tmp_path):
    page = log_in(browser, live_server, "member1@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/account")
    assert page.get_by_role("heading", name="Sessions").is_visible()
    copied = page.context.cookies()
    thief = browser.new_context()
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(f"{live_server}/account")
    assert stolen.get_by_role("heading", name="Your account").is_visible()
    page.get_by_role("button", name="Log out").first.click()
    stolen.goto(f"{live_server}/account")
    assert stolen.get_by_role("button", name="Log in").is_visible()
    thief.close()


def test_member_makes_a_read_only_token(live_server, browser, tmp_path):
    page = log_in(browser, live_server, "member1@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/account")
    page.get_by_label("Token name").fill("turnout dashboard")
    assert page.get_by_label("Read what you may read").is_checked()
    assert not page.get_by_label("Cast your ballots").is_checked()
    page.get_by_role("button", name="Create a token").click()
    token = page.locator("code.break").inner_text()
    assert re.fullmatch(r"obpat_[A-Za-z0-9_-]+", token)
    assert page.get_by_text("turnout dashboard (read)").is_visible()
    page.locator("code.break").evaluate("node => node.textContent = 'obpat_…'")  # keep no secret in a picture
    screenshots(page, "account", tmp_path)


def test_anyone_reads_the_audit_checkpoint(live_server, browser, tmp_path):
    heads = audit.heads(db.session, chapters.public_chapters())
    db.session.rollback()
    page = browser.new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Audit log checkpoint").click()
    assert page.locator("code.checkpoint").all_inner_texts() == [h.label for h in heads]
    screenshots(page, "audit-checkpoint", tmp_path)
