"""Petitions: members force a vote on a proposal in deliberation, or ask for the urgent track."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Reason, Shape, Text
from openbargain.api.proposals import Proposal
from openbargain.models.proposal import REASON_MAX
from openbargain.services import petitions, proposals, urgency

blp = Resource("petitions", __name__, description="Petitions for a vote, and for the urgent track.")


class Petition(Shape):
    signatures = fields.Integer(required=True)
    needed = fields.Integer(required=True)
    signed_by_me = fields.Boolean(required=True)


class PetitionSigned(Petition):
    vote_scheduled_by_this_signature = fields.Boolean(required=True)


class Urgency(Shape):
    declared = fields.Boolean(required=True)
    reason = fields.String(required=True, allow_none=True)
    signatures = fields.Integer(required=True)
    needed = fields.Integer(required=True, allow_none=True,
                            metadata={"description": "null: the bylaws let only steering declare urgency"})
    signed_by_me = fields.Boolean(required=True)


class UrgencySigned(Shape):
    carried = fields.Boolean(required=True)
    signatures = fields.Integer(required=True)
    needed = fields.Integer(required=True, allow_none=True)
    reason = fields.String(required=True, allow_none=True)


class OptionalReason(Body):
    reason = Text(REASON_MAX, metadata={"description": "The first signature gives the reason"})


def _petition(chapter, proposal_id: int) -> petitions.PetitionStatus:
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    return petitions.petition_status(g.api_user, chapter, proposal)


def _urgency(chapter, proposal_id: int) -> urgency.UrgencyStatus:
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    return urgency.urgency_status(g.api_user, chapter, proposal)


@blp.operation("GET", "/chapters/<slug>/proposals/<int:proposal_id>/petition", returns=Petition, auth=optional_token)
def petition(slug: str, proposal_id: int):
    """The petition for a vote: signatures so far and how many the bylaws ask"""
    return _petition(visible_chapter(slug), proposal_id)


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/petition", returns=PetitionSigned, status=201)
def petition_sign(slug: str, proposal_id: int):
    """Sign the petition for a vote; the signature that reaches the threshold schedules it"""
    chapter = visible_chapter(slug)
    carried = petitions.sign_petition(g.api_user, chapter, proposal_id)
    return {**Petition().dump(_petition(chapter, proposal_id)), "vote_scheduled_by_this_signature": carried}


@blp.operation("GET", "/chapters/<slug>/proposals/<int:proposal_id>/urgency", returns=Urgency, auth=optional_token)
def urgency_read(slug: str, proposal_id: int):
    """Whether the proposal is on the urgent track, or how far the request for it has come"""
    return _urgency(visible_chapter(slug), proposal_id)


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/urgency", returns=Proposal, body=Reason)
def urgency_declare(data, slug: str, proposal_id: int):
    """Declare a proposal urgent, with the reason members see (steering)"""
    return urgency.declare_urgent(g.api_user, visible_chapter(slug), proposal_id, data["reason"])


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/urgency/signatures",
               returns=UrgencySigned, status=201, body=OptionalReason)
def urgency_sign(data, slug: str, proposal_id: int):
    """Ask for the urgent track, or co-sign the request (members, where the bylaws allow)"""
    chapter = visible_chapter(slug)
    carried = urgency.support_urgency(g.api_user, chapter, proposal_id, data.get("reason"))
    status = _urgency(chapter, proposal_id)
    return {"carried": carried, "signatures": status.signatures, "needed": status.needed, "reason": status.reason}
