"""The API's marshmallow schemas: what each resource answers and accepts."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from consortium.invoicing.labels import OVERDUE
from consortium.invoicing.models import INVOICE_STATUSES
from consortium.members.models import KINDS, MEMBERSHIP_STATUSES

SORT_DESCRIPTION = "A field to sort by; a leading minus sorts in descending order."


def sort_field(default: str, *keys: str) -> ma.fields.String:
    """A list's ``sort`` parameter: each key, ascending or (with a leading minus) descending."""
    return ma.fields.String(
        load_default=default,
        validate=ma.validate.OneOf([order for key in keys for order in (key, f"-{key}")]),
        metadata={"description": SORT_DESCRIPTION},
    )


# Text in an address holds no control characters (the app refuses them with 400 everywhere).
NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"


def plain_text(maximum: int):
    """Validators of text given in an address or a one-line field: no control characters,
    at most the length."""
    return [ma.validate.Regexp(NO_CONTROL_PATTERN), ma.validate.Length(max=maximum)]


class DecimalText(ma.fields.Decimal):
    """A decimal number as a string ("1.0000", "25.00"), never a binary float."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("as_string", True)
        super().__init__(**kwargs)


class Money(DecimalText):
    """An amount as a string with two decimals ("1250.00")."""

    def __init__(self, **kwargs) -> None:
        super().__init__(places=2, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(Decimal(value).quantize(Decimal("0.01")), attr, obj, **kwargs)


class PopulationSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    population = ma.fields.Integer(required=True)
    source = ma.fields.String(required=True)


class MembershipStepSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(MEMBERSHIP_STATUSES))
    status_on = ma.fields.Date(required=True)
    reason = ma.fields.String(required=True)


class TierSchema(ma.Schema):
    tier = ma.fields.String(required=True)
    population = ma.fields.Integer(allow_none=True, required=True)
    population_year = ma.fields.Integer(allow_none=True, required=True)
    set_by_secretariat = ma.fields.Boolean(required=True)


class BillingIdentitySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    gln = ma.fields.String(allow_none=True, required=True)
    peppol_id = ma.fields.String(allow_none=True, required=True)
    invoice_reference = ma.fields.String(required=True)
    invoice_email = ma.fields.String(required=True)
    is_default = ma.fields.Boolean(required=True)


class OrganisationSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    country = ma.fields.String(required=True)
    registration_number = ma.fields.String(allow_none=True, required=True)
    municipality_code = ma.fields.String(allow_none=True, required=True)
    membership_status = ma.fields.String(allow_none=True, required=True)
    tier = ma.fields.Nested(TierSchema, allow_none=True, required=True)


class OrganisationSchema(OrganisationSummarySchema):
    vat_number = ma.fields.String(allow_none=True, required=True)
    address = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    language = ma.fields.String(allow_none=True, required=True)
    populations = ma.fields.List(ma.fields.Nested(PopulationSchema), required=True)
    memberships = ma.fields.List(ma.fields.Nested(MembershipStepSchema), required=True)
    billing_identities = ma.fields.List(ma.fields.Nested(BillingIdentitySchema), required=True)


class OrganisationListArgs(ma.Schema):
    q = ma.fields.String(
        load_default="",
        validate=plain_text(200),
        metadata={"description": "Part of the name, registration number or municipality code."},
    )
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    status = ma.fields.String(
        validate=ma.validate.OneOf(MEMBERSHIP_STATUSES),
        metadata={"description": "The current membership status."},
    )
    country = ma.fields.String(validate=[*plain_text(2), ma.validate.Length(equal=2)])
    sort = sort_field("name", "name", "id")


class PublicMemberSchema(ma.Schema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    country = ma.fields.String(required=True)


class FigureSchema(ma.Schema):
    municipality_code = ma.fields.String(validate=ma.validate.Length(min=1, max=20))
    registration_number = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    population = ma.fields.Integer(required=True, strict=True)


class PopulationImportSchema(ma.Schema):
    source = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": 'Where the figures come from, e.g. "Statistics Denmark FOLK1A".'},
    )
    country = ma.fields.String(
        validate=ma.validate.Length(equal=2),
        metadata={"description": "Country of the codes (default: the association's)."},
    )
    skip_unknown = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Skip and list figures of bodies not in the register."},
    )
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "Check and show what would change only."}
    )
    figures = ma.fields.List(
        ma.fields.Nested(FigureSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=20_000),
        metadata={
            "description": "One figure per organisation, each with municipality_code or (for "
            "all of them) registration_number."
        },
    )


class ImportRowSchema(ma.Schema):
    index = ma.fields.Integer(required=True, metadata={"description": "Position in figures."})
    action = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class PopulationImportResultSchema(ma.Schema):
    applied = ma.fields.Boolean(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    rows = ma.fields.List(ma.fields.Nested(ImportRowSchema), required=True)
    skipped = ma.fields.List(ma.fields.Nested(ImportRowSchema), required=True)
    missing = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Active members of the country the figures leave out."},
    )


# --- products ------------------------------------------------------------------------------


class ProductDescriptionSchema(ma.Schema):
    language = ma.fields.String(required=True)
    short_description = ma.fields.String(required=True)
    long_description = ma.fields.String(required=True)
    features = ma.fields.String(required=True)


class ProductSummarySchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    level = ma.fields.String(allow_none=True, required=True)
    licence = ma.fields.String(required=True)
    short_description = ma.fields.String(required=True)


class PublicPersonSchema(ma.Schema):
    name = ma.fields.String(required=True)
    email = ma.fields.String(
        required=True, metadata={"description": "Only when the person published it; else empty."}
    )


class PublicGroupSchema(ma.Schema):
    name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    chairs = ma.fields.List(ma.fields.Nested(PublicPersonSchema), required=True)


class ProductSchema(ProductSummarySchema):
    repository_url = ma.fields.String(required=True)
    issue_tracker_url = ma.fields.String(required=True)
    website_url = ma.fields.String(required=True)
    software_type = ma.fields.String(required=True)
    platforms = ma.fields.List(ma.fields.String(), required=True)
    categories = ma.fields.List(ma.fields.String(), required=True)
    descriptions = ma.fields.List(ma.fields.Nested(ProductDescriptionSchema), required=True)
    participating_organisations = ma.fields.List(ma.fields.String(), required=True)
    groups = ma.fields.List(
        ma.fields.Nested(PublicGroupSchema),
        required=True,
        metadata={"description": "The product's groups with their current chairs."},
    )
    publiccode_yml = ma.fields.String(
        required=True, metadata={"description": "The product's publiccode.yml, as YAML text."}
    )


class ProductListArgs(ma.Schema):
    q = ma.fields.String(load_default="", validate=plain_text(200))
    status = ma.fields.String(
        validate=plain_text(20), metadata={"description": "Retired products only when asked for."}
    )
    level = ma.fields.String(validate=plain_text(10))
    licence = ma.fields.String(validate=plain_text(100))
    sort = sort_field("name", "name", "created")


class PublicSupplierSchema(ma.Schema):
    name = ma.fields.String(required=True)
    service_types = ma.fields.List(ma.fields.String(), required=True)
    statement = ma.fields.String(required=True)
    products = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "Slugs of the products."}
    )


# --- fees --------------------------------------------------------------------------------


class YearArgs(ma.Schema):
    year = ma.fields.Integer(
        validate=ma.validate.Range(2000, 2200),
        metadata={"description": "The year (default: next year)."},
    )


class ExpectedFeeLineSchema(ma.Schema):
    label = ma.fields.String(required=True)
    previous_year_amount = Money(required=True)
    amount = Money(required=True)
    change = Money(required=True)
    explanation = ma.fields.String(required=True)


class ExpectedFeesSchema(ma.Schema):
    organisation_id = ma.fields.Integer(required=True)
    year = ma.fields.Integer(required=True)
    currency = ma.fields.String(required=True)
    lines = ma.fields.List(ma.fields.Nested(ExpectedFeeLineSchema), required=True)
    previous_year_total = Money(required=True)
    total = Money(required=True)
    problems = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Why a year could not be worked out (fees not set yet)."},
    )


class PreviewChargeSchema(ma.Schema):
    organisation_id = ma.fields.Integer(required=True)
    component = ma.fields.String(
        required=True, metadata={"description": "The membership fee, a product, its entry fee."}
    )
    product_slug = ma.fields.String(allow_none=True, required=True)
    kind = ma.fields.String(required=True)
    amount = Money(required=True)
    explanation = ma.fields.String(required=True)


class FeePreviewSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    currency = ma.fields.String(required=True)
    charges = ma.fields.List(ma.fields.Nested(PreviewChargeSchema), required=True)
    total = Money(required=True)


class BudgetShareSchema(ma.Schema):
    organisation_id = ma.fields.Integer(required=True)
    organisation_name = ma.fields.String(required=True)
    amount = Money(required=True)
    recorded_at = ma.fields.DateTime(required=True)


class ShareChangeSchema(ma.Schema):
    organisation_id = ma.fields.Integer(required=True)
    recorded = Money(required=True, allow_none=True, metadata={"description": "None: no share."})
    live = Money(
        required=True, allow_none=True, metadata={"description": "The share if recorded now."}
    )


class ProductSharesSchema(ma.Schema):
    product_slug = ma.fields.String(required=True)
    year = ma.fields.Integer(required=True)
    status = ma.fields.String(
        required=True, metadata={"description": "draft, approved or frozen (invoiced)."}
    )
    amount = Money(required=True, metadata={"description": "The budget."})
    shares = ma.fields.List(ma.fields.Nested(BudgetShareSchema), required=True)
    total = Money(required=True, metadata={"description": "The recorded shares together."})
    changes = ma.fields.List(
        ma.fields.Nested(ShareChangeSchema),
        required=True,
        metadata={"description": "Whose share would change if the shares were recorded now."},
    )
    changes_problem = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the changes cannot be worked out now."},
    )


# --- invoices ----------------------------------------------------------------------------


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    paid_on = ma.fields.Date(required=True)
    amount = Money(required=True)
    reference = ma.fields.String(required=True)
    source = ma.fields.String(required=True)


class InvoiceLineSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    component = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    quantity = DecimalText(required=True)
    unit_price = Money(required=True)
    net_amount = Money(required=True)
    vat_category = ma.fields.String(required=True)
    vat_rate = DecimalText(required=True, metadata={"description": "Per cent."})


class InvoiceSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    series = ma.fields.String(required=True, metadata={"description": "invoice or credit_note"})
    number = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(required=True)
    overdue = ma.fields.Boolean(
        required=True,
        metadata={"description": "An invoice with a balance left after its due date."},
    )
    organisation_id = ma.fields.Integer(required=True)
    buyer_name = ma.fields.String(required=True)
    issued_on = ma.fields.Date(allow_none=True, required=True)
    due_on = ma.fields.Date(allow_none=True, required=True)
    currency = ma.fields.String(required=True)
    net_total = Money(required=True)
    vat_total = Money(required=True)
    gross_total = Money(required=True)
    balance = Money(
        required=True,
        allow_none=True,
        metadata={"description": "What is still to pay (none for a draft or a credit note)."},
    )


class CreditNoteReferenceSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(required=True)
    issued_on = ma.fields.Date(allow_none=True, required=True)
    gross_total = Money(required=True)


class InvoiceSchema(InvoiceSummarySchema):
    credited_invoice_id = ma.fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "For a credit note: the invoice it credits."},
    )
    credit_notes = ma.fields.List(
        ma.fields.Nested(CreditNoteReferenceSchema),
        required=True,
        metadata={
            "description": "For an invoice: its credit notes (issued ones only, except for the "
            "secretariat)."
        },
    )
    billing_identity = ma.fields.Nested(BillingIdentitySchema, allow_none=True, required=True)
    buyer_reference = ma.fields.String(required=True)
    period_start_on = ma.fields.Date(allow_none=True, required=True)
    period_end_on = ma.fields.Date(allow_none=True, required=True)
    lines = ma.fields.List(ma.fields.Nested(InvoiceLineSchema), required=True)
    payments = ma.fields.List(ma.fields.Nested(PaymentSchema), required=True)


class InvoiceListArgs(ma.Schema):
    organisation = ma.fields.Integer(
        validate=ma.validate.Range(1, 2**31 - 1), metadata={"description": "An organisation's id."}
    )
    series = ma.fields.String(
        validate=ma.validate.OneOf(["invoice", "credit_note"]),
        metadata={"description": "Invoices or credit notes only (default: both)."},
    )
    status = ma.fields.String(
        validate=ma.validate.OneOf([*INVOICE_STATUSES, OVERDUE]),
        metadata={
            "description": "A stored status, or overdue: invoices with a balance left after their "
            "due date, as the list of overdue invoices shows them."
        },
    )
    year = ma.fields.Integer(validate=ma.validate.Range(1900, 9999))
    sort = sort_field("-issued_on", "issued_on", "number", "id")


def _amount_in_range(value: Decimal) -> None:
    # Checked here, before any arithmetic: a number such as 1E+1000 is a valid decimal.
    if not Decimal("0.01") <= value <= Decimal("999999999999.99"):
        raise ma.ValidationError(
            "Must be greater than or equal to 0.01 and at most 999999999999.99."
        )


class NewPaymentSchema(ma.Schema):
    paid_on = ma.fields.Date(required=True, metadata={"description": "The day the money came."})
    amount = ma.fields.Decimal(
        required=True,
        places=None,
        as_string=True,
        validate=_amount_in_range,
        metadata={
            "description": 'The amount, as a string ("1250.00") or a number.',
            "minimum": 0.01,
            "maximum": 999_999_999_999.99,
        },
    )
    reference = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class PaymentRecordedSchema(ma.Schema):
    payment = ma.fields.Nested(PaymentSchema, required=True)
    invoice = ma.fields.Nested(InvoiceSchema, required=True)
