"""In a real browser, the other people the loop serves: an elected works through their to-do list;
steering schedules, cancels with a reason and verifies a report; the public reads the chapter's
front page, a decided result and one that binds no one. Every page state is checked with axe-core."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import ComplianceReport, Mandate, MandateStatus, Membership, Referendum
from openbargain.services import mandates, results
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, log_in, screenshots

pytestmark = pytest.mark.browser


def _elected(world) -> Membership:
    return db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))


def test_elected_acknowledges_from_the_to_do_list_logs_bargaining_and_reports(live_server, browser, world, tmp_path):
    mandate = factories.make_mandate(world, title="Budget deal")
    mandate_id, today = mandate.id, now().date().isoformat()
    page = log_in(browser, live_server, world.elected.email, factories.PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/riverside/")
    todo = page.get_by_role("region", name="Your mandates")
    assert todo.get_by_role("link", name="Budget deal").is_visible()
    screenshots(page, "dashboard-elected", tmp_path)
    assert_accessible(page, "the elected's dashboard")
    todo.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_text("Mandate acknowledged.").is_visible()
    page.goto(f"{live_server}/c/riverside/")
    page.get_by_role("link", name="Log a bargaining entry").click()
    page.get_by_label("Date of the meeting").fill(today)
    page.get_by_label("With whom").fill("Speaker's office")
    page.get_by_label("What they offered").fill("A committee chair")
    page.get_by_label("What they threatened").fill("A primary challenger")
    page.get_by_role("button", name="Log it").click()
    assert page.get_by_text("met Speaker's office").first.is_visible()
    assert_accessible(page, "a bargaining entry")
    page.goto(f"{live_server}/c/riverside/")
    page.get_by_role("region", name="Your mandates").get_by_role("link", name="File report").click()
    assert not page.get_by_label("Fulfilled").is_checked()  # nothing is chosen for the elected
    page.get_by_role("button", name="File the report").click()
    assert page.get_by_text("Choose the outcome").is_visible()  # and the form says so
    assert_accessible(page, "the report form with an error")
    page.get_by_label("Fulfilled").check()
    page.get_by_label("Statement (Markdown)").fill("I voted **no**, as directed.")
    page.get_by_label("Evidence link").fill("https://assembly.example.gov/roll/42")
    page.get_by_label("Date you acted").fill(today)
    page.get_by_role("button", name="File the report").click()
    assert page.get_by_text("Report filed.").is_visible()
    page.goto(f"{live_server}/c/riverside/electeds/{mandate.membership_id}")
    assert page.get_by_text("reported fulfilled").is_visible()
    screenshots(page, "scorecard", tmp_path)
    assert_accessible(page, "the elected's scorecard")
    db.session.rollback()
    assert db.session.get(Mandate, mandate_id).status == MandateStatus.FULFILLED


def test_steering_schedules_cancels_with_a_reason_and_verifies_a_report(live_server, browser, world, tmp_path):
    mandate = factories.make_mandate(world, title="Budget deal")
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    report = mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        mandates.ReportOutcome.PARTIALLY, "Half of it.", "", now().date()))
    set_clock(None)
    start = now()
    set_clock(lambda: start - timedelta(days=8))
    proposal = factories.make_proposal(world.chapter, world.member, [_elected(world)], title="Transit levy")
    set_clock(None)
    report_id, proposal_id = report.id, proposal.id

    page = log_in(browser, live_server, world.steering.email, factories.PASSWORD)
    page.goto(f"{live_server}/c/riverside/")
    queue = page.get_by_role("region", name="Steering queue")
    assert queue.get_by_text("1 report to verify").is_visible()
    screenshots(page, "dashboard-steering", tmp_path)
    assert_accessible(page, "steering's dashboard")
    page.goto(f"{live_server}/c/riverside/proposals/{proposal_id}")
    page.get_by_role("link", name="Schedule a vote").click()
    assert page.get_by_text("The earliest the bylaws allow:").is_visible()
    assert page.get_by_label("Method").locator("option").all_inner_texts() == ["Yes / no"]
    screenshots(page, "schedule", tmp_path)
    assert_accessible(page, "the schedule form")
    page.get_by_role("button", name="Schedule the vote").click()
    assert page.get_by_text("The vote is scheduled.").is_visible()
    page.get_by_role("link", name="Cancel the vote…").click()
    page.get_by_role("button", name="Cancel the vote").click()  # no reason: refused, nothing changes
    assert page.get_by_text("Give members the reason").is_visible()
    screenshots(page, "cancel-with-reason", tmp_path)
    assert_accessible(page, "the cancel confirmation with an error")
    page.get_by_label("Your reason").fill("The council moved the floor vote to March.")
    page.get_by_role("button", name="Cancel the vote").click()
    assert page.get_by_text("The council moved the floor vote to March.").is_visible()
    assert page.get_by_text("Vote cancelled").is_visible()
    assert_accessible(page, "the proposal with its stated reason")
    page.goto(f"{live_server}/c/riverside/")
    page.get_by_role("region", name="Steering queue").get_by_role("link", name="Budget deal").click()
    page.get_by_text("Verify or dispute").click()
    page.get_by_label("Verified").check()
    page.get_by_role("button", name="Record the review").click()
    page.get_by_text("Rate this mandate").click()
    page.get_by_role("button", name="Record the verdict").click()  # no evidence yet: refused, on the form
    assert page.get_by_text("A verdict needs its evidence").first.is_visible()
    page.get_by_label("kept", exact=True).check()
    page.get_by_label("Evidence: a link").fill("https://assembly.example.gov/roll/42")
    page.get_by_label("Why").fill("The roll call shows a no vote, as directed.")
    page.get_by_role("button", name="Record the verdict").click()
    assert page.get_by_text("Verdict recorded.").is_visible()
    screenshots(page, "verdict", tmp_path)
    db.session.rollback()
    assert db.session.get(ComplianceReport, report_id).review.value == "verified"
    assert db.session.scalar(select(Referendum).where(Referendum.proposal_id == proposal_id)) is None


def test_the_public_reads_the_front_page_a_result_and_one_that_binds_no_one(live_server, browser, world, tmp_path):
    elected = _elected(world)
    decided = factories.make_mandate(world, title="Budget deal", visibility="public").referendum_id
    set_clock(None)
    unbound = factories.make_open_referendum(world, elected, title="Transit levy", closed=True, visibility="public")
    results.certify_closed(world.chapter.id)
    unbound_id = unbound.id
    page = browser.new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name=world.chapter.name, exact=True).click()
    assert page.get_by_role("heading", name="Recent outcomes").is_visible()
    assert page.get_by_text("Adopted: 1 yes, 0 no").is_visible()
    screenshots(page, "front-page", tmp_path)
    assert_accessible(page, "the chapter's front page")
    page.get_by_role("link", name="Bylaws").first.click()
    assert page.get_by_text("Members deliberate on a proposal for at least").is_visible()
    assert_accessible(page, "the public bylaws")
    page.goto(f"{live_server}/c/riverside/referenda/{decided}/result")
    assert page.get_by_text("Adopted:").first.is_visible()
    assert_accessible(page, "a decided result")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/c/riverside/referenda/{unbound_id}/result")
    assert page.get_by_text("No decision").first.is_visible()
    assert page.locator(".bar-won, .bar-elected").count() == 0 and not page.get_by_text("✓").first.is_visible()
    screenshots(page, "result-no-decision", tmp_path)
    assert_accessible(page, "a result that binds no one")
    page.goto(f"{live_server}/c/riverside/accountability")
    assert page.get_by_role("heading", name="Accountability").is_visible()
    screenshots(page, "accountability", tmp_path)
    assert_accessible(page, "the accountability page")
