"""Paper ballots: a vote's tellers (steering appoints them), marking a member as voting on paper,
and entering batches of paper ballots, each counted once two tellers agree."""
from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Moment, Shape, Text, items
from openbargain.api.referenda import BallotBody
from openbargain.models.paper import BATCH_MAX, LABEL_MAX
from openbargain.models.user import EMAIL_MAX
from openbargain.services import paper

blp = Resource("paper", __name__, description="Paper ballots, counted once: tellers, marks on the roll, batches "
                                              "entered twice.")


class TellersBody(Body):
    emails = fields.List(Text(EMAIL_MAX), required=True, validate=validate.Length(max=paper.TELLERS_MAX))


class TellerList(Shape):
    tellers = fields.List(fields.Integer(), required=True, metadata={"description": "Membership ids"})


class MarkBody(Body):
    email = Text(EMAIL_MAX, required=True, metadata={"description": "The member voting on paper"})


class PaperMarked(Shape):
    voted_on = fields.Date(required=True)
    on_paper = fields.Boolean(required=True)


class BatchBody(Body):
    label = Text(LABEL_MAX, required=True, metadata={"description": "The second teller enters the same label"})
    ballots = fields.List(fields.Nested(BallotBody), required=True, validate=validate.Length(min=1, max=BATCH_MAX))


class PaperBatchState(Shape):
    label = fields.String(required=True, attribute="batch.label")
    entries = fields.Integer(required=True)
    agreed = fields.Boolean(required=True, metadata={"description": "Two tellers entered the same ballots: counted"})
    disagreement = fields.Boolean(required=True, metadata={"description": "Entries differ: count the box again"})


class PaperBatchShape(Shape):
    label = fields.String(required=True)
    agreed_at = Moment(required=True, allow_none=True)
    entries = fields.Function(lambda b: [{"teller": e.membership_id, "count": e.count} for e in b.entries],
                              required=True, metadata={"type": "array", "items": {"type": "object"}})


class PaperSide(Shape):
    tellers = fields.Function(lambda v: [m.id for m in v.tellers], required=True,
                              metadata={"type": "array", "items": {"type": "integer"}})
    marked = fields.Integer(required=True)
    counted = fields.Integer(required=True)
    batches = items(PaperBatchShape, required=True)


@blp.operation("GET", "/chapters/<slug>/referenda/<int:referendum_id>/paper", returns=PaperSide)
def paper_show(slug: str, referendum_id: int):
    """The vote's paper side (its tellers and steering): tellers, members marked, batches and their state"""
    return paper.get_paper(g.api_user, visible_chapter(slug), referendum_id)


@blp.operation("PUT", "/chapters/<slug>/referenda/<int:referendum_id>/tellers", returns=TellerList, body=TellersBody)
def tellers_set(data, slug: str, referendum_id: int):
    """Appoint the vote's tellers (steering), replacing the list"""
    return {"tellers": [m.id for m in paper.appoint_tellers(g.api_user, visible_chapter(slug), referendum_id,
                                                            data["emails"])]}


@blp.operation("POST", "/chapters/<slug>/referenda/<int:referendum_id>/paper-marks", returns=PaperMarked, status=201,
               body=MarkBody)
def paper_mark(data, slug: str, referendum_id: int):
    """Mark a member on the roll as voting on paper (tellers): refused if they voted, online or on paper"""
    return paper.mark_on_paper(g.api_user, visible_chapter(slug), referendum_id, data["email"])


@blp.operation("POST", "/chapters/<slug>/referenda/<int:referendum_id>/paper-batches", returns=PaperBatchState,
               status=201, body=BatchBody)
def paper_batch(data, slug: str, referendum_id: int):
    """Enter a batch of paper ballots (tellers); it counts once another teller's entry holds the same ballots"""
    return paper.enter_batch(g.api_user, visible_chapter(slug), referendum_id, data["label"], data["ballots"])
