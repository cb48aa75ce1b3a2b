"""CSV for spreadsheets that cannot be turned against their readers.

A cell that begins with =, +, -, @, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets (OWASP's "CSV injection"); such a cell gets a leading apostrophe, which the
spreadsheet shows as text. The JSON export keeps every text verbatim.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(header: list[str], rows: Iterable[Iterable[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
