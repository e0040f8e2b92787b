"""A signature's meaning holds up to 500 characters: it names the committee, whose name may be 200

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite never enforces a VARCHAR length, and rebuilding `signatures` there (which other tables reference)
    # would need foreign keys off; portal.database.compare_column_type treats the lengths as equal on SQLite.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('signatures', 'meaning', existing_type=sa.String(length=200), type_=sa.String(length=500),
                        existing_nullable=False)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('signatures', 'meaning', existing_type=sa.String(length=500), type_=sa.String(length=200),
                        existing_nullable=False)
