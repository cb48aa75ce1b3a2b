"""A member votes, on a phone as on a desktop, with and without JavaScript; a member whose session
ended follows the "vote is open" link. Every page state is checked with axe-core."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Membership
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, assert_accessible_without_scripts, log_in, screenshots

pytestmark = pytest.mark.browser


def _open_vote(world, **kwargs):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    return factories.make_open_referendum(world, elected, **kwargs)


def test_member_ranks_by_tapping_reviews_changes_it_and_casts_on_a_phone(live_server, browser, world, tmp_path):
    referendum = _open_vote(world, kind="ranked", title="Endorsements")
    page = log_in(browser, live_server, world.member.email, factories.PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/riverside/referenda/{referendum.id}")
    page.get_by_role("link", name="Go to your ballot").click()
    expect(page.get_by_text("Tap the options in order of preference")).to_be_visible()
    assert_accessible(page, "the ranked ballot, nothing ranked")
    page.get_by_role("button", name="Individually: not ranked").click()
    page.get_by_role("button", name="Bloc: not ranked").click()
    # The rank sits on each card; the status line says the whole ranking in words.
    expect(page.locator(".rank-item", has_text="Individually").locator(".rank-badge")).to_have_text("1st")
    expect(page.locator(".rank-item", has_text="Bloc").locator(".rank-badge")).to_have_text("2nd")
    expect(page.get_by_text("Your ranking: 1. Individually, 2. Bloc.")).to_be_visible()
    screenshots(page, "ballot-ranked", tmp_path)
    assert_accessible(page, "the ranked ballot, two ranked")
    page.get_by_role("button", name="Review my ballot").click()
    assert page.locator(".ballot-summary li").all_inner_texts() == ["Individually", "Bloc"]
    assert_accessible(page, "the ranked review")
    page.get_by_role("button", name="Change it").click()
    # The choices came back: take Individually out, so Bloc moves up to first.
    expect(page.get_by_text("Your ranking: 1. Individually, 2. Bloc.")).to_be_visible()
    page.get_by_role("button", name="Individually: your 1st choice").click()
    expect(page.locator(".rank-item", has_text="Bloc").locator(".rank-badge")).to_have_text("1st")
    assert page.get_by_role("button", name="Individually: not ranked").get_attribute("aria-pressed") == "false"
    page.get_by_role("button", name="Individually: not ranked").click()
    page.get_by_role("button", name="Review my ballot").click()
    assert page.locator(".ballot-summary li").all_inner_texts() == ["Bloc", "Individually"]
    page.get_by_role("button", name="Cast my ballot").click()
    assert page.get_by_role("heading", name="Your ballot is cast").is_visible()
    assert_accessible(page, "the receipt")
    db.session.rollback()
    assert [b["content"] for b in factories.opened_ballots(referendum.id)] == [{"ranking": ["Bloc", "Individually"]}]


def test_member_ranks_without_javascript_and_is_warned_of_a_partial_ranking(live_server, browser, world):
    referendum = _open_vote(world, kind="ranked", title="Endorsements")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(world.member.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/c/riverside/referenda/{referendum.id}/ballot")
    assert page.get_by_text("Rank the options: 1 for your first choice").is_visible()
    assert page.locator(".rank-toggle").count() == 0  # the numbered selects are the ballot
    assert_accessible_without_scripts(browser, page, "the ranked ballot without JavaScript")
    page.get_by_label("Bloc").select_option("1")
    page.get_by_role("button", name="Review my ballot").click()
    assert page.locator(".ballot-summary li").all_inner_texts() == ["Bloc"]
    assert page.get_by_text("Not ranked: Individually.").is_visible()
    assert page.get_by_text("You ranked 1 of 2 options.").is_visible()  # (axe saw this page with scripts on)
    page.get_by_role("button", name="Cast my ballot").click()
    assert page.get_by_role("heading", name="Your ballot is cast").is_visible()
    context.close()
    db.session.rollback()
    assert [b["content"] for b in factories.opened_ballots(referendum.id)] == [{"ranking": ["Bloc"]}]


def test_member_votes_yes_on_a_phone_and_every_step_says_what_yes_means(live_server, browser, world, tmp_path):
    referendum = _open_vote(world, title="Budget deal")
    directive = referendum.proposal.options[0].directive
    meaning = f"Yes — {world.elected.name}: {directive}"
    page = log_in(browser, live_server, world.member.email, factories.PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/riverside/")
    assert page.get_by_text("closes in 7 days").is_visible()
    screenshots(page, "dashboard-vote-now", tmp_path)
    assert_accessible(page, "the dashboard with an open vote")
    page.get_by_role("link", name="Vote now").click()
    page.set_viewport_size(PHONE)
    page.get_by_label(meaning).check()  # the whole sentence is the choice's label
    screenshots(page, "ballot-yes-no", tmp_path)
    assert_accessible(page, "the yes/no ballot")
    page.get_by_role("button", name="Review my ballot").click()
    assert page.get_by_text(meaning).is_visible()
    assert_accessible(page, "the yes/no review")
    page.get_by_role("button", name="Cast my ballot").click()
    assert page.get_by_text(meaning).is_visible() and page.locator(".tracker code span").count() == 8
    # The code can be copied and saved; the groups of four never break across lines.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.locator(".tracker code").inner_text()
    screenshots(page, "receipt", tmp_path)
    with page.expect_download() as saved:
        page.get_by_role("button", name="Save it as a file").click()
    assert page.locator(".tracker code").inner_text() in saved.value.path().read_text()


def test_a_logged_out_member_follows_the_vote_is_open_link(live_server, browser, world):
    referendum = _open_vote(world, title="Budget deal")
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/riverside/referenda/{referendum.id}")  # members only: log in first
    assert page.get_by_text("Log in to see that page").is_visible()
    assert_accessible(page, "the login page after a members-only link")
    page.get_by_label("Email").fill(world.member.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Vote: Budget deal").is_visible()
    assert page.get_by_role("link", name="Go to your ballot").is_visible()
    assert not page.get_by_text("not on this vote's roll").is_visible()
