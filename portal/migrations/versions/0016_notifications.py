"""Notifications: the inbox and outbox (notifications), the reminders sent (reminders), and each person's choice of
e-mail delivery (users.notify_delivery: immediate, digest or off)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=120), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('mandatory', sa.Boolean(), nullable=False),
        sa.Column('in_inbox', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('delivery', sa.String(length=12), nullable=False),
        sa.Column('email_state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('digest_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("delivery IN ('immediate', 'digest', 'off')", name=op.f('ck_notifications_delivery')),
        sa.CheckConstraint(
            "email_state IN ('pending', 'sending', 'sent', 'failed', 'digested', 'not_sent')",
            name=op.f('ck_notifications_email_state'),
        ),
        sa.ForeignKeyConstraint(['digest_id'], ['notifications.id'], name=op.f('fk_notifications_digest_id_notifications')),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_notifications_proposal_id_proposals')),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('message_id', name=op.f('uq_notifications_message_id')),
    )
    op.create_index('ix_notifications_inbox', 'notifications', ['recipient_id', 'in_inbox', 'read_at'])
    op.create_index('ix_notifications_outbox', 'notifications', ['email_state', 'next_attempt_at'])
    op.create_index(op.f('ix_notifications_proposal_id'), 'notifications', ['proposal_id'])
    op.create_index(op.f('ix_notifications_recipient_id'), 'notifications', ['recipient_id'])
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_kind', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint('subject_kind', 'subject_id', 'stage', name='uq_reminders_stage'),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_delivery', sa.String(length=12), server_default='immediate',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_delivery')
    op.drop_table('reminders')
    op.drop_index(op.f('ix_notifications_recipient_id'), table_name='notifications')
    op.drop_index(op.f('ix_notifications_proposal_id'), table_name='notifications')
    op.drop_index('ix_notifications_outbox', table_name='notifications')
    op.drop_index('ix_notifications_inbox', table_name='notifications')
    op.drop_table('notifications')
