"""The migrations build the schema from nothing, and it is exactly what the models declare."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import suite_database_url
from openbargain.extensions import db
from tests.conftest import make_test_app


@contextmanager
def empty_database(tmp_path) -> Iterator[str]:
    url = make_url(suite_database_url())
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_upgrade_from_empty_and_match_the_models(tmp_path):
    with empty_database(tmp_path) as url:
        app = make_test_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            flask_migrate.downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.session.remove()
            db.engine.dispose()
