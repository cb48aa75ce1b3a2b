"""comments on reports and bargaining updates

Revision ID: cc03929c87e4
Revises: 85b8112c9656
Create Date: 2026-11-24 21:54:51.059333

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'cc03929c87e4'
down_revision = '85b8112c9656'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('update_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_comments_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_update_id'), ['update_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comments_report_id_compliance_reports'), 'compliance_reports', ['report_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_comments_update_id_bargaining_updates'), 'bargaining_updates', ['update_id'], ['id'])




def downgrade():

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_update_id_bargaining_updates'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_comments_report_id_compliance_reports'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comments_update_id'))
        batch_op.drop_index(batch_op.f('ix_comments_report_id'))
        batch_op.drop_column('update_id')
        batch_op.drop_column('report_id')


