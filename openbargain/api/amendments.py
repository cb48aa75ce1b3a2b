"""Amendments: members propose changes to a proposal in deliberation; its author accepts or
declines them, and enough co-signatures put one on the ballot regardless."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Moment, Shape, Text, choice, items
from openbargain.models import AmendmentKind, AmendmentState
from openbargain.models.proposal import DIRECTIVE_MAX, LABEL_MAX, TEXT_MAX
from openbargain.services import amendments, proposals

blp = Resource("amendments", __name__, description="Amendments to proposals in deliberation.")


class Amendment(Shape):
    THROUGH = "amendment"

    id = fields.Integer(required=True)
    kind = choice(AmendmentKind, required=True)
    state = choice(AmendmentState, required=True)
    option = fields.String(required=True, allow_none=True, attribute="option.label",
                           metadata={"description": "The option whose directive it changes"})
    label = fields.String(required=True)
    directive = fields.String(required=True)
    reason = fields.String(required=True)
    author = fields.String(required=True, attribute="author.name")
    created_at = Moment(required=True)
    decided_at = Moment(required=True, allow_none=True)
    signatures = fields.Function(lambda v: len(v.signers), required=True, metadata={"type": "integer"})


class Amendments(Shape):
    items = items(Amendment, required=True)


class NewAmendment(Body):
    kind = choice(AmendmentKind, required=True)
    option = Text(LABEL_MAX, metadata={"description": "change_directive: the label of the option it changes"})
    label = Text(LABEL_MAX, load_default="", metadata={"description": "new_option: the new option's label"})
    directive = Text(DIRECTIVE_MAX, required=True)
    reason = Text(TEXT_MAX, load_default="")


def _view(amendment) -> amendments.AmendmentView:
    return next(v for v in amendments.amendments_of(amendment.proposal) if v.amendment.id == amendment.id)


@blp.operation("GET", "/chapters/<slug>/proposals/<int:proposal_id>/amendments",
               returns=Amendments, auth=optional_token)
def amendment_list(slug: str, proposal_id: int):
    """A proposal's amendments, oldest first"""
    proposal = proposals.get_proposal(g.api_user, visible_chapter(slug), proposal_id).proposal
    return {"items": amendments.amendments_of(proposal)}


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/amendments",
               returns=Amendment, status=201, body=NewAmendment)
def amendment_create(data, slug: str, proposal_id: int):
    """Propose an amendment: a changed directive for `option`, or a new option"""
    chapter = visible_chapter(slug)
    proposal = proposals.get_proposal(g.api_user, chapter, proposal_id).proposal
    option_id = next((o.id for o in proposal.options if o.label == data.get("option")), None)
    amendment = amendments.propose_amendment(g.api_user, chapter, proposal_id, amendments.AmendmentDraft(
        data["kind"], option_id, data["label"], data["directive"], data["reason"]))
    return _view(amendment)


@blp.operation("POST", "/chapters/<slug>/amendments/<int:amendment_id>/<any(accept, decline, sign):action>",
               returns=Amendment)
def amendment_action(slug: str, amendment_id: int, action: str):
    """accept or decline (the proposal's author), or sign (members)"""
    chapter = visible_chapter(slug)
    if action == "sign":
        amendment = amendments.cosign_amendment(g.api_user, chapter, amendment_id)
    else:
        amendment = amendments.decide_amendment(g.api_user, chapter, amendment_id, accept=action == "accept")
    return _view(amendment)
