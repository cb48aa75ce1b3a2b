"""In a real browser: steering connects the chapter's Slack room, sends a test message and reads
the delivery log."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import log_in, screenshots
from tests.services.test_webhooks import receiver

pytestmark = pytest.mark.browser


def test_steering_connects_a_room_and_tests_it(app, live_server, browser, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)  # the room listens on 127.0.0.1
    page = log_in(browser, live_server, f"steering@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    with receiver() as room:
        page.goto(f"{live_server}/c/demo/")
        page.get_by_role("link", name="Chat webhooks (Slack, Discord, Matrix)").click()
        expect(page.get_by_role("heading", name="Chat webhooks")).to_be_visible()
        page.get_by_role("textbox", name="Room").fill("#general on Slack")
        page.get_by_label("Webhook URL").fill(room.url("/services/T000/B000/XXXX"))
        page.get_by_label("Slack (incoming webhook)").check()
        page.get_by_label("A vote opens").uncheck()
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_text("is connected. Send it a test message to check.")).to_be_visible()
        page.get_by_role("button", name="Send a test message").click()
        expect(page.get_by_text("A test message is on its way")).to_be_visible()
        log = page.get_by_role("table")
        expect(log).to_contain_text("ping")
        expect(log).to_contain_text("delivered (200)")
        [(path, _, body)] = room.posts
        assert path == "/services/T000/B000/XXXX" and "tested this connection" in json.loads(body)["text"]
        expect(page.get_by_role("group", name="Events the room hears of").get_by_label("A vote opens")).not_to_be_checked()
        screenshots(page, "webhook", tmp_path)
