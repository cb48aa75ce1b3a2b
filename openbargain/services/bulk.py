"""Reading and writing many rows at once: PostgreSQL's server-side cursors and COPY where it
runs, batches elsewhere.

Certification reads a whole vote's sealed ballots and writes its ballots and trackers in one
transaction; a million rows through the ORM, or even as SQLAlchemy rows, cost more than the count.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

from sqlalchemy import Select, Table, column, insert, table
from sqlalchemy.orm import Session

SQLITE_BATCH = 10_000
READ_BATCH = 20_000


def read_rows(session: Session, statement: Select) -> Iterator[tuple[Any, ...]]:
    """The statement's rows as plain tuples, fetched in batches (never all in memory at once)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield from connection.execute(statement.execution_options(yield_per=READ_BATCH)).tuples()
        return
    compiled = statement.compile(dialect=connection.dialect)
    with connection.connection.dbapi_connection.cursor(name="openbargain_bulk_read") as cursor:
        cursor.execute(str(compiled), compiled.params, binary=True)  # bytes as they are, not hex text
        while batch := cursor.fetchmany(READ_BATCH):
            yield from batch


def write_rows(session: Session, into: Table, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows as tuples in the order of `columns`, each value as the database stores it (a JSON
    column's value given as its JSON text, so that nothing is serialised again row by row)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {into.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # Untyped columns, so that JSON text goes in as it is.
    bare = table(into.name, *(column(name) for name in columns))
    rows = iter(rows)
    while batch := list(islice(rows, SQLITE_BATCH)):
        session.execute(insert(bare), [dict(zip(columns, row)) for row in batch])
