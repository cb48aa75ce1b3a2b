"""A pooled connection that sat idle is checked before use and replaced if the database dropped
it; on PostgreSQL one in steady use is not pinged at all (services/uow.py)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, exc, select, text
from sqlalchemy.pool import NullPool

from openbargain.extensions import db
from openbargain.services import uow


def backend(connection) -> int | None:
    if connection.dialect.name != "postgresql":
        return None
    return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_an_idle_connection_dropped_by_the_database_is_replaced_before_use(app, monkeypatch):
    db.session.remove()
    db.engine.dispose()  # one connection in the pool: the one the database is about to drop
    with db.engine.connect() as connection:
        first = backend(connection)
    if first is not None:  # the server drops it while it sits in the pool
        other = create_engine(db.engine.url, poolclass=NullPool)
        with other.connect() as killer:
            assert killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        other.dispose()
    monkeypatch.setattr(uow, "PING_AFTER", 0.0)  # it has been idle long enough
    try:
        with db.engine.connect() as connection:
            assert connection.execute(select(1)).scalar_one() == 1
            assert backend(connection) != first or first is None
    finally:
        db.engine.dispose()  # nothing of this test's stays pooled for the next


class Record:
    def __init__(self, idle_since: float | None) -> None:
        self.info = {} if idle_since is None else {"idle_since": idle_since}


class Driver:
    """A DBAPI connection that records what it is asked, and may be dead."""

    def __init__(self, dead: bool = False) -> None:
        self.asked: list[str] = []
        self.dead = dead

    def cursor(self):
        driver = self

        class Cursor:
            def execute(self, sql):
                if driver.dead:
                    raise OSError("server closed the connection unexpectedly")
                driver.asked.append(sql)

            def close(self):
                pass

        return Cursor()

    def rollback(self):
        self.asked.append("rollback")


def test_only_a_connection_idle_past_the_limit_is_pinged_and_a_dead_one_refused(monkeypatch):
    monkeypatch.setattr(uow.time, "monotonic", lambda: 1000.0)
    busy, idle, fresh = Driver(), Driver(), Driver()
    uow._ping_if_idle(busy, Record(1000.0 - uow.PING_AFTER + 1), None)
    uow._ping_if_idle(fresh, Record(None), None)  # never checked in: just connected
    uow._ping_if_idle(idle, Record(1000.0 - uow.PING_AFTER - 1), None)
    assert busy.asked == [] and fresh.asked == [] and idle.asked == ["SELECT 1", "rollback"]
    local = sqlite3.connect(":memory:")  # no network to cross: pinged every time
    uow._ping_if_idle(local, Record(1000.0), None)  # (a closed or broken one would raise)
    local.close()
    with pytest.raises(exc.DisconnectionError):
        uow._ping_if_idle(local, Record(1000.0), None)
    with pytest.raises(exc.DisconnectionError):  # the pool discards it and connects afresh
        uow._ping_if_idle(Driver(dead=True), Record(0.0), None)
