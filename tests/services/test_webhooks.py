"""Chat webhooks: steering connects a room; the events it chose reach a real HTTP receiver
(in-process) signed, in the room's format, once each, after the change commits; failures are
retried with a growing delay, given up, and turn the hook off with a notice to steering; an
embargoed bargaining entry is sent only once released."""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from sqlalchemy import func, select

from openbargain import webhook_post
from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import AuditEvent, Chapter, Mandate, Notification, ReportOutcome, Result, User, Webhook, WebhookDelivery
from openbargain.phrases import say
from openbargain.services import bargaining, casting, mandates, proposals, reminders, results, webhook_settings, webhooks
from openbargain.services.errors import NotFound, PermissionDenied, ValidationFailed
from openbargain.services.proposals import chapter_today
from openbargain.services.uow import unit_of_work
from tests import factories
from tests.helpers import membership


class Receiver:
    """A chat room's webhook endpoint: records each POST and answers with the next status given
    (200 once they run out)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, _, body in self.posts]


@contextmanager
def receiver() -> Iterator[Receiver]:
    room = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with room.lock:
                room.posts.append((self.path, dict(self.headers), body))
                status = room.statuses.pop(0) if room.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"no such hook")

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    room.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield room
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def room(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)  # the receiver listens on 127.0.0.1
    with receiver() as r:
        yield r


def connect(world, room: Receiver, fmt: str = "json", events=None, name: str = "#general") -> Webhook:
    return webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(
        name, room.url(), fmt, list(events or webhooks.EVENTS)))


def deliveries(hook: Webhook | None = None) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    return list(db.session.scalars(query.where(WebhookDelivery.webhook_id == hook.id) if hook else query))


def test_a_published_proposal_reaches_the_room_signed_after_the_commit(app, world, room):
    hook = connect(world, room)
    proposal = factories.make_proposal(world.chapter, world.member, [membership(world.elected)], publish=False,
                                       title="Back the nurses' strike")
    assert room.posts == []
    proposals.publish_proposal(world.member, world.chapter, proposal.id)
    [(path, headers, body)] = room.posts
    assert path == "/hook" and headers["Content-Type"] == "application/json"
    assert headers["X-Openbargain-Event"] == "proposal.published"
    assert webhook_post.verify(hook.secret, headers["X-Openbargain-Signature"], body, int(time.time()))
    assert not webhook_post.verify(hook.secret, headers["X-Openbargain-Signature"], body + b" ", int(time.time()))
    assert not webhook_post.verify("whsec_other", headers["X-Openbargain-Signature"], body, int(time.time()))
    sent = json.loads(body)
    assert sent["event"] == "proposal.published" and "Back the nurses' strike" in sent["text"]
    assert sent["url"].endswith(f"/c/riverside/proposals/{proposal.id}")
    assert sent["chapter"] == {"slug": "riverside", "name": "Riverside Socialists"}
    assert sent["data"]["proposal_id"] == proposal.id
    [delivery] = deliveries(hook)
    assert delivery.delivered_at is not None and delivery.last_status == 200 and delivery.attempts == 1
    assert headers["X-Openbargain-Delivery"] == str(delivery.id)


def test_a_change_rolled_back_sends_nothing(app, world, room):
    hook = connect(world, room)
    with pytest.raises(RuntimeError):
        with unit_of_work() as uow:
            webhooks.emit(uow, world.chapter, "proposal.published", "x", "Something", "/c/riverside")
            raise RuntimeError("the use-case failed after writing its event")
    assert deliveries(hook) == [] and room.posts == []


def test_every_event_of_the_loop_reaches_the_room_once_in_order(app, world, room):
    connect(world, room)
    vote = factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    reminders.tick()  # a re-run writes nothing twice
    casting.cast_ballot(world.member, world.chapter, vote.id, {"choice": "yes"})
    set_clock(lambda: vote.closes_at + timedelta(minutes=1))
    reminders.tick()  # certifies, and issues the mandate
    mandate = db.session.scalar(select(Mandate).where(Mandate.referendum_id == vote.id))
    mandates.acknowledge_mandate(world.elected, world.chapter, mandate.id)
    mandates.file_report(world.elected, world.chapter, mandate.id, mandates.ReportDraft(
        outcome=ReportOutcome.FULFILLED, statement="Done.", evidence_url="", acted_on=chapter_today(world.chapter) - timedelta(days=1)))
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        met_on=now().date(), counterparty="Speaker's office", offered="A chair", demanded="", threatened=""))
    events = [b["event"] for b in room.bodies()]
    assert events == ["proposal.published", "vote.opened", "result.certified", "mandate.issued", "report.filed",
                      "bargaining.published"], events
    certified = room.bodies()[2]
    result = db.session.scalar(select(Result).where(Result.referendum_id == vote.id))
    assert certified["text"] == f"“{vote.proposal.title}”: " + results.outcome_sentence(result, vote)
    assert certified["data"]["referendum_id"] == vote.id and certified["data"]["ballots_cast"] == 1


def test_an_embargoed_entry_is_sent_only_when_released(app, world, room):
    connect(world, room, events=["bargaining.published"])
    start = now()
    bargaining.log_entry(world.elected, world.chapter, bargaining.EntryDraft(
        met_on=start.date(), counterparty="Secret talks", offered="A deal", demanded="", threatened="",
        embargo_until=start + timedelta(days=2)))
    reminders.tick()
    assert room.posts == []
    set_clock(lambda: start + timedelta(days=2, minutes=5))
    reminders.tick()
    reminders.tick()
    [sent] = room.bodies()
    assert "Secret talks" in sent["text"]


@pytest.mark.parametrize("fmt", ["slack", "discord", "matrix"])
def test_each_chat_format_is_what_its_room_reads(app, world, room, fmt):
    hook = connect(world, room, fmt=fmt, events=["proposal.published"])
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)],
                            title="Oppose <the> deal & @everyone *now*")
    [(_, headers, body)] = room.posts
    assert webhook_post.verify(hook.secret, headers["X-Openbargain-Signature"], body, int(time.time()))
    sent = json.loads(body)
    if fmt == "slack":
        assert "Oppose &lt;the&gt; deal &amp; @everyone *now*" in sent["text"] and "|Open in openbargain>" in sent["text"]
    elif fmt == "discord":
        assert sent["allowed_mentions"] == {"parse": []}
        assert r"Oppose <the\> deal & @everyone \*now\*" in sent["content"] and sent["content"].endswith(">")
    else:
        assert "Oppose <the> deal & @everyone *now*" in sent["text"]
        assert "Oppose &lt;the&gt; deal &amp; @everyone *now*" in sent["html"] and "<a href=" in sent["html"]


def test_a_failure_is_retried_later_and_then_delivered(app, world, room):
    hook = connect(world, room, events=["proposal.published"])
    room.statuses = [503]
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    [delivery] = deliveries(hook)
    assert delivery.delivered_at is None and delivery.attempts == 1 and delivery.last_status == 503
    assert delivery.next_attempt_at > now()
    webhooks.sweep()
    assert len(room.posts) == 1  # not due yet
    start = now()
    set_clock(lambda: start + timedelta(minutes=2))
    assert webhooks.sweep() == 1
    db.session.expire_all()
    [delivery] = deliveries(hook)
    assert delivery.delivered_at is not None and delivery.attempts == 2 and len(room.posts) == 2
    assert room.posts[0][2] == room.posts[1][2]  # the same body, signed afresh


def test_a_room_that_refuses_for_good_is_given_up_and_turned_off_after_five(app, world, room):
    hook = connect(world, room, events=["proposal.published"])
    room.statuses = [404] * 5
    for n in range(5):
        factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title=f"Proposal {n}")
    db.session.expire_all()
    given_up = deliveries(hook)
    assert [d.failed_at is not None for d in given_up] == [True] * 5 and given_up[0].attempts == 1
    assert "404" in given_up[0].last_error
    hook = db.session.get(Webhook, hook.id)
    assert hook.disabled_at is not None and hook.disabled_by_id is None and "5 deliveries" in hook.disabled_reason
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "webhook.disabled")) == 1
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="After")
    assert len(room.posts) == 5 and len(deliveries(hook)) == 5  # a hook turned off gets nothing new
    reminders.tick()
    reminders.tick()
    [told] = db.session.scalars(select(Notification).where(Notification.kind == "webhook_disabled"))
    assert told.user_id == world.steering.id and "#general" in say(told.title, told.title_values)
    assert told.link == f"/c/riverside/webhooks/{hook.id}"
    # Steering can still test it, then turn it on again.
    webhook_settings.send_test(world.steering, world.chapter, hook.id)
    assert room.bodies()[-1]["event"] == "ping"
    webhook_settings.set_enabled(world.steering, world.chapter, hook.id, True)
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)], title="Back on")
    assert "Back on" in room.bodies()[-1]["text"]


def test_a_delivery_retried_to_the_end_is_given_up(app, world, room):
    hook = connect(world, room, events=["proposal.published"])
    room.statuses = [500] * webhooks.MAX_ATTEMPTS
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    start = now()
    for attempt in range(1, webhooks.MAX_ATTEMPTS):
        set_clock(lambda: start + timedelta(hours=2 * attempt))
        webhooks.sweep()
    db.session.expire_all()
    [delivery] = deliveries(hook)
    assert delivery.attempts == webhooks.MAX_ATTEMPTS and delivery.failed_at is not None
    assert db.session.get(Webhook, hook.id).failures_in_a_row == 1


def test_addresses_inside_the_servers_network_are_refused_unless_allowed(app, world, room, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.0.0.5/x", "http://169.254.169.254/latest",
                "http://[::1]/x", "ftp://example.org/x", "https:///nohost"):
        with pytest.raises(ValidationFailed) as refused:
            webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(
                "Room", url, "json", ["vote.opened"]))
        assert "url" in refused.value.errors, url
    # A public name that resolves inside is refused at each post, before anything is sent.
    outcome = webhook_post.post(room.url(), "{}", {}, allow_private=False)
    assert not outcome.delivered and not outcome.retry and "inside" in outcome.error and room.posts == []


@pytest.mark.parametrize("role, error", [("member", PermissionDenied), ("elected", PermissionDenied),
                                         ("lapsed", PermissionDenied), ("other_steering", NotFound),
                                         ("admin", NotFound)])
def test_only_the_chapters_steering_manages_its_webhooks(app, world, room, role, error):
    hook = connect(world, room)
    actor = world.user(role)
    draft = webhook_settings.WebhookDraft("Mine", room.url(), "json", ["vote.opened"])
    for attempt in (lambda: webhook_settings.create_webhook(actor, world.chapter, draft),
                    lambda: webhook_settings.hooks_of(actor, world.chapter),
                    lambda: webhook_settings.webhook_page(actor, world.chapter, hook.id),
                    lambda: webhook_settings.update_webhook(actor, world.chapter, hook.id, draft),
                    lambda: webhook_settings.set_enabled(actor, world.chapter, hook.id, False),
                    lambda: webhook_settings.rotate_secret(actor, world.chapter, hook.id),
                    lambda: webhook_settings.send_test(actor, world.chapter, hook.id),
                    lambda: webhook_settings.delete_webhook(actor, world.chapter, hook.id)):
        with pytest.raises(error):
            attempt()
    assert [h.name for h in db.session.scalars(select(Webhook))] == ["#general"] and room.posts == []


def test_another_chapters_steering_cannot_reach_this_chapters_hook(app, world, room):
    hook = connect(world, room)
    with pytest.raises(NotFound):
        webhook_settings.webhook_page(world.other_steering, world.other_chapter, hook.id)


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"name": "x" * 101}, "name"), ({"url": ""}, "url"), ({"url": "not a url"}, "url"),
    ({"url": "https://example.org/" + "x" * 2000}, "url"), ({"format": "irc"}, "format"), ({"events": []}, "events"),
    ({"events": ["vote.opened", "ballot.cast"]}, "events"),
])
def test_bad_settings_are_refused_and_nothing_is_saved(app, world, room, changes, field):
    values = dict(name="Room", url=room.url(), format="json", events=["vote.opened"])
    values.update(changes)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationFailed) as refused:
        webhook_settings.create_webhook(world.steering, world.chapter, webhook_settings.WebhookDraft(**values))
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_steering_changes_rotates_and_deletes_each_audited_without_the_url(app, world, room):
    hook = connect(world, room, fmt="slack")
    secret = hook.secret
    assert secret.startswith("whsec_") and len(secret) > 40
    webhook_settings.update_webhook(world.steering, world.chapter, hook.id, webhook_settings.WebhookDraft(
        "  #votes   channel ", room.url("/other"), "discord", ["result.certified", "vote.opened"]))
    hook = db.session.get(Webhook, hook.id)
    assert (hook.name, hook.format, hook.events) == ("#votes channel", "discord", "vote.opened result.certified")
    assert webhook_settings.rotate_secret(world.steering, world.chapter, hook.id).secret != secret
    webhook_settings.set_enabled(world.steering, world.chapter, hook.id, False)
    webhook_settings.delete_webhook(world.steering, world.chapter, hook.id)
    assert deliveries() == []
    kinds = [e.kind for e in db.session.scalars(select(AuditEvent).where(AuditEvent.kind.like("webhook.%"))
                                                .order_by(AuditEvent.id))]
    assert kinds == ["webhook.created", "webhook.changed", "webhook.secret_rotated", "webhook.disabled",
                     "webhook.deleted"]
    logged = json.dumps([e.data for e in db.session.scalars(select(AuditEvent))])
    assert "/hook" not in logged and "/other" not in logged and secret not in logged and "127.0.0.1" in logged


def test_a_secret_vote_sends_nothing_about_voters(app, world, room):
    connect(world, room)
    vote = factories.make_open_referendum(world, membership(world.elected))
    reminders.tick()
    casting.cast_ballot(world.steering, world.chapter, vote.id, {"choice": "yes"})
    set_clock(lambda: vote.closes_at + timedelta(minutes=1))
    reminders.tick()
    sent = json.dumps(room.bodies(), ensure_ascii=False)
    assert world.steering.name not in sent and world.steering.email not in sent
    assert {b["event"] for b in room.bodies()} >= {"vote.opened", "result.certified"}


def test_through_the_queue_a_worker_posts_it_not_the_process_that_wrote_it(app, world, room):
    from tests.services.test_mail_queue import mail_server, queued_app, work_the_queue
    from tests.services.test_outbox import Inbox

    hook = connect(world, room, events=["proposal.published"])
    hook_id, chapter_id, author_id, elected_id = hook.id, world.chapter.id, world.member.id, world.elected.id
    with mail_server(Inbox()) as port, queued_app(port, WEBHOOK_ALLOW_PRIVATE=True) as queued:
        elected = db.session.get(User, elected_id)
        factories.make_proposal(db.session.get(Chapter, chapter_id), db.session.get(User, author_id),
                                [membership(elected)], title="Queued")
        assert room.posts == []  # written and queued
        work_the_queue(queued)
        assert [(b["event"], "Queued" in b["text"]) for b in room.bodies()] == [("proposal.published", True)]
        db.session.rollback()
        [delivery] = deliveries(db.session.get(Webhook, hook_id))
        assert delivery.delivered_at is not None and delivery.attempts == 1


def test_a_hook_deleted_while_its_room_answers_ends_the_delivery_quietly(app, world, room, monkeypatch):
    hook = connect(world, room, events=["proposal.published"])
    hook_id, answer = hook.id, webhook_post.post

    def answered_after_the_hook_was_deleted(*args, **kwargs):
        outcome = answer(*args, **kwargs)
        webhook_settings.delete_webhook(world.steering, world.chapter, hook_id)
        return outcome

    monkeypatch.setattr(webhook_post, "post", answered_after_the_hook_was_deleted)
    factories.make_proposal(world.chapter, world.member, [membership(world.elected)])
    assert len(room.posts) == 1
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0
    assert deliveries() == []
