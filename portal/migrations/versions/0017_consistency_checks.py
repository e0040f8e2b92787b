"""Consistency checks: a submitted version's text compared with the indicators of the criteria its screening
answers denied (consistency_checks, possible_inconsistencies), and the check a review was written with
(reviews.consistency_check_id)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consistency_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('matcher', sa.String(length=16), nullable=True),
        sa.Column('matcher_version', sa.String(length=80), nullable=True),
        sa.Column('indicators_digest', sa.String(length=64), nullable=True),
        sa.Column('criteria_compared', sa.Integer(), nullable=False),
        sa.Column('finding_count', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_consistency_checks_job_id_jobs')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'],
                                name=op.f('fk_consistency_checks_proposal_id_proposals')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_consistency_checks_requested_by_id_users')),
        sa.ForeignKeyConstraint(['version_id'], ['proposal_versions.id'],
                                name=op.f('fk_consistency_checks_version_id_proposal_versions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consistency_checks')),
    )
    op.create_index(op.f('ix_consistency_checks_proposal_id'), 'consistency_checks', ['proposal_id'])
    op.create_index(op.f('ix_consistency_checks_version_id'), 'consistency_checks', ['version_id'])
    op.create_table(
        'possible_inconsistencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.Column('set_id', sa.String(length=80), nullable=False),
        sa.Column('set_version', sa.Integer(), nullable=False),
        sa.Column('criterion_id', sa.String(length=80), nullable=False),
        sa.Column('criterion_title', sa.String(length=300), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('passage_index', sa.Integer(), nullable=False),
        sa.Column('passage', sa.Text(), nullable=False),
        sa.Column('indicator', sa.String(length=200), nullable=False),
        sa.Column('similarity', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['check_id'], ['consistency_checks.id'],
                                name=op.f('fk_possible_inconsistencies_check_id_consistency_checks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_possible_inconsistencies')),
    )
    op.create_index(op.f('ix_possible_inconsistencies_check_id'), 'possible_inconsistencies', ['check_id'])
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consistency_check_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reviews_consistency_check_id_consistency_checks'),
                                    'consistency_checks', ['consistency_check_id'], ['id'])


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reviews_consistency_check_id_consistency_checks'), type_='foreignkey')
        batch_op.drop_column('consistency_check_id')
    op.drop_index(op.f('ix_possible_inconsistencies_check_id'), table_name='possible_inconsistencies')
    op.drop_table('possible_inconsistencies')
    op.drop_index(op.f('ix_consistency_checks_version_id'), table_name='consistency_checks')
    op.drop_index(op.f('ix_consistency_checks_proposal_id'), table_name='consistency_checks')
    op.drop_table('consistency_checks')
