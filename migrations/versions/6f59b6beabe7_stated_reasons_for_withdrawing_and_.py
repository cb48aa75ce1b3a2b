"""stated reasons for withdrawing and cancelling: the public reason, who gave it, and in which capacity

Revision ID: 6f59b6beabe7
Revises: 1bf034b81ff6
Create Date: 2026-11-25 14:25:01.489639

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '6f59b6beabe7'
down_revision = '1bf034b81ff6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stated_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('withdrawn', 'vote_cancelled', name='statedaction', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('stated_by_id', sa.Integer(), nullable=False),
    sa.Column('as_steering', sa.Boolean(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_stated_reasons_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['stated_by_id'], ['users.id'], name=op.f('fk_stated_reasons_stated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stated_reasons'))
    )
    with op.batch_alter_table('stated_reasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stated_reasons_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stated_reasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stated_reasons_proposal_id'))

    op.drop_table('stated_reasons')
