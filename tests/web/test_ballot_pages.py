from __future__ import annotations

import re

from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import Referendum, SealedBallot
from openbargain.services import casting
from tests import factories
from tests.conftest import login, other_app
from tests.helpers import membership



def ballot_count():
    return db.session.scalar(select(func.count()).select_from(SealedBallot))


def test_yes_no_ballot_review_cast_and_receipt(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    base = f"/c/riverside/referenda/{r.id}"
    page = client.get(f"{base}/ballot").get_data(as_text=True)
    assert "Secret ballot" in page and 'name="choice"' in page
    missing = client.post(f"{base}/ballot/review", data={})
    assert missing.status_code == 422 and "Choose yes, no or abstain." in missing.get_data(as_text=True)
    review = client.post(f"{base}/ballot/review", data={"choice": "no"}).get_data(as_text=True)
    assert f"<strong>No — {world.elected.name}:" in review and ballot_count() == 0  # the sentence, not a bare "No"
    receipt = client.post(f"{base}/ballot/cast", data={"choice": "no"})
    assert receipt.headers["Cache-Control"] == "no-store"
    html = receipt.get_data(as_text=True)
    groups = re.findall(r"<span>([0-9a-f]{4})</span>", html.split('class="tracker"')[1].split("</code>")[0])
    tracker = " ".join(groups)  # each group of four is kept whole: a line breaks only between groups
    assert ballot_count() == 1 and len(groups) == 8 and "can use it to prove your vote" in html
    saved = client.post(f"{base}/tracker.txt", data={"tracker": tracker})
    assert saved.headers["Content-Disposition"] == f'attachment; filename="tracker-riverside-{r.id}.txt"'
    assert tracker in saved.get_data(as_text=True) and f"{base}/board" in saved.get_data(as_text=True)
    assert client.post(f"{base}/tracker.txt", data={"tracker": "not a tracker"}).status_code == 400
    show = client.get(base).get_data(as_text=True)
    assert "You voted" in show and tracker not in show and "Turnout so far</dt><dd>1 of 3" in show
    again = client.post(f"{base}/ballot/cast", data={"choice": "yes"}, follow_redirects=True)
    assert "already voted" in again.get_data(as_text=True) and ballot_count() == 1


def test_ranked_ballot_without_javascript(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    login(client, world.member)
    base = f"/c/riverside/referenda/{r.id}"
    page = client.get(f"{base}/ballot").get_data(as_text=True)
    assert 'name="rank-0"' in page and 'name="rank-1"' in page and "ballot.js" in page
    clash = client.post(f"{base}/ballot/review", data={"rank-0": "1", "rank-1": "1"})
    assert clash.status_code == 422 and "both have rank 1" in clash.get_data(as_text=True)
    forged = client.post(f"{base}/ballot/review", data={"rank-0": "1", "rank-7": "2"})
    assert forged.status_code == 422 and "not on it" in forged.get_data(as_text=True)
    review = client.post(f"{base}/ballot/review", data={"rank-0": "2", "rank-1": "1"}).get_data(as_text=True)
    assert "<li><strong>Individually</strong></li><li><strong>Bloc</strong></li>" in review  # 1., 2., in order
    assert client.post(f"{base}/ballot/cast", data={"ranking": ["Individually", "Bloc"]}).status_code == 200
    assert [b["content"] for b in factories.opened_ballots(r.id)] == [{"ranking": ["Individually", "Bloc"]}]


def test_roll_call_ballot_says_so_before_casting(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), secret=False)
    login(client, world.member)
    assert "This is a roll-call vote." in client.get(f"/c/riverside/referenda/{r.id}/ballot").get_data(as_text=True)
    receipt = client.post(f"/c/riverside/referenda/{r.id}/ballot/cast", data={"choice": "yes"}).get_data(as_text=True)
    # The receipt of a roll-call vote never promises the secrecy it does not have.
    assert "roll-call vote" in receipt and "can use it to prove your vote" not in receipt


def test_casting_without_the_csrf_token_is_refused(world):
    r = factories.make_open_referendum(world, membership(world.elected))
    rid, email = r.id, world.member.email
    with other_app(WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
        response = client.post(f"/c/riverside/referenda/{rid}/ballot/cast", data={"choice": "yes"})
        assert response.status_code == 400
    assert ballot_count() == 0


def test_steering_schedules_from_the_proposal_page(client, world):
    from datetime import timedelta

    from openbargain.clock import now, set_clock

    start = now()
    set_clock(lambda: start - timedelta(days=8))
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    set_clock(None)
    login(client, world.steering)
    url = f"/c/riverside/proposals/{proposal.id}/schedule"
    form = client.get(url).get_data(as_text=True)
    assert 'name="opens_at"' in form
    local = (start + timedelta(days=1)).astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    data = {"method": "yes_no", "threshold": "majority", "seats": "1", "quorum_percent": "20",
            "opens_at": local.strftime("%Y-%m-%dT%H:%M"), "closes_at": local.strftime("%Y-%m-%dT%H:%M"),
            "secret": "secret"}
    bad = client.post(url, data=data)
    assert bad.status_code == 422 and "lasts at least 24 hours" in bad.get_data(as_text=True)
    data["closes_at"] = (local + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data=data).status_code == 302
    r = db.session.scalar(select(Referendum))
    assert r.opens_at == local.replace(second=0, microsecond=0).astimezone(r.opens_at.tzinfo)
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert "Coming up" in home and proposal.title in home
    # Cancelling takes a confirmation with the public reason; without one, the vote stays.
    cancel = f"/c/riverside/referenda/{r.id}/cancel"
    assert f'href="{cancel}"' in client.get(f"/c/riverside/referenda/{r.id}").get_data(as_text=True)
    assert client.post(cancel, data={"reason": ""}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Referendum)) == 1
    assert client.post(cancel, data={"reason": "The council moved the vote."}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Referendum)) == 0
    shown = client.get(f"/c/riverside/proposals/{proposal.id}").get_data(as_text=True)
    assert "Vote cancelled</strong>" in shown and "The council moved the vote." in shown


def test_a_logged_out_member_is_asked_to_log_in_not_told_they_are_off_the_roll(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), visibility="public")
    page = client.get(f"/c/riverside/referenda/{r.id}").get_data(as_text=True)
    assert "Log in to vote" in page and "not on this vote" not in page
    assert f"next=/c/riverside/referenda/{r.id}/ballot" in page.replace("%2F", "/")
    login(client, world.other_steering)  # logged in, but of another chapter
    assert "not on this vote" not in client.get(f"/c/riverside/referenda/{r.id}").get_data(as_text=True)


def test_a_member_truly_off_the_roll_is_told_what_to_do(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})  # freezes the roll
    login(client, world.lapsed)
    page = client.get(f"/c/riverside/referenda/{r.id}").get_data(as_text=True)
    assert "You are not on this vote's roll" in page and "ask the steering committee to" in page


def test_yes_and_no_say_what_they_mean_and_the_review_and_receipt_repeat_it(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    ballot = client.get(f"/c/riverside/referenda/{r.id}/ballot").get_data(as_text=True)
    directive = r.proposal.options[0].directive
    meaning = f"Yes — {world.elected.name}: {directive}"
    assert meaning in ballot and f"No — {world.elected.name}:" in ballot
    review = client.post(f"/c/riverside/referenda/{r.id}/ballot/review", data={"choice": "yes"}).get_data(as_text=True)
    assert meaning in review
    receipt = client.post(f"/c/riverside/referenda/{r.id}/ballot/cast", data={"choice": "yes"}).get_data(as_text=True)
    assert f"You voted: <strong>{meaning}</strong>" in receipt.replace("&#39;", "'")


def test_the_dashboard_says_who_still_has_to_vote_and_how_long_is_left(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))  # closes 7 days from "now"
    login(client, world.member)
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert "closes in 7 days" in home and f"/c/riverside/referenda/{r.id}/ballot" in home
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    home = client.get("/c/riverside/").get_data(as_text=True)
    assert "You voted ✓" in home and f"/c/riverside/referenda/{r.id}/ballot" not in home
    login(client, world.lapsed)  # not on the roll frozen when it opened
    assert "you are not on its roll" in client.get("/c/riverside/").get_data(as_text=True)


def test_the_proposal_page_leads_with_the_open_vote(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    page = client.get(f"/c/riverside/proposals/{r.proposal_id}").get_data(as_text=True)
    assert "Vote open — closes in 7 days." in page and f"/c/riverside/referenda/{r.id}/ballot" in page
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "no"})
    assert "You voted ✓" in client.get(f"/c/riverside/proposals/{r.proposal_id}").get_data(as_text=True)


def test_time_left_reads_as_people_say_it():
    from datetime import timedelta

    from openbargain.web.timezones import duration

    assert [duration(t) for t in (timedelta(days=2, hours=4, minutes=5), timedelta(days=1), timedelta(hours=3, minutes=20),
                                  timedelta(minutes=12), timedelta(seconds=20))] == [
        "2 days 4 h", "1 day", "3 h 20 min", "12 min", "1 min"]


def test_the_review_lists_the_ranking_warns_of_a_partial_one_and_change_it_keeps_it(client, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    login(client, world.member)
    base = f"/c/riverside/referenda/{r.id}"
    labels = [o.label for o in r.proposal.options]  # Bloc, Individually
    review = client.post(f"{base}/ballot/review", data={"rank-0": "1"}).get_data(as_text=True)
    assert "<li><strong>Bloc</strong></li>" in review and "Not ranked: Individually." in review
    assert "You ranked 1 of 2 options" in review
    again = client.post(f"{base}/ballot", data={"ranking": ["Bloc"]}).get_data(as_text=True)
    assert re.search(r'id="rank-0" name="rank-0">\s*<option value="">not ranked</option>\s*<option value="1" selected>',
                     again), labels
    full = client.post(f"{base}/ballot/review", data={"rank-0": "2", "rank-1": "1"}).get_data(as_text=True)
    assert "Not ranked" not in full and "You ranked" not in full
    assert ballot_count() == 0  # reviewing and changing cast nothing


def test_the_schedule_form_offers_only_what_the_proposal_can_take_at_a_sensible_hour(client, world):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from openbargain.clock import now, set_clock

    start = now()
    set_clock(lambda: start - timedelta(days=8))
    yes_no = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    ranked = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], kind="ranked",
                                     title="Endorsements")
    set_clock(None)
    login(client, world.steering)
    form = client.get(f"/c/riverside/proposals/{yes_no.id}/schedule").get_data(as_text=True)
    assert 'value="yes_no"' in form and 'value="irv"' not in form and 'name="seats"' not in form
    assert 'name="threshold"' in form and "The earliest the bylaws allow:" in form
    assert f'href="/c/riverside/proposals/{yes_no.id}"' in form
    opens = re.search(r'name="opens_at"[^>]*value="([^"]+)"', form).group(1)
    assert opens.endswith(":00") and 8 <= int(opens[11:13]) <= 21  # a whole hour members are awake for
    ranked_form = client.get(f"/c/riverside/proposals/{ranked.id}/schedule").get_data(as_text=True)
    assert 'value="yes_no"' not in ranked_form and 'value="stv"' in ranked_form
    assert 'name="seats"' in ranked_form and 'name="threshold"' not in ranked_form
    local = (now() + timedelta(days=1)).astimezone(ZoneInfo(world.chapter.timezone))
    refused = client.post(f"/c/riverside/proposals/{yes_no.id}/schedule", data={
        "method": "stv", "quorum_percent": "20", "secret": "secret", "threshold": "majority",
        "opens_at": local.strftime("%Y-%m-%dT%H:%M"), "closes_at": (local + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 422 and db.session.scalar(select(func.count()).select_from(Referendum)) == 0


def test_the_nav_counts_the_votes_awaiting_the_members_ballot(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    login(client, world.member)
    client.get("/c/riverside/")  # the dashboard settles what is due: the roll is frozen at opening
    badge = '<span class="badge">1<span class="visually-hidden"> vote awaits your ballot</span></span>'
    assert badge in client.get("/c/riverside/proposals/").get_data(as_text=True)
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    assert "vote awaits your ballot" not in client.get("/c/riverside/proposals/").get_data(as_text=True)


def test_a_member_votes_again_with_their_tracker_code(client, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    first = casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    login(client, world.member)
    base = f"/c/riverside/referenda/{r.id}"
    show = client.get(base).get_data(as_text=True)
    assert "Vote again with your tracker code" in show
    page = client.get(f"{base}/ballot?revote=1").get_data(as_text=True)
    assert "Vote again:" in page and 'name="tracker"' in page
    typo = client.post(f"{base}/ballot/review", data={"choice": "no", "tracker": "1234"})
    assert typo.status_code == 422 and "A tracker code is 32 characters" in typo.get_data(as_text=True)
    review = client.post(f"{base}/ballot/review", data={"choice": "no", "tracker": first.display})
    html = review.get_data(as_text=True)
    assert "Casting it voids the ballot your tracker code names." in html and f'value="{first.tracker}"' in html
    wrong = client.post(f"{base}/ballot/cast", data={"choice": "no", "tracker": "f" * 32}, follow_redirects=True)
    assert "No ballot counted in this vote has this tracker code" in wrong.get_data(as_text=True)
    receipt = client.post(f"{base}/ballot/cast", data={"choice": "no", "tracker": first.tracker}).get_data(as_text=True)
    assert "Your earlier ballot is void" in receipt and "If you change your mind, or were pressured" in receipt
    assert ballot_count() == 1
    from openbargain.models import VoidedTracker
    assert db.session.scalar(select(VoidedTracker.tracker_hash)) == casting.tracker_hash(first.tracker)


def test_where_the_bylaws_say_a_ballot_is_final_there_is_no_revote(client, world):
    from tests.helpers import set_bylaws

    set_bylaws(world.chapter, revoting=False)
    r = factories.make_open_referendum(world, membership(world.elected))
    first = casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    login(client, world.member)
    base = f"/c/riverside/referenda/{r.id}"
    assert "Vote again" not in client.get(base).get_data(as_text=True)
    refused = client.get(f"{base}/ballot?revote=1", follow_redirects=True).get_data(as_text=True)
    assert "a ballot, once cast, is final" in refused
    cast = client.post(f"{base}/ballot/cast", data={"choice": "no", "tracker": first.tracker}, follow_redirects=True)
    assert "a ballot, once cast, is final" in cast.get_data(as_text=True) and ballot_count() == 1
