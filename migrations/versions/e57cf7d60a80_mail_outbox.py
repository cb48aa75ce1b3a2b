"""mail outbox: notices written in the transaction of the change they announce, retried until sent

Revision ID: e57cf7d60a80
Revises: cce26f3256e1
Create Date: 2026-11-25 10:08:08.118644

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = 'e57cf7d60a80'
down_revision = 'cce26f3256e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mail_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mail_sent_at'), ['sent_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_mail_next_attempt_at'))

    op.drop_table('outbox_mail')
