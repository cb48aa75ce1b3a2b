"""Elections: opening one (steering), nominating, standing or declining, drawing the ballot, and
granting a winner the steering role. Its vote is scheduled, cast and certified as any vote's
(referenda); its result and export are those of any ranked vote."""
from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Flag, Moment, Shape, Text, Whole, choice, items
from openbargain.api.auth import optional_token
from openbargain.models import Visibility
from openbargain.models.election import OFFICE_MAX, STATEMENT_MAX
from openbargain.models.proposal import TEXT_MAX, TITLE_MAX
from openbargain.models.user import EMAIL_MAX
from openbargain.services import elections

blp = Resource("elections", __name__, description="Electing people: nominations, the ballot, the winners.")


class NewElection(Body):
    title = Text(TITLE_MAX, required=True)
    office = Text(OFFICE_MAX, required=True, metadata={"description": "What is elected"})
    seats = Whole(required=True, validate=validate.Range(min=1, max=elections.SEATS_MAX))
    nominations_close_at = Moment(required=True)
    body = Text(TEXT_MAX, load_default="")
    visibility = choice(Visibility, load_default=Visibility.MEMBERS)


class NominationShape(Shape):
    nominee = fields.Integer(required=True, attribute="nominee_id")
    name = fields.String(required=True, attribute="nominee.user.name")
    nominated_by = fields.Integer(required=True, attribute="nominated_by_id")
    accepted = fields.Function(lambda n: n.accepted_at is not None, required=True, metadata={"type": "boolean"})
    declined = fields.Function(lambda n: n.declined_at is not None, required=True, metadata={"type": "boolean"})
    statement = fields.String(required=True)


class ElectionShape(Shape):
    proposal_id = fields.Integer(required=True, attribute="proposal.id")
    title = fields.String(required=True, attribute="proposal.title")
    office = fields.String(required=True, attribute="election.office")
    seats = fields.Integer(required=True, attribute="election.seats")
    nominations_close_at = Moment(required=True, attribute="election.nominations_close_at")
    nominations_open = fields.Boolean(required=True)
    ballot = fields.Function(lambda v: [o.label for o in v.proposal.options] if v.election.ballot_drawn_at else None,
                             required=True, allow_none=True, metadata={"type": "array", "items": {"type": "string"}})
    referendum_id = fields.Integer(required=True, allow_none=True)
    nominations = items(NominationShape, required=True)
    elected = fields.Function(lambda v: [w.membership_id for w in v.winners], required=True,
                              metadata={"type": "array", "items": {"type": "integer"}})


class NominateBody(Body):
    email = Text(EMAIL_MAX, required=True)


class NominationAnswer(Body):
    accept = Flag(required=True)
    statement = Text(STATEMENT_MAX, load_default="")


def _view(slug: str, proposal_id: int):
    return elections.get_election(g.api_user, visible_chapter(slug), proposal_id)


@blp.operation("POST", "/chapters/<slug>/elections", returns=ElectionShape, status=201, body=NewElection)
def election_open(data, slug: str):
    """Open an election (steering): published at once, nominations open until the date given"""
    proposal = elections.open_election(g.api_user, visible_chapter(slug), elections.ElectionDraft(**data))
    return _view(slug, proposal.id)


@blp.operation("GET", "/chapters/<slug>/elections/<int:proposal_id>", returns=ElectionShape, auth=optional_token)
def election(slug: str, proposal_id: int):
    """An election: its nominations, its ballot once drawn, who was elected"""
    return _view(slug, proposal_id)


@blp.operation("POST", "/chapters/<slug>/elections/<int:proposal_id>/nominations", returns=NominationShape,
               status=201, body=NominateBody)
def election_nominate(data, slug: str, proposal_id: int):
    """Nominate a member (members in good standing; nominating yourself, you stand at once)"""
    return elections.nominate(g.api_user, visible_chapter(slug), proposal_id, data["email"])


@blp.operation("PUT", "/chapters/<slug>/elections/<int:proposal_id>/nomination", returns=NominationShape,
               body=NominationAnswer)
def election_answer(data, slug: str, proposal_id: int):
    """Stand (with your statement) or decline, as the nominee, while nominations are open"""
    return elections.answer(g.api_user, visible_chapter(slug), proposal_id, data["accept"], data["statement"])


@blp.operation("POST", "/chapters/<slug>/elections/<int:proposal_id>/ballot", returns=ElectionShape, status=201)
def election_draw(slug: str, proposal_id: int):
    """Draw the ballot from the nominees who stand, once nominations close (steering); then schedule the vote"""
    elections.draw_ballot(g.api_user, visible_chapter(slug), proposal_id)
    return _view(slug, proposal_id)


@blp.operation("POST", "/chapters/<slug>/elections/<int:proposal_id>/winners/<int:membership_id>/steering",
               returns=ElectionShape, status=201)
def election_grant(slug: str, proposal_id: int, membership_id: int):
    """Give a winner the steering role (steering), on the record"""
    elections.grant_steering(g.api_user, visible_chapter(slug), proposal_id, membership_id)
    return _view(slug, proposal_id)
