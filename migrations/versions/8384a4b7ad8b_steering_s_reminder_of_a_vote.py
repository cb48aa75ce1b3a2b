"""steering's one "closes soon" reminder of a vote: when it went (never within 12 hours of the
automatic one)

Revision ID: 8384a4b7ad8b
Revises: 7ac06167e46e
Create Date: 2026-11-25 22:05:00

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base

# revision identifiers, used by Alembic.
revision = '8384a4b7ad8b'
down_revision = '7ac06167e46e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_at', openbargain.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.drop_column('reminder_sent_at')
