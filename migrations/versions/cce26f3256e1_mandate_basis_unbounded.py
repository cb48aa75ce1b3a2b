"""mandate basis unbounded: what a decision was based on is never cut short

Revision ID: cce26f3256e1
Revises: d57b557158dc
Create Date: 2026-11-25 10:04:32.606808

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'cce26f3256e1'
down_revision = 'd57b557158dc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.alter_column('basis',
               existing_type=sa.VARCHAR(length=40),
               type_=sa.Text(),
               existing_nullable=False)


def downgrade():
    # The older column held 40 characters: a longer basis is cut, as it was before this revision.
    op.execute("UPDATE mandates SET basis = substr(basis, 1, 40) WHERE length(basis) > 40")
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.alter_column('basis',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=40),
               existing_nullable=False)
