"""outbox indexes: two partial ones (mail still due; mail given up) in place of four, so that a
notice to a whole roll writes each of its rows into fewer indexes

Revision ID: c2912014dc6a
Revises: 3c1a9e5d7b20
Create Date: 2026-11-25 19:43:26.985614

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c2912014dc6a'
down_revision = '3c1a9e5d7b20'
branch_labels = None
depends_on = None

DUE = sa.text("sent_at IS NULL AND failed_at IS NULL")
GIVEN_UP = sa.text("failed_at IS NOT NULL")
SINGLE = ("chapter_id", "merge_id", "next_attempt_at", "sent_at")


def upgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        for column in SINGLE:
            batch_op.drop_index(batch_op.f(f"ix_outbox_mail_{column}"))
        batch_op.create_index("ix_outbox_mail_due", ["next_attempt_at"], postgresql_where=DUE, sqlite_where=DUE)
        batch_op.create_index("ix_outbox_mail_given_up", ["chapter_id", "failed_at"], postgresql_where=GIVEN_UP,
                              sqlite_where=GIVEN_UP)


def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_mail_given_up")
        batch_op.drop_index("ix_outbox_mail_due")
        for column in SINGLE:
            batch_op.create_index(batch_op.f(f"ix_outbox_mail_{column}"), [column])
