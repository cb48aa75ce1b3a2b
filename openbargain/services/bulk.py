"""Writing many rows at once: PostgreSQL's COPY where it runs, a multi-row insert elsewhere.

Certification writes a whole vote's ballots and trackers in one transaction; row by row that is
most of its time on PostgreSQL, where COPY takes a hundred thousand rows in a fraction of it.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON


def write_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json else row[c] for c in columns])
