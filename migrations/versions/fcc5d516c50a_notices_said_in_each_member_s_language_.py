"""Notices said in each member's language (issue 17): a notice keeps its title's values, and its
title becomes the catalog message they fill

Revision ID: fcc5d516c50a
Revises: 972f500e8e28
Create Date: 2026-11-26 04:01:53.076628

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'fcc5d516c50a'
down_revision = '972f500e8e28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_values', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('title_values')

