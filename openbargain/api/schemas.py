"""Request bodies: JSON objects with exactly the fields a resource takes, of the right types."""
from __future__ import annotations

from flask import request

from openbargain.api.errors import ApiProblem


def body_of(fields: dict[str, tuple[type, int]], optional: tuple[str, ...] = ()) -> dict:
    """`fields` maps name → (type, maximum length for strings). Missing, extra or mistyped fields
    are a 422 problem with per-field errors; a body that is not a JSON object is a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiProblem(400, "Bad Request", "Send a JSON object (Content-Type: application/json).")
    errors: dict[str, list[str]] = {}
    for name in data.keys() - fields.keys():
        errors[name] = ["Unknown field."]
    for name, (kind, limit) in fields.items():
        if name not in data:
            if name not in optional:
                errors[name] = ["Required."]
            continue
        value = data[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = ["Must be an integer."]
        elif kind is bool and not isinstance(value, bool):
            errors[name] = ["Must be true or false."]
        elif kind is list and not (isinstance(value, list) and all(isinstance(v, (str, int)) and
                                                                    not isinstance(v, bool) for v in value)):
            errors[name] = ["Must be a list of strings (or ids)."]
        elif kind is str and not isinstance(value, str):
            errors[name] = ["Must be a string."]
        elif kind is str and len(value) > limit:
            errors[name] = [f"At most {limit} characters."]
        elif kind is list and len(value) > limit:
            errors[name] = [f"At most {limit} items."]
    if errors:
        raise ApiProblem(422, "Unprocessable Content", "The request body has invalid fields.", errors)
    return data
