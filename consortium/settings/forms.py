"""The settings form."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from zoneinfo import available_timezones

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from consortium import identifiers
from consortium.forms import (
    IDENTIFIER_MESSAGES,
    DecimalAmountField,
    Form,
    SubForm,
    at_most,
    email_address,
    number_between,
    required,
)
from consortium.i18n import is_country, language_choices
from consortium.settings.labels import VAT_CATEGORY_LABELS, VATEX_LABELS
from consortium.settings.models import (
    CATEGORIES_WITH_EXEMPTION,
    COMPONENT_KINDS,
    VAT_CATEGORIES,
    VATEX_CODES,
)

CURRENCIES = ("DKK", "EUR", "CZK")


class SettingsForm(Form):
    name = StringField(_l("Name of the association"), validators=[required(), at_most(200)])
    email = EmailField(
        _l("The secretariat's email address"),
        validators=[Optional(), email_address(), at_most(254)],
    )
    address = TextAreaField(_l("Address"), validators=[Optional(), at_most(500)])
    registration_number = StringField(
        _l("Registration number"),
        description=_l("CVR in Denmark, IČO in the Czech Republic; printed on invoices."),
        validators=[Optional(), at_most(40)],
    )
    vat_number = StringField(
        _l("VAT number"),
        description=_l("With its country prefix, such as DK12345678."),
        validators=[Optional(), at_most(40)],
    )
    default_language = SelectField(_l("Default language"), validators=[required()])
    currency = SelectField(_l("Currency"), validators=[required()])
    country = StringField(
        _l("Country"),
        description=_l("Two letters, ISO 3166, such as DK, DE or CZ."),
        validators=[required(), at_most(2)],
    )
    timezone = SelectField(_l("Time zone"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = Locale.parse(str(get_locale() or "en"))
        self.default_language.choices = language_choices(with_default=False)
        self.currency.choices = [
            (code, f"{code} – {locale.currencies.get(code, code)}") for code in CURRENCIES
        ]
        self.timezone.choices = [
            (zone, zone) for zone in sorted(available_timezones()) if "/" in zone
        ]

    def validate_country(self, field):
        code = (field.data or "").strip().upper()
        if not is_country(code):
            raise ValidationError(_l("Enter a country as two letters, such as DK."))
        field.data = code

    def validate_registration_number(self, field):
        if not field.data:
            return
        try:
            field.data = identifiers.registration_number(self.country.data or "", field.data)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationError(IDENTIFIER_MESSAGES[exc.reason]) from exc


PREFIX = re.compile(r"^[A-Za-z0-9-]*$")
LOGO_MAX_BYTES = 500 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def logo_type(content: bytes) -> str | None:
    """The media type of a PNG or JPEG image, read from its content; None for anything else."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            found = image.format
    except Exception:  # noqa: BLE001 - any unreadable file is simply not an image we take
        return None
    return LOGO_FORMATS.get(found or "")


class ComponentVatForm(SubForm):
    """The VAT of one kind of invoice line."""

    vat_category = SelectField(_l("VAT category"), validators=[required()])
    vat_rate = DecimalAmountField(
        _l("VAT rate in percent"),
        places=2,
        description=_l("0 for every category except standard-rated."),
    )
    exemption_code = SelectField(_l("Exemption code (VATEX)"))
    exemption_reason = StringField(
        _l("Exemption reason"),
        description=_l(
            "Printed on the invoice, such as the article of the VAT law. Left empty or as the "
            "standard text of the exemption code, each invoice prints the standard text in its "
            "buyer's language; a reason written here is printed as written, in every language."
        ),
        validators=[at_most(300)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vat_category.choices = [
            (code, str(VAT_CATEGORY_LABELS[code])) for code in VAT_CATEGORIES
        ]
        self.exemption_code.choices = [("", "–")] + [
            (code, f"{code} – {VATEX_LABELS[code]}") for code in VATEX_CODES
        ]

    def validate_vat_rate(self, field):
        rate = field.data
        if rate is None:
            raise ValidationError(_l("Please fill in this field."))
        if not Decimal(0) <= rate <= Decimal(100):
            raise ValidationError(_l("Enter a rate from 0 to 100."))
        category = self.vat_category.data
        if category == "S" and rate == 0:
            raise ValidationError(_l("A standard-rated line has a rate above 0."))
        if category != "S" and rate != 0:
            raise ValidationError(_l("Only a standard-rated line has a rate above 0."))

    def validate_exemption_code(self, field):
        category = self.vat_category.data
        if category in CATEGORIES_WITH_EXEMPTION:
            if not field.data:
                raise ValidationError(_l("Choose the exemption code of this category."))
            if VATEX_CODES.get(field.data) != category:
                raise ValidationError(_l("This exemption code does not belong to the category."))
        elif field.data:
            raise ValidationError(
                _l("Only exempt, outside-scope and reverse-charge lines carry an exemption.")
            )

    def validate_exemption_reason(self, field):
        field.data = (field.data or "").strip()
        category = self.vat_category.data
        # Empty, the invoice prints the exemption code's standard text in the buyer's language.
        if category not in CATEGORIES_WITH_EXEMPTION and field.data:
            raise ValidationError(
                _l("Only exempt, outside-scope and reverse-charge lines carry an exemption.")
            )


class InvoicingSettingsForm(Form):
    legal_name = StringField(
        _l("Legal name"),
        description=_l("As registered; invoices use the association's name when this is empty."),
        validators=[Optional(), at_most(200)],
    )
    iban = StringField(_l("IBAN"), validators=[Optional(), at_most(42)])
    bic = StringField(_l("BIC"), validators=[Optional(), at_most(11)])
    payment_terms_days = IntegerField(
        _l("Payment terms in days"),
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            number_between(1, 365),
        ],
    )
    invoice_prefix = StringField(
        _l("Prefix of invoice numbers"),
        description=_l(
            "Letters, digits and dashes, such as INV-; may be empty. A number reads "
            "prefix, year, dash and five digits, such as INV-2027-00001. A new prefix "
            "applies from the next year whose first number has not been taken."
        ),
        validators=[Optional(), at_most(10)],
    )
    credit_note_prefix = StringField(
        _l("Prefix of credit note numbers"),
        description=_l("Letters, digits and dashes, such as CN-; must differ from the invoices'."),
        validators=[Optional(), at_most(10)],
    )
    logo = FileField(
        _l("Logo"),
        description=_l("A PNG or JPEG image of at most 500 kB, printed on the invoices."),
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    membership = FormField(ComponentVatForm, label=_l("Membership fee"))
    product = FormField(ComponentVatForm, label=_l("Product share"))
    entry = FormField(ComponentVatForm, label=_l("Entry fee"))
    pledge = FormField(ComponentVatForm, label=_l("Pledge"))
    free = FormField(ComponentVatForm, label=_l("Free line"))

    logo_content: tuple[bytes, str] | None = None

    def components(self):
        """The VAT sub-forms, by component kind."""
        return [(kind, self[kind]) for kind in COMPONENT_KINDS]

    def validate_iban(self, field):
        if not field.data:
            field.data = ""
            return
        from schwifty import IBAN
        from schwifty.exceptions import SchwiftyException

        try:
            field.data = IBAN(field.data).compact
        except SchwiftyException as exc:
            raise ValidationError(_l("This is not a valid IBAN.")) from exc

    def validate_bic(self, field):
        if not field.data:
            field.data = ""
            return
        from schwifty import BIC
        from schwifty.exceptions import SchwiftyException

        try:
            field.data = BIC(field.data).compact
        except SchwiftyException as exc:
            raise ValidationError(_l("This is not a valid BIC.")) from exc

    def validate_invoice_prefix(self, field):
        field.data = _prefix(field.data)

    def validate_credit_note_prefix(self, field):
        field.data = _prefix(field.data)
        if field.data == _prefix_or_none(self.invoice_prefix.data):
            raise ValidationError(_l("Credit notes need a prefix of their own."))

    def validate_logo(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            content = upload.read(LOGO_MAX_BYTES + 1)
        finally:
            upload.close()  # a large upload is a temporary file
        if len(content) > LOGO_MAX_BYTES:
            raise ValidationError(_l("The logo may be at most 500 kB."))
        media_type = logo_type(content)
        if media_type is None:
            raise ValidationError(_l("The logo must be a PNG or JPEG image."))
        self.logo_content = (content, media_type)


def _prefix(value: str | None) -> str:
    text = (value or "").strip()
    if not PREFIX.match(text):
        raise ValidationError(_l("Use only letters, digits and dashes."))
    return text.upper()


def _prefix_or_none(value: str | None) -> str | None:
    try:
        return _prefix(value)
    except ValidationError:
        return None


def _period_field(label, description, maximum: int) -> IntegerField:
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            number_between(0, maximum),
        ],
    )


class GovernanceSettingsForm(Form):
    """The bylaws' periods: how long before a general assembly or a board meeting it is
    called, proposals are due and the papers go out, and within how long after it the minutes
    are published."""

    assembly_notice_months = _period_field(
        _l("Notice calling the general assembly, in calendar months before it"),
        _l("One month: a general assembly on 15 May is called by 15 April."),
        12,
    )
    assembly_proposals_days = _period_field(
        _l("Proposals due, in days before the general assembly"), "", 365
    )
    assembly_send_out_days = _period_field(
        _l("Papers sent out, in days before the general assembly"), "", 365
    )
    assembly_minutes_days = _period_field(
        _l("Minutes published, in days after the general assembly"), "", 365
    )
    board_notice_days = _period_field(
        _l("Notice calling a board meeting, in days before it"), "", 365
    )
    board_send_out_days = _period_field(
        _l("Papers sent out, in days before a board meeting"), "", 365
    )
    board_minutes_days = _period_field(
        _l("Minutes published, in days after a board meeting"), "", 365
    )
