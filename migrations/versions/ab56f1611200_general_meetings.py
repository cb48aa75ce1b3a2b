"""General meetings (issue 19, part 1): a meeting's time, place, chair and agenda, its tellers, who
checked in and left, the bylaws' meeting quorum, roll-call choice and default vote length, and a
vote's link to the meeting that took it.

Revision ID: ab56f1611200
Revises: b9e52c8f1c25
Create Date: 2026-11-26 12:49:44.916973

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'ab56f1611200'
down_revision = 'b9e52c8f1c25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('remote_check_in', sa.Boolean(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('room_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('called_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('called_to_order_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('adjourned_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chair_id'], ['memberships.id'], name=op.f('fk_meetings_chair_id_memberships')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_meetings_chapter_id_chapters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_chapter_id'), ['chapter_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_agenda_items_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('meeting_id', 'proposal_id', name=op.f('pk_agenda_items'))
    )
    op.create_table('attendances',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.String(length=10), nullable=False),
    sa.Column('checked_in_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendances_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_attendances_membership_id_memberships')),
    sa.PrimaryKeyConstraint('meeting_id', 'membership_id', name=op.f('pk_attendances'))
    )
    op.create_table('meeting_tellers',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_tellers_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_meeting_tellers_membership_id_memberships')),
    sa.PrimaryKeyConstraint('meeting_id', 'membership_id', name=op.f('pk_meeting_tellers'))
    )
    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_quorum_percent', sa.Integer(), nullable=False, server_default='10'))
        batch_op.add_column(sa.Column('meeting_roll_call', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('meeting_vote_minutes', sa.Integer(), nullable=False, server_default='10'))

    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_referenda_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_referenda_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id'])



def downgrade():
    with op.batch_alter_table('referenda', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referenda_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_referenda_meeting_id'))
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        batch_op.drop_column('meeting_vote_minutes')
        batch_op.drop_column('meeting_roll_call')
        batch_op.drop_column('meeting_quorum_percent')

    op.drop_table('meeting_tellers')
    op.drop_table('attendances')
    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_chapter_id'))

    op.drop_table('meetings')
