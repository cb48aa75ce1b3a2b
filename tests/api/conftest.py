"""Every API response in these tests is checked against the API's conventions (errors are problem
documents whose status matches the response; bodies are JSON objects) and, where the OpenAPI
document names a schema for that response, against the schema."""
from __future__ import annotations

import json
import re

import jsonschema_rs
import pytest
from flask import request_finished

from openbargain.api.openapi import DOCUMENT

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
    elif response.mimetype == "application/json":
        body = json.loads(response.get_data())
        if not isinstance(body, dict):
            problems.append(f"{where}: the body is not a JSON object")
        schema = _documented_schema(request.method, request.url_rule, response.status_code)
        if schema is not None:
            for error in jsonschema_rs.validator_for(schema).iter_errors(body):
                problems.append(f"{where}: {error.message}")


def _documented_schema(method: str, rule, status: int) -> dict | None:
    if rule is None:
        return None
    path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
    spec = DOCUMENT["paths"].get(path, {}).get(method.lower(), {}).get("responses", {}).get(str(status))
    schema = (spec or {}).get("content", {}).get("application/json", {}).get("schema")
    if not schema or "$ref" not in schema:
        return None
    named = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **named}


@pytest.fixture(autouse=True)
def api_conventions(app):
    problems.clear()
    request_finished.connect(_check, app)
    yield
    request_finished.disconnect(_check, app)
    assert problems == [], problems
