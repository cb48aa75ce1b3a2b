"""Chapters: reading one, opening one (site admins), and its bylaws."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields

from flask import g
from marshmallow import fields, validate

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Flag, Shape, Text, Whole
from openbargain.models import BallotPublication
from openbargain.models.bylaws import CommitteeOf
from openbargain.models.chapter import SLUG_MAX, TIMEZONE_MAX
from openbargain.models.user import EMAIL_MAX, NAME_MAX
from openbargain.services import bylaws, chapters
from openbargain.tally import THRESHOLDS

blp = Resource("chapters", __name__, description="Chapters and their bylaws.")

class Chapter(Shape):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)


class NewChapter(Body):
    slug = Text(SLUG_MAX, required=True)
    name = Text(NAME_MAX, required=True)
    timezone = Text(TIMEZONE_MAX, required=True, metadata={"description": "An IANA zone, e.g. Europe/Berlin"})
    steering_email = Text(EMAIL_MAX, required=True)
    steering_name = Text(NAME_MAX, required=True)


def _setting(name: str, kind: str, required: bool):
    if kind == "bool":
        return Flag(required=required)
    if name == "threshold":
        return fields.String(required=required, validate=validate.OneOf(THRESHOLDS, error="One of {choices}."))
    if name == "ranked_ballots_public":
        return fields.String(required=required, validate=validate.OneOf(list(BallotPublication), error="One of {choices}."),
                             metadata={"description": "Publish a secret ranked vote's individual ballots always, only "
                                                      "from a roll of ranked_ballots_min_roll, or never"})
    if name == "committee_of":
        return fields.String(required=required, validate=validate.OneOf(list(CommitteeOf), error="One of {choices}."),
                             metadata={"description": "Who decides questions within the platform between referenda: "
                                                      "nobody, steering, or the members named to the committee"})
    return Whole(required=required)


_SETTINGS = {f.name: f.type for f in dataclass_fields(bylaws.BylawsChange)}
# One declaration from the service's own change record: every setting the app enforces.
Bylaws = Shape.from_dict({n: _setting(n, kind, True) for n, kind in _SETTINGS.items()}, name="Bylaws")
BylawsPatch = Body.from_dict({n: _setting(n, kind, False) for n, kind in _SETTINGS.items()}, name="BylawsPatch")


@blp.operation("POST", "/chapters", returns=Chapter, status=201, body=NewChapter)
def chapter_create(data):
    """Open a chapter (site admins); its first steering member is invited by mail"""
    return chapters.create_chapter(g.api_user, chapters.NewChapter(**{**data, "timezone": data["timezone"].strip()}))


@blp.operation("GET", "/chapters/<slug>", returns=Chapter, auth=optional_token)
def chapter(slug: str):
    """A chapter"""
    return visible_chapter(slug)


@blp.operation("GET", "/chapters/<slug>/bylaws", returns=Bylaws, auth=optional_token)
def bylaws_read(slug: str):
    """The chapter's bylaws: the rules every deliberation and vote is held to"""
    return bylaws.read_bylaws(g.api_user, visible_chapter(slug))


@blp.operation("PATCH", "/chapters/<slug>/bylaws", returns=Bylaws, body=BylawsPatch)
def bylaws_change(data, slug: str):
    """Change some of the bylaws (steering); the settings not sent stay as they are"""
    chapter = visible_chapter(slug)
    current = bylaws.read_bylaws(g.api_user, chapter)
    change = bylaws.BylawsChange(**{name: data.get(name, getattr(current, name)) for name in _SETTINGS})
    return bylaws.update_bylaws(g.api_user, chapter, change)
