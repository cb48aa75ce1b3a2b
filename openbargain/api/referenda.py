"""Referenda: scheduling a vote, casting a ballot, and the certified result with everything
needed to check it (the board and the export)."""
from __future__ import annotations

from flask import Response, g
from marshmallow import ValidationError, fields, validate, validates_schema

from openbargain.api.auth import optional_token
from openbargain.api.base import Resource, visible_chapter
from openbargain.api.fields import Body, Flag, Moment, Reason, Shape, Text, Through, Whole, choice, items
from openbargain.api.proposals import Proposal
from openbargain.models import ReferendumStatus
from openbargain.models.proposal import LABEL_MAX
from openbargain.models.referendum import SCHEDULABLE_RANKED_METHODS, YES_NO_METHOD
from openbargain.services import calendar, casting, due, referenda, results
from openbargain.services.casting import YES_NO_CHOICES
from openbargain.services.proposals import MAX_OPTIONS
from openbargain.tally import THRESHOLDS

blp = Resource("referenda", __name__, description="Votes: scheduling, casting, results, the board, the export.")

METHODS = (YES_NO_METHOD, *SCHEDULABLE_RANKED_METHODS)
TRACKER_MAX = 100


class UpcomingVote(Shape):
    THROUGH = "referendum"

    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True, attribute="proposal.id")
    title = fields.String(required=True, attribute="proposal.title")
    status = fields.String(required=True, validate=validate.OneOf(["scheduled", "open", "closed"]))
    opens_at = Moment(required=True)
    closes_at = Moment(required=True)


class UpcomingVotes(Shape):
    items = items(UpcomingVote, required=True)


class UpcomingQuery(Body):
    status = fields.String(validate=validate.OneOf(["open", "scheduled"]))


class VotingStatus(Shape):
    on_roll = fields.Boolean(required=True)
    voted_on = fields.Date(required=True, allow_none=True, metadata={"description": "A date only, never a time"})


class Referendum(Shape):
    THROUGH = "referendum"

    id = fields.Integer(required=True)
    proposal_id = fields.Integer(required=True)
    status = choice(ReferendumStatus, required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    seats = fields.Integer(required=True)
    threshold = fields.String(required=True, allow_none=True)
    quorum_percent = fields.Integer(required=True)
    secret = fields.Boolean(required=True)
    opens_at = Moment(required=True)
    closes_at = Moment(required=True)
    roll_size = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "Fixed when the vote opens"})
    roll_hash = fields.String(required=True, allow_none=True)
    turnout = fields.Integer(required=True)
    my_voting_status = fields.Nested(VotingStatus, required=True, allow_none=True,
                                     metadata={"description": "With a token: whether you are on the roll and "
                                                              "the day you voted"})
    by_petition = fields.Boolean(required=True)
    petition_signatures = fields.Integer(required=True, allow_none=True)
    locked_by_petition = fields.Function(
        lambda v: list(referenda.PETITION_LOCKED) if v.by_petition else [], required=True,
        metadata={"type": "array", "items": {"type": "string"},
                  "description": "What steering cannot change on a vote members forced by petition"})


class ScheduleBody(Body):
    method = fields.String(required=True, validate=validate.OneOf(METHODS, error="One of {choices}."))
    opens_at = Moment(required=True)
    closes_at = Moment(required=True)
    quorum_percent = Whole(required=True)
    secret = Flag(load_default=True)
    threshold = fields.String(load_default=None, validate=validate.OneOf(THRESHOLDS, error="One of {choices}."))
    seats = Whole(load_default=1)


class Scheduled(Shape):
    id = fields.Integer(required=True)
    opens_at = Moment(required=True)
    closes_at = Moment(required=True)
    warnings = fields.List(fields.String(), required=True)


class BallotBody(Body):
    choice = fields.String(validate=validate.OneOf(YES_NO_CHOICES, error="One of {choices}."),
                           metadata={"description": "A yes/no vote"})
    ranking = fields.List(Text(LABEL_MAX), validate=validate.Length(max=MAX_OPTIONS),
                          metadata={"description": "A ranked vote: option labels, most preferred first; "
                                                   "empty to abstain"})

    @validates_schema
    def _one_of_them(self, data, **kwargs) -> None:
        if ("choice" in data) == ("ranking" in data):
            raise ValidationError("Send exactly one of choice and ranking.", "choice")


class RevoteBody(BallotBody):
    tracker = Text(100, required=True, metadata={"description": "The tracker code of the ballot to replace"})


class BallotReceipt(Shape):
    tracker = fields.String(required=True, metadata={"description": "Shown once: check the board with it"})
    roll_call = fields.Boolean(required=True)
    replaced = fields.Boolean(required=True, metadata={"description": "A revote: the earlier ballot is void"})


class Result(Shape):
    outcome = fields.String(required=True)
    winners = fields.List(fields.String(), required=True)
    ballots_cast = fields.Integer(required=True)
    paper_ballots = fields.Integer(required=True, metadata={"description": "Of the ballots cast, those on paper"})
    roll_size = fields.Integer(required=True)
    quorum_met = fields.Boolean(required=True)
    ballot_set_hash = fields.String(required=True)
    board_hash = fields.String(required=True)
    certified_at = Moment(required=True)
    audit_checkpoint = fields.Function(lambda r: r.audit_checkpoint.label, required=True,
                                       metadata={"type": "string", "description": "chapter:head@length of the "
                                                                                  "chapter's audit chain when certified"})
    tally = fields.Dict(required=True, metadata={"description": "The counting engine's own record, round by round"})


class BoardQuery(Body):
    tracker = fields.String(required=True, validate=validate.Length(max=TRACKER_MAX))


class BoardAnswer(Shape):
    counted = fields.Boolean(required=True)
    voided = fields.Boolean(required=True, metadata={"description": "Replaced by its voter's revote, not counted"})


class ExportedReferendum(Shape):
    id = fields.Integer(required=True)
    proposal = fields.String(required=True)
    method = fields.String(required=True)
    seats = fields.Integer(required=True)
    threshold = fields.String(required=True, allow_none=True)
    quorum_percent = fields.Integer(required=True)
    secret = fields.Boolean(required=True)
    opens_at = fields.String(required=True, metadata={"format": "date-time"})
    closes_at = fields.String(required=True, metadata={"format": "date-time"})
    roll_size = fields.Integer(required=True)
    roll_hash = fields.String(required=True)
    options = fields.List(fields.String(), required=True)


class CertifiedCheckpoint(Shape):
    chain = fields.String(metadata={"description": "The chapter's address, whose audit chain this is (absent from "
                                                   "results certified while the log was one chain)"})
    length = fields.Integer(required=True)
    head = fields.String(required=True)


class Export(Shape):
    format = fields.String(required=True)
    chapter = fields.String(required=True)
    referendum = fields.Nested(ExportedReferendum, required=True)
    trackers = fields.List(fields.String(), required=True, metadata={"description": "Tracker hashes, sorted"})
    paper_ballots = fields.Integer(metadata={"description": "Ballots counted from paper, which have no tracker"})
    voided_trackers = fields.List(fields.String(), metadata={
        "description": "Hashes of the trackers whose ballots their voters replaced by revoting (not counted), "
                       "sorted; absent from votes certified before revoting existed"})
    ballots = fields.List(fields.Dict(), required=True,
                          metadata={"description": "Contents, in canonical order (empty where the bylaws withheld them)"})
    ballots_withheld = fields.String(required=True, allow_none=True,
                                     metadata={"description": "Why the individual ballots are not published, or null"})
    ballot_set_hash = fields.String(required=True)
    board_hash = fields.String(required=True)
    certified_at = fields.String(required=True, metadata={"format": "date-time"})
    audit_checkpoint = fields.Nested(CertifiedCheckpoint, required=True)
    result = fields.Dict(required=True)


def settled_chapter(slug: str):
    """The chapter, with what its votes have made due done first (a roll frozen, a count certified)."""
    chapter = visible_chapter(slug)
    due.settle_due(chapter)
    return chapter


def _schedule(data: dict) -> referenda.Schedule:
    return referenda.Schedule(**data)


def _scheduled(chapter, referendum) -> dict:
    return {"id": referendum.id, "opens_at": referendum.opens_at, "closes_at": referendum.closes_at,
            "warnings": referenda.schedule_warnings(chapter, referendum.proposal, referendum)}


@blp.operation("GET", "/chapters/<slug>/referenda", returns=UpcomingVotes, auth=optional_token, query=UpcomingQuery)
def referendum_list(query, slug: str):
    """Votes scheduled or open (?status=open or scheduled to filter), soonest first"""
    entries = calendar.upcoming_votes(g.api_user, visible_chapter(slug))
    return {"items": [e for e in entries if query.get("status") in (None, e.status)]}


@blp.operation("GET", "/chapters/<slug>/referenda/<int:referendum_id>", returns=Referendum, auth=optional_token)
def referendum(slug: str, referendum_id: int):
    """A vote: status, times, roll size, turnout, and with a token your voting status"""
    view = referenda.get_referendum(g.api_user, settled_chapter(slug), referendum_id)
    mine = None
    if g.api_user is not None:
        mine = {"on_roll": view.my_entry is not None, "voted_on": view.my_entry.voted_on if view.my_entry else None}
    return Through(view, view.referendum, my_voting_status=mine)


@blp.operation("POST", "/chapters/<slug>/proposals/<int:proposal_id>/referendum",
               returns=Scheduled, status=201, body=ScheduleBody)
def referendum_schedule(data, slug: str, proposal_id: int):
    """Schedule the vote (steering), within the bylaws; warnings say what members should know"""
    chapter = visible_chapter(slug)
    return _scheduled(chapter, referenda.schedule_referendum(g.api_user, chapter, proposal_id, _schedule(data)))


@blp.operation("PUT", "/chapters/<slug>/referenda/<int:referendum_id>", returns=Scheduled, body=ScheduleBody)
def referendum_reschedule(data, slug: str, referendum_id: int):
    """Reschedule a vote before it opens (steering); a petitioned vote may only move earlier"""
    chapter = visible_chapter(slug)
    return _scheduled(chapter, referenda.reschedule_referendum(g.api_user, chapter, referendum_id, _schedule(data)))


@blp.operation("DELETE", "/chapters/<slug>/referenda/<int:referendum_id>", returns=Proposal, query=Reason)
def referendum_cancel(args, slug: str, referendum_id: int):
    """Cancel a vote before it opens (steering; not one forced by petition), with the reason published on the
    proposal: it returns to deliberation"""
    return referenda.cancel_referendum(g.api_user, visible_chapter(slug), referendum_id, args["reason"])


@blp.operation("POST", "/chapters/<slug>/referenda/<int:referendum_id>/ballots",
               returns=BallotReceipt, status=201, body=BallotBody, scope="vote")
def cast(data, slug: str, referendum_id: int):
    """Cast your ballot (needs the `vote` scope); the tracker is shown this once"""
    # The service reads the chapter with the vote and checks who may see and cast (the busiest call).
    return casting.cast_ballot_in(g.api_user, slug, referendum_id, data)


@blp.operation("POST", "/chapters/<slug>/referenda/<int:referendum_id>/revote",
               returns=BallotReceipt, status=201, body=RevoteBody, scope="vote")
def revote(data, slug: str, referendum_id: int):
    """Cast again before the close, where the bylaws allow it (needs the `vote` scope): the ballot your
    tracker names is voided, listed apart on the board, and this one counts, with a new tracker.
    A ballot cast under pressure need not stand."""
    content = {k: data[k] for k in ("choice", "ranking") if k in data}
    return casting.revote(g.api_user, visible_chapter(slug), referendum_id, data["tracker"], content)


@blp.operation("GET", "/chapters/<slug>/referenda/<int:referendum_id>/result", returns=Result, auth=optional_token)
def result(slug: str, referendum_id: int):
    """The certified result (404 to those who may not see the proposal, 409 until certified)"""
    return results.get_result(g.api_user, settled_chapter(slug), referendum_id).result


@blp.operation("GET", "/chapters/<slug>/referenda/<int:referendum_id>/board",
               returns=BoardAnswer, auth=optional_token, query=BoardQuery)
def board_lookup(query, slug: str, referendum_id: int):
    """Was the ballot with this tracker counted? (after certification)"""
    found = results.find_tracker(g.api_user, settled_chapter(slug), referendum_id, query["tracker"])
    return {"counted": found == "counted", "voided": found == "voided"}


@blp.operation("GET", "/chapters/<slug>/referenda/<int:referendum_id>/export", returns=Export, auth=optional_token)
def export(slug: str, referendum_id: int):
    """Everything needed to recount: parameters, the board and the certified result with its hashes"""
    # Written once at certification and served as stored (with its digest as the ETag): a large
    # vote's document is never serialised again per request.
    stored = results.export_file(g.api_user, settled_chapter(slug), referendum_id)
    response = Response(stored.document, mimetype="application/json")
    response.set_etag(stored.digest)
    return response
