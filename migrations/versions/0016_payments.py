"""payments: money received for an invoice and the reminders of overdue ones; an invoice's
status follows its balance (partly paid, paid, credited), and an invoice in any of those
statuses is kept as it was issued like an issued or sent one

Revision ID: 0016_payments
Revises: 0015_jobs
Create Date: 2026-12-07 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import consortium.db


# revision identifiers, used by Alembic.
revision = '0016_payments'
down_revision = '0015_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consortium.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_amount_positive')),
    sa.CheckConstraint("source IN ('manual', 'import')", name=op.f('ck_payment_source_known')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_payment_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user.id'], name=op.f('fk_payment_recorded_by_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_recorded_by_user_id'), ['recorded_by_user_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consortium.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_reminder_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_reminder_outbox_message_id_outbox_message')),
    sa.ForeignKeyConstraint(['sent_by_user_id'], ['user.id'], name=op.f('fk_reminder_sent_by_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('invoice_id', 'sent_on', name='uq_reminder_invoice_day')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_outbox_message_id'), ['outbox_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_sent_by_user_id'), ['sent_by_user_id'], unique=False)

    _change_statuses(NUMBERED, NUMBERED_CHECK)


def downgrade():
    _change_statuses(NUMBERED_BEFORE, NUMBERED_CHECK_BEFORE)
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_outbox_message_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_invoice_id'))
    op.drop_table('reminder')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_recorded_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_payment_invoice_id'))
    op.drop_table('payment')


def _change_statuses(numbered, check):
    """The statuses of a numbered invoice, in its check constraint and in the triggers that keep
    it as it was issued. SQLite rebuilds the table to change a check constraint, which would drop
    its triggers: they are dropped first and made anew."""
    _drop_immutability_triggers()
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invoice_numbered_when_issued'), type_='check')
        batch_op.create_check_constraint('numbered_when_issued', check)
    _create_immutability_triggers(numbered)


# The triggers of 0011_invoicing and 0014_credit_notes, with the statuses a numbered invoice
# has now. A migration keeps its own copy: the earlier ones must go on saying what they said.
NUMBERED = "('issued', 'sent', 'partly_paid', 'paid', 'credited')"
NUMBERED_BEFORE = "('issued', 'sent')"
NUMBERED_CHECK = "number IS NOT NULL OR status IN ('draft', 'set_aside')"
NUMBERED_CHECK_BEFORE = "number IS NOT NULL OR status NOT IN ('issued', 'sent')"
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
    "credited_invoice_id", "created_by_user_id",
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


def _create_immutability_triggers(numbered):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The functions are replaced; their triggers (never dropped here) keep calling them.
        changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in KEPT_COLUMNS)
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION invoice_issued_unchanged() RETURNS trigger AS $$
            BEGIN
                IF OLD.status IN {numbered} THEN
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
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION invoice_line_issued_unchanged() RETURNS trigger AS $$
            BEGIN
                IF (TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
                        SELECT 1 FROM invoice WHERE id = OLD.invoice_id AND status IN {numbered}))
                   OR (TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
                        SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND status IN {numbered}))
                THEN
                    RAISE EXCEPTION '{LINE_MESSAGE} (% of a line)', TG_OP;
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
        changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in KEPT_COLUMNS)
        op.execute(
            f"CREATE TRIGGER invoice_issued_no_update BEFORE UPDATE ON invoice "
            f"WHEN OLD.status IN {numbered} AND (NEW.status IN {UNNUMBERED} OR {changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE} (UPDATE of an invoice)'); END"
        )
        op.execute(
            f"CREATE TRIGGER invoice_issued_no_delete BEFORE DELETE ON invoice "
            f"WHEN OLD.status IN {numbered} "
            f"BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE} (DELETE of an invoice)'); END"
        )
        for operation, rows in (
            ("INSERT", ("NEW",)),
            ("UPDATE", ("OLD", "NEW")),
            ("DELETE", ("OLD",)),
        ):
            issued = " OR ".join(
                f"EXISTS (SELECT 1 FROM invoice WHERE id = {row}.invoice_id AND status IN {numbered})"
                for row in rows
            )
            op.execute(
                f"CREATE TRIGGER invoice_line_issued_no_{operation.lower()} BEFORE {operation} "
                f"ON invoice_line WHEN {issued} "
                f"BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE} ({operation} of a line)'); END"
            )


def _drop_immutability_triggers():
    # PostgreSQL's triggers survive the changes of this migration; only their functions change.
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
