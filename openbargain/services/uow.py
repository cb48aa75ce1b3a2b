"""The one place that begins and commits a use-case's transaction.

On SQLite a write transaction is begun with BEGIN IMMEDIATE so that two writers queue for the
lock up front instead of one failing at commit; reads stay deferred so pages do not queue.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import Pool
from sqlalchemy.orm import Session

from openbargain.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000  # how long a SQLite writer waits for the one write lock
PING_AFTER = 30.0  # seconds a pooled connection may sit idle before it is checked when taken

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below emit BEGIN itself (the pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


@event.listens_for(Pool, "checkin")
def _idle_since(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """A connection that sat idle may have been dropped (a database restart, a proxy's timeout):
    pinged before use, and replaced if dead. A busy server's connections never sit that long,
    so its requests pay no ping's round trip (pool_pre_ping would on every one). SQLite's ping
    crosses no network: every checkout pings, as pool_pre_ping did."""
    recently = time.monotonic() - record.info.get("idle_since", time.monotonic()) < PING_AFTER
    if recently and not isinstance(dbapi_connection, sqlite3.Connection):
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # the driver may have begun a transaction for it
    except Exception as dead:
        raise exc.DisconnectionError() from dead  # the pool discards it and connects afresh


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


class UnitOfWork:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Mail and other side effects run only once the change is durable."""
        self._after_commit.append(fn)


@contextmanager
def bare_unit_of_work() -> Iterator[Connection]:
    """A use-case on a connection of its own, with no session and so no objects and no
    after-commit work: for the hottest call alone (casting.cast_by_token), whose one change is
    made by one statement.

    On PostgreSQL that statement is its own transaction (autocommit): the BEGIN and the COMMIT
    would be two of a cast's four round trips. Its reads before it see committed data, as they
    would inside a read-committed transaction; a caller that leaves by an exception has written
    nothing, as its one statement either ran whole or not at all. SQLite writes in two
    statements, in one transaction begun IMMEDIATE."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection
        return
    token = _write_intent.set(True)
    try:
        with db.engine.begin() as connection:
            yield connection
    finally:
        _write_intent.reset(token)


@contextmanager
def unit_of_work() -> Iterator[UnitOfWork]:
    session = db.session()
    if session.in_transaction():
        if session.get_bind().dialect.name == "sqlite" or session.new or session.dirty or session.deleted:
            # SQLite must not upgrade the view's read transaction mid-way: start afresh, so the
            # use-case reads and writes in one write transaction begun as one (BEGIN IMMEDIATE).
            session.rollback()
        else:
            # PostgreSQL (read committed) reads the latest committed data at every statement, so
            # the view's transaction simply goes on: no rollback and begin again (two round trips
            # of a cast's six). What the view loaded is read afresh when used, as after a rollback.
            session.expire_all()
    token = _write_intent.set(True)
    uow = UnitOfWork(session)
    try:
        yield uow
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_intent.reset(token)
    for fn in uow._after_commit:
        fn()
