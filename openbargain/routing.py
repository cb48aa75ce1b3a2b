"""URL converters shared by the pages and the API."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1  # ids are 4-byte integers on PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number no column can hold is simply no such page (404), never
    an overflow in the database (500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = ID_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
