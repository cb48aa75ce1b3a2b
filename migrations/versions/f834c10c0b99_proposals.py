"""proposals, deliberation, amendments, petitions, bylaws, referenda

Revision ID: f834c10c0b99
Revises: 31abc95a5aba
Create Date: 2026-11-24 21:02:43.789622

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'f834c10c0b99'
down_revision = '31abc95a5aba'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('bylaws',
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('min_deliberation_hours', sa.Integer(), nullable=False),
    sa.Column('urgent_min_deliberation_hours', sa.Integer(), nullable=False),
    sa.Column('voting_hours', sa.Integer(), nullable=False),
    sa.Column('urgent_voting_hours', sa.Integer(), nullable=False),
    sa.Column('petition_delay_hours', sa.Integer(), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.String(length=20), nullable=False),
    sa.Column('petition_percent', sa.Integer(), nullable=False),
    sa.Column('amendment_percent', sa.Integer(), nullable=False),
    sa.Column('public_pages', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_bylaws_chapter_id_chapters')),
    sa.PrimaryKeyConstraint('chapter_id', name=op.f('pk_bylaws'))
    )
    # Chapters created before bylaws existed get the defaults (openbargain.models.bylaws.DEFAULTS).
    op.execute(sa.text(
        "INSERT INTO bylaws (chapter_id, min_deliberation_hours, urgent_min_deliberation_hours, voting_hours,"
        " urgent_voting_hours, petition_delay_hours, quorum_percent, threshold, petition_percent,"
        " amendment_percent, public_pages)"
        " SELECT id, 168, 24, 168, 48, 48, 20, 'majority', 10, 5, :public FROM chapters"
    ).bindparams(public=True))
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('ballot_kind', sa.Enum('yes_no', 'ranked', name='ballotkind', native_enum=False, length=20), nullable=False),
    sa.Column('visibility', sa.Enum('members', 'public', name='visibility', native_enum=False, length=20), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('fallback_directive', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'deliberation', 'scheduled', 'voting', 'decided', 'no_decision', 'withdrawn', name='proposalstatus', native_enum=False, length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_proposals_chapter_id_chapters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('root_id', sa.Integer(), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('for', 'against', 'question', 'neutral', name='stance', native_enum=False, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_comments_hidden_by_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_comments_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['root_id'], ['comments.id'], name=op.f('fk_comments_root_id_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_root_id'), ['root_id'], unique=False)

    op.create_table('directed_electeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_directed_electeds_membership_id_memberships')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_directed_electeds_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directed_electeds')),
    sa.UniqueConstraint('proposal_id', 'membership_id', name=op.f('uq_directed_electeds_proposal_id_membership_id'))
    )
    with op.batch_alter_table('directed_electeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directed_electeds_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directed_electeds_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('directive', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_options_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_options'))
    )
    with op.batch_alter_table('options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_options_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('petition_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_petition_signatures_membership_id_memberships')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_petition_signatures_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_signatures')),
    sa.UniqueConstraint('proposal_id', 'membership_id', name=op.f('uq_petition_signatures_proposal_id_membership_id'))
    )
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_signatures_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('referenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.String(length=20), nullable=True),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('opens_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_petition', sa.Boolean(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('certified_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_referenda_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referenda')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_referenda_proposal_id'))
    )
    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_revisions_editor_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_revisions_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_revisions_proposal_id_number'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('change_directive', 'new_option', name='amendmentkind', native_enum=False, length=20), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('directive', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('open', 'accepted', 'declined', 'on_ballot', name='amendmentstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_amendments_author_id_users')),
    sa.ForeignKeyConstraint(['option_id'], ['options.id'], name=op.f('fk_amendments_option_id_options')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_amendments_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments'))
    )
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendments_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('amendment_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], name=op.f('fk_amendment_signatures_amendment_id_amendments')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_amendment_signatures_membership_id_memberships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_signatures')),
    sa.UniqueConstraint('amendment_id', 'membership_id', name=op.f('uq_amendment_signatures_amendment_id_membership_id'))
    )
    with op.batch_alter_table('amendment_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_signatures_amendment_id'), ['amendment_id'], unique=False)




def downgrade():

    with op.batch_alter_table('amendment_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_signatures_amendment_id'))

    op.drop_table('amendment_signatures')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendments_proposal_id'))

    op.drop_table('amendments')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_proposal_id'))

    op.drop_table('revisions')
    op.drop_table('referenda')
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_signatures_proposal_id'))

    op.drop_table('petition_signatures')
    with op.batch_alter_table('options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_options_proposal_id'))

    op.drop_table('options')
    with op.batch_alter_table('directed_electeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directed_electeds_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_directed_electeds_membership_id'))

    op.drop_table('directed_electeds')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_root_id'))
        batch_op.drop_index(batch_op.f('ix_comments_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_chapter_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_author_id'))

    op.drop_table('proposals')
    op.drop_table('bylaws')

