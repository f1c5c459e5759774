"""open run: a year has one invoicing run in draft or issued at most

Revision ID: 0013_open_run
Revises: 0012_invoice_mail
Create Date: 2026-12-07 00:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_open_run'
down_revision = '0012_invoice_mail'
branch_labels = None
depends_on = None

OPEN_RUN = sa.text("status IN ('draft', 'issued')")


def upgrade():
    with op.batch_alter_table('invoice_run', schema=None) as batch_op:
        batch_op.create_index(
            'uq_invoice_run_open_year',
            ['year'],
            unique=True,
            sqlite_where=OPEN_RUN,
            postgresql_where=OPEN_RUN,
        )


def downgrade():
    with op.batch_alter_table('invoice_run', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_run_open_year')
