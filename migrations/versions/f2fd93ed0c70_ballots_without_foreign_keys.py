"""ballots and trackers without foreign keys: certification writes a million of them in one COPY,
and PostgreSQL's row-by-row foreign-key check was two thirds of that write

Revision ID: f2fd93ed0c70
Revises: 025f7cbed316
Create Date: 2026-11-25 18:33:55.550202

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2fd93ed0c70'
down_revision = '025f7cbed316'
branch_labels = None
depends_on = None

# SQLite rebuilds the tables to change a constraint: they stay WITHOUT ROWID (stored by key, not
# by the order the rows were written).
KEEP = {"sqlite_with_rowid": False}


def upgrade():
    for table in ("ballot_trackers", "ballots"):
        with op.batch_alter_table(table, table_kwargs=KEEP) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_referendum_id_referenda", type_="foreignkey")


def downgrade():
    for table in ("ballots", "ballot_trackers"):
        with op.batch_alter_table(table, table_kwargs=KEEP) as batch_op:
            batch_op.create_foreign_key(f"fk_{table}_referendum_id_referenda", "referenda", ["referendum_id"], ["id"])
