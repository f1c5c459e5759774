"""sessions: server-side sessions, reset-link requests counted, the outbox as a mail queue

Revision ID: 0010_sessions
Revises: 0009_once
Create Date: 2026-12-06 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import consortium.db


# revision identifiers, used by Alembic.
revision = '0010_sessions'
down_revision = '0009_once'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', consortium.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', consortium.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', consortium.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='sign_in', nullable=False))

    # Messages written before the queue existed were kept for developers, never sent.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='kept', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', consortium.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', consortium.db.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_outbox_message_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status_next')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
