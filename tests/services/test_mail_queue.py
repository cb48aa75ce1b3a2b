"""Mail through the job queue: notices written with their change, carried by Dramatiq on the real
Redis to a worker, delivered to a real SMTP server (aiosmtpd, in-process) — each exactly once,
across re-run ticks and a worker that died holding its mails; refused addresses given up and
flagged for steering."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from openbargain import queue
from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Chapter, Membership, Notification, OutboxMail, Referendum, RollNotice, User, VoterRollEntry
from openbargain.services import notifications, outbox, reminders, roll_notices
from openbargain.services.uow import unit_of_work
from tests import factories
from tests.conftest import login, other_app
from tests.services.test_outbox import Inbox, free_port, smtp_settings

REDIS_URL = os.environ.get("OPENBARGAIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class RefusingInbox(Inbox):
    """A mail server that has no mailbox for some addresses (550) and is busy for others (451)."""

    def __init__(self, unknown: set[str] = frozenset(), busy: set[str] = frozenset()) -> None:
        super().__init__()
        self.unknown, self.busy = unknown, busy

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 No such mailbox"
        if address in self.busy:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextmanager
def mail_server(inbox: Inbox) -> Iterator[int]:
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


@contextmanager
def queued_app(port: int, **settings) -> Iterator[Flask]:
    """An app whose mail goes through Redis (a namespace of its own, removed after)."""
    namespace = f"openbargain-test-{uuid.uuid4().hex}"
    try:
        with other_app(QUEUE_URL=REDIS_URL, QUEUE_NAMESPACE=namespace, **smtp_settings(port), **settings) as app:
            yield app
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{namespace}*"):
            client.delete(key)


def work_the_queue(app: Flask) -> None:
    """Runs a worker until every job sent so far is done (a bound, not a wait: it returns as soon
    as the queue is empty)."""
    worker = queue.start_worker(app, threads=2)
    try:
        app.extensions["queue"].broker.join(queue.QUEUE_NAME, timeout=120_000)
        worker.join()
    finally:
        worker.stop()


def _open_vote(world) -> int:
    # These tests follow the vote's notice alone: the author's news of the scheduling stays in
    # their list instead of making a morning digest that tick would send beside it.
    notifications.set_preferences(world.member, {"proposal_changed": "app"})
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    for n in range(6):  # a roll a little larger than the world's own
        factories.make_membership(world.chapter, factories.make_user(f"member{n}@example.org", f"Member {n}"))
    return factories.make_open_referendum(world, elected).id


def test_redis_is_there():
    assert redis.Redis.from_url(REDIS_URL).ping(), "the queue tests need Redis at OPENBARGAIN_TEST_REDIS_URL"


def test_a_vote_open_notice_reaches_the_whole_roll_through_the_queue_once(app, world):
    vote = _open_vote(world)
    inbox = Inbox()
    with mail_server(inbox) as port, queued_app(port) as queued:
        report = reminders.tick()  # freezes the roll and announces the notice once; a job writes each member's
        roll = db.session.execute(select(User.email, User.name).join(Membership, Membership.user_id == User.id)
                                  .join(VoterRollEntry, VoterRollEntry.membership_id == Membership.id)
                                  .where(VoterRollEntry.referendum_id == vote)).all()
        assert report.open_notices == len(roll) >= 9
        assert inbox.messages == []  # written and queued; the web process sent nothing itself
        work_the_queue(queued)
        # (tick may send the morning digest too, to whom it is due: only the vote's notice counts here)
        notices = [(to, c) for [to], c in inbox.messages if "Subject: Vote now" in c]
        assert sorted(to for to, _ in notices) == sorted(email for email, _ in roll)
        for email, name in roll:  # one body rendered once, each with its own name in it
            [content] = [c for to, c in notices if to == email]
            assert f"Hello {name}," in content and "Vote now: Endorse the strike" in content
            assert "Message-ID: <outbox-" in content
        db.session.rollback()
        assert reminders.tick().open_notices == 0  # the vote's notice is written once
        chapter_id = world.chapter.id  # read before the write begins: the test's own session is another
        with unit_of_work() as uow:  # even written again on purpose, the keys refuse a second copy
            referendum = uow.session.get(Referendum, vote)
            roll_ = notifications.roll_of(vote).subquery()
            chapter = uow.session.get(Chapter, chapter_id)
            again = outbox.queue_merged(
                uow, f"vote_opened:referendum:{vote}",
                select(roll_.c.email, roll_.c.name, roll_.c.user.label("member"), roll_.c.locale),
                outbox.merges(uow, "Vote now: again", "vote_open", chapter=chapter, kind="vote_opened",
                              proposal=referendum.proposal, referendum=referendum, link="/"),
                chapter=chapter, kind="vote_opened")
        assert again == 0
        work_the_queue(queued)
    assert len([c for _, c in inbox.messages if "Subject: Vote now" in c]) == len(roll)
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(OutboxMail.sent_at.is_(None))) == 0


def test_a_worker_that_dies_holding_mail_leaves_it_to_be_sent_once_later(app, world):
    _open_vote(world)
    inbox = Inbox()
    with mail_server(inbox) as port, queued_app(port) as queued:
        reminders.tick()
        roll_notices.write_out(db.session.scalar(select(RollNotice.id)))  # the job's first half, here
        ids = list(db.session.scalars(select(OutboxMail.id).where(OutboxMail.sent_at.is_(None)).order_by(OutboxMail.id)))
        db.session.rollback()
        dead = outbox._claim(ids[:4])  # a worker claims four mails, then is killed before sending
        assert dead == ids[:4]
        work_the_queue(queued)  # the living worker delivers the rest and leaves the claimed ones
        assert len(inbox.messages) == len(ids) - 4
        db.session.rollback()
        assert reminders.tick().mail_retried == 0  # the claim still holds: nobody else takes them
        later = now() + outbox.CLAIM + outbox.SWEEP_AFTER + timedelta(seconds=1)
        set_clock(lambda: later)
        try:
            assert reminders.tick().mail_retried == 4  # the claim ran out: tick hands them on again
            work_the_queue(queued)
            db.session.rollback()
            assert reminders.tick().mail_retried == 0
            work_the_queue(queued)
        finally:
            set_clock(None)
    recipients = [to for [to], _ in inbox.messages]
    assert len(recipients) == len(ids) == len(set(recipients))  # every mail once, none twice


def test_a_roll_notice_whose_job_was_lost_is_written_out_by_tick_once(app, world):
    vote = _open_vote(world)
    inbox = Inbox()
    with mail_server(inbox) as port, queued_app(port) as queued:
        assert reminders.tick().open_notices >= 9
        queued.extensions["queue"].broker.flush_all()  # the job is lost: Redis came back empty
        work_the_queue(queued)
        db.session.rollback()
        told = select(func.count()).select_from(Notification).where(Notification.kind == "vote_opened")
        assert inbox.messages == [] and db.session.scalar(told) == 0
        assert reminders.tick().roll_notices_finished == 0  # a worker may still be on it
        later = now() + roll_notices.SWEEP_AFTER + timedelta(seconds=1)
        set_clock(lambda: later)
        try:
            assert reminders.tick().roll_notices_finished == 1  # nobody took it: tick hands it on again
            work_the_queue(queued)
            db.session.rollback()
            assert reminders.tick().roll_notices_finished == 0
            work_the_queue(queued)
        finally:
            set_clock(None)
        db.session.rollback()
        roll = db.session.scalar(select(func.count()).select_from(VoterRollEntry)
                                 .where(VoterRollEntry.referendum_id == vote))
        assert db.session.scalar(told) == roll
    mailed = [to for [to], content in inbox.messages if "Subject: Vote now" in content]
    assert len(mailed) == len(set(mailed)) == roll


def test_a_refused_address_is_given_up_and_flagged_for_steering(app, world):
    _open_vote(world)
    inbox = RefusingInbox(unknown={"member2@example.org"}, busy={"member3@example.org"})
    with mail_server(inbox) as port, queued_app(port) as queued:
        reminders.tick()
        work_the_queue(queued)
        db.session.rollback()
        refused = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "member2@example.org"))
        assert refused.failed_at is not None and refused.sent_at is None and "550" in refused.last_error
        user = db.session.scalar(select(User).where(User.email == "member2@example.org"))
        assert user.mail_bounced_at is not None and "No such mailbox" in user.mail_bounce_reason
        busy = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == "member3@example.org"))
        assert busy.failed_at is None and busy.sent_at is None and busy.attempts == 1 and "451" in busy.last_error
        assert busy.next_attempt_at > now()  # tried again after a delay (a delayed job, and tick)
        assert "member2@example.org" not in {to for [to], _ in inbox.messages}
        written = db.session.scalar(select(func.count()).select_from(OutboxMail).where(OutboxMail.merge_id.is_not(None)))
        assert len(inbox.messages) == written - 2
        client = queued.test_client()
        login(client, db.session.get(User, world.steering.id))
        page = client.get("/c/riverside/roster").get_data(as_text=True)
        assert "mail bounces" in page and "Mail that did not arrive" in page and "No such mailbox" in page
        login(client, db.session.get(User, world.member.id))
        assert client.get("/c/riverside/roster").status_code == 403


def test_a_change_that_rolls_back_writes_no_mail(app, world):
    inbox = Inbox()
    member_id = world.member.id
    with mail_server(inbox) as port, queued_app(port) as queued:
        with pytest.raises(RuntimeError), unit_of_work() as uow:
            outbox.queue_mail(uow, "test:rolled-back", "someone@example.org", "Never", "password_reset", language="en",
                              user=uow.session.get(User, member_id), token="t", hours=2)
            raise RuntimeError("the change fails after its mail was written")
        work_the_queue(queued)
    assert inbox.messages == [] and db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_the_send_rate_is_counted_across_workers_in_redis(app, world):
    _open_vote(world)
    inbox = Inbox()
    with mail_server(inbox) as port, queued_app(port, MAIL_SEND_RATE="100000/hour") as queued:
        reminders.tick()
        work_the_queue(queued)
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import FixedWindowRateLimiter

        shared = FixedWindowRateLimiter(storage_from_string(REDIS_URL))  # what any other worker would see
        key = f"{queued.config['QUEUE_NAMESPACE']}-mail"
        remaining = shared.get_window_stats(parse("100000/hour"), key).remaining
        assert 100000 - remaining == len(inbox.messages) > 0
