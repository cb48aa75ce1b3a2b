"""Every API response in these tests is checked against the API's conventions: errors are problem
documents whose status matches the response, and bodies are JSON objects."""
from __future__ import annotations

import json

import pytest
from flask import request_finished

problems: list[str] = []


def _check(sender, response, **_extra) -> None:
    from flask import request

    if not request.path.startswith("/api/v1/") or request.path.endswith("/docs") or response.status_code == 304:
        return
    where = f"{request.method} {request.path} → {response.status_code}"
    if response.status_code >= 400:
        if response.mimetype != "application/problem+json":
            problems.append(f"{where}: not a problem document ({response.mimetype})")
            return
        body = json.loads(response.get_data())
        if body.get("status") != response.status_code or not body.get("title"):
            problems.append(f"{where}: problem document without a matching status and a title: {body}")
    elif response.mimetype == "application/json" and not isinstance(json.loads(response.get_data()), dict):
        problems.append(f"{where}: the body is not a JSON object")


@pytest.fixture(autouse=True)
def api_conventions(app):
    problems.clear()
    request_finished.connect(_check, app)
    yield
    request_finished.disconnect(_check, app)
    assert problems == [], problems
