"""personal access tokens, spent refresh tokens

Revision ID: a1d8be18ab26
Revises: cc03929c87e4
Create Date: 2026-11-24 22:26:05.557581

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'a1d8be18ab26'
down_revision = 'cc03929c87e4'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('spent_refresh_tokens',
    sa.Column('jti', sa.String(length=32), nullable=False),
    sa.Column('spent_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_spent_refresh_tokens'))
    )
    op.create_table('personal_access_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_personal_access_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_access_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_personal_access_tokens_token_hash'))
    )
    with op.batch_alter_table('personal_access_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_access_tokens_user_id'), ['user_id'], unique=False)




def downgrade():

    with op.batch_alter_table('personal_access_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_access_tokens_user_id'))

    op.drop_table('personal_access_tokens')
    op.drop_table('spent_refresh_tokens')

