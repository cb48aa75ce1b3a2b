"""certified results

Revision ID: 1e366c0e37b8
Revises: dad3d71589ac
Create Date: 2026-11-24 21:29:40.308237

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '1e366c0e37b8'
down_revision = 'dad3d71589ac'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('winners', sa.JSON(), nullable=False),
    sa.Column('tally', sa.JSON(), nullable=False),
    sa.Column('ballots_cast', sa.Integer(), nullable=False),
    sa.Column('roll_size', sa.Integer(), nullable=False),
    sa.Column('quorum_met', sa.Boolean(), nullable=False),
    sa.Column('ballot_set_hash', sa.String(length=64), nullable=False),
    sa.Column('board_hash', sa.String(length=64), nullable=False),
    sa.Column('certified_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_results_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results')),
    sa.UniqueConstraint('referendum_id', name=op.f('uq_results_referendum_id'))
    )



def downgrade():

    op.drop_table('results')

