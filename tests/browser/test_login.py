"""A real browser (Debian's Chromium, driven by Playwright) logs in and sees the dashboard."""
from __future__ import annotations

import pytest

from openbargain.services import demo
from tests.browser.conftest import log_in, screenshots

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
    page.get_by_label("Your tracker code").fill("0" * 32)
    page.get_by_role("button", name="Check").click()
    assert page.get_by_text("Not found.", exact=True).is_visible()


def test_elected_acknowledges_logs_bargaining_and_reports(live_server, browser, world):
    from datetime import timedelta

    from sqlalchemy import select

    from openbargain.clock import now, set_clock
    from openbargain.extensions import db
    from openbargain.models import Mandate, MandateStatus, Membership
    from openbargain.services import casting, results
    from tests import factories

    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    referendum = factories.make_open_referendum(world, elected, title="Budget deal")
    casting.cast_ballot(world.member, world.chapter, referendum.id, {"choice": "yes"})
    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)
    results.certify_closed(world.chapter.id)
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == referendum.id))
    mandate_id, email, today = mandate.id, world.elected.email, now().date().isoformat()

    page = log_in(browser, live_server, email, factories.PASSWORD)
    page.goto(f"{live_server}/c/riverside/mandates/{mandate_id}")
    assert page.get_by_text("Vote no on the budget deal.").first.is_visible()
    page.get_by_role("button", name="Acknowledge this mandate").click()
    assert page.get_by_text("Mandate acknowledged.").is_visible()
    page.goto(f"{live_server}/c/riverside/bargaining/new")
    page.get_by_label("Date of the meeting").fill(today)
    page.get_by_label("With whom").fill("Speaker's office")
    page.get_by_label("What they offered").fill("A committee chair")
    page.get_by_label("What they threatened").fill("A primary challenger")
    page.get_by_role("button", name="Log it").click()
    assert page.get_by_text("met Speaker's office").is_visible()
    page.goto(f"{live_server}/c/riverside/mandates/{mandate_id}")
    assert not page.get_by_label("Fulfilled").is_checked()  # nothing is chosen for the elected
    page.get_by_label("Fulfilled").check()
    page.get_by_label("Statement (Markdown)").fill("I voted **no**, as directed.")
    page.get_by_label("Evidence link").fill("https://assembly.example.gov/roll/42")
    page.get_by_label("Date you acted").fill(today)
    page.get_by_role("button", name="File the report").click()
    assert page.get_by_text("Report filed.").is_visible()
    page.goto(f"{live_server}/c/riverside/electeds/{elected.id}")
    assert page.get_by_role("heading", name="Fulfilled").is_visible()
    db.session.rollback()
    assert db.session.get(Mandate, mandate_id).status == MandateStatus.FULFILLED
