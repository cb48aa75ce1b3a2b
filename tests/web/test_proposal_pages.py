from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Comment, Proposal, ProposalStatus, Stance
from openbargain.services import deliberation
from openbargain.services.proposals import chapter_today
from tests import factories
from tests.conftest import login
from tests.helpers import membership



def form_data(world, **changes):
    data = {
        "title": "Vote no on the budget deal",
        "decision": "How to vote on the budget deal.",
        "deadline": (date.today() + timedelta(days=20)).isoformat(),
        "body": "It **cuts** transit. <script>alert('x')</script>",
        "electeds": [str(membership(world.elected).id)],
        "ballot_kind": "yes_no",
        "adopted_directive": "Vote no.",
        "rejected_directive": "",
        "fallback_directive": "",
        "visibility": "members",
    }
    data.update(changes)
    return data


def test_draft_publish_and_read_a_proposal(client, world, outbox):
    login(client, world.member)
    response = client.post("/c/riverside/proposals/new", data=form_data(world))
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status == ProposalStatus.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Publish and open deliberation" in page
    assert "<strong>cuts</strong>" in page and "<script>alert" not in page
    assert client.post(f"/c/riverside/proposals/{proposal.id}/publish").status_code == 302
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.DELIBERATION
    assert [m.to for m in outbox] == [world.elected.email]


def test_form_errors_sit_on_their_fields_and_nothing_is_saved(client, world):
    login(client, world.member)
    response = client.post("/c/riverside/proposals/new", data=form_data(
        world, title="", deadline=(chapter_today(world.chapter) - timedelta(days=1)).isoformat(), electeds=[]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-error"' in html
    assert "The deadline is in the past." in html and "Choose at least one elected" in html
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_a_ranked_proposal_from_the_form(client, world):
    login(client, world.member)
    data = form_data(world, ballot_kind="ranked", adopted_directive="", **{
        "options-0-label": "Bloc", "options-0-directive": "Endorse as a bloc.",
        "options-1-label": "bloc", "options-1-directive": "Duplicate label."})
    response = client.post("/c/riverside/proposals/new", data=data)
    assert response.status_code == 422 and "Two options are labelled" in response.get_data(as_text=True)
    data["options-1-label"] = "One by one"
    assert client.post("/c/riverside/proposals/new", data=data).status_code == 302
    assert [o.label for o in db.session.scalar(select(Proposal)).options] == ["Bloc", "One by one"]


def test_comment_reply_and_hide_through_the_pages(client, world):
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    login(client, world.member)
    url = f"/c/riverside/proposals/{proposal.id}"
    assert client.post(f"{url}/comments", data={"stance": "for", "body": "Agreed."}).status_code == 302
    first = db.session.scalar(select(Comment))
    empty = client.post(f"{url}/comments", data={"stance": "for", "body": ""})
    assert empty.status_code == 422
    client.post(f"{url}/comments", data={"stance": "neutral", "body": "A reply", "parent_id": str(first.id)})
    client.post("/logout")
    login(client, world.steering)
    assert client.post(f"{url}/comments/{first.id}/hide", data={"reason": "off topic"}).status_code == 302
    client.post("/logout")
    login(client, world.elected)
    html = client.get(url).get_data(as_text=True)
    assert "Hidden by moderators: off topic" in html and "Agreed." not in html and "A reply" in html


def test_visitors_see_public_proposals_only(client, world):
    members_only = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    public = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], visibility="public",
                                     title="Open letter")
    # A visitor is sent to log in (they may be a member whose session ended), and is told the same
    # of a proposal that does not exist: nothing says a members-only proposal is there.
    hidden, missing = (client.get(f"/c/riverside/proposals/{n}") for n in (members_only.id, 10**6))
    assert hidden.status_code == missing.status_code == 302
    assert hidden.location == f"/login?next=/c/riverside/proposals/{members_only.id}"
    assert missing.location == "/login?next=/c/riverside/proposals/1000000"
    assert client.get(f"/c/riverside/proposals/{public.id}").status_code == 200
    listing = client.get("/c/riverside/proposals/").get_data(as_text=True)
    assert "Open letter" in listing and "Vote no on the budget deal" not in listing


def test_list_page_query_count_does_not_grow(client, world, count_queries):
    elected = membership(world.elected)
    factories.make_proposal(world.chapter, world.member, [elected])
    login(client, world.member)
    client.get("/c/riverside/proposals/")
    with count_queries() as few:
        client.get("/c/riverside/proposals/")
    for i in range(12):
        factories.make_proposal(world.chapter, world.member, [elected], title=f"Proposal {i}")
    with count_queries() as many:
        html = client.get("/c/riverside/proposals/").get_data(as_text=True)
    assert "Proposal 11" in html
    assert many["n"] == few["n"]


def test_proposal_page_query_count_does_not_grow_with_comments(client, world, count_queries):
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    deliberation.post_comment(world.member, world.chapter, proposal.id, Stance.FOR, "first")
    login(client, world.member)
    url = f"/c/riverside/proposals/{proposal.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    authors = [factories.make_membership(world.chapter).user for _ in range(5)]
    parent = None
    for i in range(25):
        c = deliberation.post_comment(authors[i % 5], world.chapter, proposal.id, Stance.AGAINST, f"comment {i}",
                                      parent.id if parent and i % 3 else None)
        parent = c
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert "comment 24" in html
    assert many["n"] == few["n"]


def test_bylaws_page(client, world):
    login(client, world.steering)
    assert client.get("/c/riverside/bylaws").status_code == 200
    bad = client.post("/c/riverside/bylaws", data={"min_deliberation_hours": "x"})
    assert bad.status_code == 422
    fields = {"min_deliberation_hours": "72", "urgent_min_deliberation_hours": "12", "voting_hours": "96",
              "urgent_voting_hours": "24", "petition_delay_hours": "24", "quorum_percent": "25",
              "threshold": "two_thirds", "petition_percent": "10", "amendment_percent": "5", "public_pages": "y",
              "min_voting_hours": "24", "urgent_min_voting_hours": "6", "urgent_cosign_percent": "15",
              "ranked_ballots_public": "never", "ranked_ballots_min_roll": "50", "session_delay_minutes": "15",
              "public_sessions": "y", "ack_within_hours": "72", "report_grace_days": "7", "escalate_after_days": "10",
              "accountability_petition_percent": "5", "recall_petition": "y", "platform_report_months": "3",
              "committee_of": "none", "callup_days": "7", "callup_percent": "5", "revoting": "y",
              "meeting_quorum_percent": "15", "meeting_vote_minutes": "12"}
    too_long = client.post("/c/riverside/bylaws", data={**fields, "session_delay_minutes": "1441"})
    assert too_long.status_code == 422 and "Use 0 to 1440 minutes." in too_long.get_data(as_text=True)
    assert client.post("/c/riverside/bylaws", data=fields).status_code == 302
    from openbargain.models import Bylaws

    saved = db.session.get(Bylaws, world.chapter.id)
    assert (saved.threshold, saved.ranked_ballots_public) == ("two_thirds", "never")
    assert (saved.session_delay_minutes, saved.public_sessions) == (15, True)
    assert (saved.ack_within_hours, saved.escalate_after_days, saved.recall_petition) == (72, 10, True)
    no_petition = client.post("/c/riverside/bylaws", data={**fields, "accountability_petition_percent": "0"})
    assert no_petition.status_code == 422 and "cannot be taken away" in no_petition.get_data(as_text=True)


def test_urgency_on_the_proposal_page(client, world):
    from openbargain.models import Bylaws, Membership, Proposal

    db.session.get(Bylaws, world.chapter.id).urgent_cosign_percent = 50
    db.session.commit()
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    proposal = factories.make_proposal(world.chapter, world.member, [elected])
    url = f"/c/riverside/proposals/{proposal.id}"
    login(client, world.member)
    page = client.get(url).get_data(as_text=True)
    assert "Ask for the urgent track" in page and "2 members can ask for it together" in page
    asked = client.post(f"{url}/urgency", data={"reason": "The council votes Thursday at 10:00."},
                        follow_redirects=True).get_data(as_text=True)
    assert "You signed the request" in asked and "1 of 2 members asked" in asked
    login(client, world.steering)
    declared = client.post(f"{url}/urgency", data={"reason": "The council moved the vote up."},
                           follow_redirects=True).get_data(as_text=True)
    assert "Declared urgent" in declared and "Urgent because" in declared
    assert db.session.get(Proposal, proposal.id).urgent_reason == "The council moved the vote up."


def test_withdrawing_asks_for_a_reason_then_publishes_it(client, world, outbox):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    url = f"/c/riverside/proposals/{p.id}/withdraw"
    login(client, world.steering)
    page = client.get(f"/c/riverside/proposals/{p.id}").get_data(as_text=True)
    assert f'href="{url}"' in page and f'action="{url}"' not in page  # a link to a confirmation, not a button
    confirm = client.get(url).get_data(as_text=True)
    assert "Withdraw this proposal" in confirm and 'name="reason"' in confirm
    refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 422 and 'id="reason-error"' in refused.get_data(as_text=True)
    assert db.session.get(Proposal, p.id).status == ProposalStatus.DELIBERATION
    assert client.post(url, data={"reason": "The bill was pulled from the agenda."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == ProposalStatus.WITHDRAWN
    login(client, world.member)
    shown = client.get(f"/c/riverside/proposals/{p.id}").get_data(as_text=True)
    assert "Withdrawn</strong>" in shown and "by the steering committee" in shown
    assert "The bill was pulled from the agenda." in shown
    assert [m.to for m in outbox if "withdrawn" in m.subject] == [world.member.email]


def test_a_member_who_may_not_withdraw_is_turned_back(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    login(client, world.elected)
    response = client.get(f"/c/riverside/proposals/{p.id}/withdraw")
    assert response.status_code == 302 and response.location == f"/c/riverside/proposals/{p.id}"
    assert client.post(f"/c/riverside/proposals/{p.id}/withdraw", data={"reason": "Mine now."}).status_code == 302
    assert db.session.get(Proposal, p.id).status == ProposalStatus.DELIBERATION


def test_the_thread_badges_roles_keeps_replies_out_of_the_tally_and_keeps_the_page_on_an_error(client, world):
    p = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    opening = deliberation.post_comment(world.member, world.chapter, p.id, Stance.FOR, "Yes, do it.")
    deliberation.post_comment(world.elected, world.chapter, p.id, Stance.NEUTRAL, "I hear you.", opening.id)
    login(client, world.member)
    html = client.get(f"/c/riverside/proposals/{p.id}").get_data(as_text=True)
    elected = membership(world.elected)
    assert f'<span class="status role-badge">elected, {elected.office}</span>' in html
    tally = html.split('class="stances"')[1].split("</ul>")[0]
    assert "for <strong>1</strong>" in tally and "neutral <strong>0</strong>" in tally  # the reply takes no stance
    assert "just now" in html
    empty = client.post(f"/c/riverside/proposals/{p.id}/comments", data={"stance": "for", "body": ""})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Yes, do it." in page and 'id="body-error"' in page  # thread kept
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 2


def test_the_proposal_form_sums_up_its_errors_adds_options_previews_and_keeps_headings(client, world):
    login(client, world.member)
    empty = client.get("/c/riverside/proposals/new").get_data(as_text=True)
    assert empty.count('class="option-entry"') == 2 and 'name="add_option"' in empty  # no six blank slots
    more = client.post("/c/riverside/proposals/new", data={"add_option": "1", "options-0-label": "Bloc",
                                                           "options-1-label": "Alone"}).get_data(as_text=True)
    assert more.count('class="option-entry"') == 3 and 'value="Bloc"' in more and 'id="title-error"' not in more
    preview = client.post("/c/riverside/proposals/new", data={"preview": "1", "body": "## Background\n\nCuts."})
    assert preview.status_code == 200 and "<h3>Background</h3>" in preview.get_data(as_text=True)
    refused = client.post("/c/riverside/proposals/new", data=form_data(world, title="", electeds=[]))
    html = refused.get_data(as_text=True)
    summary = html.split('class="form-errors error-summary"')[1].split("</div>")[0]
    assert 'href="#title"' in summary and 'href="#electeds"' in summary
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
