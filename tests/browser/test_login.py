"""A real browser (Debian's Chromium, driven by Playwright) logs in and sees the dashboard."""
from __future__ import annotations

import pytest

from openbargain.services import demo
from tests.browser.conftest import assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def test_demo_member_logs_in_and_sees_the_dashboard(live_server, browser, tmp_path):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("member1@demo.openbargain.test")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Riverside Socialists (demo)").first.click()
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("heading", name="Riverside Socialists (demo)").is_visible()
    assert_accessible(page, "the demo member's dashboard")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    assert errors == [], f"the page logged errors (CSP violations show here): {errors}"


def test_member_drafts_publishes_comments_and_signs(live_server, browser, tmp_path):
    from datetime import date, timedelta

    page = log_in(browser, live_server, "member1@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/c/demo/proposals/new")
    page.get_by_label("Title").fill("Vote no on the budget deal")
    page.get_by_label("The decision the elected faces").fill("How to vote on the budget on the floor.")
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_label("Alex Rivera — State Assembly, District 36").check()
    page.get_by_label("Directive if adopted (yes/no)").fill("Vote no on the budget deal.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Publish and open deliberation").click()
    assert page.get_by_text("Published: deliberation is open").is_visible()
    page.get_by_label("Against").check()
    page.get_by_label("Comment (Markdown)").fill("We should **not** accept cuts.")
    page.get_by_role("button", name="Post").click()
    assert page.locator(".comment strong", has_text="not").first.is_visible()
    page.get_by_role("button", name="Sign the petition").click()
    assert page.get_by_text("You signed the petition.").is_visible()
    assert page.get_by_text("You have signed.").is_visible()
    assert_accessible(page, "a proposal in deliberation with a comment and a signature")
    page.screenshot(path=str(tmp_path / "proposal.png"), full_page=True)


def test_member_reads_a_result_and_finds_their_tracker(live_server, browser, world, tmp_path):
    from datetime import timedelta

    from sqlalchemy import select

    from openbargain.clock import set_clock
    from openbargain.extensions import db
    from openbargain.models import Membership
    from openbargain.services import casting
    from tests import factories

    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    referendum = factories.make_open_referendum(world, elected, kind="ranked", title="Endorsements")
    receipt = casting.cast_ballot(world.member, world.chapter, referendum.id, {"ranking": ["Bloc"]})
    casting.cast_ballot(world.steering, world.chapter, referendum.id, {"ranking": ["Bloc", "Individually"]})
    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    email, rid = world.member.email, referendum.id
    page = log_in(browser, live_server, email, factories.PASSWORD)
    page.goto(f"{live_server}/c/riverside/referenda/{rid}/result")
    assert page.get_by_text("Won: Bloc after 1 round").is_visible()
    assert page.locator("svg[role=img]").count() == 1
    assert page.locator("p.muted", has_text="audit log checkpoint").is_visible()
    screenshots(page, "result", tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.get_by_role("link", name="Check your tracker").click()
    page.get_by_label("Your tracker code").fill(receipt.display)
    page.get_by_role("button", name="Check").click()
    assert page.get_by_text("Counted.", exact=True).is_visible()
    assert_accessible(page, "the bulletin board with a tracker found")
    page.get_by_label("Your tracker code").fill("0" * 32)
    page.get_by_role("button", name="Check").click()
    assert page.get_by_text("Not found.", exact=True).is_visible()
