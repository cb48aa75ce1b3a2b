"""The transactional outbox: a notice is written with the change it announces, or not at all.

`queue_mail` renders one mail into the use-case's transaction; `merges` renders a notice to many
once in each language, and `queue_merged` writes it to a whole list of members (a vote's roll)
with a statement a language. Each mail
has a key naming what it is about, unique in the database, so a notice written twice (a re-run
`tick`) is one mail. Once the transaction commits, the mails are handed on: to the job queue's
workers when there is one (queue.py), else delivered here and now.

A deliverer first claims its mails for a few minutes (a conditional update only one can win),
then talks to the mail server outside any transaction, so no database lock waits on the network,
and marks each mail sent as soon as the server took it. A mail the server refuses for good (5xx)
is given up at once and its address flagged on the roster; any other failure is retried with a
growing delay, on a delayed job or by `tick`, up to MAX_ATTEMPTS. A deliverer that dies leaves its
claimed mails to be picked up when the claim runs out: at most the one mail in hand when it died
can go twice, and it carries the same Message-ID both times.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from itertools import islice
from typing import Iterable, Iterator

from flask import current_app
from limits import parse as parse_rate
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Integer, Select, String, cast, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openbargain import mail, queue
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, MailMerge, OutboxMail, User
from openbargain.models.base import UTCDateTime
from openbargain.models.outbox import ERROR_MAX, NAME_FIELD, UNSUBSCRIBE_FIELD
from openbargain.phrases import language_for, offered
from openbargain.services import signed_links
from openbargain.services.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

BATCH = 500  # mails per delivery job: one database claim and one SMTP connection for them all
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 10  # about a day of retries (1, 2, 4 … minutes, at most six hours apart)
CLAIM = timedelta(minutes=5)  # longer than the SMTP timeout: a claim outlives any one attempt
SWEEP_AFTER = timedelta(minutes=10)  # with a queue, tick re-sends only what no worker took by then


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    minutes = 2 ** min(max(attempts - 1, 0), 20)
    return min(timedelta(minutes=minutes), MAX_DELAY)


def queue_mail(uow: UnitOfWork, key: str, to: str, subject: object, template: str, *, language: str,
               chapter: Chapter | None = None, user_id: int | None = None, kind: str | None = None,
               **context) -> None:
    """One mail in this language (the template sees `chapter` too); none if a mail with this key was
    written before. A notice of a `kind` the member can turn off carries the link that does it (to
    `user_id`)."""
    if kind is not None:
        context["unsubscribe"] = UNSUBSCRIBE_FIELD
    message = mail.compose(to, subject, template, language=language, chapter=chapter, **context)
    moment = now()
    mail_id = uow.session.scalar(_insert(uow).values(
        key=key, chapter_id=chapter.id if chapter else None, recipient=message.to, subject=message.subject,
        body=message.body, created_at=moment, next_attempt_at=moment, attempts=0, user_id=user_id, kind=kind,
    ).on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMail.id))
    if mail_id is not None:
        uow.after_commit(lambda: dispatch([mail_id]))


def _insert(uow: UnitOfWork):
    return (postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(OutboxMail)


def merges(uow: UnitOfWork, subject: object, template: str, *, chapter: Chapter, kind: str | None = None,
           **context) -> dict[str, list]:
    """A notice's mail to many, rendered once in each offered language and stored, its merge field
    where each recipient's name goes: language → [mail merge id, subject]."""
    if kind is not None:
        context["unsubscribe"] = UNSUBSCRIBE_FIELD
    moment = now()
    rendered = {language: mail.compose("", subject, template, language=language, chapter=chapter, **context,
                                       name=NAME_FIELD) for language in offered()}
    stored = {language: MailMerge(body=message.body, created_at=moment) for language, message in rendered.items()}
    uow.session.add_all(stored.values())
    uow.session.flush(list(stored.values()))
    return {language: [stored[language].id, message.subject] for language, message in rendered.items()}


def queue_merged(uow: UnitOfWork, key: str, recipients: Select, rendered: dict[str, list], *, chapter: Chapter,
                 kind: str | None = None) -> int:
    """One notice to everyone `recipients` selects — its columns labelled email, name, locale (the
    member's chosen language) and member (a number unique among them, which makes each mail's key;
    with a `kind`, the user's id, to whom each mail's unsubscribe link is signed) — each reading the
    body of their language (`merges`), written with one INSERT … SELECT a language; a member who
    already has this notice is skipped. Returns how many were written."""
    source = recipients.subquery()
    usual = language_for(chapter.default_locale)
    usual = usual if usual in rendered else next(iter(rendered))
    others = [code for code in rendered if code != usual]
    moment = now()
    ids = []
    for language, (merge_id, subject) in rendered.items():
        # A member who chose no language rendered here reads the chapter's.
        reads = (source.c.locale == language if language != usual
                 else or_(source.c.locale.is_(None), source.c.locale.not_in(others)))
        rows = select(literal(f"{key}:") + cast(source.c.member, String), literal(chapter.id), source.c.email,
                      source.c.name, literal(subject), literal(merge_id), literal(moment, UTCDateTime),
                      literal(moment, UTCDateTime), literal(0), source.c.member if kind else literal(None, Integer),
                      literal(kind, String)).where(reads)
        ids += uow.session.scalars(_insert(uow).from_select(
            ["key", "chapter_id", "recipient", "recipient_name", "subject", "merge_id", "created_at",
             "next_attempt_at", "attempts", "user_id", "kind"], rows)
            .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMail.id))
    uow.after_commit(lambda: dispatch(ids))
    return len(ids)


def dispatch(ids: list[int], delay: timedelta | None = None) -> None:
    """Hands committed mails on, in batches: to the queue's workers, or delivered here."""
    for batch in _batches(ids):
        queue.send(deliver, batch, delay=delay)


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    it = iter(ids)
    while batch := list(islice(it, BATCH)):
        yield batch


@queue.job
def deliver(ids: list[int]) -> int:
    """Delivers those of these mails that are due and unclaimed; returns how many went."""
    claimed = _claim(ids)
    if not claimed:
        return 0
    pending, bounced = _messages(claimed)
    db.session.rollback()
    sent, later = 0, []
    try:
        with mail.courier() as send:
            while pending:
                mail_id, message = pending[0]
                _pace()
                try:
                    send(message)
                except mail.Refused as exc:
                    pending.pop(0)
                    _give_up(mail_id, message.to, _error(exc))
                    continue
                except mail.Deferred as exc:
                    pending.pop(0)
                    later.append((mail_id, _error(exc)))
                    continue
                pending.pop(0)  # the server has it: whatever happens next, it is not sent again
                _sent(mail_id, message.to if message.to in bounced else None)
                sent += 1
    except Exception as exc:  # the server cannot be reached, or hung up: the rest go later
        later += [(mail_id, _error(exc)) for mail_id, _ in pending]
    for error in {error for _, error in later}:
        _failed([mail_id for mail_id, e in later if e == error], error)
    return sent


def _claim(ids: list[int]) -> list[int]:
    with unit_of_work() as uow:
        moment = now()
        return list(uow.session.scalars(
            update(OutboxMail).where(OutboxMail.id.in_(ids), OutboxMail.sent_at.is_(None),
                                     OutboxMail.failed_at.is_(None), OutboxMail.next_attempt_at <= moment)
            .values(next_attempt_at=moment + CLAIM).returning(OutboxMail.id)
            .execution_options(synchronize_session=False)))


def _messages(ids: list[int]) -> tuple[list[tuple[int, mail.Message]], set[str]]:
    """The claimed mails as messages, and which of their addresses are flagged as bouncing."""
    host = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "localhost"
    rows = list(db.session.execute(
        select(OutboxMail.id, OutboxMail.recipient, OutboxMail.recipient_name, OutboxMail.subject, OutboxMail.body,
               MailMerge.body.label("merged"), OutboxMail.user_id, OutboxMail.kind)
        .outerjoin(MailMerge, MailMerge.id == OutboxMail.merge_id).where(OutboxMail.id.in_(ids))
        .order_by(OutboxMail.id)))
    bounced = set(db.session.scalars(select(User.email).where(User.email.in_({r.recipient for r in rows}),
                                                             User.mail_bounced_at.is_not(None))))
    return [(r.id, _message(r, host)) for r in rows], bounced


def _message(row, host: str) -> mail.Message:
    body = row.body if row.body is not None else row.merged.replace(NAME_FIELD, row.recipient_name)
    unsubscribe = None
    if row.kind is not None and row.user_id is not None:
        unsubscribe = signed_links.unsubscribe_link(row.user_id, row.kind)
    return mail.Message(to=row.recipient, subject=row.subject, body=body.replace(UNSUBSCRIBE_FIELD, unsubscribe or ""),
                        message_id=f"<outbox-{row.id}@{host}>", unsubscribe=unsubscribe)


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def _sent(mail_id: int, unflag: str | None) -> None:
    with unit_of_work() as uow:
        uow.session.execute(update(OutboxMail).where(OutboxMail.id == mail_id)
                            .values(sent_at=now(), attempts=OutboxMail.attempts + 1, last_error=None)
                            .execution_options(synchronize_session=False))
        if unflag:  # an address that bounced once and now takes mail is no longer flagged
            uow.session.execute(update(User).where(User.email == unflag)
                                .values(mail_bounced_at=None, mail_bounce_reason=None)
                                .execution_options(synchronize_session=False))


def _give_up(mail_id: int, address: str, error: str) -> None:
    log.warning("mail %s refused for good: %s", mail_id, error)
    with unit_of_work() as uow:
        moment = now()
        uow.session.execute(update(OutboxMail).where(OutboxMail.id == mail_id)
                            .values(failed_at=moment, attempts=OutboxMail.attempts + 1, last_error=error)
                            .execution_options(synchronize_session=False))
        uow.session.execute(update(User).where(User.email == address)
                            .values(mail_bounced_at=moment, mail_bounce_reason=error)
                            .execution_options(synchronize_session=False))


def _failed(ids: list[int], error: str) -> None:
    """Each of these mails is tried again later, or given up after MAX_ATTEMPTS."""
    log.warning("%s mail(s) not delivered, will retry: %s", len(ids), error)
    with unit_of_work() as uow:
        moment = now()
        rows = list(uow.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids))))
        for row in rows:
            row.attempts += 1
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = moment
            else:
                row.next_attempt_at = moment + retry_delay(row.attempts)
        again = [r.id for r in rows if r.failed_at is None]
        delay = retry_delay(min(r.attempts for r in rows)) if again else None
    if again and queue.enabled():
        dispatch(again, delay=delay)


def _pace() -> None:
    """Keeps to MAIL_SEND_RATE, counted across every worker when the queue's Redis is there."""
    rate = current_app.config["MAIL_SEND_RATE"]
    if not rate:
        return
    limiter: FixedWindowRateLimiter = current_app.extensions.get("mail_pace")
    if limiter is None:
        limiter = FixedWindowRateLimiter(storage_from_string(current_app.config["QUEUE_URL"] or "memory-threadsafe://"))
        current_app.extensions["mail_pace"] = limiter
    item, key = parse_rate(rate), f"{current_app.config['QUEUE_NAMESPACE']}-mail"
    while not limiter.hit(item, key):
        time.sleep(max(limiter.get_window_stats(item, key).reset_time - time.time(), 0.001))


def sweep(limit: int = 1000) -> int:
    """tick: every mail that is due and nobody is delivering — new ones a crash left behind, retries
    whose delayed job was lost. With a queue, hands them to the workers and returns how many; without
    one, delivers them and returns how many went."""
    moment = now()
    if queue.enabled():
        moment -= SWEEP_AFTER
    due = list(db.session.scalars(select(OutboxMail.id).where(OutboxMail.sent_at.is_(None),
                                                              OutboxMail.failed_at.is_(None),
                                                              OutboxMail.next_attempt_at <= moment)
                                  .order_by(OutboxMail.id).limit(limit)))
    db.session.rollback()
    if queue.enabled():
        dispatch(due)
        return len(due)
    return sum(deliver(batch) for batch in _batches(due))


def undelivered(chapter: Chapter, limit: int = 20) -> list[OutboxMail]:
    """For steering: the chapter's notices given up, newest first."""
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.chapter_id == chapter.id,
                                                            OutboxMail.failed_at.is_not(None))
                                   .order_by(OutboxMail.failed_at.desc()).limit(limit)))
