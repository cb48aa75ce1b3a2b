"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of what is implemented so far."""
from __future__ import annotations

from flask import render_template

from openbargain.api import bp

_problem = {"description": "A problem document", "content": {"application/problem+json": {
    "schema": {"$ref": "#/components/schemas/Problem"}}}}
_json = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
_slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_str = {"type": "string"}
_date = {"type": "string", "format": "date"}
_time = {"type": "string", "format": "date-time"}


def _object(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": properties, "required": required}


def _ref(name: str) -> dict:
    return {"description": "OK", "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _op(summary: str, params: list, secured: bool, ok: str = "200", body: dict | None = None,
        returns: str | None = None) -> dict:
    op: dict = {"summary": summary, "parameters": params,
                "responses": {ok: _ref(returns) if returns else _json, "400": _problem, "401": _problem,
                              "403": _problem, "404": _problem, "409": _problem, "413": _problem, "422": _problem,
                              "429": _problem}}
    if secured:
        op["security"] = [{"bearer": []}]
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "openbargain API", "version": "1",
             "description": "Members direct their electeds, in the open. Errors are RFC 9457 problem documents."},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        "schemas": {
            "Problem": {"type": "object", "required": ["title", "status"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "errors": {"type": "object"}}},
            "Checkpoint": _object({"length": {"type": "integer"}, "head": _str, "checkpoint": _str},
                                  ["length", "head", "checkpoint"]),
            "Chapter": {"type": "object", "additionalProperties": False, "required": ["slug", "name", "timezone"],
                        "properties": {"slug": _str, "name": _str, "timezone": _str}},
            "TokenPair": {"type": "object", "additionalProperties": False,
                          "required": ["access_token", "refresh_token", "token_type", "expires_in"],
                          "properties": {"access_token": _str, "refresh_token": _str, "token_type": {"const": "Bearer"},
                                         "expires_in": {"type": "integer"}}},
            "Proposal": {"type": "object", "additionalProperties": False, "required": [
                "id", "title", "status", "decision", "body", "deadline", "deadline_time", "ballot_kind",
                "visibility", "urgent", "urgent_reason", "published_at", "fallback_directive", "options", "electeds"], "properties": {
                "id": {"type": "integer"}, "title": _str, "decision": _str, "body": _str, "deadline": _date,
                "status": {"enum": ["draft", "deliberation", "scheduled", "voting", "decided", "no_decision",
                                    "withdrawn"]},
                "ballot_kind": {"enum": ["yes_no", "ranked"]}, "visibility": {"enum": ["members", "public"]},
                "urgent": {"type": "boolean"}, "urgent_reason": {"type": ["string", "null"]},
                "deadline_time": {"type": ["string", "null"]}, "published_at": {"type": ["string", "null"]},
                "fallback_directive": {"type": ["string", "null"]},
                "options": {"type": "array", "items": {"type": "object", "required": ["label", "directive"],
                                                       "properties": {"label": _str,
                                                                      "directive": {"type": ["string", "null"]}}}},
                "electeds": {"type": "array", "items": {"type": "integer"}}}},
            "Mandate": {"type": "object", "additionalProperties": False, "required": [
                "id", "proposal_id", "referendum_id", "elected", "directive", "basis", "due_on", "status",
                "issued_at", "acknowledged_at"], "properties": {
                "id": {"type": "integer"}, "proposal_id": {"type": "integer"}, "referendum_id": {"type": "integer"},
                "elected": {"type": "integer"}, "directive": {"type": ["string", "null"]}, "basis": _str,
                "due_on": _date, "status": {"enum": ["issued", "acknowledged", "fulfilled", "partially", "breached",
                                                     "superseded"]},
                "issued_at": _str, "acknowledged_at": {"type": ["string", "null"]}}},
        },
    },
    "paths": {
        "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json}}},
        "/api/v1/docs": {"get": {"summary": "This document as a page", "responses": {
            "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/api/v1/tokens": {"post": _op("Get an access and a refresh token", [], False, "201", {
            "type": "object", "required": ["email", "password"], "additionalProperties": False,
            "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}, "TokenPair")},
        "/api/v1/tokens/refresh": {"post": _op("Rotate tokens", [], False, "201", {
            "type": "object", "required": ["refresh_token"], "additionalProperties": False,
            "properties": {"refresh_token": {"type": "string"}}}, "TokenPair")},
        "/api/v1/chapters/{slug}": {"get": _op("A chapter", [_slug], False, returns="Chapter")},
        "/api/v1/chapters/{slug}/referenda": {"get": _op("Votes scheduled or open, soonest first", [
            _slug, {"name": "status", "in": "query", "schema": {"enum": ["open", "scheduled"]}}], False)},
        "/api/v1/chapters/{slug}/proposals": {
            "get": _op("Proposals, newest first, with a `next` cursor link", [
                _slug, {"name": "status", "in": "query", "schema": {"type": "string"}},
                {"name": "elected", "in": "query", "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "cursor", "in": "query", "schema": {"type": "string"}}], False),
            "post": _op("Draft a proposal", [_slug], True, "201", _object({
                "title": _str, "body": _str, "decision": _str, "deadline": _date,
                "ballot_kind": {"enum": ["yes_no", "ranked"]}, "visibility": {"enum": ["members", "public"]},
                "deadline_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                "electeds": {"type": "array", "items": {"type": "integer"}},
                "adopted_directive": _str, "rejected_directive": _str, "fallback_directive": _str,
                "options": {"type": "array", "items": _str}, "option_directives": {"type": "array", "items": _str}},
                ["title", "decision", "deadline", "ballot_kind", "electeds"]))},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}": {
            "get": _op("A proposal", [_slug, _id("proposal_id")], False, returns="Proposal"),
            "put": _op("Replace a draft, or a proposal in deliberation (a new revision); refused once a vote is "
                       "scheduled", [_slug, _id("proposal_id")], True, "200", {"type": "object"})},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/amendments": {"post": _op(
            "Propose an amendment (a changed directive of `option`, or a new option)", [_slug, _id("proposal_id")],
            True, "201", _object({"kind": {"enum": ["change_directive", "new_option"]}, "option": _str,
                                  "label": _str, "directive": _str, "reason": _str}, ["kind", "directive"]))},
        "/api/v1/chapters/{slug}/amendments/{amendment_id}/{action}": {"post": _op(
            "accept or decline (the proposal's author), or sign (members)", [
                _slug, _id("amendment_id"), {"name": "action", "in": "path", "required": True,
                                             "schema": {"enum": ["accept", "decline", "sign"]}}], True)},
        "/api/v1/chapters/{slug}/comments/{comment_id}/hide": {"post": _op(
            "Hide a comment with a reason (steering)", [_slug, _id("comment_id")], True, "200",
            _object({"reason": _str}, ["reason"]))},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}/board": {"get": _op(
            "Was the ballot with this tracker counted?", [_slug, _id("referendum_id"),
                                                          {"name": "tracker", "in": "query", "required": True,
                                                           "schema": {"type": "string"}}], False)},
        "/api/v1/chapters/{slug}/roster": {
            "get": _op("The roster (steering)", [_slug, {"name": "page", "in": "query",
                                                         "schema": {"type": "integer"}}], True),
            "post": _op("Import the national CSV export (steering); ?preview=1 saves nothing", [
                _slug, {"name": "preview", "in": "query", "schema": {"type": "string"}}], True, "200",
                {"type": "string"})},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}": {
            "get": _op("A vote: status, times, roll size, turnout, and with a token your voting status",
                       [_slug, _id("referendum_id")], False),
            "delete": _op("Cancel a vote before it opens (steering; not one forced by petition)",
                          [_slug, _id("referendum_id")], True),
            "put": _op("Reschedule a vote before it opens (steering)", [_slug, _id("referendum_id")], True,
                       "200", {"type": "object"})},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}/ballots": {"post": _op(
            "Cast your ballot; returns the tracker, shown once", [_slug, _id("referendum_id")], True, "201", {
                "type": "object", "additionalProperties": False, "properties": {
                    "choice": {"enum": ["yes", "no", "abstain"]},
                    "ranking": {"type": "array", "items": {"type": "string"}}}})},
        "/api/v1/chapters/{slug}/mandates/{mandate_id}": {"get": _op("A mandate", [_slug, _id("mandate_id")],
                                                                     False, returns="Mandate")},
        "/api/v1/chapters/{slug}/mandates/{mandate_id}/acknowledge": {"post": _op(
            "Acknowledge your mandate", [_slug, _id("mandate_id")], True, returns="Mandate")},
        "/api/v1/chapters/{slug}/mandates/{mandate_id}/reports": {"post": _op(
            "File a compliance report (a correction names the report it corrects)", [_slug, _id("mandate_id")],
            True, "201", _object({"outcome": {"enum": ["fulfilled", "partially", "breached"]},
                                  "statement": _str, "evidence_url": _str, "acted_on": _date,
                                  "corrects_id": {"type": "integer"}}, ["outcome", "statement", "acted_on"]))},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/publish": {"post": _op(
            "Publish your draft: deliberation opens", [_slug, _id("proposal_id")], True, returns="Proposal")},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/comments": {
            "get": _op("The deliberation thread, a page of threads at a time", [
                _slug, _id("proposal_id"), {"name": "page", "in": "query", "schema": {"type": "string"}}], False),
            "post": _op("Comment in the deliberation", [_slug, _id("proposal_id")], True, "201",
                        _object({"stance": {"enum": ["for", "against", "question", "neutral"]}, "body": _str,
                                 "parent_id": {"type": "integer"}}, ["stance", "body"]))},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/referendum": {"post": _op(
            "Schedule the vote (steering)", [_slug, _id("proposal_id")], True, "201",
            _object({"method": {"enum": ["yes_no", "irv", "stv", "schulze"]}, "opens_at": _time,
                     "closes_at": _time, "quorum_percent": {"type": "integer"}, "secret": {"type": "boolean"},
                     "threshold": _str, "seats": {"type": "integer"}},
                    ["method", "opens_at", "closes_at", "quorum_percent"]))},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}/result": {"get": _op(
            "The certified result (404 to outsiders, 409 while the vote is open)", [_slug, _id("referendum_id")],
            False)},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}/export": {"get": _op(
            "Everything needed to recount", [_slug, _id("referendum_id")], False)},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/withdraw": {"post": _op(
            "Withdraw a proposal (author or steering, before voting)", [_slug, _id("proposal_id")], True,
            returns="Proposal")},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/petition": {
            "get": _op("Petition status", [_slug, _id("proposal_id")], False),
            "post": _op("Sign the petition for a vote", [_slug, _id("proposal_id")], True, "201")},
        "/api/v1/chapters/{slug}/reports/{report_id}/review": {"post": _op(
            "Verify or dispute a report (steering)", [_slug, _id("report_id")], True, "200",
            _object({"review": {"enum": ["verified", "disputed"]}, "note": _str}, ["review"]))},
        "/api/v1/chapters/{slug}/electeds/{membership_id}/scorecard": {"get": _op(
            "An elected's scorecard", [_slug, _id("membership_id")], False)},
        "/api/v1/chapters/{slug}/mandates": {"get": _op("Mandates you may see", [_slug], False)},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/urgency": {"post": _op(
            "Declare a proposal urgent, with the reason members see (steering)", [_slug, _id("proposal_id")], True,
            "200", _object({"reason": _str}, ["reason"]), returns="Proposal")},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}/urgency/signatures": {"post": _op(
            "Ask for the urgent track, or co-sign the request (members, where the bylaws allow)",
            [_slug, _id("proposal_id")], True, "201", _object({"reason": _str}, []))},
        "/api/v1/audit/checkpoint": {"get": _op(
            "The audit log's checkpoint: its length and head hash (public; keep it to prove a rewrite later)",
            [], False, returns="Checkpoint")},
        "/api/v1/chapters/{slug}/audit": {"get": _op("The audit log, newest first (steering)", [
            _slug, {"name": "before", "in": "query", "schema": {"type": "string"}}], True)},
        "/api/v1/chapters/{slug}/bargaining": {"get": _op("Bargaining updates you may see", [_slug], False),
                                                "post": _op(
            "Log a bargaining update (electeds)", [_slug], True, "201",
            _object({"met_on": _date, "counterparty": _str, "offered": _str, "demanded": _str, "threatened": _str,
                     "notes": _str, "proposal_id": {"type": "integer"}, "embargo_until": _time,
                     "embargo_until_vote": {"type": "boolean"}, "corrects_id": {"type": "integer"}},
                    ["met_on", "counterparty"]))},
        "/api/v1/chapters/{slug}/bargaining/{update_id}/links": {"post": _op(
            "Put your earlier update on the timeline of a later proposal (an append-only link)",
            [_slug, _id("update_id")], True, "201", _object({"proposal_id": {"type": "integer"}}, ["proposal_id"]))},
    },
}


@bp.get("/openapi.json")
def openapi():
    return DOCUMENT


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", doc=DOCUMENT)
