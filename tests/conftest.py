from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import pytest
import contextvars
from contextlib import contextmanager

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestConfig
from openbargain import create_app
from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import Chapter, Standing, User
from openbargain.models.audit import APPEND_ONLY, DROP_APPEND_ONLY
from tests import factories


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own database session and `g`,
    as it would in production; the test's own session ends its transaction around it so
    both see each other's committed rows."""

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed, already inside an empty context
            return super().open(*args, **kwargs)
        db.session.rollback()
        try:
            # An empty context: no app context is current in it, so Flask pushes the request's own.
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.rollback()


def make_test_app(**overrides) -> Flask:
    config = TestConfig()
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@contextmanager
def other_app(**overrides) -> Iterator[Flask]:
    """A second app over the same database with some settings changed, cleaned up after.

    Inside it, the test's own session would run on this app's engine: commit before, read after."""
    db.session.commit()
    outer = db.session()
    app = make_test_app(**overrides)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            # The test's own objects, touched in here, load through this app's engine: give those
            # connections back before the engine goes, or they outlive it unclosed.
            outer.close()
            db.engine.dispose()


@pytest.fixture(scope="session")
def _app() -> Iterator[Flask]:
    app = make_test_app()
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                # A run stopped half-way leaves rows behind, and planks and proposals point at each
                # other: their keys are checked once both tables are gone.
                connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            db.metadata.drop_all(connection)
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_all_tables() -> None:
    """Between tests only: the audit log's append-only triggers are set aside for the cleaning."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # Planks and proposals point at each other: their keys are checked once both are emptied.
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for statement in DROP_APPEND_ONLY["sqlite"]:
            db.session.execute(text(statement))
        for table in tables:
            db.session.execute(table.delete())
        for statement in APPEND_ONLY["sqlite"]:
            db.session.execute(text(statement))
    db.session.commit()


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            # Each test starts on fresh SQLite connections. A pooled connection that an earlier
            # test's thread (a live server, a race) left holding a read could make the next test's
            # BEGIN IMMEDIATE fail at once with "database is locked": SQLite gives up at once,
            # without waiting, when waiting could deadlock.
            db.engine.dispose()
    _app.extensions["mail_outbox"] = []
    set_clock(None)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list:
    app.extensions["mail_outbox"] = []
    return app.extensions["mail_outbox"]


def login(client: FlaskClient, user: User, password: str = factories.PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@dataclass
class World:
    """One chapter with a person in every role, and a second chapter with its own steering."""

    chapter: Chapter
    other_chapter: Chapter
    member: User
    lapsed: User
    suspended: User
    elected: User
    steering: User
    other_steering: User
    admin: User

    def user(self, role: str) -> User | None:
        return None if role == "visitor" else getattr(self, role)


ROLES = ["visitor", "lapsed", "suspended", "member", "elected", "steering", "other_steering", "admin"]


@pytest.fixture
def world(app: Flask) -> World:
    chapter = factories.make_chapter("riverside", "Riverside Socialists")
    other = factories.make_chapter("hilltop", "Hilltop Socialists")
    m = factories.make_membership
    w = World(
        chapter=chapter,
        other_chapter=other,
        member=m(chapter).user,
        lapsed=m(chapter, standing=Standing.LAPSED).user,
        suspended=m(chapter, standing=Standing.SUSPENDED).user,
        elected=m(chapter, elected=True).user,
        steering=m(chapter, steering=True).user,
        other_steering=m(other, steering=True).user,
        admin=factories.make_user(admin=True),
    )
    return w


@pytest.fixture
def count_queries(app: Flask):
    """Counts the SQL statements run inside a `with count_queries() as n:` block."""
    @contextmanager
    def counter():
        box = {"n": 0, "sql": [], "full": []}

        def before(_connection, _cursor, statement, *_args, **_kwargs):
            box["n"] += 1
            box["full"].append(" ".join(statement.split()))
            box["sql"].append(box["full"][-1][:160])

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield box
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
