"""petition signatures on a petitioned vote

Revision ID: 4a3bb9460c1f
Revises: e57cf7d60a80
Create Date: 2026-11-25 10:19:52.332821

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '4a3bb9460c1f'
down_revision = 'e57cf7d60a80'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.add_column(sa.Column('petition_signatures', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.drop_column('petition_signatures')

