"""Forms of the member register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from consortium import identifiers
from consortium.forms import (
    EARLIEST_YEAR,
    IDENTIFIER_MESSAGES,
    LATEST_YEAR,
    Form,
    at_most,
    email_address,
    number_between,
    required,
)
from consortium.i18n import country_choices as _country_choices
from consortium.i18n import language_choices
from consortium.members.labels import (
    KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
)
from consortium.members.tiers import MAX_POPULATION


def _compact(field, check) -> None:
    """Replace a typed identifier by its compact form, or explain in the user's language why not."""
    if not field.data:
        return
    try:
        field.data = check(field.data)
    except identifiers.InvalidIdentifier as exc:
        raise ValidationError(IDENTIFIER_MESSAGES[exc.reason]) from exc


def country_choices() -> list[tuple[str, str]]:
    """The countries an organisation or supplier may be in (consortium.i18n)."""
    return _country_choices()


class ContactDataForm(Form):
    """What an organisation's own contacts may change."""

    address = TextAreaField(_l("Address"), validators=[Optional(), at_most(500)])
    email = EmailField(_l("General email"), validators=[Optional(), email_address(), at_most(254)])
    language = SelectField(_l("Preferred language"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class OrganisationForm(ContactDataForm):
    """Everything the secretariat edits."""

    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    kind = SelectField(_l("Kind"), validators=[required()])
    country = SelectField(_l("Country"), validators=[required()])
    registration_number = StringField(
        _l("Registration number"),
        description=_l("CVR in Denmark, IČO in the Czech Republic."),
        validators=[Optional(), at_most(40)],
    )
    vat_number = StringField(_l("VAT number, if different"), validators=[Optional(), at_most(40)])
    municipality_code = StringField(_l("Municipality code"), validators=[Optional(), at_most(20)])
    tier_override = SelectField(
        _l("Size tier set by the secretariat"),
        description=_l("For bodies without residents; otherwise the tier follows the population."),
        validators=[Optional()],
    )
    tier_override_reason = StringField(_l("Reason for the tier"), validators=[at_most(500)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), at_most(5000)])

    field_order = (
        "name kind country registration_number vat_number municipality_code address email language "
        "tier_override tier_override_reason notes"
    ).split()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.kind.choices = list(KIND_LABELS.items())
        self.tier_override.choices = [("", _l("Follows the population"))] + list(
            TIER_LABELS.items()
        )

    def validate_registration_number(self, field):
        _compact(field, lambda value: identifiers.registration_number(self.country.data, value))

    def validate_tier_override_reason(self, field):
        if self.tier_override.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason when the secretariat sets the tier."))


class PopulationForm(Form):
    year = IntegerField(
        _l("Year (population on 1 January)"),
        validators=[required(), number_between(EARLIEST_YEAR, LATEST_YEAR)],
    )
    population = IntegerField(
        _l("Population"), validators=[required(), number_between(0, MAX_POPULATION)]
    )
    source = StringField(
        _l("Source"),
        description=_l("Such as Statistics Denmark BY2."),
        validators=[Optional(), at_most(200)],
    )


class MembershipForm(Form):
    status = SelectField(_l("New status"), validators=[required()])
    status_on = DateField(pgettext_l("start of a date range", "From"), validators=[required()])
    reason = StringField(_l("Reason"), validators=[Optional(), at_most(500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = list(STATUS_LABELS.items())


class BillingIdentityForm(Form):
    name = StringField(
        _l("Name"),
        description=_l("Such as Central finance or IT department."),
        validators=[required(), at_most(200)],
    )
    gln = StringField(_l("EAN/GLN number"), validators=[Optional(), at_most(20)])
    peppol_id = StringField(
        _l("Peppol participant id"),
        description=_l("Such as 0088:5798000416604."),
        validators=[Optional(), at_most(60)],
    )
    invoice_reference = StringField(
        _l("Invoice reference"),
        description=_l("Such as a Leitweg-ID or a purchase order."),
        validators=[Optional(), at_most(100)],
    )
    invoice_email = EmailField(
        _l("Invoice email"), validators=[Optional(), email_address(), at_most(254)]
    )
    is_default = BooleanField(_l("Default billing identity"))

    def validate_gln(self, field):
        _compact(field, identifiers.gln)

    def validate_peppol_id(self, field):
        _compact(field, identifiers.peppol_participant_id)


class ContactForm(Form):
    """Add a person to the organisation's contacts by their exact email; someone without an
    account is invited. The secretariat may leave the name empty for someone with an account
    and marks who may sign; everyone else always gives a name, so that the answer never tells
    whether an address has an account."""

    email = EmailField(_l("Email"), validators=[required(), email_address(), at_most(254)])
    name = StringField(
        _l("Name"),
        description=_l(
            "For someone new, who gets an invitation by email. Someone who has an account "
            "keeps the name they chose."
        ),
        validators=[Optional(), at_most(200)],
    )
    language = SelectField(
        _l("Language of the invitation and the pages"),
        description=_l("For someone new."),
        validators=[Optional()],
    )
    role = SelectField(_l("Role"), validators=[required()])
    may_sign = BooleanField(_l("May sign agreements for the organisation"))

    def __init__(self, *args, roles: list[str], name_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]
        self.language.choices = language_choices()
        if name_required:
            self.name.validators = [required(), at_most(200)]
            self.name.flags.required = True
            self.name.description = _l(
                "Someone who has an account keeps the name they chose; anyone else gets an "
                "invitation by email."
            )


class ContactRoleForm(Form):
    """Change a contact's role and, for the secretariat, whether they may sign agreements."""

    role = SelectField(_l("Role"), validators=[required()])
    may_sign = BooleanField(_l("May sign agreements for the organisation"))

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]


class MakePrimaryForm(Form):
    """Confirm who becomes the primary contact and what the one replaced becomes."""

    replacing = HiddenField()
    former_role = SelectField(_l("Their role from now on"), validators=[Optional()])

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.former_role.choices = [(role, ROLE_LABELS[role]) for role in roles]


class ImportForm(Form):
    """Upload a CSV file of organisations for a preview."""

    file = FileField(
        _l("CSV file"),
        description=_l(
            "Columns: name, kind, country and, when known, registration_number, "
            "municipality_code, population, population_year, ean, email, language. "
            "Comma or semicolon separated; UTF-8 or as Excel saves it."
        ),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )


class ConfirmImportForm(Form):
    """Confirm the import shown in the preview."""


class TierBandsForm(Form):
    """The tier bands in force from a year on: each tier's inclusive lower bound."""

    effective_from_year = IntegerField(
        _l("In force from the year"),
        validators=[required(), number_between(EARLIEST_YEAR, LATEST_YEAR)],
    )
    medium_from = IntegerField(
        _l("Medium from (residents)"), validators=[required(), number_between(1, MAX_POPULATION)]
    )
    large_from = IntegerField(
        _l("Large from (residents)"), validators=[required(), number_between(1, MAX_POPULATION)]
    )
    very_large_from = IntegerField(
        _l("Very large from (residents)"),
        validators=[required(), number_between(1, MAX_POPULATION)],
    )

    def validate_large_from(self, field):
        if self.medium_from.data and field.data is not None and field.data <= self.medium_from.data:
            raise ValidationError(_l("Must be more than the lower bound of the tier before."))

    def validate_very_large_from(self, field):
        if self.large_from.data and field.data is not None and field.data <= self.large_from.data:
            raise ValidationError(_l("Must be more than the lower bound of the tier before."))
