"""The live part of a page (static/live.js asks for it every few seconds with the version it holds)."""
from __future__ import annotations

from typing import Callable

from flask import Response, make_response, request


def live_part(version: str, render: Callable[[], str]) -> Response:
    """A 304 when nothing its viewer sees changed since the version they hold, else `render()`;
    never cached by anyone else (what it shows depends on who asks)."""
    etag = f'W/"{version}"'
    response = make_response("", 304) if etag in request.headers.get("If-None-Match", "") else make_response(render())
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache, private"
    return response
