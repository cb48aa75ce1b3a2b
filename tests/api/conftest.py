"""Every API response in these tests is checked against the API's conventions (errors are problem
documents whose status matches the response; bodies are JSON objects) and against the schema the
generated OpenAPI document gives for it: every operation documents one for each success."""
from __future__ import annotations

import json
import re

import jsonschema_rs
import pytest
from flask import request_finished

from openbargain.api.document import spec

problems: list[str] = []


def _check(sender, response, **_extra) -> None:
    from flask import request

    if not request.path.startswith("/api/v1/") or response.status_code == 304 or request.url_rule is None:
        return
    document = spec()
    where = f"{request.method} {request.path} → {response.status_code}"
    if response.status_code >= 400:
        if response.mimetype != "application/problem+json":
            problems.append(f"{where}: not a problem document ({response.mimetype})")
            return
        body = json.loads(response.get_data())
        if body.get("status") != response.status_code or not body.get("title"):
            problems.append(f"{where}: problem document without a matching status and a title: {body}")
        problem = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                   **document["components"]["schemas"]["Problem"]}
        for error in jsonschema_rs.validator_for(problem).iter_errors(body):
            problems.append(f"{where}: {error.message}")
    elif response.mimetype == "application/json":
        body = json.loads(response.get_data())
        if not isinstance(body, dict):
            problems.append(f"{where}: the body is not a JSON object")
    if response.status_code < 400:
        schema = _documented_schema(document, request.method, request.url_rule, response)
        if schema is None:
            problems.append(f"{where}: the document gives no schema for this response")
            return
        body = json.loads(response.get_data()) if response.mimetype.endswith("json") else response.get_data(True)
        for error in jsonschema_rs.validator_for(schema).iter_errors(body):
            problems.append(f"{where}: {error.message}")


def _documented_schema(document: dict, method: str, rule, response) -> dict | None:
    path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
    documented = document["paths"].get(path, {}).get(method.lower(), {}).get("responses", {})
    schema = documented.get(str(response.status_code), {}).get("content", {}).get(response.mimetype, {}).get("schema")
    if schema is None:
        return None
    # Named schemas refer to one another: validate against the whole document's components.
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            "components": document["components"]}


@pytest.fixture(autouse=True)
def api_conventions(app):
    problems.clear()
    request_finished.connect(_check, app)
    yield
    request_finished.disconnect(_check, app)
    assert problems == [], problems
