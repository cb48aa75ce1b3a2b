"""In a real browser: a member reads their notifications (the header counts the unread), opens
one, chooses what comes by mail, and follows a proposal."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import log_in, screenshots

pytestmark = pytest.mark.browser


def test_a_member_reads_notifications_and_chooses_what_is_mailed(live_server, browser, tmp_path):
    page = log_in(browser, live_server, "member1@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/c/demo/proposals/")
    first = page.locator("ul.notices li").first
    nav = page.get_by_role("navigation", name="Site").get_by_role("link", name="Notifications")
    expect(nav).to_contain_text("unread")  # the demo's certified votes told everyone on their rolls
    nav.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(first).to_have_class("unread")
    screenshots(page, "notifications", tmp_path)
    title = first.get_by_role("link").inner_text()
    first.get_by_role("link").click()
    page.go_back()
    page.reload()
    expect(page.get_by_role("link", name=title).first.locator("xpath=..")).to_have_class("read")

    page.get_by_role("link", name="Choose what comes by mail").click()
    group = page.get_by_role("group", name="A vote opened and you are on its roll")
    group.get_by_label("In the daily digest").check()
    screenshots(page, "notification-settings", tmp_path)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_role("group", name="A vote opened and you are on its roll")
           .get_by_label("In the daily digest")).to_be_checked()


def test_a_member_follows_a_proposal(live_server, browser):
    page = log_in(browser, live_server, "member2@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/c/demo/proposals/1")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_text("You follow this proposal")).to_be_visible()
    expect(page.get_by_role("button", name="Following")).to_have_attribute("aria-pressed", "true")
