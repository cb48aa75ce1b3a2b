"""sealed ballots while a vote is open, counted ballots apart from trackers, audit checkpoints,
append-only audit log

Revision ID: 678276d735d9
Revises: a1d8be18ab26
Create Date: 2026-11-25 09:19:46.724349

Data: the ballots of certified votes are rewritten in canonical order (contents by position,
trackers sorted on their own); the ballots of votes not yet certified are sealed under the
app's current ballot key (BALLOT_KEYS), which is why this migration needs the app's config.
The downgrade reverses both, pairing trackers with contents arbitrarily (that pairing was never
published, and after this revision it is not kept).
"""
import json
import uuid

import sqlalchemy as sa
from alembic import op

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)
from openbargain.models.audit import APPEND_ONLY, DROP_APPEND_ONLY
from openbargain.services import sealing

# revision identifiers, used by Alembic.
revision = '678276d735d9'
down_revision = 'a1d8be18ab26'
branch_labels = None
depends_on = None


def _canonical(content):
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _old_ballots_table():
    return sa.table("ballots", sa.column("id", sa.String), sa.column("referendum_id", sa.Integer),
                    sa.column("content", sa.JSON), sa.column("tracker_hash", sa.String))


def _new_tables():
    ballots = sa.table("ballots", sa.column("referendum_id", sa.Integer), sa.column("position", sa.Integer),
                       sa.column("content", sa.JSON))
    trackers = sa.table("ballot_trackers", sa.column("referendum_id", sa.Integer),
                        sa.column("tracker_hash", sa.String))
    sealed = sa.table("sealed_ballots", sa.column("id", sa.String), sa.column("referendum_id", sa.Integer),
                      sa.column("sealed", sa.LargeBinary))
    return ballots, trackers, sealed


referenda = sa.table("referenda", sa.column("id", sa.Integer), sa.column("certified_at", sa.DateTime),
                     sa.column("roll_frozen_at", sa.DateTime), sa.column("seal_key_id", sa.String))


def upgrade():
    conn = op.get_bind()
    old = _old_ballots_table()
    saved = [dict(r._mapping) for r in conn.execute(sa.select(old))]
    links = {r.ballot_id: r.id for r in conn.execute(sa.text(
        "SELECT id, ballot_id FROM voter_roll_entries WHERE ballot_id IS NOT NULL"))}
    states = {r.id: r for r in conn.execute(sa.select(referenda.c.id, referenda.c.certified_at,
                                                      referenda.c.roll_frozen_at))}

    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_voter_roll_entries_ballot_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_voter_roll_entries_ballot_id_ballots'), type_='foreignkey')
        batch_op.drop_column('ballot_id')
        batch_op.add_column(sa.Column('ballot_position', sa.Integer(), nullable=True))
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_referendum_id'))
    op.drop_table('ballots')
    op.create_table('ballots',
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_ballots_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('referendum_id', 'position', name=op.f('pk_ballots')),
    sqlite_with_rowid=False
    )
    op.create_table('ballot_trackers',
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('tracker_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_ballot_trackers_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('referendum_id', 'tracker_hash', name=op.f('pk_ballot_trackers')),
    sqlite_with_rowid=False
    )
    op.create_table('sealed_ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_sealed_ballots_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_ballots_referendum_id'), ['referendum_id'], unique=False)
    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_voter_roll_entries_referendum_id_ballot_position'), ['referendum_id', 'ballot_position'])
        batch_op.create_foreign_key('fk_voter_roll_entries_ballot_ballots', 'ballots', ['referendum_id', 'ballot_position'], ['referendum_id', 'position'])
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_key_id', sa.String(length=16), nullable=True))
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_length', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('audit_head', sa.String(length=64), nullable=False, server_default=""))

    _move_ballots(conn, saved, links, states)
    for statement in APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)


def _move_ballots(conn, saved, links, states):
    ballots, trackers, sealed = _new_tables()
    key = sealing.current_key_id() if any(s.certified_at is None for s in states.values()) else None
    for referendum_id, state in states.items():
        if state.roll_frozen_at is not None and state.certified_at is None:
            conn.execute(referenda.update().where(referenda.c.id == referendum_id).values(seal_key_id=key))
        mine = [b for b in saved if b["referendum_id"] == referendum_id]
        if not mine:
            continue
        if state.certified_at is None:
            seal = sealing.BallotSeal(key, referendum_id)
            payloads = [{"content": b["content"], "tracker_hash": b["tracker_hash"], "roll_entry": links.get(b["id"])}
                        for b in mine]
            longest = max(payloads, key=lambda p: len(json.dumps(p, sort_keys=True, separators=(",", ":"))))
            rows = []
            for payload in payloads:
                sealed_id = str(uuid.uuid4())
                rows.append({"id": sealed_id, "referendum_id": referendum_id,
                             "sealed": seal.seal(sealed_id, payload, longest=longest)})
            conn.execute(sealed.insert(), rows)
            continue
        mine.sort(key=lambda b: _canonical(b["content"]))
        conn.execute(ballots.insert(), [{"referendum_id": referendum_id, "position": i, "content": b["content"]}
                                        for i, b in enumerate(mine)])
        conn.execute(trackers.insert(), [{"referendum_id": referendum_id, "tracker_hash": t}
                                         for t in sorted(b["tracker_hash"] for b in mine)])
        for i, b in enumerate(mine):
            if b["id"] in links:
                conn.execute(sa.text("UPDATE voter_roll_entries SET ballot_position = :p WHERE id = :e"),
                             {"p": i, "e": links[b["id"]]})


def downgrade():
    conn = op.get_bind()
    for statement in DROP_APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)
    ballots, trackers, sealed = _new_tables()
    keys = {r.id: r.seal_key_id for r in conn.execute(sa.select(referenda.c.id, referenda.c.seal_key_id))}
    restored, links = [], {}
    for r in conn.execute(sa.select(sealed)):
        payload = sealing.BallotSeal(keys[r.referendum_id], r.referendum_id).open(r.id, r.sealed)
        restored.append({"id": r.id, "referendum_id": r.referendum_id, "content": payload["content"],
                         "tracker_hash": payload["tracker_hash"]})
        if payload["roll_entry"]:
            links[payload["roll_entry"]] = r.id
    positions = {(r.referendum_id, r.ballot_position): r.id for r in conn.execute(sa.text(
        "SELECT id, referendum_id, ballot_position FROM voter_roll_entries WHERE ballot_position IS NOT NULL"))}
    counted = {}
    for r in conn.execute(sa.select(ballots).order_by(ballots.c.referendum_id, ballots.c.position)):
        counted.setdefault(r.referendum_id, []).append(r)
    for referendum_id, rows in counted.items():
        hashes = list(conn.scalars(sa.select(trackers.c.tracker_hash).where(trackers.c.referendum_id == referendum_id)
                                   .order_by(trackers.c.tracker_hash)))
        for r, tracker in zip(rows, hashes):
            ballot_id = str(uuid.uuid4())
            restored.append({"id": ballot_id, "referendum_id": referendum_id, "content": r.content,
                             "tracker_hash": tracker})
            if (referendum_id, r.position) in positions:
                links[positions[(referendum_id, r.position)]] = ballot_id

    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_column('audit_head')
        batch_op.drop_column('audit_length')
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.drop_column('seal_key_id')
    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.drop_constraint('fk_voter_roll_entries_ballot_ballots', type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_voter_roll_entries_referendum_id_ballot_position'), type_='unique')
        batch_op.drop_column('ballot_position')
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_ballots_referendum_id'))
    op.drop_table('sealed_ballots')
    op.drop_table('ballot_trackers')
    op.drop_table('ballots')
    op.create_table('ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('tracker_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_ballots_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('tracker_hash', name=op.f('uq_ballots_tracker_hash')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_referendum_id'), ['referendum_id'], unique=False)
    if restored:
        conn.execute(_old_ballots_table().insert(), restored)
    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_voter_roll_entries_ballot_id'), ['ballot_id'])
        batch_op.create_foreign_key(batch_op.f('fk_voter_roll_entries_ballot_id_ballots'), 'ballots', ['ballot_id'], ['id'])
    for entry_id, ballot_id in links.items():
        conn.execute(sa.text("UPDATE voter_roll_entries SET ballot_id = :b WHERE id = :e"), {"b": ballot_id, "e": entry_id})
