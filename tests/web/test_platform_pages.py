"""The platform's and the committee's pages: drafting a plank, an amendment and a repeal; the
platform and a plank with whom it binds; recording a committee decision with its roll call;
signing the call-up; a standing mandate's period reports; the bylaws that set all of it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Bylaws, CommitteeDecision, Mandate, Proposal, ProposalKind, Visibility
from openbargain.services import committee, mandates
from openbargain.services.proposals import OptionDraft
from tests import factories
from tests.conftest import login
from tests.helpers import membership, set_bylaws



def test_a_member_drafts_a_plank_binding_every_elected(client, world):
    login(client, world.member)
    form = client.get("/c/riverside/platform/new").get_data(as_text=True)
    assert "Propose a plank" in form and "Every elected of the chapter" in form
    bad = client.post("/c/riverside/platform/new", data={"title": "No abatements", "plank": "", "binds": "named",
                                                         "visibility": "members"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Write the plank" in html and "Choose at least one elected" in html
    assert db.session.scalar(select(Proposal)) is None
    ok = client.post("/c/riverside/platform/new", data={
        "title": "No abatements", "plank": "Vote no on every tax abatement above $1M.", "binds": "all",
        "visibility": "members"})
    proposal = db.session.scalar(select(Proposal))
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert proposal.kind == ProposalKind.PLANK and proposal.binds_all_electeds and proposal.deadline is None
    page = client.get(f"/c/riverside/proposals/{proposal.id}").get_data(as_text=True)
    assert "A new plank of the platform" in page and "those elected later included" in page
    # Editing goes through the plank's own form.
    edit = client.get(f"/c/riverside/proposals/{proposal.id}/edit")
    assert edit.status_code == 302 and edit.headers["Location"].endswith(f"/platform/drafts/{proposal.id}/edit")
    assert "Vote no on every tax abatement above $1M." in client.get(edit.headers["Location"]).get_data(as_text=True)


def test_the_platform_and_a_plank_show_whom_it_binds_and_its_history(client, world):
    plank = factories.adopt_plank(world)
    login(client, world.member)
    index = client.get("/c/riverside/platform").get_data(as_text=True)
    assert "No abatements for luxury towers" in index and "binds every elected" in index
    assert world.elected.name in index
    page = client.get(f"/c/riverside/platform/{plank.id}").get_data(as_text=True)
    assert "Propose an amendment" in page and "Propose a repeal" in page and "Next report due" in page
    amend = client.get(f"/c/riverside/platform/new?amends={plank.id}").get_data(as_text=True)
    assert "Vote no on every tax abatement above $1M." in amend and "It amends the plank" in amend
    client.post(f"/c/riverside/platform/new?amends={plank.id}", data={
        "title": "Lower the bar", "plank": "Vote no on every tax abatement above $500k.", "binds": "all",
        "visibility": "members"})
    amending = db.session.scalar(select(Proposal).where(Proposal.title == "Lower the bar"))
    assert amending.plank_id == plank.id
    repeal = client.post(f"/c/riverside/platform/{plank.id}/repeal", data={
        "title": "Repeal it", "body": "It backfired.", "visibility": "members"})
    repealing = db.session.scalar(select(Proposal).where(Proposal.title == "Repeal it"))
    assert repeal.status_code == 302 and repealing.kind == ProposalKind.REPEAL and repealing.plank_id == plank.id


def test_visitors_see_public_planks_only(client, world):
    factories.adopt_plank(world, title="Members only plank")
    factories.adopt_plank(world, title="Never trade a bill for silence", visibility="public")
    html = client.get("/c/riverside/platform").get_data(as_text=True)
    assert "Never trade a bill for silence" in html and "Members only plank" not in html


def test_the_platform_list_is_a_fixed_number_of_queries(client, world, count_queries):
    for n in range(3):
        factories.adopt_plank(world, title=f"Plank {n}", adopted_directive=f"Directive {n}.")
    for _ in range(3):
        factories.make_membership(world.chapter, elected=True)
    login(client, world.member)
    with count_queries() as few:
        client.get("/c/riverside/platform")
    for n in range(3, 6):
        factories.adopt_plank(world, title=f"Plank {n}", adopted_directive=f"Directive {n}.")
    login(client, world.member)  # weeks later: a fresh login
    with count_queries() as more:
        html = client.get("/c/riverside/platform").get_data(as_text=True)
    assert "Plank 5" in html and more["n"] == few["n"]


def seated(world):
    plank = factories.adopt_plank(world)
    set_bylaws(world.chapter, committee_of="steering", callup_percent=25)
    return plank


def test_the_committee_records_a_decision_from_the_form(client, world):
    plank = seated(world)
    login(client, world.steering)
    form = client.get("/c/riverside/committee/new").get_data(as_text=True)
    assert "Record a committee decision" in form and world.steering.name in form and "For option 1" in form
    me = membership(world.steering).id
    data = {"title": "Harbor Point", "decision": "How to vote on Thursday.",
            "deadline": (now().date() + timedelta(days=2)).isoformat(), "electeds": [membership(world.elected).id],
            "options-0-label": "Vote no", "options-0-directive": "Vote no on Harbor Point.",
            "options-1-label": "Abstain", "options-1-directive": "Abstain on Harbor Point.",
            "chosen": "2", "reasoning": "The platform says no.", "plank_ids": [plank.id],
            "votes-0-membership_id": me, "votes-0-vote": "1", "visibility": "members"}
    bad = client.post("/c/riverside/committee/new", data=data)
    assert bad.status_code == 422 and "does not give the chosen option more than half" in bad.get_data(as_text=True)
    assert db.session.scalar(select(CommitteeDecision)) is None
    ok = client.post("/c/riverside/committee/new", data=data | {"chosen": "1"})
    decision = db.session.scalar(select(CommitteeDecision))
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/committee/{decision.id}")
    login(client, world.member)
    page = client.get(f"/c/riverside/committee/{decision.id}").get_data(as_text=True)
    assert "Vote no on Harbor Point." in page and "The committee's reasoning" in page
    assert "Sign the call-up" in page and world.steering.name in page
    # The committee decision's proposal page is the decision's.
    shown = client.get(f"/c/riverside/proposals/{decision.proposal_id}")
    assert shown.status_code == 302 and shown.headers["Location"].endswith(f"/committee/{decision.id}")
    assert "Harbor Point" not in client.get("/c/riverside/proposals/").get_data(as_text=True)
    mandate = db.session.scalar(select(Mandate).where(Mandate.proposal_id == decision.proposal_id))
    assert "from a committee decision" in client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)


def test_a_member_calls_a_decision_up_from_its_page(client, world):
    plank = seated(world)
    decision = committee.record_decision(world.steering, world.chapter, committee.DecisionDraft(
        "Harbor Point", "", "How to vote.", now().date() + timedelta(days=2), [membership(world.elected).id],
        [OptionDraft("No", "Vote no."), OptionDraft("Abstain", "Abstain.")], 1, "Against the platform.",
        [plank.id], {membership(world.steering).id: "1"}))
    login(client, world.member)
    signed = client.post(f"/c/riverside/committee/{decision.id}/call-up", follow_redirects=True)
    html = signed.get_data(as_text=True)
    assert "Your signature carried the call-up" in html and "The members' vote on it" in html
    db.session.expire_all()
    called = db.session.get(CommitteeDecision, decision.id)
    overview = client.get("/c/riverside/accountability").get_data(as_text=True)
    assert called.callup_proposal_id and "members called up 1, and overturned 0" in overview
    index = client.get("/c/riverside/committee").get_data(as_text=True)
    assert "called up: the members vote" in index


def test_a_standing_mandate_page_offers_the_period_report(client, world):
    plank = factories.adopt_plank(world)
    mandate = db.session.scalar(select(Mandate).where(Mandate.proposal_id == plank.proposal_id))
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    login(client, world.elected)
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    assert "from a platform plank" in page and "Report on the period to" in page
    client.post(f"/c/riverside/mandates/{mandate.id}/reports", data={
        "outcome": "fulfilled", "statement": "Voted no twice.", "acted_on": now().date().isoformat()})
    page = client.get(f"/c/riverside/mandates/{mandate.id}").get_data(as_text=True)
    assert "For the period to" in page and "File a correction of the latest report" in page


def test_steering_sets_the_platform_and_committee_bylaws_and_names_the_committee(client, world):
    login(client, world.steering)
    page = client.get("/c/riverside/bylaws").get_data(as_text=True)
    assert "The platform and the committee" in page
    fields = {c.name: getattr(db.session.get(Bylaws, world.chapter.id), c.name)
              for c in Bylaws.__table__.columns if c.name != "chapter_id"}
    data = {k: ("y" if v is True else v) for k, v in fields.items() if v is not False}
    data |= {"committee_of": "named", "callup_percent": "0", "platform_report_months": "1"}
    bad = client.post("/c/riverside/bylaws", data=data)
    assert bad.status_code == 422 and "call a decision up cannot be taken away" in bad.get_data(as_text=True)
    saved = client.post("/c/riverside/bylaws", data=data | {"callup_percent": "20"})
    assert saved.status_code == 302
    db.session.expire_all()
    bylaws = db.session.get(Bylaws, world.chapter.id)
    assert (bylaws.committee_of, bylaws.callup_percent, bylaws.platform_report_months) == ("named", 20, 1)
    assert "The committee's members" in client.get("/c/riverside/bylaws").get_data(as_text=True)
    client.post("/c/riverside/committee/seats", data={"emails": f"{world.member.email}\n{world.elected.email}"})
    assert committee.seat_emails(world.steering, world.chapter) == sorted([world.member.email, world.elected.email])
    login(client, world.member)
    read = client.get("/c/riverside/bylaws").get_data(as_text=True)
    assert "The members named to the committee decide" in read and "20% of members" in read


def test_an_embargoed_decision_stays_off_every_list_until_released(client, world):
    plank = seated(world)
    until = now() + timedelta(hours=12)
    committee.record_decision(world.steering, world.chapter, committee.DecisionDraft(
        "Harbor Point abatement", "", "How to vote.", now().date() + timedelta(days=2), [membership(world.elected).id],
        [OptionDraft("No", "Vote no."), OptionDraft("Abstain", "Abstain.")], 1, "Against the platform.",
        [plank.id], {membership(world.steering).id: "1"}, visibility=Visibility.PUBLIC, embargo_until=until))
    pages = ["/c/riverside/feed.atom", "/c/riverside/calendar", "/c/riverside/committee", "/c/riverside/accountability"]
    for path in pages:
        assert "Harbor Point abatement" not in client.get(path).get_data(as_text=True), path
    login(client, world.member)
    for path in pages + ["/c/riverside/", f"/c/riverside/electeds/{membership(world.elected).id}"]:
        assert "Harbor Point abatement" not in client.get(path).get_data(as_text=True), path
    set_clock(lambda: until + timedelta(minutes=1))
    login(client, world.member)
    for path in ["/c/riverside/committee", f"/c/riverside/electeds/{membership(world.elected).id}"]:
        assert "Harbor Point abatement" in client.get(path).get_data(as_text=True), path
