"""referenda: voter rolls, ballots, roll publication, reminders

Revision ID: dad3d71589ac
Revises: f834c10c0b99
Create Date: 2026-11-24 21:15:04.596419

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'dad3d71589ac'
down_revision = 'f834c10c0b99'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('tracker_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_ballots_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('tracker_hash', name=op.f('uq_ballots_tracker_hash')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_referendum_id'), ['referendum_id'], unique=False)

    op.create_table('voter_roll_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('voted_on', sa.Date(), nullable=True),
    sa.Column('ballot_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_voter_roll_entries_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_voter_roll_entries_membership_id_memberships')),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_voter_roll_entries_referendum_id_referenda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voter_roll_entries')),
    sa.UniqueConstraint('ballot_id', name=op.f('uq_voter_roll_entries_ballot_id')),
    sa.UniqueConstraint('referendum_id', 'membership_id', name=op.f('uq_voter_roll_entries_referendum_id_membership_id'))
    )
    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_roll_entries_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voter_roll_entries_referendum_id'), ['referendum_id'], unique=False)

    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roll_frozen_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('roll_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('roll_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('open_notice_sent_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closing_notice_sent_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))




def downgrade():

    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.drop_column('closing_notice_sent_at')
        batch_op.drop_column('open_notice_sent_at')
        batch_op.drop_column('roll_hash')
        batch_op.drop_column('roll_size')
        batch_op.drop_column('roll_frozen_at')

    with op.batch_alter_table('voter_roll_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_roll_entries_referendum_id'))
        batch_op.drop_index(batch_op.f('ix_voter_roll_entries_membership_id'))

    op.drop_table('voter_roll_entries')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_referendum_id'))

    op.drop_table('ballots')

