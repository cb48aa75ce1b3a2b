"""the urgent track as a bylaw-governed decision; deadlines with an hour; minimum vote lengths in the bylaws

Revision ID: 8acfd6c9c34a
Revises: d544a8e7d434
Create Date: 2026-11-25 10:27:58.302623

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '8acfd6c9c34a'
down_revision = 'd544a8e7d434'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('urgency_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_urgency_signatures_membership_id_memberships')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_urgency_signatures_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_urgency_signatures')),
    sa.UniqueConstraint('proposal_id', 'membership_id', name=op.f('uq_urgency_signatures_proposal_id_membership_id'))
    )
    with op.batch_alter_table('urgency_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urgency_signatures_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        # Chapters get the new bylaws' defaults; steering can change them on the bylaws page.
        batch_op.add_column(sa.Column('min_voting_hours', sa.Integer(), nullable=False, server_default='24'))
        batch_op.add_column(sa.Column('urgent_min_voting_hours', sa.Integer(), nullable=False, server_default='4'))
        batch_op.add_column(sa.Column('urgent_cosign_percent', sa.Integer(), nullable=False, server_default='10'))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('urgent_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('urgent_declared_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))
    # Proposals an author marked urgent before urgency was a declaration say so, rather than show no reason.
    op.execute("UPDATE proposals SET urgent_reason = 'Marked urgent by its author, before the bylaws made urgency "
               "a declaration.' WHERE urgent")



def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('urgent_declared_at')
        batch_op.drop_column('urgent_reason')
        batch_op.drop_column('deadline_time')

    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        batch_op.drop_column('urgent_cosign_percent')
        batch_op.drop_column('urgent_min_voting_hours')
        batch_op.drop_column('min_voting_hours')

    with op.batch_alter_table('urgency_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_urgency_signatures_proposal_id'))

    op.drop_table('urgency_signatures')
