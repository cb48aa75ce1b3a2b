"""RFC 9457 problem documents: the API's error format (shared so that requests to /api/v1 that
match no route still get one)."""
from __future__ import annotations

from flask import Response, json
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

PROBLEM = "application/problem+json"
API_PREFIX = "/api/"

# Every title a problem document can carry — the services' refusals (services/errors.py), the
# API's own and HTTP's — listed here for the catalog: problem() answers each in the language the
# request asks for (i18n.py).
TITLES = [
    _l("Request refused"), _l("Not found"), _l("Not allowed"), _l("Not possible now"), _l("Invalid input"),
    _l("Already voted"), _l("Not on the roll"), _l("Already signed"), _l("Wrong email or password"),
    _l("Link not valid"), _l("Too many attempts"), _l("Roster file rejected"), _l("Ballot key missing"),
    _l("Sealed ballot does not verify"),
    _l("Bad Request"), _l("Unauthorized"), _l("Forbidden"), _l("Not Found"), _l("Method Not Allowed"),
    _l("Not Acceptable"), _l("Conflict"), _l("Gone"), _l("Precondition Failed"), _l("Request Entity Too Large"),
    _l("Unsupported Media Type"), _l("Unprocessable Content"), _l("Unprocessable Entity"), _l("Too Many Requests"),
    _l("Internal Server Error"), _l("Service Unavailable"),
]


def problem(status: int, title: str, detail: str, errors: dict | None = None, headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": gettext(str(title)), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype=PROBLEM, headers=headers)
