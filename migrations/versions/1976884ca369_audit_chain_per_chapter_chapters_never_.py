"""audit chain per chapter: chapters never wait on each other's audit writes

Revision ID: 1976884ca369
Revises: 540047b4f48c
Create Date: 2026-11-25 17:11:19.429151

"""
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)
from openbargain.models.audit import APPEND_ONLY, DROP_APPEND_ONLY, AuditEvent


# revision identifiers, used by Alembic.
revision = '1976884ca369'
down_revision = '540047b4f48c'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    for statement in DROP_APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    # Every event so far is the site's chain, in the order it was chained: its hashes still hold.
    op.execute("UPDATE audit_events SET chain = 0, seq = id")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('chain', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('uq_audit_events_chain_seq', ['chain', 'seq'], unique=True)
    if conn.dialect.name == "postgresql":
        # The id only orders events across chains now: the database numbers them, no lock needed.
        op.execute("CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id")
        op.execute("SELECT setval('audit_events_id_seq', COALESCE((SELECT max(id) FROM audit_events), 0) + 1, false)")
        op.execute("ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq')")
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_chain', sa.String(length=60), nullable=False, server_default=""))
    for statement in APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)


def downgrade():
    """One chain again: every event in the order it was written, renumbered and re-hashed. The
    checkpoints published since the chains were split no longer hold after this."""
    from openbargain.services.audit import GENESIS_HASH, event_hash

    conn = op.get_bind()
    for statement in DROP_APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_column('audit_chain')
    t = AuditEvent.__table__
    rows = conn.execute(sa.select(t.c.id, t.c.occurred_at, t.c.actor_id, t.c.chapter_id, t.c.kind, t.c.subject,
                                  t.c.data).order_by(t.c.id)).all()
    prev = GENESIS_HASH
    for position, row in enumerate(rows, 1):
        link = SimpleNamespace(**row._asdict(), seq=position, chain=0, prev_hash=prev)
        digest = event_hash(link)
        conn.execute(t.update().where(t.c.id == row.id).values(id=position, prev_hash=prev, hash=digest))
        prev = digest
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE audit_events_id_seq")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('uq_audit_events_chain_seq')
        batch_op.drop_column('seq')
        batch_op.drop_column('chain')
    for statement in APPEND_ONLY.get(conn.dialect.name, []):
        op.execute(statement)
