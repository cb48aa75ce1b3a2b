"""The live bargaining session's pages: opening one, posting, the live part's ETag, reacting,
closing — and what a visitor sees where the chapter lets them watch."""
from __future__ import annotations

from sqlalchemy import select

from openbargain.extensions import db
from openbargain.models import BargainingSession, EntryKind, SessionEntry
from openbargain.services import bargaining_sessions as sessions
from tests.conftest import login
from tests.helpers import membership, set_bylaws


def opened(world) -> BargainingSession:
    return sessions.open_session(world.elected, world.chapter, sessions.SessionDraft(
        "The budget vote", "Speaker's office", "Alex Rivera; the Speaker's chief of staff"))


def test_an_elected_opens_a_session_from_the_form(client, world):
    login(client, world.elected)
    form = client.get("/c/riverside/sessions/new").get_data(as_text=True)
    assert "Open a bargaining session" in form and "shown as soon as you post it" in form
    bad = client.post("/c/riverside/sessions/new", data={"subject": "", "counterparty": "x", "at_the_table": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Say what the session is about." in html and "Say who is at the table." in html
    assert db.session.scalar(select(BargainingSession)) is None
    ok = client.post("/c/riverside/sessions/new", data={
        "subject": "The budget vote", "counterparty": "Speaker's office", "at_the_table": "Both offices",
        "note_taker_email": world.member.email})
    session = db.session.scalar(select(BargainingSession))
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/sessions/{session.id}")
    assert session.note_taker_id == membership(world.member).id


def test_the_elected_posts_and_is_told_when_it_is_shown(client, world):
    set_bylaws(world.chapter, session_delay_minutes=15)
    session = opened(world)
    login(client, world.elected)
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert "Posted now, it is shown in 15 minutes." in page and "Post and seal" in page
    empty = client.post(f"/c/riverside/sessions/{session.id}/entries", data={"kind": "offer", "body": " "})
    assert empty.status_code == 422 and "Say what happened at the table." in empty.get_data(as_text=True)
    posted = client.post(f"/c/riverside/sessions/{session.id}/entries",
                         data={"kind": "threat", "body": "A primary challenge"}, follow_redirects=True)
    assert "Posted and sealed. Shown to watchers from" in posted.get_data(as_text=True)
    assert db.session.scalar(select(SessionEntry)).kind == EntryKind.THREAT


def test_the_live_part_answers_304_until_something_changes(client, world):
    session = opened(world)
    login(client, world.member)
    url = f"/c/riverside/sessions/{session.id}/live"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "Nothing posted yet." in first.get_data(as_text=True)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.OFFER, "A committee chair")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "A committee chair" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    assert "1 watching" in changed.get_data(as_text=True)


def test_a_member_takes_the_temperature_without_javascript(client, world):
    session = opened(world)
    entry = sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.OFFER, "A committee chair")
    login(client, world.member)
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert "Hold the line" in page and "We could accept this" in page
    back = client.post(f"/c/riverside/sessions/{session.id}/entries/{entry.id}/hold")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"#entry-{entry.id}")
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert 'aria-pressed="true">Hold the line <span class="count">1</span>' in page


def test_closing_keeps_the_record_and_stops_the_live_page(client, world):
    session = opened(world)
    login(client, world.elected)
    empty = client.post(f"/c/riverside/sessions/{session.id}/close", data={"summary": ""})
    assert empty.status_code == 422 and "Sum up the session for the record." in empty.get_data(as_text=True)
    client.post(f"/c/riverside/sessions/{session.id}/close", data={"summary": "No deal; Thursday again."})
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert "No deal; Thursday again." in page and "live.js" not in page and 'http-equiv="refresh"' not in page
    assert "Post and seal" not in page


def test_a_visitor_watches_where_the_chapter_allows_and_cannot_react(client, world):
    session = opened(world)
    entry = sessions.post_entry(world.elected, world.chapter, session.id, EntryKind.OFFER, "A committee chair")
    assert "/login" in client.get(f"/c/riverside/sessions/{session.id}").headers["Location"]  # members only
    set_bylaws(world.chapter, public_pages=True, public_sessions=True)
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert "A committee chair" in page and "Hold the line: 0" in page and f"/entries/{entry.id}/hold" not in page
    assert "live.js" in page and '<noscript><meta http-equiv="refresh"' in page
    assert "1 watching" in client.get(f"/c/riverside/sessions/{session.id}/live").get_data(as_text=True)


def test_the_sessions_list_is_one_query_whatever_its_length(client, world, count_queries):
    for n in range(2):
        opened(world)
    login(client, world.member)
    with count_queries() as few:
        client.get("/c/riverside/sessions")
    for n in range(6):
        opened(world)
    with count_queries() as many:
        page = client.get("/c/riverside/sessions").get_data(as_text=True)
    assert page.count("live now") == 8 and many["n"] == few["n"]


def test_steering_calls_an_urgent_vote_from_the_page(client, world):
    from datetime import timedelta

    from openbargain.clock import now
    from openbargain.models import Proposal

    session = opened(world)
    login(client, world.steering)
    page = client.get(f"/c/riverside/sessions/{session.id}").get_data(as_text=True)
    assert "Stuck? Call an urgent vote" in page and "you put it on the urgent track at once" in page
    bad = client.post(f"/c/riverside/sessions/{session.id}/urgent-vote", data={"question": "Accept?"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Say what the elected must do if the proposal is adopted." in html
    assert db.session.scalar(select(Proposal)) is None
    done = client.post(f"/c/riverside/sessions/{session.id}/urgent-vote", data={
        "question": "Accept the seat for a yes?", "directive": "Accept and vote yes.", "reason": "Thursday.",
        "deadline": (now().date() + timedelta(days=2)).isoformat()}, follow_redirects=True)
    assert "The vote is called, on the urgent track." in done.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)).urgent


def test_the_dashboard_leads_with_the_sessions_at_the_table_now(client, world):
    session = opened(world)
    login(client, world.member)
    page = client.get("/c/riverside/").get_data(as_text=True)
    assert f"/c/riverside/sessions/{session.id}" in page and "with Speaker&#39;s office: The budget vote" in page
    sessions.close_session(world.elected, world.chapter, session.id, "Done.")
    assert f"/c/riverside/sessions/{session.id}" not in client.get("/c/riverside/").get_data(as_text=True)
