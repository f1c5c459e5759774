"""credit notes: the invoice a credit note corrects, the line each of its lines credits and who
drafted it; issued credit notes never change, and an invoice line is credited once in total

Revision ID: 0014_credit_notes
Revises: 0013_open_run
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_credit_notes'
down_revision = '0013_open_run'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite rebuilds a table to add a foreign key, which would drop its triggers and trip over
    # the triggers of the other table that name it: they are dropped first and made anew.
    _drop_immutability_triggers()
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_invoice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_credited_invoice_id'), ['credited_invoice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_credited_invoice_id_invoice'), 'invoice', ['credited_invoice_id'], ['id'])
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_created_by_user_id'), ['created_by_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_created_by_user_id_user'), 'user', ['created_by_user_id'], ['id'])

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_line_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_invoice_line_credited_line_id', ['credited_line_id'])
        batch_op.create_foreign_key(batch_op.f('fk_invoice_line_credited_line_id_invoice_line'), 'invoice_line', ['credited_line_id'], ['id'])
    _create_immutability_triggers(KEPT_COLUMNS + ("credited_invoice_id", "created_by_user_id"))


def downgrade():
    _drop_immutability_triggers()
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_line_credited_line_id_invoice_line'), type_='foreignkey')
        batch_op.drop_constraint('uq_invoice_line_credited_line_id', type_='unique')
        batch_op.drop_column('credited_line_id')

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_created_by_user_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_created_by_user_id'))
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_constraint(batch_op.f('fk_invoice_credited_invoice_id_invoice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_credited_invoice_id'))
        batch_op.drop_column('credited_invoice_id')
    _create_immutability_triggers(KEPT_COLUMNS)


# The triggers of 0011_invoicing, as they were written there, with the invoice a credit note
# corrects and who drafted it kept too. A migration keeps its own copy: 0011 must go on saying what it said.
NUMBERED = "('issued', 'sent')"
UNNUMBERED = "('draft', 'set_aside')"
KEPT_COLUMNS = (
    "run_id", "series", "number", "number_year", "issued_on", "due_on", "period_start_on",
    "period_end_on", "currency", "organisation_id", "billing_identity_id",
    "seller_name", "seller_address", "seller_country", "seller_registration_number",
    "seller_vat_number", "seller_endpoint_scheme", "seller_endpoint_id", "seller_email",
    "seller_iban", "seller_bic",
    "buyer_name", "buyer_department", "buyer_address", "buyer_country",
    "buyer_registration_number", "buyer_vat_number", "buyer_endpoint_scheme",
    "buyer_endpoint_id", "buyer_reference", "buyer_email", "language",
    "net_total", "vat_total", "gross_total", "pdf", "ubl", "created_at", "issued_at",
)
INVOICE_MESSAGE = "an issued invoice never changes: only its status may move on"
LINE_MESSAGE = "an issued invoice never changes: its lines are kept as they were issued"
SQLITE_TRIGGERS = (
    "invoice_issued_no_update",
    "invoice_issued_no_delete",
    "invoice_line_issued_no_insert",
    "invoice_line_issued_no_update",
    "invoice_line_issued_no_delete",
)


def _create_immutability_triggers(kept_columns):
    """The invoice's trigger compares every kept column; the lines' triggers are unchanged
    (they refuse any change to a line of an issued invoice, its credited line included)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The function is replaced; its triggers (never dropped here) keep calling it.
        changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in kept_columns)
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION invoice_issued_unchanged() RETURNS trigger AS $$
            BEGIN
                IF OLD.status IN {NUMBERED} THEN
                    IF TG_OP = 'DELETE' OR NEW.status IN {UNNUMBERED} OR {changed} THEN
                        RAISE EXCEPTION '{INVOICE_MESSAGE} (% of invoice %)', TG_OP, OLD.number;
                    END IF;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
    elif dialect == "sqlite":
        changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in kept_columns)
        op.execute(
            f"CREATE TRIGGER invoice_issued_no_update BEFORE UPDATE ON invoice "
            f"WHEN OLD.status IN {NUMBERED} AND (NEW.status IN {UNNUMBERED} OR {changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE} (UPDATE of an invoice)'); END"
        )
        op.execute(
            f"CREATE TRIGGER invoice_issued_no_delete BEFORE DELETE ON invoice "
            f"WHEN OLD.status IN {NUMBERED} "
            f"BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE} (DELETE of an invoice)'); END"
        )
        for operation, rows in (
            ("INSERT", ("NEW",)),
            ("UPDATE", ("OLD", "NEW")),
            ("DELETE", ("OLD",)),
        ):
            issued = " OR ".join(
                f"EXISTS (SELECT 1 FROM invoice WHERE id = {row}.invoice_id AND status IN {NUMBERED})"
                for row in rows
            )
            op.execute(
                f"CREATE TRIGGER invoice_line_issued_no_{operation.lower()} BEFORE {operation} "
                f"ON invoice_line WHEN {issued} "
                f"BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE} ({operation} of a line)'); END"
            )


def _drop_immutability_triggers():
    # PostgreSQL's triggers survive the changes of this migration; only the function changes.
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
