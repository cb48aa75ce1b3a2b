"""Languages (issue 17): a member's chosen language, and a chapter's default

Revision ID: 972f500e8e28
Revises: f1e884a4567b
Create Date: 2026-11-26 00:36:47.753917

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '972f500e8e28'
down_revision = 'f1e884a4567b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_locale', sa.String(length=10), server_default='en', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.drop_column('default_locale')

