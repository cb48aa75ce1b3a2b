"""RFC 9457 problem documents: the API's error format (shared so that requests to /api/v1 that
match no route still get one)."""
from __future__ import annotations

from flask import Response, json

PROBLEM = "application/problem+json"
API_PREFIX = "/api/"


def problem(status: int, title: str, detail: str, errors: dict | None = None, headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype=PROBLEM, headers=headers)
