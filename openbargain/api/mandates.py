"""Mandates: what a certified result binds each elected to do, their acknowledgement, their
compliance reports and steering's review of them, and each elected's scorecard."""
from __future__ import annotations

from flask import g
from marshmallow import fields

from openbargain.api.auth import optional_token
from openbargain.api.bargaining import Entry
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Day, Moment, Shape, Text, Through, Whole, choice, items
from openbargain.models import MandateSource, MandateStatus, Rating, ReportOutcome, ReportReview
from openbargain.models.mandate import NOTE_MAX, STATEMENT_MAX, URL_MAX
from openbargain.models.escalation import RESPONSE_MAX, Missed, Step
from openbargain.models.roll_call import EXTERNAL_MAX, Position, Source
from openbargain.models.verdict import QUOTE_MAX, REASONING_MAX
from openbargain.services import escalations, mandates, roll_calls, scorecards, verdicts

blp = Resource("mandates", __name__, description="Mandates, compliance reports, scorecards.")


class Mandate(Shape):
    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True)
    referendum_id = fields.Integer(required=True, allow_none=True,
                                   metadata={"description": "null: a committee decision's (no member vote)"})
    source = choice(MandateSource, required=True, metadata={
        "description": "referendum, plank (a standing mandate of the platform) or committee"})
    standing = fields.Boolean(required=True, metadata={
        "description": "A plank's: due_on is the end of the reporting period in course"})
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
    period_ending = Day(required=True, allow_none=True, metadata={"description": "A standing mandate's report: "
                                                                                "the period it covers"})
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


class EscalationShape(Shape):
    id = fields.Integer(required=True)
    mandate_id = fields.Integer(required=True)
    missed = choice(Missed, required=True)
    step = choice(Step, required=True)
    at = Moment(required=True)
    due_on = Day(required=True, metadata={"description": "The deadline missed was the mandate's due date then"})
    proposal_id = fields.Integer(required=True, allow_none=True)
    opened_by = fields.String(required=True, allow_none=True, attribute="petition_kind",
                              metadata={"description": "steering or petition (step 2)"})
    document = fields.String(required=True, allow_none=True, metadata={"description": "The recall petition (step 3)"})
    response = fields.String(required=True, allow_none=True, metadata={"description": "The elected's answer"})
    responded_at = Moment(required=True, allow_none=True)


class AnswerBody(Body):
    response = Text(RESPONSE_MAX, required=True)


class EscalationPetitionSigned(Shape):
    opened = fields.Boolean(required=True, metadata={"description": "Whether this signature opened the proposal"})


class MandateDetail(Mandate):
    reports = items(ReportEntry, required=True)
    escalations = items(EscalationShape, required=True, metadata={
        "description": "The escalation ladder: each step taken on a missed deadline"})
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
    return Through(view.mandate, verdicts=verdicts.verdicts_of(view.mandate),
                   escalations=escalations.steps_of(view.mandate))


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


class BillLinkBody(Body):
    source = choice(Source, required=True)
    bill = Text(EXTERNAL_MAX, required=True, metadata={"description": "As the source names it (HB 74, a LegiScan "
                                                                      "bill id, a Legistar matter file…)"})
    position = choice(Position, required=True, metadata={"description": "The vote the directive requires: yes or no"})


class BillLinkShape(Shape):
    id = fields.Integer(required=True)
    mandate_id = fields.Integer(required=True)
    source = choice(Source, required=True)
    bill = fields.String(required=True)
    position = choice(Position, required=True)
    linked_at = Moment(required=True)


class SourceIdBody(Body):
    source = choice(Source, required=True)
    person_id = Text(EXTERNAL_MAX, required=True, metadata={"description": "Empty: remove it"})


class SourceIds(Shape):
    elected = fields.Integer(required=True)
    ids = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class RollCallImport(Body):
    source = choice(Source, required=True)
    record = fields.String(required=True, metadata={
        "description": "The record as the source publishes it: its JSON as text, or a clerk's CSV"})


class ImportReport(Shape):
    roll_calls = fields.Integer(required=True, metadata={"description": "Imported now"})
    already = fields.Integer(required=True, metadata={"description": "Imported before: left as they were"})
    votes = fields.Integer(required=True)
    matches = fields.Integer(required=True, metadata={"description": "Records matched against mandates, to confirm"})


class ConfirmBody(Body):
    rating = choice(Rating, load_default=None, metadata={"description": "Needed when none is proposed"})
    reasoning = Text(REASONING_MAX, load_default="")


class RecordShape(Shape):
    id = fields.Integer(required=True)
    mandate_id = fields.Integer(required=True)
    directed = choice(Position, required=True)
    proposed = choice(Rating, required=True, allow_none=True)
    verdict_id = fields.Integer(required=True, allow_none=True)
    set_aside_at = Moment(required=True, allow_none=True)


@blp.operation("POST", "/chapters/<slug>/mandates/<int:mandate_id>/bills", returns=BillLinkShape, status=201,
               body=BillLinkBody)
def bill_link(data, slug: str, mandate_id: int):
    """Link a mandate to the bill it directs a vote on (steering); imported roll calls are matched against it"""
    return roll_calls.link_bill(g.api_user, visible_chapter(slug), mandate_id, data["source"], data["bill"],
                                data["position"])


@blp.operation("PUT", "/chapters/<slug>/electeds/<int:membership_id>/source-ids", returns=SourceIds,
               body=SourceIdBody)
def source_id_set(data, slug: str, membership_id: int):
    """Set an elected's id in a source of roll calls (steering, or the elected)"""
    chapter = visible_chapter(slug)
    roll_calls.set_source_id(g.api_user, chapter, membership_id, data["source"], data["person_id"])
    return {"elected": membership_id, "ids": roll_calls.source_ids_of(membership_id)}


@blp.operation("POST", "/chapters/<slug>/roll-calls", returns=ImportReport, status=201, body=RollCallImport)
def roll_call_import(data, slug: str):
    """Import roll calls (steering): each elected's recorded vote on a linked bill proposes a verdict"""
    return roll_calls.import_file(g.api_user, visible_chapter(slug), data["source"], data["record"].encode())


@blp.operation("POST", "/chapters/<slug>/records/<int:match_id>/confirm", returns=RecordShape, body=ConfirmBody)
def record_confirm(data, slug: str, match_id: int):
    """Confirm a matched record as steering's verdict, the roll call its evidence"""
    return roll_calls.confirm_match(g.api_user, visible_chapter(slug), match_id, data["rating"], data["reasoning"])


@blp.operation("POST", "/chapters/<slug>/records/<int:match_id>/set-aside", returns=RecordShape)
def record_set_aside(slug: str, match_id: int):
    """Set a matched record aside (steering)"""
    return roll_calls.set_aside_match(g.api_user, visible_chapter(slug), match_id)


@blp.operation("POST", "/chapters/<slug>/escalations/<int:escalation_id>/proposal", returns=EscalationShape,
               status=201)
def escalation_open(slug: str, escalation_id: int):
    """Open the accountability proposal on a flagged deadline (steering), once the bylaws' period has passed"""
    return escalations.open_accountability_proposal(g.api_user, visible_chapter(slug), escalation_id)


@blp.operation("POST", "/chapters/<slug>/escalations/<int:escalation_id>/signatures", returns=EscalationPetitionSigned,
               status=201)
def escalation_sign(slug: str, escalation_id: int):
    """Sign the members' petition for the accountability proposal; the bylaws' share opens it"""
    return {"opened": escalations.sign_accountability_petition(g.api_user, visible_chapter(slug), escalation_id)}


@blp.operation("POST", "/chapters/<slug>/escalations/<int:escalation_id>/recall", returns=EscalationShape, status=201)
def escalation_recall(slug: str, escalation_id: int):
    """Draw up the recall petition from the record, where the bylaws provide one and members called for recall"""
    return escalations.prepare_recall_petition(g.api_user, visible_chapter(slug), escalation_id)


@blp.operation("POST", "/chapters/<slug>/escalations/<int:escalation_id>/answer", returns=EscalationShape,
               body=AnswerBody)
def escalation_answer(data, slug: str, escalation_id: int):
    """The elected's answer to a step, on the record (once)"""
    return escalations.respond(g.api_user, visible_chapter(slug), escalation_id, data["response"])


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
