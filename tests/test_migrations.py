"""The migrations build the schema from nothing, and it is exactly what the models declare."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from config import suite_database_url
from openbargain.extensions import db
from tests.conftest import make_test_app

BEFORE_SEALING = "a1d8be18ab26"  # the revision before ballots were sealed while a vote is open


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


def _ballot_state():
    from sqlalchemy import select

    from openbargain.models import Ballot, BallotTracker, Referendum, SealedBallot, VoterRollEntry
    from tests.factories import opened_ballots

    counted = {(b.referendum_id, b.position): b.content for b in db.session.scalars(select(Ballot))}
    trackers = {(t.referendum_id, t.tracker_hash) for t in db.session.scalars(select(BallotTracker))}
    sealed = {r: sorted((json.dumps(p["content"], sort_keys=True), p["tracker_hash"]) for p in opened_ballots(r))
              for r in db.session.scalars(select(SealedBallot.referendum_id).distinct())}
    links = {(e.referendum_id, e.membership_id): counted[(e.referendum_id, e.ballot_position)]
             for e in db.session.scalars(select(VoterRollEntry).where(VoterRollEntry.ballot_position.is_not(None)))}
    keys = {r.id: r.seal_key_id for r in db.session.scalars(select(Referendum)) if r.certified_at is None}
    return counted, trackers, sealed, links, keys


def test_the_ballot_migration_keeps_every_ballot_both_ways(tmp_path):
    """Demo data (certified votes, an open vote with sealed ballots) taken down to the plaintext
    layout and back up: every counted ballot, tracker and sealed ballot comes back the same."""
    from openbargain.services import audit, demo

    with empty_database(tmp_path) as url:
        app = make_test_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            demo.create_demo()
            before = _ballot_state()
            counted, _, sealed, _, _ = before
            assert counted and sealed, "the demo should hold certified and open votes"
            from openbargain.models import PersonalAccessToken, User
            from openbargain.services import api_tokens

            api_tokens.create_token(db.session.scalar(select(User).limit(1)), "old script", 30, ["read"])
            db.session.rollback()  # the migration runs on its own connection: no snapshot kept open
            flask_migrate.downgrade(revision=BEFORE_SEALING)
            legacy = db.session.execute(text("SELECT count(*) FROM ballots")).scalar()
            assert legacy == len(counted) + sum(len(v) for v in sealed.values())
            db.session.rollback()
            flask_migrate.upgrade()
            after = _ballot_state()
            assert after[0] == before[0] and after[1] == before[1] and after[2] == before[2]
            assert after[3] == before[3] and after[4] == before[4]
            assert audit.verify_audit_log(db.session).broken is None
            # A token made before scopes existed keeps every power it had.
            assert db.session.scalar(select(PersonalAccessToken.scopes)) == "read write vote"
            db.session.remove()
            db.engine.dispose()
