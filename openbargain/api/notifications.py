"""Your notifications, what each kind sends you, and what you follow."""
from __future__ import annotations

from flask import g, url_for
from marshmallow import fields, validate

from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Moment, Shape, Whole, items
from openbargain.phrases import say
from openbargain.services import follows, notifications

blp = Resource("notifications", __name__, description="Your notification list, how each kind of notice reaches "
                                                      "you (mail, the daily digest, or the list only), and the "
                                                      "proposals and electeds you follow.")

DELIVERY = validate.OneOf(list(notifications.DELIVERIES))


class NoticeQuery(Body):
    cursor = Whole(strict=False, load_default=1, validate=validate.Range(min=1))


class Notice(Shape):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(notifications.KINDS)))
    title = fields.Function(lambda n: say(n.title, n.title_values), required=True,
                            metadata={"type": "string", "description": "In the language of Accept-Language"})
    link = fields.String(required=True, metadata={"description": "A path on the site"})
    created_at = Moment(required=True)
    read = fields.Function(lambda n: n.read_at is not None, required=True, metadata={"type": "boolean"})


class NoticePage(Shape):
    items = items(Notice, required=True)
    unread = fields.Integer(required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The following page, or null"})


class ReadBody(Body):
    id = Whole(allow_none=True, load_default=None, metadata={"description": "One notice; none: all of them"})


class Marked(Shape):
    marked = fields.Integer(required=True)


class Setting(Shape):
    kind = fields.String(required=True)
    label = fields.String(required=True)
    delivery = fields.String(required=True, validate=DELIVERY)


class Settings(Shape):
    items = items(Setting, required=True)


class SettingsBody(Body):
    settings = fields.Dict(keys=fields.String(validate=validate.OneOf(list(notifications.KINDS))),
                           values=fields.String(validate=DELIVERY), required=True,
                           metadata={"description": "kind → mail, digest or app; kinds left out keep theirs"})


class Following(Shape):
    following = fields.Boolean(required=True)


def _settings(chosen: dict[str, str]) -> dict:
    return {"items": [{"kind": name, "label": kind.label, "delivery": chosen[name]}
                      for name, kind in notifications.KINDS.items()]}


@blp.operation("GET", "/notifications", returns=NoticePage, query=NoticeQuery)
def notice_list(query):
    """Your notifications, newest first, 50 at a time, with the unread count and a `next` link"""
    page = notifications.notices_of(g.api_user, query["cursor"])
    following = url_for("api.notifications.notice_list", cursor=page.page + 1, _external=True) if page.more else None
    return {"items": page.notices, "unread": notifications.unread_count(g.api_user), "next": following}


@blp.operation("POST", "/notifications/read", returns=Marked, body=ReadBody)
def notice_read(data):
    """Mark one notice (or, with no id, all of them) read"""
    return {"marked": notifications.mark_read(g.api_user, data["id"])}


@blp.operation("GET", "/notifications/settings", returns=Settings)
def settings_get():
    """How each kind of notice reaches you"""
    return _settings(notifications.preferences_of(g.api_user))


@blp.operation("PUT", "/notifications/settings", returns=Settings, body=SettingsBody)
def settings_put(data):
    """Choose how kinds of notice reach you: mail at once, the daily digest, or the list only (app)"""
    return _settings(notifications.set_preferences(g.api_user, data["settings"]))


def _declare_following(name: str, rule: str, news: str) -> None:
    """PUT follows, DELETE stops following: the pair of operations for one kind of subject."""
    for method, on in (("PUT", True), ("DELETE", False)):
        def view(slug: str, on: bool = on, **subject) -> dict:
            return {"following": follows.follow(g.api_user, visible_chapter(slug), on=on, **subject)}

        view.__name__ = f"{name}_{'follow' if on else 'unfollow'}"
        view.__doc__ = f"Follow {news}" if on else f"Stop following {news.split(':')[0]}"
        blp.operation(method, rule, returns=Following)(view)


_declare_following("proposal", "/chapters/<slug>/proposals/<int:proposal_id>/follow",
                   "a proposal: you are told when it changes state")
_declare_following("elected", "/chapters/<slug>/electeds/<int:membership_id>/follow",
                   "an elected: you are told of their mandates, reports and published bargaining entries")
