"""one primary contact per organisation: the database refuses a second

Revision ID: 0021_one_primary_contact
Revises: 0020_backlog
Create Date: 2026-12-07 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_one_primary_contact'
down_revision = '0020_backlog'
branch_labels = None
depends_on = None


def upgrade():
    # An organisation that has two primary contacts keeps the one recorded first; the others
    # become "other" contacts.
    op.execute(
        "UPDATE organisation_contact SET role = 'other' WHERE role = 'primary' AND id NOT IN "
        "(SELECT MIN(id) FROM organisation_contact WHERE role = 'primary' "
        "GROUP BY organisation_id)"
    )
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.create_index(
            'uq_organisation_contact_one_primary',
            ['organisation_id'],
            unique=True,
            postgresql_where=sa.text("role = 'primary'"),
            sqlite_where=sa.text("role = 'primary'"),
        )


def downgrade():
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.drop_index('uq_organisation_contact_one_primary')
