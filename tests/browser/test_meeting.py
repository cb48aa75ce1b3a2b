"""In a real browser (issue 19, part 1): the demo's general meeting, from check-in to a certified
result. The chair puts the room's screen up; a member checks in on a phone through the code's link;
a teller checks another in from the roster; the chair calls the meeting to order and opens the vote
on the agenda's proposal; the member votes on the phone; the screen shows the turnout, never a
partial count, and the certified result once every ballot is in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import Chapter, Meeting, Referendum, User
from openbargain.services import casting, demo, meetings
from tests.browser.conftest import PHONE, log_in, screenshots
from tests.helpers import at

pytestmark = pytest.mark.browser


def _user(email_name: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{email_name}@{demo.DEMO_DOMAIN}"))


def test_a_meeting_from_check_in_to_a_certified_result_on_a_phone_and_the_room_screen(live_server, browser,
                                                                                     tmp_path):
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Winter general meeting"))
    chapter = db.session.get(Chapter, meeting.chapter_id)
    at(meeting.starts_at - timedelta(minutes=10))  # the doors are open
    base = f"{live_server}/c/demo/meetings/{meeting.id}"

    chair = log_in(browser, live_server, f"steering@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    chair.goto(f"{live_server}/c/demo/meetings")
    chair.get_by_role("link", name="Winter general meeting").click()
    chair.get_by_role("link", name="The room's screen (for the projector)").click()
    screen_url = chair.url
    code = chair.locator(".screen-code").inner_text().replace(" ", "")
    assert len(code) == 6 and chair.locator("svg.qr").count() == 1

    phone = log_in(browser, live_server, f"member1@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    phone.set_viewport_size(PHONE)
    phone.goto(f"{base}/check-in?code={code}")  # where the QR code leads
    expect(phone.get_by_label("The code on the room's screen")).to_have_value(code)
    phone.get_by_role("button", name="Check in").click()
    expect(phone.get_by_text("You are checked in.").first).to_be_visible()

    teller = log_in(browser, live_server, f"member3@{demo.DEMO_DOMAIN}", demo.DEMO_PASSWORD)
    teller.goto(f"{base}/attendance")
    teller.get_by_label("Check in a member (their email)").fill(f"member4@{demo.DEMO_DOMAIN}")
    teller.get_by_role("button", name="Check in").click()
    expect(teller.get_by_text("Checked in.", exact=True)).to_be_visible()
    expect(teller.get_by_role("table")).to_contain_text("by a teller")
    for name in ("member3", "member5"):  # the rest of the quorum, at the teller's table
        meetings.check_in_member(_user("member3"), chapter, meeting.id, f"{name}@{demo.DEMO_DOMAIN}")

    chair.goto(base)
    chair.get_by_role("button", name="Call the meeting to order").click()
    expect(chair.get_by_text("The meeting is called to order.")).to_be_visible()
    chair.get_by_role("button", name="Open the vote").click()
    expect(chair.get_by_text("The vote is open.")).to_be_visible()

    phone.goto(base)
    expect(phone.get_by_role("heading", name="Voting now: Back the transit workers' strike")).to_be_visible()
    screenshots(phone, "meeting", tmp_path)
    phone.get_by_role("link", name="Vote now").click()
    phone.get_by_label("Yes", exact=False).first.check()
    phone.get_by_role("button", name="Review my ballot").click()
    phone.get_by_role("button", name="Cast my ballot").click()
    expect(phone.locator("[data-tracker] code")).to_be_visible()

    chair.goto(screen_url)
    expect(chair.locator(".screen-vote")).to_contain_text("1 of 4 have voted")
    expect(chair.locator(".screen-vote")).not_to_contain_text("yes")  # never a partial count
    screenshots(chair, "meeting-screen", tmp_path)
    vote = db.session.scalar(select(Referendum).where(Referendum.meeting_id == meeting.id))
    for name, choice in (("member3", "yes"), ("member4", "no"), ("member5", "yes")):
        casting.cast_ballot(_user(name), chapter, vote.id, {"choice": choice})
    chair.goto(base)
    chair.get_by_role("button", name="Everyone has voted: close and certify now").click()
    expect(chair.get_by_text("Every ballot is in: the vote is closed and its result certified.")).to_be_visible()
    chair.goto(screen_url)
    expect(chair.locator(".screen-vote")).to_contain_text("Adopted: 3 yes, 1 no")
    screenshots(chair, "meeting-result", tmp_path)
