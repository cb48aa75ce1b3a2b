"""Comments: the deliberation thread of a proposal, posting, editing and hiding."""
from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Moment, Reason, Shape, Text, Whole, choice, items
from openbargain.models import Comment as CommentModel, Stance
from openbargain.models.proposal import COMMENT_MAX
from openbargain.services import deliberation, proposals

blp = Resource("comments", __name__, description="Deliberation: members argue for and against a proposal.")


class Comment(Shape):
    THROUGH = "comment"

    id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    depth = fields.Integer(required=True)
    author = fields.String(required=True, attribute="author.name")
    stance = choice(Stance, required=True)
    body = fields.Function(lambda e: e.body if e.show_text else None, required=True,
                           metadata={"type": ["string", "null"], "description": "null when hidden from you"})
    hidden_reason = fields.String(required=True, allow_none=True)
    hidden_at = Moment(required=True, allow_none=True)
    created_at = Moment(required=True)
    edited = fields.Function(lambda e: e.edited_at is not None, required=True,
                             metadata={"type": "boolean"})


class Thread(Shape):
    stances = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = items(Comment, required=True, attribute="entries")


class ThreadQuery(Body):
    page = Whole(strict=False, load_default=1, validate=validate.Range(min=1))


class NewComment(Body):
    stance = choice(Stance, required=True)
    body = Text(COMMENT_MAX, required=True)
    parent_id = Whole(metadata={"description": "The comment this replies to"})


class CommentEdit(Body):
    body = Text(COMMENT_MAX, required=True)


def _own(comment: CommentModel) -> deliberation.ThreadEntry:
    return deliberation.ThreadEntry(comment, show_text=True, editable=False)


@blp.operation("GET", "/chapters/<slug>/proposals/<int:proposal_id>/comments",
               returns=Thread, auth=optional_token, query=ThreadQuery)
def comment_list(query, slug: str, proposal_id: int):
    """The deliberation thread, a page of threads at a time, each reply under its parent"""
    chapter = visible_chapter(slug)
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    return deliberation.thread_page(g.api_user, chapter, proposal, query["page"])


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/comments",
               returns=Comment, status=201, body=NewComment)
def comment_create(data, slug: str, proposal_id: int):
    """Comment in the deliberation, or reply to a comment"""
    return _own(deliberation.post_comment(g.api_user, visible_chapter(slug), proposal_id, data["stance"],
                                          data["body"], data.get("parent_id")))


@blp.operation("PATCH", "/chapters/<slug>/comments/<int:comment_id>", returns=Comment, body=CommentEdit)
def comment_edit(data, slug: str, comment_id: int):
    """Edit your comment, within 15 minutes of posting it"""
    return _own(deliberation.edit_comment(g.api_user, visible_chapter(slug), comment_id, data["body"]))


@blp.operation("POST", "/chapters/<slug>/comments/<int:comment_id>/hide", returns=Comment, body=Reason)
def comment_hide(data, slug: str, comment_id: int):
    """Hide a comment, with the reason members see (steering)"""
    return _own(deliberation.hide_comment(g.api_user, visible_chapter(slug), comment_id, data["reason"]))
