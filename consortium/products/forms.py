"""Forms of the product catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import or_, select
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from consortium.auth.models import User
from consortium.extensions import db
from consortium.forms import Form, SubForm, at_most, required
from consortium.products import licences, slugs
from consortium.products.labels import (
    BODY_LABELS,
    LEVEL_LABELS,
    RATING_LABELS,
    SOFTWARE_TYPE_LABELS,
    STATUS_LABELS,
)
from consortium.products.models import Product
from consortium.products.publiccode import is_web_address


def web_address(form, field) -> None:
    """An http or https address, when one is given."""
    if field.data and not is_web_address(field.data.strip()):
        raise ValidationError(_l("Enter a web address starting with https:// or http://."))


def split_list(value: str) -> list[str]:
    """Comma- or line-separated words as a list, without empty items or repeats."""
    items: list[str] = []
    for part in (value or "").replace("\n", ",").split(","):
        part = part.strip()
        if part and part not in items:
            items.append(part)
    return items


class ProductForm(Form):
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    slug = StringField(
        _l("Short name in addresses"),
        description=_l(
            "Lowercase letters, digits and hyphens. Left empty, it is made from the name."
        ),
        # No Optional(): it would stop the chain before validate_slug fills in a suggestion.
        validators=[at_most(slugs.MAX_LENGTH)],
    )
    status = SelectField(_l("Status"), validators=[required()])
    licence = StringField(
        _l("Licence"),
        description=_l("An SPDX identifier, such as MPL-2.0."),
        validators=[required(), at_most(100)],
    )
    repository_url = StringField(
        _l("Repository"), validators=[Optional(), at_most(500), web_address]
    )
    issue_tracker_url = StringField(
        _l("Issue tracker"), validators=[Optional(), at_most(500), web_address]
    )
    website_url = StringField(_l("Website"), validators=[Optional(), at_most(500), web_address])
    point_person_name = StringField(
        _l("Point person"),
        description=_l("The project lead or the person to ask about the product."),
        validators=[Optional(), at_most(200)],
    )
    point_person_user_id = SelectField(_l("Point person's account"), validators=[Optional()])
    software_type = SelectField(_l("Software type"), validators=[required()])
    platforms = StringField(
        _l("Platforms"),
        description=_l("Separated by commas, such as web, linux."),
        validators=[Optional(), at_most(500)],
    )
    categories = StringField(
        _l("Categories"),
        description=_l(
            "publiccode.yml categories separated by commas, such as document-management."
        ),
        validators=[Optional(), at_most(1000)],
    )

    def __init__(self, *args, product: Product | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.status.choices = list(STATUS_LABELS.items())
        self.software_type.choices = list(SOFTWARE_TYPE_LABELS.items())
        # Active people, and the current point person even when deactivated since, so that the
        # product can still be edited without choosing someone else.
        selectable = User.active.is_(True) & User.anonymised_at.is_(None)
        if product is not None and product.point_person_user_id is not None:
            selectable = or_(selectable, User.id == product.point_person_user_id)
        users = db.session.scalars(select(User).where(selectable).order_by(User.name, User.email))
        self.point_person_user_id.choices = [("", _l("No account"))] + [
            (str(user.id), self._person_label(user)) for user in users
        ]

    @staticmethod
    def _person_label(user: User) -> str:
        label = f"{user.display_name} <{user.email}>"
        if not user.active or user.anonymised_at is not None:
            # A plain str: a lazy string would be marked safe and so not escaped in the page.
            return str(_l("%(person)s (deactivated)", person=label))
        return label

    def validate_slug(self, field):
        if not field.data:
            field.data = slugs.slugify(self.name.data or "")
        else:
            field.data = field.data.strip()
        if not slugs.is_valid(field.data):
            raise ValidationError(
                _l(
                    "Use lowercase letters, digits and single hyphens, such as os2forms or my-product."
                )
            )
        existing = db.session.scalar(select(Product).where(Product.slug == field.data))
        if existing is not None and existing is not self.product:
            raise ValidationError(_l("Another product already has this short name."))

    def validate_licence(self, field):
        known = licences.canonical(field.data or "")
        if known is None:
            raise ValidationError(
                _l(
                    "%(licence)s is not an identifier from the SPDX licence list, such as MPL-2.0 or EUPL-1.2.",
                    licence=field.data,
                )
            )
        field.data = known


class DescriptionFields(SubForm):
    """A description in one language (part of DescriptionsForm, which carries the CSRF token)."""

    short_description = StringField(_l("Short description"), validators=[Optional(), at_most(150)])
    long_description = TextAreaField(
        _l("Long description"), validators=[Optional(), at_most(20000)]
    )
    features = TextAreaField(
        _l("Features"),
        description=_l("One feature per line."),
        validators=[Optional(), at_most(5000)],
    )


class DescriptionsForm(Form):
    en = FormField(DescriptionFields, label=_l("English"))
    da = FormField(DescriptionFields, label=_l("Danish"))
    de = FormField(DescriptionFields, label=_l("German"))
    cs = FormField(DescriptionFields, label=_l("Czech"))


def _one_of_the_ratings(form, field) -> None:
    if field.data and field.data not in RATING_LABELS:
        raise ValidationError(_l("Choose green, yellow or red."))


class RatingForm(Form):
    """One requirement's row of the assessment matrix: its fields are named r<id>-rating,
    r<id>-evidence and r<id>-explanation_accepted; the page's AssessmentForm carries the CSRF
    token for them all."""

    class Meta:
        csrf = False

    rating = StringField(_l("Rating"), validators=[Optional(), _one_of_the_ratings])
    evidence = TextAreaField(_l("Evidence or explanation"), validators=[Optional(), at_most(5000)])
    explanation_accepted = BooleanField(_l("The explanation of a yellow rating is accepted"))


class AssessmentForm(Form):
    """The assessment matrix's one Save: only the CSRF token; the rows are RatingForms."""


class LevelDecisionForm(Form):
    level = SelectField(_l("Level"), validators=[Optional()])
    decided_by_body = SelectField(_l("Decided by"), validators=[required()])
    decided_on = DateField(_l("Date of the decision"), validators=[required()])
    note = TextAreaField(_l("Note"), validators=[Optional(), at_most(5000)])
    confirm_above_reached = BooleanField(
        _l("Yes, record this level although the ratings do not reach it")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [("", _l("No level"))] + list(LEVEL_LABELS.items())
        self.decided_by_body.choices = list(BODY_LABELS.items())

    def validate_decided_by_body(self, field):
        # The secretariat admits a product to N1 (or takes it back); the board approves N2 and N3.
        if self.level.data in ("N2", "N3") and field.data != "board":
            raise ValidationError(_l("Only the board approves the levels N2 and N3."))


class RequirementForm(Form):
    text = TextAreaField(_l("Requirement (English)"), validators=[required(), at_most(2000)])
    text_da = TextAreaField(_l("Requirement (Danish)"), validators=[Optional(), at_most(2000)])
    text_de = TextAreaField(_l("Requirement (German)"), validators=[Optional(), at_most(2000)])
    text_cs = TextAreaField(_l("Requirement (Czech)"), validators=[Optional(), at_most(2000)])
    level = SelectField(_l("Level"), validators=[required()])
    active = BooleanField(_l("Counts towards the level"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = list(LEVEL_LABELS.items())


class ImportForm(Form):
    file = FileField(
        _l("publiccode.yml file"),
        description=_l(
            "A product with the same short name (the last part of the repository address) is "
            "updated; otherwise a new product is added."
        ),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
    )
