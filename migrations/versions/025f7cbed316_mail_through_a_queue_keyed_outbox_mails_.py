"""mail through a queue: keyed outbox mails, merged notices, given-up mail and bouncing addresses

Revision ID: 025f7cbed316
Revises: 1976884ca369
Create Date: 2026-11-25 17:24:34.593236

"""
from alembic import op
import sqlalchemy as sa

import openbargain.models.base  # noqa: F401  (UTCDateTime columns)
from openbargain.models.outbox import NAME_FIELD


# revision identifiers, used by Alembic.
revision = '025f7cbed316'
down_revision = '1976884ca369'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_merges'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('chapter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('merge_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('body',
               existing_type=sa.TEXT(),
               nullable=True)
    # A mail written before keys existed is about itself alone.
    op.execute("UPDATE outbox_mail SET key = 'before-keys:' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_index(batch_op.f('ix_outbox_mail_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mail_merge_id'), ['merge_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_mail_key'), ['key'])
        batch_op.create_foreign_key(batch_op.f('fk_outbox_mail_merge_id_mail_merges'), 'mail_merges', ['merge_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_outbox_mail_chapter_id_chapters'), 'chapters', ['chapter_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_bounced_at', openbargain.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mail_bounce_reason', sa.String(length=500), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mail_bounce_reason')
        batch_op.drop_column('mail_bounced_at')

    # Every merged notice gets its own body back, with its recipient's name in it.
    op.execute(sa.text("UPDATE outbox_mail SET body = (SELECT REPLACE(mail_merges.body, :field, outbox_mail.recipient_name) "
                       "FROM mail_merges WHERE mail_merges.id = outbox_mail.merge_id) WHERE merge_id IS NOT NULL")
               .bindparams(field=NAME_FIELD))
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_mail_chapter_id_chapters'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_mail_merge_id_mail_merges'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_outbox_mail_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_outbox_mail_merge_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_mail_chapter_id'))
        batch_op.alter_column('body',
               existing_type=sa.TEXT(),
               nullable=False)
        batch_op.drop_column('failed_at')
        batch_op.drop_column('merge_id')
        batch_op.drop_column('recipient_name')
        batch_op.drop_column('chapter_id')
        batch_op.drop_column('key')

    op.drop_table('mail_merges')
