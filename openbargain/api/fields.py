"""The API's field types and base schemas (marshmallow): one declaration validates a request,
shapes a response and becomes the OpenAPI document.

Messages are the API's own ("Must be a string.", "At most 200 characters."), lengths come from the
models' constants, and times travel as ISO 8601 with a zone, written with `Z` for UTC.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time

import marshmallow as ma
from marshmallow import fields, validate

from openbargain.models.proposal import REASON_MAX
from openbargain.routing import ID_MAX as INT_MAX  # every integer column: 4 bytes on PostgreSQL


class Body(ma.Schema):
    """A request body: exactly the declared fields (others are "Unknown field.")."""

    class Meta:
        unknown = ma.RAISE


class Through:
    """A service's view of a record (a comment with whether you may read it, a bargaining entry with
    its release), or a record with a figure beside it, read as one object: the extras given first,
    then each layer's attributes in order."""

    def __init__(self, *layers, **extras) -> None:
        self._extras, self._layers = extras, layers

    def __getattr__(self, name: str):
        if name in self._extras:
            return self._extras[name]
        for layer in self._layers:
            try:
                return getattr(layer, name)
            except AttributeError:
                continue
        raise AttributeError(name)


class Shape(ma.Schema):
    """A response body (and a nested object in one). THROUGH names the attribute of a service's
    view that holds the record the fields read (see Through)."""

    THROUGH: str | None = None

    @ma.pre_dump
    def _read_through(self, obj, **kwargs):
        if self.THROUGH is None or isinstance(obj, Through):
            return obj
        return Through(obj, getattr(obj, self.THROUGH))


class Text(fields.String):
    default_error_messages = {"invalid": "Must be a string.", "required": "Required.", "null": "Required."}

    def __init__(self, max_length: int, **kwargs) -> None:
        kwargs.setdefault("validate", validate.Length(max=max_length, error="At most {max} characters."))
        super().__init__(**kwargs)




class Whole(fields.Integer):
    """An integer that must be one in the JSON (not "3", not 3.0, not true); in a query string, or
    where ids have always been taken as strings too, `strict=False`. Never beyond what a column holds."""

    default_error_messages = {"invalid": "Must be an integer.", "required": "Required.", "null": "Required."}

    def __init__(self, *, strict: bool = True, **kwargs) -> None:
        given = kwargs.pop("validate", None)
        bounds = validate.Range(-INT_MAX - 1, INT_MAX, error="Use a number from {min} to {max}.")
        kwargs["validate"] = [bounds, *([given] if callable(given) else given or [])]
        super().__init__(strict=strict, **kwargs)


class Flag(fields.Boolean):
    """true or false, nothing that merely looks like one."""

    default_error_messages = {"invalid": "Must be true or false.", "required": "Required.", "null": "Required."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Day(fields.Date):
    default_error_messages = {"invalid": "Use YYYY-MM-DD.", "required": "Required.", "null": "Required."}

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str) or len(value) != 10:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Moment(fields.DateTime):
    """An instant: ISO 8601 with a zone in, UTC with `Z` out."""

    default_error_messages = {"invalid": "Use ISO 8601 with a zone, e.g. 2026-12-01T18:00:00Z.",
                              "required": "Required.", "null": "Required."}

    def _serialize(self, value: datetime | None, attr, obj, **kwargs) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.make_error("invalid")
        return moment


class ClockTime(fields.String):
    """A time of day, HH:MM (24-hour), in the chapter's zone."""

    default_error_messages = {"invalid": "Use HH:MM.", "required": "Required.", "null": "Required."}

    PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {"pattern": self.PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: time | None, attr, obj, **kwargs) -> str | None:
        return value.strftime("%H:%M") if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs) -> time:
        if not isinstance(value, str) or not re.fullmatch(self.PATTERN, value):
            raise self.make_error("invalid")
        return time.fromisoformat(value)


def choice(enum, **kwargs) -> fields.Enum:
    """One of an enum's values, e.g. a stance."""
    return fields.Enum(enum, by_value=True, error_messages={"unknown": "One of {choices}.", "required": "Required.",
                                                            "null": "Required."}, **kwargs)


def items(schema, **kwargs) -> fields.List:
    return fields.List(fields.Nested(schema), **kwargs)


class Problem(Shape):
    """RFC 9457: what went wrong; `errors` names each field and what is wrong with it."""

    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Reason(Body):
    """The public reason for an act that stops or hides what members did."""

    reason = Text(REASON_MAX, required=True)
