"""The public's way in: the list of public chapters at /, a chapter's front page, its bylaws in words."""
from __future__ import annotations

from datetime import date, timedelta

from openbargain.extensions import db
from openbargain.models import Bylaws, Mandate
from openbargain.services import bargaining
from openbargain.services.proposals import chapter_today
from tests import factories
from tests.conftest import login
from tests.helpers import membership


def _private(chapter) -> None:
    db.session.get(Bylaws, chapter.id).public_pages = False
    db.session.commit()


def _decided_in_public(world) -> Mandate:
    return factories.make_mandate(world, title="Vote no on the levy", visibility="public")


def test_the_home_page_lists_the_chapters_that_work_in_the_open(client, world):
    _private(world.other_chapter)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/c/riverside/"' in html and world.other_chapter.name not in html


def test_a_visitor_reads_the_front_page_of_a_public_chapter(client, world):
    mandate = _decided_in_public(world)
    mandate.due_on = chapter_today(world.chapter) - timedelta(days=4)
    db.session.commit()
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Open letter",
                            visibility="public")
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Members-only tactic")
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(date.today(), "Speaker's office",
                                                                            offered="A committee seat"))
    response = client.get("/c/riverside/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dashboard" not in html
    assert "Open letter" in html and "Members-only tactic" not in html
    assert "Vote no on the levy" in html and "Adopted: 1 yes, 0 no" in html  # the outcome in one sentence
    assert "report overdue by 4 days" in html and 'class="is-overdue"' in html
    assert "met Speaker&#39;s office" in html
    assert 'href="/login?next=/c/riverside/"' in html


def test_the_front_page_does_not_query_per_item(client, world, count_queries):
    _decided_in_public(world)
    client.get("/c/riverside/")
    with count_queries() as few:
        client.get("/c/riverside/")
    for i in range(3):
        _decided_in_public(world)
        factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title=f"Letter {i}",
                                visibility="public")
    with count_queries() as many:
        client.get("/c/riverside/")
    assert many["n"] == few["n"]


def test_a_private_chapter_sends_visitors_to_log_in_and_outsiders_away(client, world):
    _private(world.chapter)
    for path in ("/c/riverside/", "/c/riverside/bylaws"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login?next=")
    login(client, world.other_steering)
    assert client.get("/c/riverside/").status_code == 404
    assert client.get("/c/riverside/bylaws").status_code == 404
    assert "riverside" not in client.get("/").get_data(as_text=True).split("Chapters that work in the open")[1]


def test_the_bylaws_read_in_words_and_only_steering_may_change_them(client, world):
    html = client.get("/c/riverside/bylaws").get_data(as_text=True)
    assert "Members deliberate on a proposal for at least" in html and "<form" not in html.split("<main")[1]
    assert client.post("/c/riverside/bylaws", data={"quorum_percent": "1"}).status_code == 302  # to log in
    login(client, world.member)
    assert client.post("/c/riverside/bylaws", data={"quorum_percent": "1"}).status_code == 403
    assert db.session.get(Bylaws, world.chapter.id).quorum_percent != 1
    login(client, world.steering)
    assert 'name="quorum_percent"' in client.get("/c/riverside/bylaws").get_data(as_text=True)


def test_the_calendar_is_an_agenda_with_a_webcal_link(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Open letter",
                                visibility="public")
    html = client.get("/c/riverside/calendar").get_data(as_text=True)
    assert "Deadline for the elected" in html and "Open letter" in html and p.deadline.strftime("%-d %B %Y") in html
    assert 'href="webcal://localhost/c/riverside/calendar.ics"' in html and "data-copy" in html
