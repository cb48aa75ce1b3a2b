"""The platform's planks and the committee's decisions within it, with the members' call-up.
Planks are proposed, amended and repealed as proposals (kind plank or repeal) decided by referendum."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from marshmallow import fields, validate

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, ClockTime, Day, Moment, Shape, Text, Whole, choice, items
from openbargain.api.mandates import Mandate
from openbargain.api.proposals import ELECTEDS_MAX, Option
from openbargain.models import CommitteeChoice, DecisionState, Plank as PlankModel, Visibility
from openbargain.models.committee import REASONING_MAX
from openbargain.models.proposal import TEXT_MAX, TITLE_MAX
from openbargain.services import callups, committee, platform, proposals

blp = Resource("platform", __name__, description="The platform's planks, and the committee's decisions within it, "
                                                 "which members may call up to a referendum.")


class Binding(Shape):
    elected = fields.Integer(required=True, attribute="holder.id")
    name = fields.String(required=True, attribute="holder.user.name")
    mandate = fields.Nested(Mandate, required=True)


class Plank(Shape):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "The standing directive, word for word"})
    binds_all_electeds = fields.Boolean(required=True)
    proposal_id = fields.Integer(required=True, metadata={"description": "The proposal whose vote adopted it"})
    adopted_at = Moment(required=True)
    replaces_id = fields.Integer(required=True, allow_none=True, metadata={"description": "The plank it amended"})
    ended_at = Moment(required=True, allow_none=True)
    ended_by_id = fields.Integer(required=True, allow_none=True,
                                 metadata={"description": "The proposal whose vote amended or repealed it"})


class PlankInForce(Plank):
    bound = items(Binding, required=True, metadata={"description": "Its standing mandates in force"})


class Platform(Shape):
    planks = items(PlankInForce, required=True)
    ended = items(Plank, required=True, metadata={"description": "Amended or repealed, latest first"})


class PlankDetail(Shape):
    plank = fields.Nested(PlankInForce, required=True)
    history = fields.List(fields.Integer(), required=True,
                          metadata={"description": "Every adoption of this plank's text, the first first"})
    committee_decisions = fields.List(fields.Integer(), required=True)


class Vote(Shape):
    member = fields.Integer(required=True, attribute="membership_id")
    name = fields.String(required=True, attribute="membership.user.name")
    choice = choice(CommitteeChoice, required=True)
    option = fields.Function(lambda v: v.option.label if v.option else None, required=True, allow_none=True,
                             metadata={"type": "string"})


class Decision(Shape):
    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True)
    question = fields.String(required=True, attribute="proposal.title")
    decision = fields.String(required=True, attribute="proposal.decision")
    body = fields.String(required=True, attribute="proposal.body")
    deadline = Day(required=True, attribute="proposal.deadline")
    deadline_time = ClockTime(required=True, allow_none=True, attribute="proposal.deadline_time")
    visibility = choice(Visibility, required=True, attribute="proposal.visibility")
    options = items(Option, required=True, attribute="proposal.options")
    chosen = fields.String(required=True, attribute="chosen_option.label")
    reasoning = fields.String(required=True)
    electeds = fields.Function(lambda d: [e.membership_id for e in d.proposal.directed], required=True,
                               metadata={"type": "array", "items": {"type": "integer"}})
    planks = fields.Function(lambda d: [p.plank_id for p in d.planks], required=True,
                             metadata={"type": "array", "items": {"type": "integer"}})
    votes = items(Vote, required=True, metadata={"description": "The roll call"})
    decided_at = Moment(required=True)
    released_at = Moment(required=True, metadata={"description": "When members see it (an embargo's end)"})
    callup_closes_at = Moment(required=True)
    state = choice(DecisionState, required=True)
    suspended = fields.Boolean(required=True, metadata={"description": "Its mandates suspended until the vote"})
    callup_proposal_id = fields.Integer(required=True, allow_none=True,
                                        metadata={"description": "The proposal the members vote on, once called up"})


class DecisionDetail(Shape):
    decision = fields.Nested(Decision, required=True)
    mandates = items(Mandate, required=True)
    signatures = fields.Integer(required=True, metadata={"description": "Call-up signatures so far"})
    needed = fields.Integer(required=True)
    signed_by_me = fields.Boolean(required=True)
    callup_open = fields.Boolean(required=True)


class Counts(Shape):
    decided = fields.Integer(required=True)
    called_up = fields.Integer(required=True)
    overturned = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)


class Decisions(Shape):
    items = items(Decision, required=True)
    counts = fields.Nested(Counts, required=True)
    next = fields.Integer(required=True, allow_none=True, metadata={"description": "The next page's number, or null"})


class DecisionsQuery(Body):
    page = Whole(strict=False, load_default=1, validate=validate.Range(min=1))


class VoteBody(Body):
    member = Whole(required=True, metadata={"description": "A committee member's membership id"})
    vote = fields.String(required=True, validate=validate.Regexp(r"^(\d{1,2}|abstain|absent)$"),
                         metadata={"description": "The number of the option voted for (from 1), abstain or absent"})


class NewDecision(Body):
    question = Text(TITLE_MAX, required=True)
    body = Text(TEXT_MAX, load_default="")
    decision = Text(TEXT_MAX, required=True, metadata={"description": "What the elected faces"})
    deadline = Day(required=True, metadata={"description": "Sooner than a referendum could be certified"})
    deadline_time = ClockTime(load_default=None)
    electeds = fields.List(Whole(strict=False, validate=validate.Range(min=1)), required=True,
                           validate=validate.Length(max=ELECTEDS_MAX))
    options = fields.List(fields.Nested(Option), required=True,
                          validate=validate.Length(max=proposals.MAX_OPTIONS))
    chosen = Whole(required=True, metadata={"description": "The number of the option chosen, from 1"})
    reasoning = Text(REASONING_MAX, required=True)
    planks = fields.List(Whole(strict=False, validate=validate.Range(min=1)), required=True,
                         validate=validate.Length(max=50))
    votes = fields.List(fields.Nested(VoteBody), required=True, validate=validate.Length(max=committee.SEATS_MAX))
    visibility = choice(Visibility, load_default=Visibility.MEMBERS)
    embargo_until = Moment(load_default=None)


class Signed(Shape):
    carried = fields.Boolean(required=True, metadata={"description": "This signature carried the call-up"})


@dataclass(frozen=True)
class _Bound:
    """A plank with its standing mandates in force, as PlankInForce reads it."""

    plank: PlankModel
    bound: list[platform.Binding]

    def __getattr__(self, name: str):
        return getattr(self.plank, name)


def _plank(bindings: list[platform.Binding], plank: PlankModel) -> _Bound:
    return _Bound(plank, bindings)


@blp.operation("GET", "/chapters/<slug>/platform", returns=Platform, auth=optional_token)
def platform_show(slug: str):
    """The platform: the planks in force, whom each binds, and those amended or repealed"""
    view = platform.get_platform(g.api_user, visible_chapter(slug))
    return {"planks": [_plank(view.bindings[p.id], p) for p in view.planks], "ended": view.ended}


@blp.operation("GET", "/chapters/<slug>/planks/<int:plank_id>", returns=PlankDetail, auth=optional_token)
def plank_show(slug: str, plank_id: int):
    """One plank: its text, whom it binds, its history, and the committee decisions resting on it"""
    view = platform.get_plank(g.api_user, visible_chapter(slug), plank_id)
    return {"plank": _plank(view.bindings, view.plank), "history": [p.id for p in view.history],
            "committee_decisions": [d.id for d in view.decisions]}


@blp.operation("GET", "/chapters/<slug>/committee-decisions", returns=Decisions, auth=optional_token,
               query=DecisionsQuery)
def decisions_list(query, slug: str):
    """The committee's decisions, latest first, and how many members called up and overturned"""
    page = committee.list_decisions(g.api_user, visible_chapter(slug), query["page"])
    return {"items": [d for d, _ in page.items], "counts": page.counts,
            "next": page.page + 1 if page.has_more else None}


@blp.operation("POST", "/chapters/<slug>/committee-decisions", returns=Decision, status=201, body=NewDecision)
def decisions_record(data, slug: str):
    """Record a decision of the committee the bylaws name (its members): within the platform, sooner than
    a referendum could decide; its mandates are issued at once"""
    draft = committee.DecisionDraft(
        title=data["question"], body=data["body"], decision=data["decision"], deadline=data["deadline"],
        deadline_time=data["deadline_time"], elected_ids=data["electeds"],
        options=[proposals.OptionDraft(o["label"], o["directive"] or "") for o in data["options"]],
        chosen=data["chosen"], reasoning=data["reasoning"], plank_ids=data["planks"],
        votes={v["member"]: v["vote"] for v in data["votes"]}, visibility=data["visibility"],
        embargo_until=data["embargo_until"])
    chapter = visible_chapter(slug)
    return committee.get_decision(g.api_user, chapter, committee.record_decision(g.api_user, chapter, draft).id).decision


@blp.operation("GET", "/chapters/<slug>/committee-decisions/<int:decision_id>", returns=DecisionDetail,
               auth=optional_token)
def decision_show(slug: str, decision_id: int):
    """A decision with its roll call, its mandates and its call-up"""
    view = committee.get_decision(g.api_user, visible_chapter(slug), decision_id)
    return {"decision": view.decision, "mandates": view.mandates, "signatures": view.signatures,
            "needed": view.needed, "signed_by_me": view.signed_by_me, "callup_open": view.callup_open}


@blp.operation("POST", "/chapters/<slug>/committee-decisions/<int:decision_id>/call-up", returns=Signed,
               status=201)
def decision_call_up(slug: str, decision_id: int):
    """Sign the call-up (members in good standing, within the bylaws' days); the signature that reaches the
    bylaws' share schedules the members' vote on the petition track, which steering cannot block"""
    return {"carried": callups.sign_callup(g.api_user, visible_chapter(slug), decision_id)}
