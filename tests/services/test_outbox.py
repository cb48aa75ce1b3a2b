"""Mail leaves through the outbox: written with the change, delivered after the commit to a real
SMTP server (aiosmtpd, in-process), and retried by tick when the server was down — never a 500 and
never a lost notice."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Chapter, Membership, OutboxMail, Proposal, ProposalStatus, User
from openbargain.services import outbox, proposals, reminders
from tests import factories
from tests.conftest import other_app


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


def smtp_settings(port: int) -> dict:
    return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False}


def test_publishing_while_the_mail_server_is_down_succeeds_and_tick_delivers_later(app, world, smtp_port):
    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    draft = factories.make_proposal(world.chapter, world.member, [elected], publish=False)
    draft_id, member_id, chapter_id, elected_email = draft.id, world.member.id, world.chapter.id, world.elected.email
    with other_app(**smtp_settings(smtp_port)):
        # Nothing listens on the port: the SMTP connection is refused after the commit.
        proposals.publish_proposal(db.session.get(User, member_id), db.session.get(Chapter, chapter_id), draft_id)
        assert db.session.get(Proposal, draft_id).status == ProposalStatus.DELIBERATION
        [queued] = db.session.scalars(select(OutboxMail))
        assert queued.sent_at is None and queued.attempts == 1 and "Connection" in queued.last_error
        assert queued.recipient == elected_email and queued.next_attempt_at > now()
        inbox = Inbox()
        server = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        server.start()
        try:
            assert reminders.tick().mail_retried == 0  # not due yet: the retry waits its delay
            later = queued.next_attempt_at + timedelta(seconds=1)
            db.session.rollback()
            set_clock(lambda: later)
            assert reminders.tick().mail_retried == 1
            assert reminders.tick().mail_retried == 0  # never twice
        finally:
            server.stop()
            set_clock(None)
        db.session.rollback()
        [sent] = db.session.scalars(select(OutboxMail))
        assert sent.sent_at is not None and sent.attempts == 2
    [(to, content)] = inbox.messages
    assert to == [elected_email] and "A proposal directs you: Vote no on the budget deal" in content


def test_a_running_mail_server_gets_the_notice_at_once(app, world, smtp_port):
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
        draft = factories.make_proposal(world.chapter, world.member, [elected], publish=False)
        draft_id, member_id, chapter_id = draft.id, world.member.id, world.chapter.id
        with other_app(**smtp_settings(smtp_port)):
            proposals.publish_proposal(db.session.get(User, member_id), db.session.get(Chapter, chapter_id), draft_id)
            assert db.session.scalar(select(OutboxMail.sent_at)) is not None
    finally:
        server.stop()
    assert len(inbox.messages) == 1


def test_the_retry_delay_grows_and_is_capped():
    delays = [outbox.retry_delay(n) for n in (1, 2, 3, 10, 50)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays[-1] == outbox.MAX_DELAY and delays == sorted(delays)


def test_publishing_through_the_page_with_the_mail_server_down_is_no_500(app, world, smtp_port):
    from tests.conftest import login

    elected = db.session.scalar(select(Membership).where(Membership.user_id == world.elected.id))
    draft = factories.make_proposal(world.chapter, world.member, [elected], publish=False)
    draft_id, member_id = draft.id, world.member.id
    with other_app(**smtp_settings(smtp_port)) as down:
        client = down.test_client()
        login(client, db.session.get(User, member_id))
        published = client.post(f"/c/riverside/proposals/{draft_id}/publish", follow_redirects=True)
        assert published.status_code == 200 and "Published" in published.get_data(as_text=True)
        assert db.session.get(Proposal, draft_id).status == ProposalStatus.DELIBERATION
        assert db.session.scalar(select(OutboxMail.last_error)) is not None
