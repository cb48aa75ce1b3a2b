"""Steering connects the chapter's chat rooms: a webhook's URL, the format its room reads and
the events it hears of; a test message; the delivery log; turning a hook off and on; and the
notice to steering when repeated failures turned one off (webhooks.py does the posting)."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator
from urllib.parse import urlsplit

from flask_babel import gettext
from flask import current_app
from sqlalchemy import select

from openbargain import policy, webhook_post
from openbargain.clock import now
from openbargain.extensions import db
from openbargain.models import Chapter, User, Webhook, WebhookDelivery
from openbargain.models.webhook import URL_MAX
from openbargain.phrases import in_language, language_for, phrase
from openbargain.services import audit, notifications, webhooks
from openbargain.services.access import membership_of, require
from openbargain.services.errors import NotFound, ValidationFailed
from openbargain.services.uow import UnitOfWork, unit_of_work

NAME_MAX = 100
LOG_LENGTH = 50  # deliveries shown on a webhook's page
TELL_WINDOW = timedelta(days=7)  # how long after a hook was turned off `tick` still tells steering


@dataclass
class WebhookDraft:
    name: str
    url: str
    format: str
    events: list[str]


@dataclass(frozen=True)
class WebhookPage:
    webhook: Webhook
    deliveries: list[WebhookDelivery]


def _require_steering(actor: User, chapter: Chapter, session) -> None:
    mine = membership_of(actor, chapter, session)
    require(policy.can_manage_webhooks(actor, mine), mine, gettext("Only steering connects the chapter's chat rooms."))


def hooks_of(actor: User, chapter: Chapter) -> list[Webhook]:
    _require_steering(actor, chapter, db.session)
    return list(db.session.scalars(select(Webhook).where(Webhook.chapter_id == chapter.id).order_by(Webhook.id)))


def webhook_page(actor: User, chapter: Chapter, webhook_id: int) -> WebhookPage:
    """A webhook with its latest deliveries: what was sent, when, and what the room answered."""
    _require_steering(actor, chapter, db.session)
    hook = _hook(db.session, chapter, webhook_id)
    deliveries = list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                         .order_by(WebhookDelivery.id.desc()).limit(LOG_LENGTH)))
    return WebhookPage(hook, deliveries)


def _hook(session, chapter: Chapter, webhook_id: int, lock: bool = False) -> Webhook:
    query = select(Webhook).where(Webhook.id == webhook_id, Webhook.chapter_id == chapter.id)
    hook = session.scalar(query.with_for_update() if lock else query)
    if hook is None:
        raise NotFound(gettext("No such webhook."))
    return hook


@contextmanager
def _steering_changes(actor: User, chapter: Chapter, webhook_id: int) -> Iterator[tuple[UnitOfWork, Webhook]]:
    """One of steering's changes to a hook: its transaction, the check, the hook locked."""
    with unit_of_work() as uow:
        _require_steering(actor, chapter, uow.session)
        yield uow, _hook(uow.session, chapter, webhook_id, lock=True)


def _checked(draft: WebhookDraft) -> WebhookDraft:
    errors: dict[str, list[str]] = {}
    name, url = " ".join(draft.name.split()), draft.url.strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = [gettext("Name the room, in at most %(count)d characters (for example “#general on Slack”).",
                                  count=NAME_MAX)]
    if not url or len(url) > URL_MAX:
        errors["url"] = [gettext("Paste the webhook's URL (at most %(count)d characters).", count=URL_MAX)]
    else:
        try:
            webhook_post.check_url(url, current_app.config["WEBHOOK_ALLOW_PRIVATE"])
        except webhook_post.Refused as exc:
            errors["url"] = [gettext(str(exc))]  # check_url's words are in the catalog
    if draft.format not in webhook_post.FORMATS:
        errors["format"] = [gettext("Choose the kind of room: %(kinds)s.", kinds=", ".join(map(gettext, webhook_post.FORMATS.values())))]
    if not draft.events or set(draft.events) - set(webhooks.EVENTS):
        errors["events"] = [gettext("Choose at least one event, from those listed.")]
    if errors:
        raise ValidationFailed(gettext("The webhook has problems; nothing was saved."), errors=errors)
    return WebhookDraft(name, url, draft.format, [e for e in webhooks.EVENTS if e in draft.events])


def _described(hook: Webhook) -> dict:
    # The URL of a Slack or Discord hook is itself a secret: the audit log keeps only its host.
    return {"name": hook.name, "host": urlsplit(hook.url).hostname, "format": hook.format, "events": hook.events}


def create_webhook(actor: User, chapter: Chapter, draft: WebhookDraft) -> Webhook:
    draft = _checked(draft)
    with unit_of_work() as uow:
        s = uow.session
        _require_steering(actor, chapter, s)
        hook = Webhook(chapter_id=chapter.id, name=draft.name, url=draft.url, format=draft.format,
                       events=" ".join(draft.events), secret=_new_secret(), created_at=now(),
                       created_by_id=actor.id, failures_in_a_row=0)
        s.add(hook)
        s.flush()
        audit.record(s, "webhook.created", f"webhook:{hook.id}", actor=actor, chapter=chapter, data=_described(hook))
    return hook


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def update_webhook(actor: User, chapter: Chapter, webhook_id: int, draft: WebhookDraft) -> Webhook:
    draft = _checked(draft)
    with _steering_changes(actor, chapter, webhook_id) as (uow, hook):
        s = uow.session
        hook.name, hook.url, hook.format, hook.events = draft.name, draft.url, draft.format, " ".join(draft.events)
        audit.record(s, "webhook.changed", f"webhook:{hook.id}", actor=actor, chapter=chapter, data=_described(hook))
    return hook


def set_enabled(actor: User, chapter: Chapter, webhook_id: int, enabled: bool) -> Webhook:
    """Steering turns a hook off, or on again (after repeated failures turned it off)."""
    with _steering_changes(actor, chapter, webhook_id) as (uow, hook):
        s = uow.session
        if enabled and hook.disabled_at is not None:
            hook.disabled_at, hook.disabled_by_id, hook.disabled_reason = None, None, None
            hook.failures_in_a_row = 0
            audit.record(s, "webhook.enabled", f"webhook:{hook.id}", actor=actor, chapter=chapter)
        elif not enabled and hook.disabled_at is None:
            hook.disabled_at, hook.disabled_by_id = now(), actor.id
            hook.disabled_reason = in_language(language_for(chapter.default_locale),
                                               phrase("Turned off by %(name)s.", name=actor.name))
            webhooks.drop_pending(s, hook.id)
            audit.record(s, "webhook.disabled", f"webhook:{hook.id}", actor=actor, chapter=chapter,
                         data={"reason": "steering"})
    return hook


def rotate_secret(actor: User, chapter: Chapter, webhook_id: int) -> Webhook:
    with _steering_changes(actor, chapter, webhook_id) as (uow, hook):
        hook.secret = _new_secret()
        audit.record(uow.session, "webhook.secret_rotated", f"webhook:{hook.id}", actor=actor, chapter=chapter)
    return hook


def delete_webhook(actor: User, chapter: Chapter, webhook_id: int) -> None:
    with _steering_changes(actor, chapter, webhook_id) as (uow, hook):
        audit.record(uow.session, "webhook.deleted", f"webhook:{hook.id}", actor=actor, chapter=chapter,
                     data=_described(hook))
        uow.session.delete(hook)


def send_test(actor: User, chapter: Chapter, webhook_id: int) -> None:
    """A test message to the room (even a hook turned off), through the same delivery and log as any event."""
    with unit_of_work() as uow:
        s = uow.session
        _require_steering(actor, chapter, s)
        hook = _hook(s, chapter, webhook_id)
        moment = now()
        event = webhook_post.Event(webhooks.PING, f"{actor.name} tested this connection to {chapter.name}.",
                                   webhooks.absolute(f"/c/{chapter.slug}"), chapter.slug, chapter.name, moment)
        webhooks.write(uow, [hook], f"{webhooks.PING}:{moment.isoformat()}", event)


def tell_disabled() -> int:
    """tick: tells steering of each hook that failures turned off lately (once: the notice's key
    is the hook and the moment it was turned off)."""
    with unit_of_work() as uow:
        hooks = list(uow.session.execute(
            select(Webhook, Chapter).join(Chapter, Chapter.id == Webhook.chapter_id)
            .where(Webhook.disabled_at > now() - TELL_WINDOW, Webhook.disabled_by_id.is_(None))))
        return sum(notifications.tell(
            uow, "webhook_disabled", f"webhook:{hook.id}:{hook.disabled_at.isoformat()}",
            notifications.steering_of(chapter.id), chapter=chapter,
            title=phrase("The webhook “%(name)s” was turned off: its deliveries kept failing", name=hook.name),
            link=notifications.path("webhooks.show", slug=chapter.slug, webhook_id=hook.id))
            for hook, chapter in hooks)
