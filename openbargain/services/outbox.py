"""The transactional outbox: a notice is written with the change it announces, or not at all.

`queue` renders the mail and adds it to the use-case's transaction; once that commits, the queued
mail is delivered. A delivery that fails (the SMTP server down, a refused message) never fails the
request that caused it: the mail stays queued with its error, and `tick` retries it with a growing
delay until it goes (`deliver_due`). A deliverer first claims a mail for a few minutes (a
conditional update only one can win), then talks to the mail server outside any transaction, so
no database lock waits on the network, then marks it sent or schedules the retry.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from openbargain import mail
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import OutboxMail
from openbargain.models.outbox import ERROR_MAX
from openbargain.services.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

BATCH = 200
MAX_DELAY = timedelta(hours=6)
CLAIM = timedelta(minutes=5)  # longer than the SMTP timeout: a claim outlives any one attempt


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    minutes = 2 ** min(max(attempts - 1, 0), 20)
    return min(timedelta(minutes=minutes), MAX_DELAY)


def queue(uow: UnitOfWork, to: str, subject: str, template: str, **context) -> OutboxMail:
    message = mail.compose(to, subject, template, **context)
    moment = now()
    row = OutboxMail(recipient=message.to, subject=message.subject, body=message.body, created_at=moment,
                     next_attempt_at=moment, attempts=0)
    uow.session.add(row)
    uow.session.flush([row])
    mail_id = row.id
    uow.after_commit(lambda: deliver([mail_id]))
    return row


def deliver(ids: list[int]) -> int:
    """Delivers these queued mails now, each in its own transaction; returns how many went."""
    sent = 0
    for mail_id in ids:
        sent += _deliver_one(mail_id)
    return sent


def deliver_due(limit: int = BATCH) -> int:
    """tick: every unsent mail whose next attempt is due (new ones a crash left behind, retries)."""
    due = list(db.session.scalars(select(OutboxMail.id).where(OutboxMail.sent_at.is_(None),
                                                              OutboxMail.next_attempt_at <= now())
                                  .order_by(OutboxMail.id).limit(limit)))
    db.session.rollback()
    return deliver(due)


def _deliver_one(mail_id: int) -> int:
    with unit_of_work() as uow:
        moment = now()
        claimed = uow.session.execute(
            update(OutboxMail).where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None),
                                     OutboxMail.next_attempt_at <= moment)
            .values(next_attempt_at=moment + CLAIM).execution_options(synchronize_session=False)).rowcount
        row = uow.session.get(OutboxMail, mail_id) if claimed == 1 else None
        message = mail.Message(to=row.recipient, subject=row.subject, body=row.body) if row else None
    if message is None:
        return 0  # sent already, not due, or another deliverer has it
    try:
        mail.transmit(message)
    except Exception as exc:  # any transport failure: keep the mail and try again later
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
        with unit_of_work() as uow:
            row = uow.session.get(OutboxMail, mail_id)
            row.attempts += 1
            row.last_error = error
            row.next_attempt_at = now() + retry_delay(row.attempts)
            attempts = row.attempts
        log.warning("mail %s not delivered (attempt %s), will retry: %s", mail_id, attempts, error)
        return 0
    with unit_of_work() as uow:
        row = uow.session.get(OutboxMail, mail_id)
        row.sent_at = now()
        row.attempts += 1
    return 1
