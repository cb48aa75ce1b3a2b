"""Proposals: drafting, revising, publishing, withdrawing, and reading them."""
from __future__ import annotations

from flask import g, url_for
from marshmallow import ValidationError, fields, validate, validates_schema

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, ClockTime, Day, Flag, Moment, Reason, Shape, Text, Whole, choice, items
from openbargain.models import BallotKind, Proposal as ProposalModel, ProposalKind, ProposalStatus, Visibility
from openbargain.models.proposal import DIRECTIVE_MAX, LABEL_MAX, TEXT_MAX, TITLE_MAX
from openbargain.services import proposals

blp = Resource("proposals", __name__, description="Proposals: what members want their electeds to do.")

ELECTEDS_MAX = 20
DRAFTED_KINDS = [ProposalKind.DIRECTIVE.value, ProposalKind.PLANK.value, ProposalKind.REPEAL.value]
QUERY_MAX = 100


class Option(Shape):
    label = Text(LABEL_MAX, required=True)
    directive = Text(DIRECTIVE_MAX, allow_none=True, load_default=None)


class OptionEntry(fields.Field):
    """An option as the proposal shows it ({label, directive}), or, as before, just its label
    with the directive in `option_directives`."""

    default_error_messages = {"invalid": "An option is a label, or an object with a label and a directive."}

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {"oneOf": [{"type": "string", "maxLength": LABEL_MAX},
                                        {"$ref": "#/components/schemas/Option"}]}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        if isinstance(value, str):
            return {"label": Option().load({"label": value})["label"], "directive": None}
        if isinstance(value, dict):
            return Option().load(value)
        raise self.make_error("invalid")


def _yes_no_directive(label: str):
    def read(p: ProposalModel) -> str | None:
        if p.ballot_kind != BallotKind.YES_NO:
            return None
        return next((o.directive for o in p.options if o.label == label), None)
    return read


class Proposal(Shape):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = choice(ProposalStatus, required=True)
    kind = choice(ProposalKind, required=True, metadata={
        "description": "directive: a tactical decision; plank: a plank of the platform (new, or amending plank_id); "
                       "repeal: the repeal of plank_id; committee: a committee decision (see committee-decisions)"})
    plank_id = fields.Integer(required=True, allow_none=True)
    binds_all_electeds = fields.Boolean(required=True)
    decision = fields.String(required=True)
    body = fields.String(required=True)
    deadline = Day(required=True, allow_none=True, metadata={"description": "null for a plank or a repeal"})
    deadline_time = ClockTime(required=True, allow_none=True)
    ballot_kind = choice(BallotKind, required=True)
    visibility = choice(Visibility, required=True)
    urgent = fields.Boolean(required=True)
    urgent_reason = fields.String(required=True, allow_none=True)
    published_at = Moment(required=True, allow_none=True)
    adopted_directive = fields.Function(_yes_no_directive(proposals.YES), allow_none=True,
                                        metadata={"type": "string"})
    rejected_directive = fields.Function(_yes_no_directive(proposals.NO), allow_none=True,
                                         metadata={"type": "string"})
    fallback_directive = fields.String(required=True, allow_none=True)
    options = items(Option, required=True)
    electeds = fields.Function(lambda p: [d.membership_id for d in p.directed], required=True,
                               metadata={"type": "array", "items": {"type": "integer"}})


class ProposalPage(Shape):
    items = items(Proposal, required=True)
    total = fields.Integer(required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The following page, or null"})


class ProposalQuery(Body):
    status = choice(ProposalStatus)
    elected = Whole(strict=False, validate=validate.Range(min=1), metadata={"description": "A membership id"})
    q = fields.String(load_default="")
    cursor = Whole(strict=False, load_default=1, validate=validate.Range(min=1))


class ProposalDraft(Body):
    kind = fields.String(load_default=ProposalKind.DIRECTIVE.value, validate=validate.OneOf(DRAFTED_KINDS),
                         metadata={"description": "directive (the default), plank, or repeal"})
    plank_id = Whole(strict=False, load_default=None, validate=validate.Range(min=1),
                     metadata={"description": "The plank a plank proposal amends, or a repeal repeals"})
    binds_all_electeds = Flag(load_default=False, metadata={"description": "A plank binding every elected, those "
                                                                           "elected later included"})
    title = Text(TITLE_MAX, required=True)
    body = Text(TEXT_MAX, load_default="")
    decision = Text(TEXT_MAX, load_default="", metadata={"description": "Required for a directive"})
    deadline = Day(load_default=None, metadata={"description": "Required for a directive; none for a plank or repeal"})
    deadline_time = ClockTime(load_default=None, metadata={"description": "HH:MM in the chapter's zone"})
    ballot_kind = choice(BallotKind, required=True)
    visibility = choice(Visibility, load_default=Visibility.MEMBERS)
    electeds = fields.List(Whole(strict=False, validate=validate.Range(min=1)), load_default=list,
                           validate=validate.Length(max=ELECTEDS_MAX))
    adopted_directive = Text(DIRECTIVE_MAX, load_default="")
    rejected_directive = Text(DIRECTIVE_MAX, load_default="")
    fallback_directive = Text(DIRECTIVE_MAX, load_default="")
    options = fields.List(OptionEntry(), load_default=list, validate=validate.Length(max=proposals.MAX_OPTIONS))
    option_directives = fields.List(Text(DIRECTIVE_MAX), validate=validate.Length(max=proposals.MAX_OPTIONS),
                                    metadata={"deprecated": True,
                                              "description": "Directives for options given as labels, in order"})

    @validates_schema
    def _directives_match(self, data, **kwargs) -> None:
        if "option_directives" not in data:
            return
        labels_only = [o for o in data["options"] if o["directive"] is None]
        if len(labels_only) != len(data["options"]) or len(labels_only) != len(data["option_directives"]):
            raise ValidationError("Give one directive per option.", "options")


def draft_from(data: dict) -> proposals.ProposalDraft:
    directives = data.get("option_directives") or [o["directive"] or "" for o in data["options"]]
    return proposals.ProposalDraft(
        title=data["title"], body=data["body"], decision=data["decision"], deadline=data["deadline"],
        ballot_kind=data["ballot_kind"], visibility=data["visibility"], deadline_time=data["deadline_time"],
        elected_ids=data["electeds"], adopted_directive=data["adopted_directive"],
        rejected_directive=data["rejected_directive"], fallback_directive=data["fallback_directive"],
        options=[proposals.OptionDraft(o["label"], directive) for o, directive in zip(data["options"], directives)],
        kind=ProposalKind(data["kind"]), plank_id=data["plank_id"], binds_all_electeds=data["binds_all_electeds"])


@blp.operation("GET", "/chapters/<slug>/proposals", returns=ProposalPage, auth=optional_token, query=ProposalQuery)
def proposal_list(query, slug: str):
    """Proposals, newest first, 25 at a time, with a `next` link; filter by status, elected or title"""
    text = query["q"][:QUERY_MAX]
    page = proposals.list_proposals(g.api_user, visible_chapter(slug), status=query.get("status"),
                                    elected_id=query.get("elected"), query=text, page=query["cursor"])
    following = None
    if page.page < page.pages:
        status = query.get("status")
        following = url_for("api.proposals.proposal_list", slug=slug, status=status.value if status else None,
                            elected=query.get("elected"), q=text or None, cursor=page.page + 1, _external=True)
    return {"items": page.proposals, "total": page.total, "next": following}


@blp.operation("POST", "/chapters/<slug>/proposals", returns=Proposal, status=201, body=ProposalDraft)
def proposal_create(data, slug: str):
    """Draft a proposal (members in good standing): only you see it until you publish it"""
    return proposals.draft_proposal(g.api_user, visible_chapter(slug), draft_from(data))


@blp.operation("GET", "/chapters/<slug>/proposals/<int:proposal_id>", returns=Proposal, auth=optional_token)
def proposal(slug: str, proposal_id: int):
    """A proposal"""
    return proposals.get_proposal(g.api_user, visible_chapter(slug), proposal_id).proposal


@blp.operation("PUT", "/chapters/<slug>/proposals/<int:proposal_id>", returns=Proposal, body=ProposalDraft)
def proposal_update(data, slug: str, proposal_id: int):
    """Replace a draft, or a proposal in deliberation (a new revision); refused once a vote is scheduled"""
    return proposals.update_proposal(g.api_user, visible_chapter(slug), proposal_id, draft_from(data))


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/publish", returns=Proposal)
def proposal_publish(slug: str, proposal_id: int):
    """Publish your draft: deliberation opens"""
    return proposals.publish_proposal(g.api_user, visible_chapter(slug), proposal_id)


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/withdraw", returns=Proposal, body=Reason)
def proposal_withdraw(data, slug: str, proposal_id: int):
    """Withdraw a proposal (its author or steering, before the vote opens), with the reason published on it"""
    return proposals.withdraw_proposal(g.api_user, visible_chapter(slug), proposal_id, data["reason"])
