"""Statements run on the database driver's own cursor, for the one call whose CPU sets the
product's ceiling: the plain cast (casting.cast_by_token), at a large vote's close nearly every
request. SQLAlchemy's execution and result machinery cost more than the driver's own work for
its two statements (bench/README.md); here a Core statement is compiled once per dialect and its
rows come back as the driver makes them.

PostgreSQL only: its driver takes aware datetimes and hands them back aware, as UTCDateTime does,
so the plain values such a statement binds (str, int, bytes, dates, aware datetimes) need no
processing either way. Elsewhere the statement goes through SQLAlchemy as any other. Statements
run here are not seen by SQLAlchemy's cursor events.
"""
from __future__ import annotations

from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable

_compiled: dict[Executable, str] = {}


def rows(connection: Connection, statement: Executable, params: dict[str, Any]) -> list[Any]:
    """The statement's rows, each with its columns as attributes (as a SQLAlchemy Row has)."""
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, params).all()
    sql = _compiled.get(statement)
    if sql is None:
        sql = _compiled[statement] = str(statement.compile(dialect=connection.dialect))
    with connection.connection.driver_connection.cursor(row_factory=namedtuple_row) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
