"""In a real browser (issue 19, part 2): steering appoints two tellers for the demo's open vote; one
marks a member as voting on paper and enters the box; the second enters it again and it counts.
And a member who voted votes again with their tracker (part 3)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def _open_vote(page, live_server: str) -> str:
    page.goto(f"{live_server}/c/demo/proposals/")
    page.get_by_role("link", name="Vote no on the budget deal").click()
    page.get_by_role("link", name=re.compile("closes")).click()
    return page.url


def test_tellers_count_a_box_of_paper_ballots_twice(live_server, browser, tmp_path):
    steering = log_in(browser, live_server, f"steering@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    vote_url = _open_vote(steering, live_server)
    steering.get_by_role("link", name="Paper ballots: tellers, marks and batches").click()
    steering.get_by_text("Appoint the tellers").click()
    steering.get_by_label("Tellers: one email a line").fill(f"steering@{demo.DEMO_DOMAIN}\nmember3@{demo.DEMO_DOMAIN}")
    steering.get_by_role("button", name="Appoint").click()
    expect(steering.get_by_text("Tellers appointed.")).to_be_visible()
    steering.get_by_label("The member's email").fill(f"member20@{demo.DEMO_DOMAIN}")
    steering.get_by_role("button", name="Mark on the roll").click()
    expect(steering.get_by_text("Marked on the roll as voting on paper.")).to_be_visible()
    steering.get_by_role("textbox", name="Batch").fill("Box 1, general meeting")
    steering.get_by_role("spinbutton", name="Yes").fill("1")
    steering.get_by_role("button", name="Enter the batch").click()
    expect(steering.get_by_text("A second teller enters the same batch.")).to_be_visible()
    teller = log_in(browser, live_server, f"member3@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    teller.goto(vote_url.rstrip("/") + "/paper")
    teller.get_by_role("textbox", name="Batch").fill("Box 1, general meeting")
    teller.get_by_role("spinbutton", name="Yes").fill("1")
    teller.get_by_role("button", name="Enter the batch").click()
    expect(teller.get_by_text("Two tellers agree: the batch counts.")).to_be_visible()
    expect(teller.get_by_role("table")).to_contain_text("agreed: counted")
    screenshots(teller, "paper-ballots", tmp_path)


def test_a_member_votes_again_with_their_tracker(live_server, browser, tmp_path):
    fresh = log_in(browser, live_server, f"member22@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)  # not voted yet
    vote_url = _open_vote(fresh, live_server)
    fresh.goto(vote_url.rstrip("/") + "/ballot")
    fresh.get_by_label("Yes", exact=False).first.check()
    fresh.get_by_role("button", name="Review my ballot").click()
    fresh.get_by_role("button", name="Cast my ballot").click()
    tracker = fresh.locator("[data-tracker] code").inner_text().replace(" ", "")
    expect(fresh.get_by_text("If you change your mind, or were pressured")).to_be_visible()
    fresh.goto(vote_url)
    fresh.get_by_role("link", name="Changed your mind, or voted under pressure?").click()
    fresh.get_by_label("The tracker code of the ballot you replace").fill(tracker)
    fresh.get_by_label("No", exact=False).first.check()
    fresh.get_by_role("button", name="Review my ballot").click()
    expect(fresh.get_by_text("Casting it voids the ballot your tracker code names.")).to_be_visible()
    assert_accessible(fresh, "the review of a revote")
    fresh.get_by_role("button", name="Cast my ballot").click()
    expect(fresh.get_by_text("Your earlier ballot is void")).to_be_visible()
    screenshots(fresh, "receipt-revote", tmp_path)
