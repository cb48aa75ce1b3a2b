"""recount documents stored as they are: PostgreSQL no longer compresses them on write

Revision ID: 3c1a9e5d7b20
Revises: f2fd93ed0c70
Create Date: 2026-11-25 19:05:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c1a9e5d7b20'
down_revision = 'f2fd93ed0c70'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE result_exports ALTER COLUMN document SET STORAGE EXTERNAL")  # documents stored before keep their compression


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE result_exports ALTER COLUMN document SET STORAGE EXTENDED")
