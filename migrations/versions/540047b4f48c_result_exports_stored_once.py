"""result exports stored once: the recount document written at certification and served as it is

Revision ID: 540047b4f48c
Revises: 6f59b6beabe7
Create Date: 2026-11-25 16:04:14.004373

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '540047b4f48c'
down_revision = '6f59b6beabe7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_exports',
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('built_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_result_exports_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('referendum_id', name=op.f('pk_result_exports'))
    )


def downgrade():
    op.drop_table('result_exports')
