"""The API's busiest call, answered before Flask: `POST /api/v1/chapters/<slug>/referenda/<id>/ballots`
by a member casting a secret ballot with a personal access token. At a large vote's close this is
nearly every request, and the framework around it (routing, the API's schemas, the ORM loading the
token, the vote and the voter as objects) cost twice the cast itself (bench/README.md).

This WSGI layer sits in front of the app and takes only that request on its plainest path: a JSON
body of exactly `{"choice": "…"}` or `{"ranking": [labels]}`, no query string, a `Bearer obpat_…`
token. `casting.cast_by_token` then casts — or returns None with nothing written, and the request
goes on to the app, body and all, which answers it as it always has: every refusal (a bad or
unknown token, a missing scope, a malformed ballot, a second ballot, a closed vote) with its own
problem document, every roll-call vote with its audit event. So a cast that succeeds here is one
the app would have accepted, and a request that does not is the app's to answer.

One difference: the app's per-token rate limit does not count a cast accepted here (nor send its
X-RateLimit headers on it). A token can be accepted here at most once per vote, as its member
has one ballot, so the limit still bounds every request that could be repeated.
"""
from __future__ import annotations

import io
import json
import re
from typing import Callable, Iterable

from flask import Flask

from openbargain.services import casting
from openbargain.web.security import headers_for

PATH = re.compile(r"/api/v1/chapters/([a-z0-9-]{1,60})/referenda/([1-9][0-9]{0,17})/ballots")
MAX_BODY = 16 * 1024  # far more than the longest ballot: anything longer is the app's to refuse
BEARER = "Bearer "
STATUS = "201 CREATED"


class FastCast:
    def __init__(self, app: Flask, downstream: Callable) -> None:
        self.app, self.downstream = app, downstream
        self.headers = [("Content-Type", "application/json")] + headers_for(app)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        matched = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if matched is None or environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return self.downstream(environ, start_response)
        body = _body(environ)
        receipt = None
        if body is not None:
            environ["wsgi.input"] = io.BytesIO(body)  # read again by the app if it answers
            ballot, token = _ballot(body), _token(environ)
            if ballot is not None and token is not None:
                with self.app.app_context():
                    receipt = casting.cast_by_token(token, matched[1], int(matched[2]), ballot)
        if receipt is None:
            return self.downstream(environ, start_response)
        # As the app writes it: sorted keys, compact, a closing newline.
        payload = (json.dumps({"replaced": False, "roll_call": receipt.roll_call, "tracker": receipt.tracker},
                              separators=(",", ":"))
                   + "\n").encode()
        start_response(STATUS, self.headers + [("Content-Length", str(len(payload)))])
        return [payload]


def _body(environ: dict) -> bytes | None:
    """The request's body when it is JSON of a known, small length (else None, left unread)."""
    if environ.get("CONTENT_TYPE", "").split(";")[0].strip() != "application/json":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    return body if len(body) == length else None


def _ballot(body: bytes) -> dict | None:
    """`{"choice": str}` or `{"ranking": [str, …]}`, exactly; None for anything else."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or len(data) != 1:
        return None
    if isinstance(data.get("choice"), str):
        return data
    ranking = data.get("ranking")
    if isinstance(ranking, list) and all(isinstance(label, str) for label in ranking):
        return data
    return None


def _token(environ: dict) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    return header[len(BEARER):].strip() or None if header.startswith(BEARER) else None
