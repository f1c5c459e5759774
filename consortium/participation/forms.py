"""Forms of participation."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consortium.extensions import db
from consortium.forms import DecimalAmountField, Form, at_most, number_between, required
from consortium.members.models import Organisation
from consortium.participation import rules
from consortium.participation.labels import AMOUNT_MESSAGES, PHASE_LABELS, amount_text
from consortium.participation.queries import all_products, joinable_products
from consortium.products.models import Product
from consortium.web import MAX_ID


class AmountField(DecimalAmountField):
    """An amount typed as the reader writes numbers (12,50 in Danish, 12.50 in English),
    rounded to cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_message", AMOUNT_MESSAGES["invalid"])
        super().__init__(*args, **kwargs)

    def convert(self, value: Decimal) -> Decimal:
        problem = rules.amount_problem(value)
        if problem is not None:
            raise ValueError(amount_text(problem))
        return rules.to_cents(value)


def billing_choices(organisation: Organisation) -> list[tuple[str, str]]:
    return [("", "–")] + [
        (str(identity.id), identity.name + (f" ({identity.gln})" if identity.gln else ""))
        for identity in organisation.billing_identities
    ]


def product_choices() -> list[tuple[str, str]]:
    # Retired products stay in the list, so a request for one is refused with a clear reason.
    return [(str(product.id), product.name) for product in all_products()]


class ParticipationForm(Form):
    """The secretariat records or changes a participation."""

    product = SelectField(_l("Product"), validators=[required()])
    phase = SelectField(_l("Phase"), validators=[required()])
    starts_on = DateField(pgettext_l("start of a date range", "From"), validators=[required()])
    ends_on = DateField(pgettext_l("end of a date range", "To"), validators=[Optional()])
    notice_months = IntegerField(
        _l("Notice period in months"), default=6, validators=[required(), number_between(0, 120)]
    )
    ends_at_year_end = BooleanField(_l("Notice takes effect at the end of the year"), default=True)
    agreement_version = StringField(_l("Agreement version"), validators=[Optional(), at_most(40)])
    amount_per_year = AmountField(
        _l("Amount pledged per year"), description=_l("For a commitment.")
    )
    billing_identity = SelectField(_l("Billing identity"), validators=[Optional()])

    def __init__(self, organisation: Organisation, *args, with_product=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = list(PHASE_LABELS.items())
        self.billing_identity.choices = billing_choices(organisation)
        if with_product:
            self.product.choices = product_choices()
        else:
            del self.product

    def validate_amount_per_year(self, field):
        if self.phase.data == "commitment" and field.data is None:
            raise ValidationError(_l("Enter the amount pledged per year for a commitment."))


class NoticeForm(Form):
    given_on = DateField(_l("Notice given on"), validators=[required()])


class JoinRequestForm(Form):
    """A contact asks for their organisation to join a product."""

    # Only the products the organisation can join are offered; one named by hand (an old
    # link, another tab) reaches the service, which says why it cannot be joined.
    product = SelectField(_l("Product"), validators=[required()], validate_choice=False)
    phase = SelectField(_l("Phase"), validators=[required()])
    starts_on = DateField(_l("Start date"), validators=[required()])
    billing_identity = SelectField(_l("Billing identity"), validators=[Optional()])
    amount_per_year = AmountField(
        _l("Amount pledged per year"), description=_l("For a commitment.")
    )
    message = TextAreaField(
        _l("Message to the secretariat"), validators=[Optional(), at_most(5000)]
    )

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.product.choices = [
            (str(product.id), product.name) for product in joinable_products(organisation)
        ]
        self.phase.choices = list(PHASE_LABELS.items())
        self.billing_identity.choices = billing_choices(organisation)

    def validate_product(self, field):
        text = str(field.data or "")
        if not text.isdigit() or int(text) > MAX_ID or db.session.get(Product, int(text)) is None:
            raise ValidationError(_l("Choose a product from the list."))

    validate_amount_per_year = ParticipationForm.validate_amount_per_year


class LeaveRequestForm(Form):
    message = TextAreaField(
        _l("Message to the secretariat"), validators=[Optional(), at_most(5000)]
    )


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Reason for declining"),
        description=_l("The contact reads this."),
        validators=[required(), at_most(5000)],
    )
