"""year-end settlements: a product's year settled against its frozen budget with each
organisation's part; an invoice line may be credited in parts, never for more than its amount

Revision ID: 0017_settlements
Revises: 0016_payments
Create Date: 2026-12-08 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import consortium.db


# revision identifiers, used by Alembic.
revision = '0017_settlements'
down_revision = '0016_payments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('budget_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('actual_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('difference', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consortium.db.UTCDateTime(), nullable=False),
    sa.Column('issued_by_user_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', consortium.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user.id'], name=op.f('fk_product_settlement_created_by_user_id_user')),
    sa.ForeignKeyConstraint(['issued_by_user_id'], ['user.id'], name=op.f('fk_product_settlement_issued_by_user_id_user')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_settlement_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_settlement')),
    sa.UniqueConstraint('product_id', 'year', name='uq_product_settlement_product_year')
    )
    with op.batch_alter_table('product_settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_settlement_created_by_user_id'), ['created_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_settlement_issued_by_user_id'), ['issued_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_settlement_product_id'), ['product_id'], unique=False)

    op.create_table('settlement_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('budget_share', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('share_percent', sa.Numeric(precision=9, scale=4), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('credited_line_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['credited_line_id'], ['invoice_line.id'], name=op.f('fk_settlement_share_credited_line_id_invoice_line')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_settlement_share_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_settlement_share_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['settlement_id'], ['product_settlement.id'], name=op.f('fk_settlement_share_settlement_id_product_settlement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_share')),
    sa.UniqueConstraint('settlement_id', 'organisation_id', name='uq_settlement_share_settlement_organisation')
    )
    with op.batch_alter_table('settlement_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_share_credited_line_id'), ['credited_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_share_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_share_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_share_settlement_id'), ['settlement_id'], unique=False)

    # A line may now be credited in parts (a settlement credits part of a year's product
    # share): crediting keeps the total within the line's amount, with the invoice locked.
    # SQLite rebuilds the table, which would drop the lines' triggers: they are made anew.
    triggers = _take_sqlite_triggers()
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_constraint('uq_invoice_line_credited_line_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_invoice_line_credited_line_id'), ['credited_line_id'], unique=False)
    _put_back(triggers)


def downgrade():
    triggers = _take_sqlite_triggers()
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_line_credited_line_id'))
        batch_op.create_unique_constraint('uq_invoice_line_credited_line_id', ['credited_line_id'])
    _put_back(triggers)

    with op.batch_alter_table('settlement_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_share_settlement_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_share_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_share_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_share_credited_line_id'))
    op.drop_table('settlement_share')
    with op.batch_alter_table('product_settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_settlement_product_id'))
        batch_op.drop_index(batch_op.f('ix_product_settlement_issued_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_product_settlement_created_by_user_id'))
    op.drop_table('product_settlement')


def _take_sqlite_triggers():
    """On SQLite, drop the triggers of the invoices and their lines (the immutability of issued
    invoices) before the lines' table is rebuilt, and answer their SQL to make them anew as
    they were. PostgreSQL alters the table in place and keeps its triggers."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    rows = op.get_bind().execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('invoice', 'invoice_line') ORDER BY name"
        )
    ).all()
    for name, _sql in rows:
        op.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in rows]


def _put_back(triggers):
    for sql in triggers:
        op.execute(sql)
