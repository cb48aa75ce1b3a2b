"""Notices a member controls: kept in their list, mailed at once, in the morning digest or not at
all as they choose, each mail with a one-click unsubscribe (RFC 8058) that needs no login, and
never a notice that tells anyone how or whether another member voted."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Mandate, Notification, NotificationPreference, User
from openbargain.phrases import say
from openbargain.services import casting, notifications, reminders, results
from openbargain.services.errors import InvalidToken, ValidationFailed
from tests import factories
from tests.conftest import login, other_app
from tests.helpers import membership
from tests.services.test_outbox import Inbox, free_port, smtp_settings


def notices(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query.where(Notification.kind == kind) if kind else query))


def said(notice: Notification) -> str:
    """A notice's title as its reader sees it."""
    return say(notice.title, notice.title_values)


def prefer(user: User, **wanted: str) -> None:
    notifications.set_preferences(user, wanted)


def test_a_vote_opening_is_in_every_roll_members_list_and_mailed_as_each_prefers(app, world, outbox):
    prefer(world.member, proposal_changed="app")  # the author's own news of the scheduling: not this test's
    prefer(world.member, vote_opened="app")
    prefer(world.steering, vote_opened="digest")
    vote = factories.make_open_referendum(world, membership(world.elected))
    outbox.clear()
    report = reminders.tick()
    assert report.open_notices == 3
    for user in (world.member, world.elected, world.steering):
        [notice] = notices(user, "vote_opened")
        assert notice.link == f"/c/{world.chapter.slug}/referenda/{vote.id}" and notice.read_at is None
        assert "is open" in said(notice)
    assert [n.delivery for n in notices(world.steering, "vote_opened")] == ["digest"]
    # By mail at once only to who wants it so; the digest's reader gets it in the digest (tick sends
    # that too once it is past seven in the morning, chapter time), the list-only reader not at all.
    assert {m.to for m in outbox if m.subject.startswith("Vote now")} == {world.elected.email}
    assert world.member.email not in {m.to for m in outbox}
    assert reminders.tick().open_notices == 0 and len(notices(world.elected, "vote_opened")) == 1  # once


def test_you_have_not_voted_goes_only_to_those_who_have_not_and_says_nothing_of_others(app, world, outbox):
    vote = factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    start = now()
    set_clock(lambda: vote.closes_at - timedelta(hours=2))
    try:
        assert reminders.tick().closing_notices == 2
    finally:
        set_clock(lambda: start)
    assert notices(world.member, "vote_closing") == []
    for user in (world.elected, world.steering):
        [notice] = notices(user, "vote_closing")
        assert said(notice).endswith("and you have not voted")
    every_title = " ".join(said(n) for n in db.session.scalars(select(Notification)))
    assert world.member.name not in every_title and "voted" not in every_title.replace("have not voted", "")


def test_a_certified_result_and_a_mandate_reach_the_roll_and_the_elected(app, world, outbox):
    decided = factories.make_open_referendum(world, membership(world.elected), closed=True, title="Decided")
    outbox.clear()
    results.certify_closed(world.chapter.id)
    [notice] = notices(world.member, "result_certified")
    assert notice.delivery == "digest" and said(notice).startswith("“Decided”: ")  # the outcome's sentence
    assert notice.link == f"/c/{world.chapter.slug}/referenda/{decided.id}/result"
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == decided.id))
    [issued] = notices(world.elected, "mandate_issued")
    assert issued.link == f"/c/{world.chapter.slug}/mandates/{mandate.id}"
    assert [m.to for m in outbox if m.subject.startswith("Your mandate")] == [world.elected.email]
    assert not [m for m in outbox if m.subject.startswith("Result")]  # the result waits for the digest


def test_the_digest_goes_once_each_morning_in_the_chapters_time_zone(app, world, outbox):
    zone = ZoneInfo(world.chapter.timezone)
    today = now().astimezone(zone).date()
    # The result is certified at noon, chapter time, whatever the hour the test runs at: its line
    # waits for the next morning.
    set_clock(lambda: datetime(today.year, today.month, today.day, 12, tzinfo=zone))
    prefer(world.member, proposal_changed="app")  # its lines date from the scheduling, days ago
    factories.make_open_referendum(world, membership(world.elected), closed=True, title="Decided")
    results.certify_closed(world.chapter.id)
    outbox.clear()
    early = datetime(today.year, today.month, today.day, 6, 30, tzinfo=zone) + timedelta(days=1)
    try:
        set_clock(lambda: early)
        assert notifications.send_digests() == 0  # before seven, local time
        set_clock(lambda: early + timedelta(hours=1))
        sent = notifications.send_digests()
        assert sent == 3 and {m.to for m in outbox} == {world.member.email, world.elected.email, world.steering.email}
        [mine] = [m for m in outbox if m.to == world.member.email]
        assert "Decided" in mine.body and mine.subject == "Your openbargain digest: 1 notice"
        assert mine.unsubscribe and mine.unsubscribe in mine.body
        assert notifications.send_digests() == 0  # its lines are sent
        factories.make_open_referendum(world, membership(world.elected), closed=True, title="Later")
        set_clock(lambda: early + timedelta(hours=5))
        results.certify_closed(world.chapter.id)
        assert notifications.send_digests() == 0  # one digest a day: the new line waits for tomorrow
        set_clock(lambda: early + timedelta(days=1, hours=1))
        assert notifications.send_digests() == 3
    finally:
        set_clock(None)


def test_each_notice_mail_carries_a_one_click_unsubscribe_over_smtp(app, world):
    factories.make_open_referendum(world, membership(world.elected))
    member_email = world.member.email
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        with other_app(**smtp_settings(port)):
            reminders.tick()
    finally:
        server.stop()
    [(to, content)] = [(to, c) for to, c in inbox.messages if to == [member_email] and "Vote now" in c]
    content = content.replace("\r\n", "\n")
    header = re.search(r"^List-Unsubscribe: <(http[^>]+)>$", content, re.M)
    assert header and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content
    assert header.group(1) in content.split("\n\n", 1)[1].replace("=\n", "")  # and in the body's footer


def unsubscribe_token(user: User, kind: str) -> str:
    return notifications.signed_links.unsubscribe_link(user.id, kind).rsplit("/", 1)[1]


def test_one_click_unsubscribe_needs_no_login_and_only_stops_that_kind(app, world):
    client = app.test_client()
    token = unsubscribe_token(world.member, "vote_opened")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "A vote opened and you are on its roll" in page.get_data(as_text=True)
    assert notifications.preferences_of(world.member)["vote_opened"] == "mail"  # a GET changes nothing
    assert client.post(f"/unsubscribe/{token}").status_code == 200  # a mail program's POST: no session, no form
    assert notifications.preferences_of(world.member) == {**{k.name: k.default for k in notifications.KINDS.values()},
                                                         "vote_opened": "app"}
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.kind == "user.notifications_changed" and event.data == {"vote_opened": "app", "by": "unsubscribe link"}
    assert client.post(f"/unsubscribe/{token}x").status_code == 400
    with pytest.raises(InvalidToken):
        notifications.unsubscribe(notifications.signed_links.sign("password-reset", {"u": world.member.id,
                                                                                     "k": "vote_opened"}))


def test_the_digests_link_moves_every_digest_kind_to_the_list(app, world):
    prefer(world.member, vote_opened="digest")
    notifications.unsubscribe(unsubscribe_token(world.member, notifications.DIGEST_KIND))
    chosen = notifications.preferences_of(world.member)
    assert chosen["vote_opened"] == chosen["result_certified"] == "app" and chosen["vote_closing"] == "mail"


def test_the_settings_offer_each_member_only_the_kinds_that_can_reach_them(app, world):
    audience = {name: {k.audience for k in notifications.kinds_for(user).values()}
                for name, user in (("member", world.member), ("elected", world.elected), ("steering", world.steering))}
    assert audience == {"member": {"member"}, "elected": {"member", "elected"}, "steering": {"member", "steering"}}
    client = app.test_client()
    login(client, world.member)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "A vote opened" in page and "(steering)" not in page and "(electeds)" not in page


def test_bad_preferences_are_refused_and_change_nothing(app, world):
    before = db.session.scalar(select(func.count()).select_from(NotificationPreference))
    for wanted in ({"vote_opened": "pigeon"}, {"no_such_kind": "mail"}):
        with pytest.raises(ValidationFailed):
            notifications.set_preferences(world.member, wanted)
    assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == before


def test_the_settings_page_saves_and_refuses_with_field_errors(app, world):
    client = app.test_client()
    login(client, world.member)
    assert client.get("/notifications/settings").status_code == 200
    wanted = {k: "mail" for k in notifications.KINDS} | {"result_certified": "app"}
    assert client.post("/notifications/settings", data=wanted).status_code == 302
    assert notifications.preferences_of(world.member)["result_certified"] == "app"
    refused = client.post("/notifications/settings", data=wanted | {"vote_opened": "pigeon"})
    assert refused.status_code == 422 and 'aria-describedby="vote_opened-error"' in refused.get_data(as_text=True)
    assert notifications.preferences_of(world.member)["vote_opened"] == "mail"


def test_the_list_counts_unread_in_the_header_and_opening_a_notice_reads_it(app, world):
    factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    client = app.test_client()
    login(client, world.member)
    home = client.get("/notifications").get_data(as_text=True)
    unread = len(notices(world.member))  # the vote's opening, and the author's news of its scheduling
    assert unread == 2 and f'Notifications <span class="badge">{unread}<span class="visually-hidden"> unread' in home
    notice = notices(world.member, "vote_opened")[0]
    opened = client.get(f"/notifications/{notice.id}")
    assert opened.status_code == 302 and opened.location == notice.link
    db.session.expire_all()
    assert notices(world.member, "vote_opened")[0].read_at is not None
    assert f'class="badge">{unread - 1}<' in client.get("/notifications").get_data(as_text=True)
    assert client.get(f"/notifications/{notices(world.elected)[0].id}").status_code == 404  # not theirs


def test_the_list_page_costs_the_same_queries_for_one_notice_or_sixty(app, world, count_queries):
    client = app.test_client()
    login(client, world.member)

    def page_queries() -> int:
        with count_queries() as counted:
            assert client.get("/notifications").status_code == 200
        return len(counted)

    def add(n: int) -> None:
        db.session.add_all(Notification(user_id=world.member.id, chapter_id=world.chapter.id, kind="vote_opened",
                                        key=f"test:{i}:{n}", title=f"Notice {i}", link="/", created_at=now(),
                                        delivery="app") for i in range(n))
        db.session.commit()

    add(1)
    one = page_queries()
    add(59)
    assert page_queries() == one


def test_mark_all_read(app, world):
    factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    client = app.test_client()
    login(client, world.member)
    assert client.post("/notifications/read").status_code == 302
    assert notifications.unread_count(db.session.get(User, world.member.id)) == 0
    assert notifications.unread_count(db.session.get(User, world.elected.id)) == 1  # only one's own


# --- what members take part in or follow ----------------------------------------------------------

def test_whoever_wrote_commented_or_follows_hears_of_each_state_change_but_not_who_made_it(app, world):
    from openbargain.services import deliberation, follows, referenda
    from openbargain.models import Stance
    from tests.helpers import plan

    start = now()
    set_clock(lambda: start - timedelta(days=8))
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    set_clock(None)
    deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.QUESTION, "Why now?")
    assert follows.follow(world.lapsed, world.chapter, proposal_id=proposal.id) is True
    vote = referenda.schedule_referendum(world.steering, world.chapter, proposal.id, plan())
    told = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "proposal_changed"))}
    assert told == {world.member.id, world.elected.id, world.lapsed.id}  # not steering, who scheduled it
    [line] = notices(world.lapsed, "proposal_changed")
    assert said(line).endswith("is scheduled for a vote") and line.link == f"/c/{world.chapter.slug}/proposals/{proposal.id}"
    referenda.cancel_referendum(world.steering, world.chapter, vote.id, "The council postponed its vote.")
    assert [said(n).rsplit("” ", 1)[1] for n in notices(world.lapsed, "proposal_changed")] == [
        "is scheduled for a vote", "is open for deliberation"]  # back to a state it was in: news again
    assert follows.follow(world.lapsed, world.chapter, proposal_id=proposal.id, on=False) is False
    kinds = [e.kind for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject == f"proposal:{proposal.id}",
                                                                         AuditEvent.kind.like("user.%")))]
    assert kinds == ["user.followed", "user.unfollowed"]


def test_following_is_for_the_chapters_members(app, world):
    from openbargain.services import follows
    from openbargain.services.errors import NotFound

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    for outsider in (world.other_steering, world.admin):
        with pytest.raises(NotFound):
            follows.follow(outsider, world.chapter, proposal_id=proposal.id)
        with pytest.raises(NotFound):
            follows.follow(outsider, world.chapter, membership_id=membership(world.elected).id)
    with pytest.raises(NotFound):  # a member is followed only if an elected
        follows.follow(world.member, world.chapter, membership_id=membership(world.lapsed).id)


def test_a_reply_and_a_mention_tell_those_named_once_and_never_the_writer(app, world, outbox):
    from openbargain.models import Stance
    from openbargain.services import deliberation

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    first = deliberation.post_comment(world.elected, world.chapter, proposal.id, Stance.QUESTION, "Why now?")
    outbox.clear()
    reply = deliberation.post_comment(
        world.member, world.chapter, proposal.id, Stance.FOR,
        f"Because the council votes Tuesday. @{world.elected.name} and @{world.steering.name}, agreed? "
        f"@{world.member.name} (me) and @{world.other_steering.name} (not a member here)", parent_id=first.id)
    [replied] = notices(world.elected, "reply")  # replied to and mentioned: told once
    assert said(replied) == f"{world.member.name} replied to you on “{proposal.title}”"
    assert replied.link.endswith(f"/proposals/{proposal.id}#comment-{reply.id}")
    [named] = notices(world.steering, "reply")
    assert said(named).startswith(f"{world.member.name} mentioned you")
    assert notices(world.member, "reply") == [] and notices(world.other_steering, "reply") == []
    assert sorted(m.to for m in outbox) == sorted([world.elected.email, world.steering.email])


def test_mentions_match_whole_names_of_up_to_four_words():
    assert notifications.mentioned("thanks @Ana Lopez Garcia!") == {"ana", "ana lopez", "ana lopez garcia"}
    assert notifications.mentioned("mail me at ana@example.org") == {"example.org"}
    assert notifications.mentioned("no mention here") == set()


def test_an_electeds_followers_hear_of_their_mandate_and_report_and_steering_is_asked_to_verify(app, world):
    from openbargain.models import ReportOutcome
    from openbargain.services import follows, mandates

    follows.follow(world.lapsed, world.chapter, membership_id=membership(world.elected).id)
    mandate = factories.make_mandate(world)
    [given] = notices(world.lapsed, "elected_activity")
    assert said(given).startswith(f"{world.elected.name} was given a mandate")
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    report = mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        ReportOutcome.FULFILLED, "Voted as directed.", "https://example.org/roll-call", now().date()))
    assert [said(n) for n in notices(world.lapsed, "elected_activity")][1].startswith(f"{world.elected.name} reported")
    [verify] = notices(world.steering, "report_to_verify")
    assert verify.link == f"/c/{world.chapter.slug}/reports/{report.id}" and notices(world.member, "report_to_verify") == []


def test_an_embargoed_bargaining_entry_is_told_to_followers_when_it_is_released_not_before(app, world):
    from openbargain.services import bargaining, follows

    follows.follow(world.member, world.chapter, membership_id=membership(world.elected).id)
    start = now()
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        start.date(), "Speaker's office", offered="A committee seat", embargo_until=start + timedelta(days=2)))
    reminders.tick()
    assert notices(world.member, "elected_activity") == []
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        start.date(), "Mayor's office", offered="Nothing"))
    [told] = notices(world.member, "elected_activity")
    assert "Mayor's office" in said(told)
    try:
        set_clock(lambda: start + timedelta(days=2, hours=1))
        reminders.tick()
        reminders.tick()
    finally:
        set_clock(None)
    assert [said(n).endswith("Speaker's office") for n in notices(world.member, "elected_activity")] == [False, True]


def test_a_report_due_is_told_once_before_and_once_overdue(app, world):
    mandate = factories.make_mandate(world)
    due = mandate.due_on
    zone = ZoneInfo(world.chapter.timezone)
    try:
        set_clock(lambda: datetime.combine(due - timedelta(days=5), datetime.min.time(), zone) + timedelta(hours=12))
        reminders.tick()
        assert notices(world.elected, "report_due") == []
        set_clock(lambda: datetime.combine(due - timedelta(days=2), datetime.min.time(), zone) + timedelta(hours=12))
        reminders.tick()
        reminders.tick()
        [soon] = notices(world.elected, "report_due")
        assert said(soon).endswith(f"is due {due:%-d %B %Y}")
        set_clock(lambda: datetime.combine(due + timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=12))
        reminders.tick()
        assert [said(n).endswith("it is overdue") for n in notices(world.elected, "report_due")] == [False, True]
    finally:
        set_clock(None)


def test_steering_hears_of_an_urgency_request_and_a_successful_petition(app, world):
    from openbargain.services import petitions, urgency

    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    urgency.support_urgency(world.member, world.chapter, proposal.id, "The council votes tomorrow.")
    [asked] = notices(world.steering, "urgent_requested")
    assert said(asked) == f"Members asked for an urgent vote on “{proposal.title}”"
    assert notices(world.member, "urgent_requested") == []
    carried = False
    for signer in (world.member, world.elected, world.steering):
        carried = petitions.sign_petition(signer, world.chapter, proposal.id) or carried
        if carried:
            break
    assert carried and len(notices(world.steering, "petition_succeeded")) == 1
