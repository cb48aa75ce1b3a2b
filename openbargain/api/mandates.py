"""Mandates: what a certified result binds each elected to do, their acknowledgement, their
compliance reports and steering's review of them, and each elected's scorecard."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.bargaining import Entry
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Day, Moment, Shape, Text, Through, Whole, choice, items
from openbargain.models import MandateStatus, Rating, ReportOutcome, ReportReview
from openbargain.models.mandate import NOTE_MAX, STATEMENT_MAX, URL_MAX
from openbargain.models.verdict import QUOTE_MAX, REASONING_MAX
from openbargain.services import mandates, scorecards, verdicts

blp = Resource("mandates", __name__, description="Mandates, compliance reports, scorecards.")


class Mandate(Shape):
    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True)
    referendum_id = fields.Integer(required=True)
    elected = fields.Integer(required=True, attribute="membership_id")
    directive = fields.String(required=True, allow_none=True,
                              metadata={"description": "null: the result leaves it to the elected's discretion"})
    basis = fields.String(required=True)
    due_on = Day(required=True)
    status = choice(MandateStatus, required=True)
    issued_at = Moment(required=True)
    acknowledged_at = Moment(required=True, allow_none=True)
    superseded_by_id = fields.Integer(allow_none=True, metadata={"description": "The proposal that superseded it"})


class ReportEntry(Shape):
    id = fields.Integer(required=True)
    mandate_id = fields.Integer(required=True)
    outcome = choice(ReportOutcome, required=True)
    statement = fields.String(required=True)
    evidence_url = fields.String(allow_none=True)
    acted_on = Day()
    filed_at = Moment(required=True)
    corrects_id = fields.Integer(allow_none=True)
    review = choice(ReportReview, required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True, attribute="review_note")
    reviewed_at = Moment(allow_none=True)


class Report(ReportEntry):
    mandate = fields.Nested(Mandate, required=True)


class Verdict(Shape):
    id = fields.Integer(required=True)
    mandate_id = fields.Integer(required=True)
    rating = choice(Rating, required=True)
    reasoning = fields.String(required=True)
    evidence_url = fields.String(required=True, allow_none=True)
    evidence_quote = fields.String(required=True, allow_none=True)
    rated_at = Moment(required=True)
    revises_id = fields.Integer(required=True, allow_none=True)


class MandateDetail(Mandate):
    reports = items(ReportEntry, required=True)
    verdicts = items(Verdict, required=True, metadata={
        "description": "Steering's verdicts, oldest first: the last is in force; none: not yet rated"})


class NewVerdict(Body):
    rating = choice(Rating, required=True)
    reasoning = Text(REASONING_MAX, load_default="")
    evidence_url = Text(URL_MAX, load_default="")
    evidence_quote = Text(QUOTE_MAX, load_default="")


class Mandates(Shape):
    items = items(Mandate, required=True)


class NewReport(Body):
    outcome = choice(ReportOutcome, required=True)
    statement = Text(STATEMENT_MAX, required=True)
    evidence_url = Text(URL_MAX, load_default="")
    acted_on = Day(required=True)
    corrects_id = Whole(load_default=None)


class ReviewBody(Body):
    review = choice(ReportReview, required=True)
    note = Text(NOTE_MAX, load_default="")


class Supersession(Body):
    by_proposal_id = Whole(required=True)


class Scorecard(Shape):
    elected = fields.Integer(required=True, attribute="membership.id")
    name = fields.String(required=True, attribute="membership.user.name")
    office = fields.String(required=True, allow_none=True, attribute="membership.office")
    figures = fields.Function(lambda card: {c: card.count(c) for c in scorecards.CATEGORIES}, required=True,
                              metadata={"type": "object", "additionalProperties": {"type": "integer"}})
    median_hours_to_acknowledge = fields.Float(required=True, allow_none=True)
    mandates = fields.Function(lambda card: {c: [m.id for m in card.items[c]] for c in scorecards.CATEGORIES},
                               required=True, metadata={"type": "object", "additionalProperties": {
                                   "type": "array", "items": {"type": "integer"}}})
    bargaining = items(Entry, required=True, attribute="entries")


@blp.operation("GET", "/chapters/<slug>/mandates", returns=Mandates, auth=optional_token)
def mandate_list(slug: str):
    """Mandates you may see, by elected"""
    cards = scorecards.accountability(g.api_user, visible_chapter(slug))
    return {"items": [m for card in cards for m in card.items["received"]]}


@blp.operation("GET", "/chapters/<slug>/mandates/<int:mandate_id>", returns=MandateDetail, auth=optional_token)
def mandate(slug: str, mandate_id: int):
    """A mandate, with its reports and steering's verdicts"""
    view = mandates.get_mandate(g.api_user, visible_chapter(slug), mandate_id)
    return Through(view.mandate, verdicts=verdicts.verdicts_of(view.mandate))


@blp.operation("POST", "/chapters/<slug>/mandates/<int:mandate_id>/acknowledge", returns=Mandate)
def acknowledge(slug: str, mandate_id: int):
    """Acknowledge your mandate"""
    return mandates.acknowledge_mandate(g.api_user, visible_chapter(slug), mandate_id)


@blp.operation("POST", "/chapters/<slug>/mandates/<int:mandate_id>/supersede", returns=Mandate, body=Supersession)
def supersede(data, slug: str, mandate_id: int):
    """Mark a mandate superseded by a later certified proposal (steering)"""
    return mandates.supersede_mandate(g.api_user, visible_chapter(slug), mandate_id, data["by_proposal_id"])


@blp.operation("POST", "/chapters/<slug>/mandates/<int:mandate_id>/verdicts", returns=Verdict, status=201,
               body=NewVerdict)
def verdict_create(data, slug: str, mandate_id: int):
    """Rate a mandate, or revise its rating (steering): kept, compromise, broken; in the works, stalled"""
    return verdicts.rate_mandate(g.api_user, visible_chapter(slug), mandate_id, verdicts.VerdictDraft(**data))


@blp.operation("POST", "/chapters/<slug>/mandates/<int:mandate_id>/reports",
               returns=Report, status=201, body=NewReport)
def report_create(data, slug: str, mandate_id: int):
    """File a compliance report on your mandate (a correction names the report it corrects)"""
    return mandates.file_report(g.api_user, visible_chapter(slug), mandate_id, mandates.ReportDraft(**data))


@blp.operation("GET", "/chapters/<slug>/reports/<int:report_id>", returns=Report, auth=optional_token)
def report(slug: str, report_id: int):
    """A compliance report"""
    return mandates.get_report(g.api_user, visible_chapter(slug), report_id)


@blp.operation("POST", "/chapters/<slug>/reports/<int:report_id>/review", returns=Report, body=ReviewBody)
def report_review(data, slug: str, report_id: int):
    """Verify or dispute a report (steering)"""
    return mandates.review_report(g.api_user, visible_chapter(slug), report_id, data["review"], data["note"])


@blp.operation("GET", "/chapters/<slug>/electeds/<int:membership_id>/scorecard",
               returns=Scorecard, auth=optional_token)
def scorecard(slug: str, membership_id: int):
    """An elected's scorecard: mandates received, acknowledged, carried out, breached, unreported"""
    return scorecards.scorecard(g.api_user, visible_chapter(slug), membership_id)
