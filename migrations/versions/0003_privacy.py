"""privacy: when a person was anonymised

Revision ID: 0003_privacy
Revises: 0002_member_register
Create Date: 2026-11-23 16:40:54.472385

"""
import sqlalchemy as sa
from alembic import op

import consortium.db


# revision identifiers, used by Alembic.
revision = '0003_privacy'
down_revision = '0002_member_register'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', consortium.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
