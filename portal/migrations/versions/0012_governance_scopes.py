"""Governance scopes: the institutions a cross-institution governance user reads aggregate reports across

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('governance_scopes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_governance_scopes_user_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                            name=op.f('fk_governance_scopes_institution_id_institutions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_governance_scopes_created_by_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'institution_id', name=op.f('pk_governance_scopes'))
    )
    with op.batch_alter_table('governance_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_governance_scopes_institution_id'), ['institution_id'], unique=False)


def downgrade():
    with op.batch_alter_table('governance_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_governance_scopes_institution_id'))
    op.drop_table('governance_scopes')
