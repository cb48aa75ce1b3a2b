"""whether a secret ranked vote's individual ballots are published: a bylaw, fixed on each result

Revision ID: 1bf034b81ff6
Revises: 8acfd6c9c34a
Create Date: 2026-11-25 12:57:30.414159

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1bf034b81ff6'
down_revision = '8acfd6c9c34a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        # Chapters get the new default: ballots published only when the roll is at least 50.
        batch_op.add_column(sa.Column('ranked_ballots_public', sa.String(length=20), nullable=False,
                                      server_default='from_roll'))
        batch_op.add_column(sa.Column('ranked_ballots_min_roll', sa.Integer(), nullable=False, server_default='50'))

    with op.batch_alter_table('results', schema=None) as batch_op:
        # Results certified before the bylaw published their ballots; they stay as they were.
        batch_op.add_column(sa.Column('ballots_public', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_column('ballots_public')

    with op.batch_alter_table('bylaws', schema=None) as batch_op:
        batch_op.drop_column('ranked_ballots_min_roll')
        batch_op.drop_column('ranked_ballots_public')
