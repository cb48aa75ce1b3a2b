"""notifications: a member's list of notices, their preference for each kind and what they follow
(a proposal or an elected); outbox mail
names its kind and member (for the one-click unsubscribe link)

Revision ID: 7ac06167e46e
Revises: c2912014dc6a
Create Date: 2026-11-25 21:10:32.439262

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base

# revision identifiers, used by Alembic.
revision = '7ac06167e46e'
down_revision = 'c2912014dc6a'
branch_labels = None
depends_on = None

DIGEST_DUE = sa.text("delivery = 'digest' AND digested_at IS NULL")
UTC = openbargain.models.base.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences')),
    )
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('chapter_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        sa.Column('read_at', UTC, nullable=True),
        sa.Column('digested_at', UTC, nullable=True),
        sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_notifications_chapter_id_chapters')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notifications_user_id_key')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_digest_due', ['user_id'], postgresql_where=DIGEST_DUE,
                              sqlite_where=DIGEST_DUE)

    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('membership_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.CheckConstraint('(proposal_id IS NULL) <> (membership_id IS NULL)', name=op.f('ck_follows_one_subject')),
        sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_follows_membership_id_memberships'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_follows_proposal_id_proposals'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint('user_id', 'membership_id', name=op.f('uq_follows_user_id_membership_id')),
        sa.UniqueConstraint('user_id', 'proposal_id', name=op.f('uq_follows_user_id_proposal_id')),
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_membership', ['membership_id'])
        batch_op.create_index('ix_follows_proposal', ['proposal_id'])

    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_column('kind')
        batch_op.drop_column('user_id')

    op.drop_table('follows')
    op.drop_table('notifications')
    op.drop_table('notification_preferences')
