"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of what is implemented so far."""
from __future__ import annotations

from openbargain.api import bp

_problem = {"description": "A problem document", "content": {"application/problem+json": {
    "schema": {"$ref": "#/components/schemas/Problem"}}}}
_json = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
_slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, params: list, secured: bool, ok: str = "200", body: dict | None = None) -> dict:
    op: dict = {"summary": summary, "parameters": params,
                "responses": {ok: _json, "401": _problem, "403": _problem, "404": _problem, "422": _problem}}
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
        "schemas": {"Problem": {"type": "object", "required": ["title", "status"], "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "errors": {"type": "object"}}}},
    },
    "paths": {
        "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json}}},
        "/api/v1/tokens": {"post": _op("Get an access and a refresh token", [], False, "201", {
            "type": "object", "required": ["email", "password"], "additionalProperties": False,
            "properties": {"email": {"type": "string"}, "password": {"type": "string"}}})},
        "/api/v1/tokens/refresh": {"post": _op("Rotate tokens", [], False, "201", {
            "type": "object", "required": ["refresh_token"], "additionalProperties": False,
            "properties": {"refresh_token": {"type": "string"}}})},
        "/api/v1/chapters/{slug}": {"get": _op("A chapter", [_slug], False)},
        "/api/v1/chapters/{slug}/proposals": {"get": _op("Proposals, newest first, with a `next` cursor link", [
            _slug, {"name": "status", "in": "query", "schema": {"type": "string"}},
            {"name": "cursor", "in": "query", "schema": {"type": "string"}}], False)},
        "/api/v1/chapters/{slug}/proposals/{proposal_id}": {"get": _op("A proposal", [_slug, _id("proposal_id")],
                                                                       False)},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}": {"get": _op(
            "A vote: status, times, roll size, turnout, and with a token your voting status",
            [_slug, _id("referendum_id")], False)},
        "/api/v1/chapters/{slug}/referenda/{referendum_id}/ballots": {"post": _op(
            "Cast your ballot; returns the tracker, shown once", [_slug, _id("referendum_id")], True, "201", {
                "type": "object", "additionalProperties": False, "properties": {
                    "choice": {"enum": ["yes", "no", "abstain"]},
                    "ranking": {"type": "array", "items": {"type": "string"}}}})},
        "/api/v1/chapters/{slug}/mandates/{mandate_id}": {"get": _op("A mandate", [_slug, _id("mandate_id")],
                                                                     False)},
        "/api/v1/chapters/{slug}/mandates/{mandate_id}/acknowledge": {"post": _op(
            "Acknowledge your mandate", [_slug, _id("mandate_id")], True)},
    },
}


@bp.get("/openapi.json")
def openapi():
    return DOCUMENT
