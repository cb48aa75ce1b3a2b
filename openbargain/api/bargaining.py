"""Open bargaining: an elected's log of what was offered, demanded and threatened in a
negotiation, public at once or after an embargo, never edited (a correction is a new entry)."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Day, Flag, Moment, Shape, Text, Whole, items
from openbargain.models.mandate import PARTY_MAX
from openbargain.models.proposal import TEXT_MAX
from openbargain.services import bargaining

blp = Resource("bargaining", __name__, description="Open bargaining: electeds log their negotiations.")


class Entry(Shape):
    THROUGH = "entry"

    id = fields.Integer(required=True)
    elected = fields.Integer(required=True, attribute="membership_id")
    proposal_id = fields.Integer(required=True, allow_none=True)
    met_on = Day(required=True)
    counterparty = fields.String(required=True)
    offered = fields.String(required=True)
    demanded = fields.String(required=True)
    threatened = fields.String(required=True)
    notes = fields.String(required=True)
    recorded_at = Moment(required=True)
    embargo_until = Moment(required=True, allow_none=True)
    embargo_until_vote = fields.Boolean(required=True)
    released_at = Moment(required=True, allow_none=True, attribute="release_at",
                         metadata={"description": "When it is (or was) public; null: when the proposal's vote, "
                                                  "not yet scheduled, opens"})
    published = fields.Boolean(required=True)
    corrects_id = fields.Integer(required=True, allow_none=True)


class Entries(Shape):
    items = items(Entry, required=True)


class NewEntry(Body):
    met_on = Day(required=True)
    counterparty = Text(PARTY_MAX, required=True)
    offered = Text(TEXT_MAX, load_default="")
    demanded = Text(TEXT_MAX, load_default="")
    threatened = Text(TEXT_MAX, load_default="")
    notes = Text(TEXT_MAX, load_default="")
    proposal_id = Whole(load_default=None)
    embargo_until = Moment(load_default=None)
    embargo_until_vote = Flag(load_default=False)
    corrects_id = Whole(load_default=None)


class EntryRecorded(Shape):
    id = fields.Integer(required=True)
    recorded_at = Moment(required=True)
    embargo_until = Moment(required=True, allow_none=True)
    embargo_until_vote = fields.Boolean(required=True)
    released_at = Moment(required=True, allow_none=True)


class LinkBody(Body):
    proposal_id = Whole(required=True)


class Link(Shape):
    entry_id = fields.Integer(required=True)
    update_id = fields.Function(lambda link: link.entry_id, required=True,
                                metadata={"type": "integer", "deprecated": True, "description": "Its first name: entry_id"})
    proposal_id = fields.Integer(required=True)
    linked_at = Moment(required=True)


@blp.operation("GET", "/chapters/<slug>/bargaining", returns=Entries, auth=optional_token)
def bargaining_list(slug: str):
    """Bargaining entries you may see, latest meeting first (embargoed ones: their author and steering)"""
    return {"items": bargaining.visible_entries(g.api_user, visible_chapter(slug))}


@blp.operation("GET", "/chapters/<slug>/bargaining/<int:entry_id>", returns=Entry, auth=optional_token)
def bargaining_entry(slug: str, entry_id: int):
    """One bargaining entry"""
    return bargaining.get_entry(g.api_user, visible_chapter(slug), entry_id)


@blp.operation("POST", "/chapters/<slug>/bargaining", returns=EntryRecorded, status=201, body=NewEntry)
def bargaining_create(data, slug: str):
    """Log a bargaining entry (electeds); an embargo holds it back until a time or the vote, whichever is first"""
    entry = bargaining.log_entry(g.api_user, visible_chapter(slug), bargaining.EntryDraft(**data))
    return {"id": entry.id, "recorded_at": entry.recorded_at, "embargo_until": entry.embargo_until,
            "embargo_until_vote": entry.embargo_until_vote, "released_at": bargaining.release_time(entry)}


@blp.operation("POST", "/chapters/<slug>/bargaining/<int:entry_id>/links", returns=Link, status=201, body=LinkBody)
def bargaining_link(data, slug: str, entry_id: int):
    """Put your earlier entry on the timeline of a later proposal (an append-only link)"""
    return bargaining.link_entry(g.api_user, visible_chapter(slug), entry_id, data["proposal_id"])
