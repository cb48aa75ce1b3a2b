"""A general meeting in pages: steering calls it (a bad form re-rendered with its errors, nothing
saved); a member checks in through the room code's link; a teller checks one in from the roster;
the chair calls to order and opens a vote; the room's screen shows the code, the count and the
turnout, never a partial count; the list and attendance pages ask the same queries however many
rows they show."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Meeting, Referendum
from openbargain.services import casting, meeting_votes, meetings
from tests import factories
from tests.conftest import login
from tests.helpers import at, membership


def called(world, proposal, **changes) -> Meeting:
    values = dict(title="Spring general meeting", starts_at=now() + timedelta(hours=1),
                  ends_at=now() + timedelta(hours=3), place="Union hall", teller_emails=(world.elected.email,),
                  agenda=(proposal.id,))
    values.update(changes)
    return meetings.call_meeting(world.steering, world.chapter, meetings.MeetingDraft(**values))


def test_steering_calls_a_meeting_from_its_form(client, world):
    proposal = factories.deliberated_proposal(world)
    login(client, world.steering)
    form = client.get("/c/riverside/meetings/new").get_data(as_text=True)
    assert "Strike on Monday" in form  # offered for the agenda
    bad = client.post("/c/riverside/meetings/new", data={"title": "", "place": "", "video_url": "",
                                                         "agenda": [str(proposal.id)]})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the meeting a title." in html and 'aria-invalid="true"' in html
    assert db.session.scalar(select(Meeting)) is None
    starts = (now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ends = (now() + timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")
    made = client.post("/c/riverside/meetings/new", data={
        "title": "Spring general meeting", "starts_at": starts, "ends_at": ends, "place": "Union hall",
        "teller_emails": f"{world.elected.email}\n", "agenda": [str(proposal.id)]})
    meeting = db.session.scalar(select(Meeting))
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.chair_id == membership(world.steering).id
    login(client, world.member)
    assert "Spring general meeting" in client.get("/c/riverside/meetings").get_data(as_text=True)
    assert client.get("/c/riverside/meetings/new").status_code == 403


def test_a_member_checks_in_by_the_code_s_link_and_votes_from_the_meeting_page(client, world):
    proposal = factories.deliberated_proposal(world)
    meeting = called(world, proposal)
    at(meeting.starts_at)
    code = meetings.room_code(meeting, now())
    login(client, world.member)
    page = client.get(f"/c/riverside/meetings/{meeting.id}/check-in?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in page and 'inputmode="numeric"' in page
    wrong = client.post(f"/c/riverside/meetings/{meeting.id}/check-in", data={"code": "abc"})
    assert wrong.status_code == 422 and "not the code on the room" in wrong.get_data(as_text=True)
    done = client.post(f"/c/riverside/meetings/{meeting.id}/check-in", data={"code": code})
    assert done.status_code == 302
    shown = client.get(f"/c/riverside/meetings/{meeting.id}").get_data(as_text=True)
    assert "You are checked in." in shown and "1 present; the quorum is 1." in shown
    assert 'http-equiv="refresh"' in shown  # the page keeps itself current while the meeting sits
    login(client, world.steering)
    client.post(f"/c/riverside/meetings/{meeting.id}/order")
    refused = client.post(f"/c/riverside/meetings/{meeting.id}/votes", data={"proposal_id": proposal.id,
                                                                            "minutes": "0"})
    assert refused.status_code == 422 and "1 to 240 minutes" in refused.get_data(as_text=True)
    assert 'id="minutes-error"' in refused.get_data(as_text=True)  # tied to the field
    opened = client.post(f"/c/riverside/meetings/{meeting.id}/votes", data={"proposal_id": proposal.id,
                                                                           "minutes": "10"})
    assert opened.status_code == 302
    login(client, world.member)
    shown = client.get(f"/c/riverside/meetings/{meeting.id}").get_data(as_text=True)
    assert "Voting now: Strike on Monday" in shown and "Vote now" in shown and "0 of 1 have voted" in shown
    vote_id = db.session.scalar(select(Referendum.id).where(Referendum.meeting_id == meeting.id))
    vote_page = client.get(f"/c/riverside/referenda/{vote_id}").get_data(as_text=True)
    assert "Taken at a general meeting" in vote_page and f"/meetings/{meeting.id}" in vote_page


def test_the_room_screen_shows_the_code_and_turnout_never_a_partial_count(client, world):
    proposal = factories.deliberated_proposal(world)
    meeting = called(world, proposal)
    at(meeting.starts_at)
    meetings.call_to_order(world.steering, world.chapter, meeting.id)
    for user in (world.member, world.elected):
        meetings.check_in(user, world.chapter, meeting.id, code=meetings.room_code(meeting, now()))
    vote = meeting_votes.open_vote(world.elected, world.chapter, meeting.id, proposal.id)
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    login(client, world.member)
    assert client.get(f"/c/riverside/meetings/{meeting.id}/screen").status_code == 403  # it shows the code
    login(client, world.elected)  # a teller
    screen = client.get(f"/c/riverside/meetings/{meeting.id}/screen").get_data(as_text=True)
    code = meetings.room_code(meeting, now())
    assert f"{code[:3]} {code[3:]}" in screen and "<svg" in screen and 'http-equiv="refresh"' in screen
    assert "1 of 2 have voted" in screen and "Voting now: Strike on Monday" in screen
    assert "yes" not in screen.lower().replace("yes/no", "")  # no count while it is open
    at(vote.closes_at)
    screen = client.get(f"/c/riverside/meetings/{meeting.id}/screen").get_data(as_text=True)
    assert "Result: Strike on Monday" in screen and "Adopted" in screen  # certified at close, on the spot
    meetings.adjourn(world.steering, world.chapter, meeting.id)
    screen = client.get(f"/c/riverside/meetings/{meeting.id}/screen").get_data(as_text=True)
    assert "The meeting is adjourned." in screen and "data-closed" in screen and "http-equiv" not in screen


def test_the_live_part_is_a_304_until_something_the_member_sees_changes(client, world):
    meeting = called(world, factories.deliberated_proposal(world))
    at(meeting.starts_at)
    meetings.check_in(world.member, world.chapter, meeting.id, code=meetings.room_code(meeting, now()))
    login(client, world.member)
    page = client.get(f"/c/riverside/meetings/{meeting.id}").get_data(as_text=True)
    version = re.search(r'data-version="([0-9a-f]+)"', page).group(1)
    assert 'src="/static/live.js"' in page
    live = f"/c/riverside/meetings/{meeting.id}/live"
    assert client.get(live, headers={"If-None-Match": f'W/"{version}"'}).status_code == 304
    meetings.check_in_member(world.elected, world.chapter, meeting.id, world.steering.email)  # someone arrives
    changed = client.get(live, headers={"If-None-Match": f'W/"{version}"'})
    assert changed.status_code == 200 and "2 present" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != f'W/"{version}"'
    assert client.get(live, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304
    assert client.get(f"/c/riverside/meetings/{meeting.id}/screen/live").status_code == 403  # it shows the code
    login(client, world.elected)
    screen = client.get(f"/c/riverside/meetings/{meeting.id}/screen/live")
    assert screen.status_code == 200 and meetings.room_code(meeting, now())[:3] in screen.get_data(as_text=True)


def test_a_teller_checks_members_in_from_the_roster(client, world):
    proposal = factories.deliberated_proposal(world)
    meeting = called(world, proposal)
    at(meeting.starts_at)
    login(client, world.elected)
    page = client.get(f"/c/riverside/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert f'value="{world.member.email}"' in page and 'list="roster"' in page  # the roster suggests
    unknown = client.post(f"/c/riverside/meetings/{meeting.id}/attendance", data={"email": "nobody@example.org"})
    assert unknown.status_code == 422 and "No member of this chapter has this email." in unknown.get_data(as_text=True)
    client.post(f"/c/riverside/meetings/{meeting.id}/attendance", data={"email": world.member.email})
    page = client.get(f"/c/riverside/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "by a teller" in page and "1 present" in page
    client.post(f"/c/riverside/meetings/{meeting.id}/departures", data={"email": world.member.email})
    assert "0 present" in client.get(f"/c/riverside/meetings/{meeting.id}/attendance").get_data(as_text=True)


def test_list_and_attendance_pages_query_count_does_not_grow(client, world, count_queries):
    proposal = factories.deliberated_proposal(world)
    meeting = called(world, proposal)
    at(meeting.starts_at)
    meetings.check_in_member(world.elected, world.chapter, meeting.id, world.member.email)
    login(client, world.elected)
    urls = ("/c/riverside/meetings", f"/c/riverside/meetings/{meeting.id}/attendance")
    few = {}
    for url in urls:
        client.get(url)
        with count_queries() as n:
            client.get(url)
        few[url] = n["n"]
    for i in range(8):
        meetings.check_in_member(world.elected, world.chapter, meeting.id,
                                 factories.make_membership(world.chapter).user.email)
        called(world, proposal, title=f"Meeting {i}", agenda=())
    for url in urls:
        with count_queries() as n:
            client.get(url)
        assert n["n"] == few[url], url
