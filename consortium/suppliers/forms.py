"""Forms of the supplier register: the public registration, vetting, contact data, agreements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from consortium.forms import Form, at_most, email_address, required
from consortium.i18n import language_choices
from consortium.members.forms import country_choices
from consortium.suppliers import numbers, queries
from consortium.suppliers.labels import NUMBER_MESSAGES, SERVICE_TYPE_LABELS

STATEMENT_LENGTH = 1000


class CheckboxesField(SelectMultipleField):
    """Several choices, each a checkbox."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def eu_country_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in country_choices() if code in numbers.EU_COUNTRIES]


class SupplierContactDataForm(Form):
    """What a supplier's own contacts may change."""

    address = TextAreaField(_l("Address"), validators=[required(), at_most(500)])
    contact_name = StringField(_l("Contact person"), validators=[required(), at_most(200)])
    contact_email = EmailField(
        _l("Contact person's email"), validators=[required(), email_address(), at_most(254)]
    )
    service_types = CheckboxesField(
        _l("Services you offer"),
        validators=[DataRequired(message=_l("Choose at least one service."))],
    )
    statement = TextAreaField(
        _l("Public statement"),
        description=_l(
            "A few sentences about your company that members will see (at most 1000 characters)."
        ),
        validators=[Optional(), at_most(STATEMENT_LENGTH)],
    )
    language = SelectField(_l("Language of correspondence"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_types.choices = list(SERVICE_TYPE_LABELS.items())
        self.language.choices = language_choices(with_default=False)


class SupplierForm(SupplierContactDataForm):
    """What the secretariat may change besides the contact data: the company's name."""

    name = StringField(_l("Company name"), validators=[required(), at_most(200)])

    field_order = "name address contact_name contact_email service_types statement language".split()


class RegistrationForm(SupplierContactDataForm):
    """A company asks to become a supplier; the secretariat vets it."""

    name = StringField(_l("Company name"), validators=[required(), at_most(200)])
    country = SelectField(_l("Country"), validators=[required()])
    registration_number = StringField(
        _l("CVR or EU VAT number"),
        description=_l(
            "A Danish company gives its CVR number; a company elsewhere in the EU its VAT "
            "number, such as DE136695976."
        ),
        validators=[required(), at_most(40)],
    )
    products = CheckboxesField(_l("Products you want to work on"), coerce=int)
    code_of_conduct = BooleanField(
        _l("I accept the code of conduct for suppliers on behalf of the company"),
        validators=[DataRequired(message=_l("Accept the code of conduct to register."))],
    )
    # A field people do not see and robots fill in.
    website = StringField(_l("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = eu_country_choices()
        self.products.choices = queries.product_choices()

    def validate_registration_number(self, field):
        if not field.data:
            return
        try:
            field.data = numbers.compact(self.country.data, field.data)
        except numbers.InvalidIdentifier as exc:
            raise ValidationError(NUMBER_MESSAGES[exc.reason]) from exc
        # Whether the company is registered already is the service's to say (see views.py).


class DecisionForm(Form):
    """Approve a supplier: only the button, and the CSRF token."""


class RejectionForm(Form):
    reason = TextAreaField(
        _l("Reason for the rejection"),
        description=_l("The contact person receives it by email."),
        validators=[
            DataRequired(message=_l("Give the reason for the rejection.")),
            at_most(2000),
        ],
    )


class AgreementForm(Form):
    """A supplier agreement the supplier signed."""

    version = StringField(
        _l("Version of the agreement"),
        description=_l("Such as 2026.1."),
        validators=[required(), at_most(40)],
    )
    signed_on = DateField(_l("Signed on"), validators=[required()])
    valid_until = DateField(
        _l("Valid until"),
        description=_l("Leave empty when the agreement runs until it is ended."),
        validators=[Optional()],
    )
    products = CheckboxesField(_l("Products covered"), coerce=int)
    code_of_conduct = BooleanField(_l("Includes the code of conduct"))
    floss_clause = BooleanField(_l("Includes the free and open source clause"))
    copyright_transfer = BooleanField(_l("Includes the transfer of copyright"))

    def __init__(self, *args, covered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.products.choices = queries.product_choices(covered)

    def validate_valid_until(self, field):
        if field.data and self.signed_on.data and field.data < self.signed_on.data:
            raise ValidationError(_l("The agreement cannot end before it was signed."))
