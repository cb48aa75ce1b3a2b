"""No NUL character reaches the database: PostgreSQL cannot store one in text, so a NUL typed into
any field (or sent in a query, a form or a JSON body) would otherwise end in a 500 there and be
stored on SQLite. Every request carrying one is refused before a view runs: a problem document
from the API, a 400 page elsewhere."""
from __future__ import annotations

from typing import Any

from flask import Flask, abort, request

from openbargain.problems import API_PREFIX, problem

NUL = "\x00"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _refuse_nul():
    carried = (NUL in request.path or any(_holds_nul(v) for v in request.args.listvalues())
               or any(_holds_nul(v) for v in request.form.listvalues())
               or (request.is_json and _holds_nul(request.get_json(silent=True))))
    if not carried:
        return None
    message = "A NUL character (0x00) is not allowed in any field."
    if request.path.startswith(API_PREFIX):
        return problem(422, "Unprocessable Content", message)
    abort(400, message)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
