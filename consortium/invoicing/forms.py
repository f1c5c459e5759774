"""The secretariat's invoicing forms: a year's run, a single invoice, a line on a draft, a
payment received and a product's year-end settlement."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from consortium.extensions import db
from consortium.forms import DecimalAmountField, Form, at_most, number_between, required
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.settings.labels import COMPONENT_LABELS
from consortium.settings.models import COMPONENT_KINDS, FREE

# The largest amount one line may carry: a year's many lines still fit the totals' column.
LINE_LIMIT = Decimal("1000000000")


class LineAmountField(DecimalAmountField):
    """A line's net amount, typed as the reader writes numbers, in cents, above zero."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault(
            "invalid_message", _l("Enter an amount such as 1500 or 1500.50, without a currency.")
        )
        super().__init__(*args, **kwargs)

    def convert(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(
                _l(
                    "Enter an amount above zero. To reduce what an organisation pays, remove "
                    "the line and add one with the right amount."
                )
            )
        if value >= LINE_LIMIT:
            raise ValueError(
                _l("Enter an amount below %(limit)s.", limit=format_decimal(LINE_LIMIT))
            )
        return value.quantize(Decimal("0.01"))


class StartRunForm(Form):
    """Make the drafts of a year's fees."""

    year = IntegerField(
        _l("Year"),
        validators=[required(), number_between(2000, 2200)],
        description=_l("The year whose fees are invoiced."),
    )


class LineForm(Form):
    """A line added to a draft by hand: what it is for, its kind (which gives its VAT) and its
    net amount."""

    description = StringField(
        _l("What the line is for"),
        validators=[required(), at_most(300)],
        description=_l("Printed on the invoice as it is written, e.g. “Entry fee OS2forms 2027”."),
    )
    component = SelectField(
        _l("Kind of line"),
        default=FREE,
        description=_l("The kind decides the line's VAT, as the invoicing settings set it."),
    )
    # Typed but not a number: the field's own message says what is wrong, not "fill in".
    amount = LineAmountField(
        _l("Net amount"), validators=[InputRequired(message=_l("Please fill in this field."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.component.choices = [(kind, COMPONENT_LABELS[kind]) for kind in COMPONENT_KINDS]


class NewInvoiceForm(Form):
    """A single invoice, outside the yearly run: to whom and for which period."""

    organisation = SelectField(_l("Organisation"), validators=[required()])
    billing_identity = SelectField(
        _l("Billing identity"),
        validators=[Optional()],
        description=_l("Leave it empty for the organisation's default billing identity."),
    )
    period_start_on = DateField(_l("Period from"), validators=[Optional()])
    period_end_on = DateField(_l("Period to"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(
            db.session.scalars(
                select(Organisation)
                .options(selectinload(Organisation.billing_identities))
                .order_by(Organisation.name, Organisation.id)
            )
        )
        self.organisation.choices = [("", "–")] + [
            (str(organisation.id), organisation.name) for organisation in organisations
        ]
        self.billing_identity.choices = [("", "–")] + [
            (
                str(identity.id),
                pgettext(
                    "an organisation's billing identity",
                    "%(organisation)s: %(identity)s",
                    organisation=organisation.name,
                    identity=identity.name,
                ),
            )
            for organisation in organisations
            for identity in organisation.billing_identities
        ]
        self._identities = {
            identity.id: organisation.id
            for organisation in organisations
            for identity in organisation.billing_identities
        }

    def validate_billing_identity(self, field) -> None:
        if not field.data or not self.organisation.data:
            return
        if self._identities.get(int(field.data)) != int(self.organisation.data):
            raise ValidationError(
                _l("This billing identity belongs to another organisation; choose one of its own.")
            )

    def validate_period_end_on(self, field) -> None:
        start = self.period_start_on.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The period cannot end before it starts."))
        if bool(field.data) != bool(start):
            raise ValidationError(_l("Give both ends of the period, or neither."))


class PaymentAmountField(DecimalAmountField):
    """A payment's amount, typed as the reader writes numbers, in cents, above zero."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault(
            "invalid_message", _l("Enter an amount such as 1500 or 1500.50, without a currency.")
        )
        super().__init__(*args, **kwargs)

    def convert(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(_l("Enter an amount above zero."))
        if value >= LINE_LIMIT:
            raise ValueError(
                _l("Enter an amount below %(limit)s.", limit=format_decimal(LINE_LIMIT))
            )
        return value.quantize(Decimal("0.01"))


class PaymentForm(Form):
    """Money received for an issued invoice: the day it came, how much, and the bank's text."""

    paid_on = DateField(
        _l("Payment date"),
        validators=[InputRequired(message=_l("Enter a date such as 2026-01-31."))],
        description=_l("The day the money reached the association's account."),
    )
    amount = PaymentAmountField(
        _l("Amount received"),
        validators=[InputRequired(message=_l("Please fill in this field."))],
    )
    reference = StringField(
        _l("Reference"),
        validators=[Optional(), at_most(200)],
        description=_l("The text of the transfer on the bank statement, if any."),
    )


class ActualCostField(DecimalAmountField):
    """What a product actually cost in a year, typed as the reader writes numbers, in cents,
    zero or more."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault(
            "invalid_message",
            _l("Enter an amount such as 310000 or 310000.50, without a currency."),
        )
        super().__init__(*args, **kwargs)

    def convert(self, value: Decimal) -> Decimal:
        from consortium.invoicing.settlement import ACTUAL_COST_LIMIT

        if value < 0:
            raise ValueError(_l("Enter an actual cost of zero or more."))
        if value >= ACTUAL_COST_LIMIT:
            raise ValueError(
                _l("Enter an amount below %(limit)s.", limit=format_decimal(ACTUAL_COST_LIMIT))
            )
        return value.quantize(Decimal("0.01"))


class ActualCostForm(Form):
    """The actual cost of a product's year, changed on a draft settlement."""

    actual_cost = ActualCostField(
        _l("Actual cost"),
        validators=[InputRequired(message=_l("Please fill in this field."))],
        description=_l("What the product cost in the year, without VAT."),
    )


class SettlementForm(ActualCostForm):
    """Settle a product's year: its actual cost against the budget its invoices were made
    from."""

    product = SelectField(_l("Product"), validators=[required()])
    year = IntegerField(
        _l("Year"),
        validators=[required(), number_between(2000, 2200)],
        description=_l("An invoiced year: its budget is frozen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = db.session.scalars(select(Product).order_by(Product.name, Product.id))
        self.product.choices = [("", "–")] + [
            (str(product.id), product.name) for product in products
        ]


class CreditAmountField(LineAmountField):
    """What to credit of an invoice line, net; empty when the line is not credited."""

    def convert(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(_l("Enter an amount above zero, or leave the field empty."))
        return super().convert(value)


def credit_form(lines) -> Form:
    """A form with an amount field per invoice line (named ``line_<id>``), each optional."""

    class CreditForm(Form):
        pass

    for line in lines:
        setattr(
            CreditForm,
            f"line_{line.id}",
            CreditAmountField(
                _l("Amount to credit of line %(position)s", position=line.position),
                validators=[Optional()],
            ),
        )
    return CreditForm()
