"""In a real browser: steering declares a proposal urgent with a reason members then read; the
bylaws page sets who may; an elected logs a meeting held until the vote opens."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Proposal, ProposalStatus
from openbargain.services import demo
from tests.browser.conftest import log_in, screenshots

pytestmark = pytest.mark.browser


def _in_deliberation() -> int:
    proposal_id = db.session.scalar(select(Proposal.id).where(Proposal.status == ProposalStatus.DELIBERATION)
                                    .order_by(Proposal.id))
    db.session.rollback()
    return proposal_id


def test_steering_declares_urgency_and_members_read_why(live_server, browser, tmp_path):
    proposal_id = _in_deliberation()
    page = log_in(browser, live_server, "steering@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/c/demo/proposals/{proposal_id}")
    page.get_by_label("Why it cannot wait (shown to members)").fill("The council votes on Thursday at 10:00.")
    page.get_by_role("button", name="Declare it urgent").click()
    assert page.get_by_text("Declared urgent").is_visible()
    member = log_in(browser, live_server, "member1@demo.openbargain.test", demo.DEMO_PASSWORD)
    member.goto(f"{live_server}/c/demo/proposals/{proposal_id}")
    assert member.get_by_text("The council votes on Thursday at 10:00.").is_visible()
    screenshots(member, "proposal-urgent", tmp_path)
    page.goto(f"{live_server}/c/demo/bylaws")
    assert page.get_by_role("group", name="The urgent track").is_visible()
    screenshots(page, "bylaws", tmp_path)


def test_an_elected_holds_an_entry_until_the_vote_opens(live_server, browser, tmp_path):
    proposal_id = _in_deliberation()
    page = log_in(browser, live_server, "elected1@demo.openbargain.test", demo.DEMO_PASSWORD)
    page.goto(f"{live_server}/c/demo/bargaining/new?proposal={proposal_id}")
    page.get_by_label("With whom").fill("Speaker's office")
    page.get_by_label("What they offered").fill("A committee chair for a yes vote")
    page.get_by_label("Keep it under embargo until the vote on this proposal opens").check()
    screenshots(page, "bargaining-form", tmp_path)
    page.get_by_label("Date of the meeting").fill(__import__("datetime").date.today().isoformat())
    page.get_by_role("button", name="Log it").click()
    assert page.get_by_text("under embargo until the vote on its proposal opens").is_visible()
