"""embargo until the vote opens, links from updates to later proposals

Revision ID: d544a8e7d434
Revises: 4a3bb9460c1f
Create Date: 2026-11-25 10:22:05.529069

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'd544a8e7d434'
down_revision = '4a3bb9460c1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bargaining_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_bargaining_links_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['update_id'], ['bargaining_updates.id'], name=op.f('fk_bargaining_links_update_id_bargaining_updates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargaining_links')),
    sa.UniqueConstraint('update_id', 'proposal_id', name=op.f('uq_bargaining_links_update_id_proposal_id'))
    )
    with op.batch_alter_table('bargaining_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargaining_links_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bargaining_links_update_id'), ['update_id'], unique=False)

    with op.batch_alter_table('bargaining_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embargo_until_vote', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))  # entries logged before kept their dates



def downgrade():
    with op.batch_alter_table('bargaining_updates', schema=None) as batch_op:
        batch_op.drop_column('embargo_until_vote')

    with op.batch_alter_table('bargaining_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargaining_links_update_id'))
        batch_op.drop_index(batch_op.f('ix_bargaining_links_proposal_id'))

    op.drop_table('bargaining_links')
