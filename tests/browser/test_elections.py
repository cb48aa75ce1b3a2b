"""In a real browser (issue 19, part 4): steering opens an election for the bargaining committee; a
member stands with a statement and nominates another; the election's page shows who stands."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def test_an_election_opened_and_nominations_made(live_server, browser, tmp_path):
    steering = log_in(browser, live_server, f"steering@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    steering.goto(f"{live_server}/c/demo/proposals/")
    steering.get_by_role("link", name="Open an election").click()
    steering.get_by_role("button", name="Open the election").click()  # empty: every problem at once
    expect(steering.get_by_text("Say what is elected").first).to_be_visible()
    assert_accessible(steering, "the election form with its errors")
    steering.get_by_label("Title", exact=True).fill("Bargaining committee, 2027")
    steering.get_by_label("What is elected").fill("the bargaining committee")
    steering.get_by_label("Seats", exact=True).fill("3")
    steering.get_by_label("Nominations close").fill((datetime.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    steering.get_by_role("button", name="Open the election").click()
    expect(steering.get_by_text("The election is open: members may nominate.")).to_be_visible()
    election_url = steering.url

    member = log_in(browser, live_server, f"member1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    member.goto(election_url)
    member.get_by_label("Nominate a member (their email, or yours)").fill(f"member1@{demo.DEMO_DOMAIN}")
    member.get_by_role("button", name="Nominate", exact=True).click()
    expect(member.get_by_text("Nominated.", exact=True)).to_be_visible()
    member.get_by_label("Your statement (Markdown)").fill("Twelve years on the shop floor. **No concessions.**")
    member.get_by_role("button", name="Stand, with this statement").click()
    expect(member.get_by_text("You stand, with your statement.")).to_be_visible()
    member.get_by_label("Nominate a member (their email, or yours)").fill(f"member3@{demo.DEMO_DOMAIN}")
    member.get_by_role("button", name="Nominate", exact=True).click()
    expect(member.get_by_text("has not answered")).to_be_visible()
    screenshots(member, "election", tmp_path)
