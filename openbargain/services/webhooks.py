"""Chat webhooks, the outbox half: an event a chapter's rooms want is written as one delivery per
webhook in the transaction of the change it announces (a rolled-back change sends nothing; a
crash after commit loses nothing), with the exact body to post; once committed it is posted by
the queue's workers, or here when there is none, and retried with a growing delay by a delayed job
or by `tick`. Steering's side — connecting rooms, the delivery log — is webhook_settings.py.

A delivery the room refuses for good (404: the hook was deleted), or that fails MAX_ATTEMPTS
times, is given up; DISABLE_AFTER deliveries given up in a row turn the webhook off, its pending
deliveries with it, and `tick` tells steering. An embargoed bargaining entry is announced only
when it is released: bargaining.announce writes its event, as it tells members."""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from itertools import islice

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openbargain import queue, webhook_post
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, Webhook, WebhookDelivery
from openbargain.models.webhook import ERROR_MAX, REASON_MAX
from openbargain.phrases import Phrase, in_language, language_for, phrase
from openbargain.services import audit
from openbargain.services.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

EVENTS = {
    "proposal.published": _l("A proposal is published"),
    "vote.opened": _l("A vote opens"),
    "result.certified": _l("A result is certified (with its outcome in a sentence)"),
    "mandate.issued": _l("A mandate is issued to an elected"),
    "report.filed": _l("An elected files a report on a mandate"),
    "bargaining.published": _l("A bargaining entry is published (an embargoed one when it is released)"),
    "bargaining_session.opened": _l("An elected opens a live bargaining session"),
    "bargaining_session.closed": _l("A live bargaining session closes, with its summary"),
    "committee.decided": _l("The committee decides a question within the platform (an embargoed one when released)"),
    "committee.called_up": _l("Members call a committee decision up to a referendum"),
    "committee.settled": _l("The members' vote confirms or overturns a called-up committee decision"),
}
MAX_ATTEMPTS = 8  # 1, 2, 4 … 64 minutes apart: about two hours of trying
MAX_DELAY = timedelta(hours=1)
DISABLE_AFTER = 5  # deliveries given up in a row
CLAIM = timedelta(minutes=2)  # longer than a post's two timeouts
SWEEP_AFTER = timedelta(minutes=5)  # with a queue, tick re-sends only what no worker took by then
BATCH = 50
PING = "ping"  # steering's test message


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_DELAY)


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def emit(uow: UnitOfWork, chapter: Chapter, event: str, key: str, text: Phrase, path: str, **data) -> int:
    """Writes this event for each of the chapter's live webhooks that want it, in the caller's
    transaction, its text in the chapter's language. `key` names the event: written again (a re-run
    `tick`), it is one delivery."""
    hooks = [hook for hook in uow.session.scalars(select(Webhook).where(Webhook.chapter_id == chapter.id,
                                                                      Webhook.disabled_at.is_(None)))
             if event in hook.event_set]
    if not hooks:
        return 0
    said = in_language(language_for(chapter.default_locale), text)
    message = webhook_post.Event(event, said, absolute(path), chapter.slug, chapter.name, now(), data)
    return write(uow, hooks, f"{event}:{key}", message)


def write(uow: UnitOfWork, hooks: list[Webhook], key: str, event: webhook_post.Event) -> int:
    if not hooks:
        return 0
    moment = now()
    insert = postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    written = [delivery_id for delivery_id in (uow.session.scalar(
        insert(WebhookDelivery).values(webhook_id=hook.id, key=key, event=event.name,
                                       body=webhook_post.render(hook.format, event), created_at=moment,
                                       next_attempt_at=moment, attempts=0)
        .on_conflict_do_nothing(index_elements=["webhook_id", "key"]).returning(WebhookDelivery.id))
        for hook in hooks) if delivery_id is not None]
    if written:
        uow.after_commit(lambda: dispatch(written))
    return len(written)


def dispatch(ids: list[int], delay: timedelta | None = None) -> None:
    it = iter(ids)
    while batch := list(islice(it, BATCH)):
        queue.send(deliver, batch, delay=delay)


@queue.job
def deliver(ids: list[int]) -> int:
    """Posts those of these deliveries that are due and unclaimed; returns how many arrived."""
    with unit_of_work() as uow:
        moment = now()
        claimed = list(uow.session.scalars(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids), WebhookDelivery.delivered_at.is_(None),
                                          WebhookDelivery.failed_at.is_(None), WebhookDelivery.next_attempt_at <= moment)
            .values(next_attempt_at=moment + CLAIM).returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)))
    if not claimed:
        return 0
    rows = list(db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.body, WebhookDelivery.event, Webhook.id.label("hook"), Webhook.url,
               Webhook.secret)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        # A hook turned off gets only steering's test message (drop_pending gave up the rest).
        .where(WebhookDelivery.id.in_(claimed), or_(Webhook.disabled_at.is_(None), WebhookDelivery.event == PING))
        .order_by(WebhookDelivery.id)))
    db.session.rollback()  # no transaction stays open while the rooms answer
    allow_private = current_app.config["WEBHOOK_ALLOW_PRIVATE"]
    arrived = 0
    for row in rows:
        body = row.body.encode()
        headers = {webhook_post.SIGNATURE_HEADER: webhook_post.signature(row.secret, int(time.time()), body),
                   webhook_post.EVENT_HEADER: row.event, webhook_post.DELIVERY_HEADER: str(row.id)}
        outcome = webhook_post.post(row.url, row.body, headers, allow_private=allow_private)
        _record(row.id, row.hook, outcome)
        arrived += outcome.delivered
    return arrived


def _record(delivery_id: int, hook_id: int, outcome: webhook_post.Outcome) -> None:
    again = None
    with unit_of_work() as uow:
        s = uow.session
        hook = s.scalar(select(Webhook).where(Webhook.id == hook_id).with_for_update())
        delivery = s.get(WebhookDelivery, delivery_id)
        if hook is None or delivery is None:  # steering deleted the hook while the room was answering
            return
        moment = now()
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = outcome.status, outcome.error and outcome.error[:ERROR_MAX]
        if outcome.delivered:
            delivery.delivered_at = moment
            hook.failures_in_a_row = 0
        elif outcome.retry and delivery.attempts < MAX_ATTEMPTS:
            delivery.next_attempt_at = moment + retry_delay(delivery.attempts)
            again = retry_delay(delivery.attempts)
        else:
            log.warning("webhook %s: delivery %s given up: %s", hook_id, delivery_id, outcome.error)
            delivery.failed_at = moment
            hook.failures_in_a_row += 1
            if hook.failures_in_a_row >= DISABLE_AFTER and hook.disabled_at is None:
                _disable(uow, hook, outcome.error or "")
    if again is not None and queue.enabled():
        dispatch([delivery_id], delay=again)


def _disable(uow: UnitOfWork, hook: Webhook, error: str) -> None:
    s = uow.session
    hook.disabled_at, hook.disabled_by_id = now(), None
    # Written in the chapter's language: steering reads it on the webhook's page.
    language = language_for(s.get(Chapter, hook.chapter_id).default_locale)
    hook.disabled_reason = in_language(language, phrase(
        "Turned off after %(count)d deliveries in a row failed; the last: %(error)s", count=hook.failures_in_a_row,
        error=error))[:REASON_MAX]
    drop_pending(s, hook.id)
    audit.record(s, "webhook.disabled", f"webhook:{hook.id}", actor=None,
                 chapter=s.get(Chapter, hook.chapter_id), data={"reason": "failures", "in_a_row": hook.failures_in_a_row})


def drop_pending(session, hook_id: int) -> None:
    """A hook turned off sends nothing it had waiting, even once turned on again: old news."""
    session.execute(update(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id,
                                                  WebhookDelivery.delivered_at.is_(None),
                                                  WebhookDelivery.failed_at.is_(None))
                    .values(failed_at=now(), last_error="Not sent: the webhook was turned off.")
                    .execution_options(synchronize_session=False))


def sweep(limit: int = 500) -> int:
    """tick: every delivery that is due and nobody is posting — new ones a crash left behind,
    retries whose delayed job was lost. With a queue, hands them on; without, posts them."""
    moment = now() - (SWEEP_AFTER if queue.enabled() else timedelta(0))
    due = list(db.session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.delivered_at.is_(None),
                                                                    WebhookDelivery.failed_at.is_(None),
                                                                    WebhookDelivery.next_attempt_at <= moment)
                                  .order_by(WebhookDelivery.id).limit(limit)))
    db.session.rollback()
    dispatch(due)
    return len(due)
