"""mandates, compliance reports, bargaining updates

Revision ID: 85b8112c9656
Revises: 1e366c0e37b8
Create Date: 2026-11-24 21:45:57.742362

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '85b8112c9656'
down_revision = '1e366c0e37b8'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('bargaining_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('met_on', sa.Date(), nullable=False),
    sa.Column('counterparty', sa.String(length=200), nullable=False),
    sa.Column('offered', sa.Text(), nullable=False),
    sa.Column('demanded', sa.Text(), nullable=False),
    sa.Column('threatened', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('embargo_until', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_bargaining_updates_chapter_id_chapters')),
    sa.ForeignKeyConstraint(['corrects_id'], ['bargaining_updates.id'], name=op.f('fk_bargaining_updates_corrects_id_bargaining_updates')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_bargaining_updates_membership_id_memberships')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_bargaining_updates_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargaining_updates'))
    )
    with op.batch_alter_table('bargaining_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargaining_updates_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bargaining_updates_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bargaining_updates_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('directive', sa.Text(), nullable=True),
    sa.Column('basis', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('issued', 'acknowledged', 'fulfilled', 'partially', 'breached', 'superseded', name='mandatestatus', native_enum=False, length=20), nullable=False),
    sa.Column('issued_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_mandates_chapter_id_chapters')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_mandates_membership_id_memberships')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_mandates_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_mandates_referendum_id_referenda')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['proposals.id'], name=op.f('fk_mandates_superseded_by_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandates'))
    )
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandates_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_referendum_id'), ['referendum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_status'), ['status'], unique=False)

    op.create_table('compliance_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mandate_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('fulfilled', 'partially', 'breached', name='reportoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('acted_on', sa.Date(), nullable=False),
    sa.Column('filed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('review', sa.Enum('verified', 'disputed', name='reportreview', native_enum=False, length=20), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['compliance_reports.id'], name=op.f('fk_compliance_reports_corrects_id_compliance_reports')),
    sa.ForeignKeyConstraint(['mandate_id'], ['mandates.id'], name=op.f('fk_compliance_reports_mandate_id_mandates')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_compliance_reports_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_reports'))
    )
    with op.batch_alter_table('compliance_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_reports_mandate_id'), ['mandate_id'], unique=False)




def downgrade():

    with op.batch_alter_table('compliance_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_reports_mandate_id'))

    op.drop_table('compliance_reports')
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandates_status'))
        batch_op.drop_index(batch_op.f('ix_mandates_referendum_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_membership_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_chapter_id'))

    op.drop_table('mandates')
    with op.batch_alter_table('bargaining_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargaining_updates_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_bargaining_updates_membership_id'))
        batch_op.drop_index(batch_op.f('ix_bargaining_updates_chapter_id'))

    op.drop_table('bargaining_updates')

