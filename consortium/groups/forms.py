"""Forms of the groups."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from sqlalchemy import select
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consortium.extensions import db
from consortium.forms import Form, at_most, email_address, required
from consortium.groups.labels import KIND_LABELS, ROLE_LABELS
from consortium.i18n import language_choices
from consortium.members.models import Organisation
from consortium.products.models import Product
from consortium.suppliers.models import Supplier


def product_choices() -> list[tuple[str, str]]:
    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    return [(str(product.id), product.name) for product in products]


class GroupForm(Form):
    kind = SelectField(_l("Kind"), validators=[required()])
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    code = StringField(
        _l("Short code"),
        description=_l(
            "Names the group's decisions: OS2FORMS-SC gives OS2FORMS-SC-2027-04. Capital "
            "letters and digits, parts joined by hyphens. Decisions are recorded only for a "
            "group with a code."
        ),
        validators=[Optional(), at_most(30)],
    )
    product = SelectField(
        _l("Product"),
        description=_l("For a steering committee, coordination group or topic group."),
        validators=[Optional()],
    )
    terms_of_reference = TextAreaField(
        _l("Terms of reference"), validators=[Optional(), at_most(20000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(KIND_LABELS.items())
        self.product.choices = [("", _l("No product"))] + product_choices()


class MemberForm(Form):
    """Add a person's term by their exact email; someone without an account is invited and
    becomes a contact of the organisation they represent. The secretariat may leave the name
    empty for someone with an account; everyone else always gives one, so that the answer never
    tells whether an address has an account."""

    email = EmailField(
        _l("Email of the person"),
        description=_l("The person must be a contact of whom they represent."),
        validators=[required(), email_address(), at_most(254)],
    )
    name = StringField(
        _l("Name"),
        description=_l(
            "For someone new, who gets an invitation by email and becomes a contact of the "
            "organisation. Someone who has an account keeps the name they chose."
        ),
        validators=[Optional(), at_most(200)],
    )
    language = SelectField(
        _l("Language of the invitation and the pages"),
        description=_l("For someone new."),
        validators=[Optional()],
    )
    organisation = SelectField(_l("Representing the organisation"), validators=[Optional()])
    supplier = SelectField(
        _l("Or representing the supplier"),
        description=_l("Only in a coordination group."),
        validators=[Optional()],
    )
    role = SelectField(_l("Role"), validators=[required()])
    starts_on = DateField(pgettext_l("start of a date range", "From"), validators=[required()])
    ends_on = DateField(pgettext_l("end of a date range", "To"), validators=[Optional()])

    def __init__(self, *args, name_required: bool = False, approved_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = list(ROLE_LABELS.items())
        self.language.choices = language_choices()
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
        self.organisation.choices = [("", "–")] + [
            (str(organisation.id), organisation.name) for organisation in organisations
        ]
        suppliers = select(Supplier).order_by(Supplier.name)
        if approved_only:
            suppliers = suppliers.where(Supplier.status == "approved")
        self.supplier.choices = [("", "–")] + [
            (str(supplier.id), supplier.name) for supplier in db.session.scalars(suppliers)
        ]
        if name_required:
            self.name.validators = [required(), at_most(200)]
            self.name.flags.required = True


class EndTermForm(Form):
    ends_on = DateField(_l("Last day of the term"), validators=[required()])
