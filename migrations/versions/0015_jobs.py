"""jobs: background work (issuing a run) claimed and run by the worker

Revision ID: 0015_jobs
Revises: 0014_credit_notes
Create Date: 2027-01-10 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import consortium.db

# revision identifiers, used by Alembic.
revision = '0015_jobs'
down_revision = '0014_credit_notes'
branch_labels = None
depends_on = None

ACTIVE_JOB = sa.text("status IN ('queued', 'running')")


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), server_default='queued', nullable=False),
        sa.Column('progress_done', sa.Integer(), server_default='0', nullable=False),
        sa.Column('progress_total', sa.Integer(), server_default='0', nullable=False),
        sa.Column('outcome', sa.JSON(), nullable=True),
        sa.Column('message', sa.Text(), server_default='', nullable=False),
        sa.Column('worker_id', sa.String(length=100), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('heartbeat_at', consortium.db.UTCDateTime(), nullable=True),
        sa.Column('created_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', consortium.db.UTCDateTime(), nullable=False),
        sa.Column('started_at', consortium.db.UTCDateTime(), nullable=True),
        sa.Column('finished_at', consortium.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_user_id'], ['user.id'], name=op.f('fk_job_created_by_user_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_created_by_user_id'), ['created_by_user_id'])
        batch_op.create_index('ix_job_status_id', ['status', 'id'])
        batch_op.create_index(batch_op.f('ix_job_subject'), ['subject'])
        batch_op.create_index(
            'uq_job_active_subject',
            ['subject'],
            unique=True,
            sqlite_where=ACTIVE_JOB,
            postgresql_where=ACTIVE_JOB,
        )


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('uq_job_active_subject')
        batch_op.drop_index(batch_op.f('ix_job_subject'))
        batch_op.drop_index('ix_job_status_id')
        batch_op.drop_index(batch_op.f('ix_job_created_by_user_id'))
    op.drop_table('job')
