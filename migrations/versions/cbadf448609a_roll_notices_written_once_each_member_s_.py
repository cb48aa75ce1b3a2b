"""Roll notices (issue 16): a notice to a whole roll is written once with the change it announces;
a job writes out each member's notice and mail from it

Revision ID: cbadf448609a
Revises: fcc5d516c50a
Create Date: 2026-11-26 04:35:20.062913

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'cbadf448609a'
down_revision = 'fcc5d516c50a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roll_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('referendum_id', sa.Integer(), nullable=False),
    sa.Column('only_non_voters', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_values', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('mails', sa.JSON(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('written_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_roll_notices_chapter_id_chapters')),
    sa.ForeignKeyConstraint(['referendum_id'], ['referenda.id'], name=op.f('fk_roll_notices_referendum_id_referenda'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roll_notices')),
    sa.UniqueConstraint('key', name=op.f('uq_roll_notices_key'))
    )
    with op.batch_alter_table('roll_notices', schema=None) as batch_op:
        batch_op.create_index('ix_roll_notices_unwritten', ['created_at'], unique=False, postgresql_where=sa.text('written_at IS NULL'), sqlite_where=sa.text('written_at IS NULL'))



def downgrade():
    with op.batch_alter_table('roll_notices', schema=None) as batch_op:
        batch_op.drop_index('ix_roll_notices_unwritten', postgresql_where=sa.text('written_at IS NULL'), sqlite_where=sa.text('written_at IS NULL'))

    op.drop_table('roll_notices')
