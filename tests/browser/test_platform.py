"""In a real browser (issue 20): a member reads the platform and proposes an amendment of a plank;
steering, the demo's committee, records a decision with its roll call (refused first, each problem
shown); a member calls it up, and the members' vote is scheduled."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from openbargain.services import demo
from tests.browser.conftest import assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def test_a_member_reads_the_platform_and_proposes_an_amendment(live_server, browser, tmp_path):
    member = log_in(browser, live_server, f"member1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    member.goto(f"{live_server}/c/demo/")
    member.get_by_role("navigation", name="Site").get_by_role("link", name="Platform").click()
    expect(member.get_by_role("heading", name="No tax abatements for luxury towers")).to_be_visible()
    expect(member.get_by_text("binds every elected")).to_be_visible()
    screenshots(member, "platform", tmp_path)
    member.get_by_role("link", name="No tax abatements for luxury towers").click()
    expect(member.get_by_role("table")).to_contain_text("Alex Rivera")
    screenshots(member, "plank", tmp_path)
    member.get_by_role("link", name="Propose an amendment").click()
    expect(member.get_by_label("The plank: what every elected it binds must always do")).to_have_value(
        "Vote no on every tax abatement above $1M for market-rate housing.")
    member.get_by_label("The plank: what every elected it binds must always do").fill("")
    member.get_by_role("button", name="Save the draft").click()
    expect(member.get_by_text("Write the plank: the standing directive the electeds must follow.").first).to_be_visible()
    assert_accessible(member, "the plank form with its errors")
    member.get_by_label("The plank: what every elected it binds must always do").fill(
        "Vote no on every tax abatement above $500,000 for market-rate housing.")
    member.get_by_role("button", name="Save the draft").click()
    expect(member.get_by_text("An amendment of a plank of the platform")).to_be_visible()
    member.get_by_role("button", name="Publish and open deliberation").click()
    expect(member.get_by_text("none: it stands until the members amend or repeal it")).to_be_visible()


def test_the_committee_decides_in_the_open_and_a_member_calls_it_up(live_server, browser, tmp_path):
    steering = log_in(browser, live_server, f"steering@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    steering.goto(f"{live_server}/c/demo/committee")
    screenshots(steering, "committee", tmp_path)
    steering.get_by_role("link", name="Record a decision").click()
    steering.get_by_role("button", name="Record the decision").click()  # empty: every problem at once
    expect(steering.get_by_text("Name the planks the decision rests on").first).to_be_visible()
    assert_accessible(steering, "the committee decision form with its errors")
    steering.get_by_label("The question").fill("Sign on to the Harbor Point developer's letter?")
    steering.get_by_label("The decision the elected faces").fill("Whether Jordan co-signs the developer's letter.")
    steering.get_by_label("Deadline").fill(_in_days(2))
    steering.get_by_label("Jordan Lee — City Council, Ward 4").check()
    steering.get_by_label("No tax abatements for luxury towers").check()
    steering.locator("#options-0-label").fill("Decline")
    steering.locator("#options-0-directive").fill("Decline to co-sign the letter.")
    steering.locator("#options-1-label").fill("Co-sign")
    steering.locator("#options-1-directive").fill("Co-sign the letter.")
    steering.get_by_label("The option the committee chose (its number)").fill("1")
    steering.get_by_label("The committee's reasoning").fill("The letter asks for the abatement the platform rules "
                                                            "out.")
    steering.get_by_label("Sofia Steering").select_option("1")
    steering.get_by_role("button", name="Record the decision").click()
    expect(steering.get_by_text("The decision is recorded, and its mandates issued.")).to_be_visible()
    expect(steering.get_by_role("table")).to_contain_text("Decline")
    decision_url = steering.url

    member = log_in(browser, live_server, f"member1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    member.goto(decision_url)
    expect(member.get_by_text("Under the bylaws the decision stays in force until the vote.")).to_be_visible()
    screenshots(member, "committee-decision", tmp_path)
    member.get_by_role("button", name="Sign the call-up").click()
    expect(member.get_by_text("You signed the call-up.")).to_be_visible()
    expect(member.get_by_text("1 of the 2 signatures needed")).to_be_visible()  # 5 % of 34 in good standing
    second = log_in(browser, live_server, f"member3@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    second.goto(decision_url)
    second.get_by_role("button", name="Sign the call-up").click()
    expect(second.get_by_text("Your signature carried the call-up")).to_be_visible()
    second.get_by_role("link", name="The members' vote on it").click()
    expect(second.get_by_role("heading", name="Called up: Sign on to the Harbor Point developer's letter?")).to_be_visible()
    expect(second.get_by_text("forced by petition")).to_be_visible()


def _in_days(days: int) -> str:
    from datetime import date, timedelta
    return (date.today() + timedelta(days=days)).isoformat()


def test_an_elected_reports_on_a_standing_mandate_and_a_member_proposes_a_repeal(live_server, browser, tmp_path):
    alex = log_in(browser, live_server, f"elected1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    alex.goto(f"{live_server}/c/demo/platform")
    alex.get_by_role("link", name="No tax abatements for luxury towers").click()
    alex.get_by_role("row", name="Alex Rivera").get_by_role("link").click()
    expect(alex.get_by_text("from a platform plank")).to_be_visible()
    alex.get_by_label("Fulfilled").check()
    alex.get_by_label("Statement (Markdown)").fill("Voted no on the Harbor Point abatement, as the committee directed.")
    alex.get_by_label("Date you acted").fill(_in_days(0))
    alex.get_by_role("button", name="File the report").click()
    expect(alex.get_by_text("For the period to")).to_be_visible()
    expect(alex.get_by_role("heading", name="File a correction of the latest report")).to_be_visible()
    screenshots(alex, "standing-mandate", tmp_path)

    member = log_in(browser, live_server, f"member1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    member.goto(f"{live_server}/c/demo/platform")
    member.get_by_role("link", name="No tax abatements for luxury towers").click()
    member.get_by_role("link", name="Propose a repeal").click()
    expect(member.get_by_label("Title")).to_have_value("Repeal: No tax abatements for luxury towers")
    member.get_by_label("Why repeal it (Markdown)").fill("The council stopped granting them.")
    member.get_by_role("button", name="Save the draft").click()
    expect(member.get_by_text("The repeal of a plank of the platform")).to_be_visible()
