"""The audit log: a chapter's events (steering) and the chains' checkpoints (the site's: anyone;
a chapter's: whoever may see the chapter)."""
from __future__ import annotations

from flask import g, url_for
from marshmallow import fields, validate

from openbargain.api.auth import optional_token, public
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Moment, Shape, Whole, items
from openbargain.services import audit_log, chapters

blp = Resource("audit", __name__, description="The hash-chained audit log.")


class Checkpoint(Shape):
    chain = fields.String(required=True, metadata={"description": "The chapter's address, or empty for the site's chain"})
    length = fields.Integer(required=True)
    head = fields.String(required=True, attribute="hash")
    checkpoint = fields.String(required=True, attribute="label", metadata={"description": "[chapter:]head@length"})


class Event(Shape):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, metadata={"description": "Its place in the chapter's chain"})
    occurred_at = Moment(required=True)
    actor = fields.Integer(required=True, allow_none=True, attribute="actor_id")
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    data = fields.Dict(required=True, allow_none=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class Events(Shape):
    items = items(Event, required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "Older events, or null"})


class EventsQuery(Body):
    before = Whole(strict=False, validate=validate.Range(min=1), metadata={"description": "An event number"})


@blp.operation("GET", "/audit/checkpoint", returns=Checkpoint, auth=public)
def audit_checkpoint():
    """The site chain's checkpoint: its length and head hash (keep it to prove a rewrite later)"""
    return audit_log.current_checkpoint()


@blp.operation("GET", "/chapters/<slug>/audit/checkpoint", returns=Checkpoint, auth=optional_token)
def chapter_audit_checkpoint(slug: str):
    """The chapter chain's checkpoint (members; anyone where the chapter's pages are public)"""
    return audit_log.chapter_checkpoint(g.api_user, chapters.get_chapter(slug))


@blp.operation("GET", "/chapters/<slug>/audit", returns=Events, query=EventsQuery)
def audit_events(query, slug: str):
    """The chapter's audit log, newest first, 50 at a time (steering)"""
    page = audit_log.list_chapter_events(g.api_user, visible_chapter(slug), query.get("before"))
    following = url_for("api.audit.audit_events", slug=slug, before=page.next_before, _external=True) \
        if page.next_before else None
    return {"items": page.events, "next": following}
