from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import ComplianceReport, MandateStatus, Membership, ReportOutcome
from tests import factories
from tests.conftest import login



def test_the_elected_acknowledges_and_reports_through_the_page(client, world):
    m = factories.make_mandate(world)
    login(client, world.elected)
    url = f"/c/riverside/mandates/{m.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Vote no on the budget deal." in page and "Acknowledge this mandate" in page
    client.post(f"{url}/acknowledge")
    bad = client.post(f"{url}/reports", data={"outcome": "fulfilled", "statement": "", "evidence_url": "file:///etc",
                                              "acted_on": now().date().isoformat()})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Say what you did." in html and "http:// or https://" in html
    ok = client.post(f"{url}/reports", data={"outcome": "fulfilled", "statement": "Voted **no**.",
                                             "evidence_url": "https://example.gov/roll/1",
                                             "acted_on": now().date().isoformat()})
    assert ok.status_code == 302
    db.session.refresh(m)
    assert m.status == MandateStatus.FULFILLED
    assert "<strong>no</strong>" in client.get(url).get_data(as_text=True)


def test_steering_verifies_and_the_scorecard_counts_it(client, world):
    m = factories.make_mandate(world, title="Public mandate")
    from openbargain.services import mandates

    mandates.acknowledge_mandate(world.elected, world.chapter, m.id)
    report = mandates.file_report(world.elected, world.chapter, m.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Done.", "", now().date()))
    login(client, world.steering)
    client.post(f"/c/riverside/reports/{report.id}/review?mandate={m.id}", data={"review": "verified", "note": ""})
    assert db.session.get(ComplianceReport, report.id).review.value == "verified"
    card = client.get(f"/c/riverside/electeds/{m.membership_id}").get_data(as_text=True)
    assert "fulfilled" in card and f"/c/riverside/mandates/{m.id}" in card
    overview = client.get("/c/riverside/accountability").get_data(as_text=True)
    assert world.elected.name in overview


def test_scorecard_and_overview_queries_do_not_grow_with_mandates(client, world, count_queries):
    factories.make_mandate(world, title="First")
    client.get("/c/riverside/accountability")
    with count_queries() as few:
        client.get("/c/riverside/accountability")
    for i in range(4):
        factories.make_mandate(world, title=f"More {i}")
    with count_queries() as many:
        client.get("/c/riverside/accountability")
    assert many["n"] == few["n"]


def test_the_feed_is_atom(client, world):
    response = client.get("/c/riverside/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert b"<feed" in response.data


def test_the_bargaining_form_says_when_an_entry_really_goes_public(client, world):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    proposal = factories.make_proposal(world.chapter, world.member, [elected])
    login(client, world.elected)
    today = now().date().isoformat()
    own = client.post("/c/riverside/bargaining/new", data={"met_on": today, "counterparty": "Lobbyist",
                                                            "offered": "Dinner", "proposal_id": ""},
                      follow_redirects=True)  # no proposal chosen: the elected's own log
    assert own.status_code == 200 and "Logged. It is public now." in own.get_data(as_text=True)
    held = client.post("/c/riverside/bargaining/new", data={"met_on": today, "counterparty": "Speaker",
                                                             "offered": "A chair", "proposal_id": str(proposal.id),
                                                             "embargo_until_vote": "y"}, follow_redirects=True)
    page = held.get_data(as_text=True)
    assert "under embargo until the vote on its proposal opens" in page and "embargoed until its vote opens" in page


def test_the_elected_dashboard_is_a_to_do_list_and_steering_sees_its_queue(client, world, count_queries):
    from openbargain.services import mandates
    from openbargain.services.proposals import chapter_today

    m = factories.make_mandate(world, title="Budget deal")
    m.due_on = chapter_today(world.chapter) - timedelta(days=2)
    db.session.commit()
    login(client, world.elected)
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert "Your mandates" in home and "overdue by 2 days" in home and 'class="is-overdue"' in home
    assert f'action="/c/riverside/mandates/{m.id}/acknowledge"' in home and "Log a bargaining entry" in home
    client.post(f"/c/riverside/mandates/{m.id}/acknowledge")
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert f'href="/c/riverside/mandates/{m.id}#file-report"' in home  # next: the report
    mandates.file_report(world.elected, world.chapter, m.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Done.", "", now().date()))
    login(client, world.steering)
    client.get("/c/riverside/")
    with count_queries() as few:
        steering_home = client.get("/c/riverside/").get_data(as_text=True)
    assert "Steering queue" in steering_home and "1 report to verify" in steering_home
    assert "Your mandates" not in steering_home
    for i in range(3):  # more reports to verify and mandates to list: no more queries
        more = factories.make_mandate(world, title=f"More {i}")
        mandates.acknowledge_mandate(world.elected, world.chapter, more.id)
        mandates.file_report(world.elected, world.chapter, more.id, mandates.ReportDraft(
            ReportOutcome.PARTIALLY, "Some of it.", "", now().date()))
    with count_queries() as many:
        assert "4 reports to verify" in client.get("/c/riverside/").get_data(as_text=True)
    assert many["n"] == few["n"]


def test_the_scorecard_tells_each_mandate_once_as_a_timeline_overdue_first(client, world):
    from openbargain.services import mandates
    from openbargain.services.proposals import chapter_today

    kept = factories.make_mandate(world, title="Kept promise", visibility="public")
    mandates.acknowledge_mandate(world.elected, world.chapter, kept.id)
    mandates.file_report(world.elected, world.chapter, kept.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Done.", "", now().date()))
    late = factories.make_mandate(world, title="Late promise", visibility="public")
    late.due_on = chapter_today(world.chapter) - timedelta(days=1)
    db.session.commit()
    html = client.get(f"/c/riverside/electeds/{kept.membership_id}").get_data(as_text=True)
    assert html.count("Kept promise") == 1 and html.count("Late promise") == 1  # each mandate once
    assert html.index("Late promise") < html.index("Kept promise")  # overdue first
    assert "report overdue" in html and "reported <strong>fulfilled</strong>" in html
    assert 'aria-label="Of 2 mandates: 1 fulfilled, 0 partially, 0 breached, 1 awaiting a report"' in html
    overview = client.get("/c/riverside/accountability").get_data(as_text=True)
    assert "1 overdue." in overview and 'class="share-fulfilled"' in overview


def test_an_embargoed_entry_shows_a_tombstone_never_its_content(client, world):
    from openbargain.services import bargaining

    entry = bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        now().date(), "Secret talks", offered="A seat on the committee", embargo_until=now() + timedelta(days=2)))
    html = client.get(f"/c/riverside/bargaining/{entry.id}").get_data(as_text=True)
    assert "under embargo" in html and world.elected.name in html
    assert "Secret talks" not in html and "A seat on the committee" not in html
    api = client.get(f"/api/v1/chapters/riverside/bargaining/{entry.id}")
    assert api.status_code == 404  # the API answers for content only
    assert client.get("/c/riverside/bargaining/999999").status_code in (302, 404)  # none: no tombstone
