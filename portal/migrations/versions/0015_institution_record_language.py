"""The language of an institution's decision records: institutions.record_language, a supported code, 'en' by default;
each decision keeps the language it was made under (decisions.record_language), so its record never changes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_language', sa.String(length=16), server_default=sa.text("'en'"),
                                      nullable=False))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_language', sa.String(length=16), server_default=sa.text("'en'"),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('record_language')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_column('record_language')
