"""In a real browser (issue 18): an elected opens a live bargaining session and posts to it; a
member watching in a second browser context sees the entry appear within five seconds, without
reloading, and takes its temperature."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def test_a_member_watches_the_table_live_and_reacts(live_server, browser, tmp_path):
    elected = log_in(browser, live_server, f"elected1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    elected.goto(f"{live_server}/c/demo/")
    elected.get_by_role("link", name="Open a live bargaining session").click()
    assert_accessible(elected, "the form that opens a session")
    elected.get_by_role("button", name="Open the session").click()  # empty: refused, each field saying why
    expect(elected.get_by_text("Say what the session is about.").first).to_be_visible()
    assert_accessible(elected, "the session form with its errors")
    elected.get_by_label("About what").fill("The budget vote on Thursday")
    elected.get_by_label("With whom").fill("The Speaker's office")
    elected.get_by_label("Who is at the table").fill("Alex Rivera; the Speaker's chief of staff; a lobbyist for "
                                                      "the landlords' association")
    elected.get_by_role("button", name="Open the session").click()
    expect(elected.get_by_text("The session is open.")).to_be_visible()
    session_url = elected.url

    watcher = browser.new_context()  # a second browser: its own cookies, its own member
    member = watcher.new_page()
    member.goto(f"{live_server}/login")
    member.get_by_label("Email").fill(f"member1@{demo.DEMO_DOMAIN}")
    member.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    member.get_by_role("button", name="Log in").click()
    member.goto(f"{live_server}/c/demo/sessions")
    expect(member.get_by_role("link", name="The budget vote on Thursday")).to_be_visible()
    assert_accessible(member, "the list of sessions")
    member.goto(session_url)
    expect(member.get_by_text("Nothing posted yet.")).to_be_visible()

    elected.get_by_label("Threat").check()
    elected.get_by_label("In their words, or yours").fill("Vote yes on the budget or the Speaker backs a primary "
                                                          "challenger in District 36.")
    elected.get_by_role("button", name="Post and seal").click()
    expect(elected.get_by_text("Posted and sealed.")).to_be_visible()
    posted = time.monotonic()
    # The member's page was never reloaded: the entry arrives by the page's own polling.
    entry = member.get_by_text("the Speaker backs a primary challenger")
    entry.wait_for(state="visible", timeout=30_000)
    assert time.monotonic() - posted < 5, "the entry took more than five seconds to appear"
    expect(member.get_by_text("2 watching")).to_be_visible()

    member.get_by_role("button", name="Hold the line").click()
    expect(member.get_by_role("button", name="Hold the line 1")).to_have_attribute("aria-pressed", "true")
    screenshots(member, "live-session", tmp_path)

    elected.get_by_label("Summary for the record").fill("No deal. The threat is on the record; we meet again "
                                                        "Thursday before the vote.")
    elected.get_by_role("button", name="Close with this summary").click()
    expect(elected.get_by_role("heading", name="Summary")).to_be_visible()
    member.reload()
    expect(member.get_by_text("No deal. The threat is on the record")).to_be_visible()
    expect(member.get_by_text("Hold the line: 1")).to_be_visible()
    expect(member.get_by_role("table", name="The room over time")).to_contain_text("at the close")
    screenshots(member, "live-session-record", tmp_path)
    watcher.close()
