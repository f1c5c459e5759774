"""The backlog forms: submitting and editing an item, an estimate, a rejection, a comment, a
link, a new prioritisation round, and the buttons that change an item or a round."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from consortium.backlog.labels import METHOD_LABELS, STATUS_LABELS, TYPE_LABELS, WEIGHTING_LABELS
from consortium.backlog.models import ITEM_TYPES, ROUND_METHODS, WEIGHTINGS
from consortium.backlog.services import (
    CATEGORY_LIMIT,
    COMMENT_LIMIT,
    DESCRIPTION_LIMIT,
    LABEL_LIMIT,
    MAX_AMOUNT,
    MAX_HOURS,
    MAX_POINTS,
    NOTE_LIMIT,
    REASON_LIMIT,
    TITLE_LIMIT,
    URL_LIMIT,
)
from consortium.forms import DecimalAmountField, Form, at_most, number_between, required


def _stripped_required(field: StringField) -> None:
    field.data = (field.data or "").strip()
    if not field.data:
        raise StopValidation(_l("Please fill in this field."))


class AmountField(DecimalAmountField):
    """An amount of money typed as the reader writes numbers, from 0 up to a limit, in cents."""

    def __init__(self, *args: Any, limit: Decimal = MAX_AMOUNT, **kwargs: Any) -> None:
        kwargs.setdefault("places", 2)
        kwargs.setdefault(
            "invalid_message", _l("Enter an amount such as 1500 or 1500.50, without a currency.")
        )
        super().__init__(*args, **kwargs)
        self.limit = limit

    def convert(self, value: Decimal) -> Decimal:
        if not value.is_finite() or value < 0:
            raise ValueError(_l("Enter an amount of 0 or more."))
        if value > self.limit:
            raise ValueError(
                _l("Enter an amount of at most %(limit)s.", limit=format_decimal(self.limit))
            )
        return value.quantize(Decimal("0.01"))


class HoursField(DecimalAmountField):
    """Hours typed as the reader writes numbers, with at most one decimal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("places", 1)
        kwargs.setdefault("invalid_message", _l("Enter the hours as a number such as 40 or 37.5."))
        super().__init__(*args, **kwargs)

    def convert(self, value: Decimal) -> Decimal:
        if not value.is_finite() or value < 0 or value > MAX_HOURS:
            raise ValueError(
                _l(
                    "Enter the hours as a number from 0 to %(limit)s.",
                    limit=format_decimal(MAX_HOURS),
                )
            )
        return value.quantize(Decimal("0.1"))


class ItemForm(Form):
    """An item's title, description, type and category."""

    title = StringField(_l("Title"), validators=[required(), at_most(TITLE_LIMIT)])
    type = SelectField(_l("Type"), validators=[required()])
    category = StringField(
        _l("Category"),
        description=_l("Such as a part of the product; may be empty."),
        validators=[Optional(), at_most(CATEGORY_LIMIT)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "What is wished for and why. Markdown: **bold**, lists with -, links as [text](https://…)."
        ),
        validators=[Optional(), at_most(DESCRIPTION_LIMIT)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [(key, TYPE_LABELS[key]) for key in ITEM_TYPES]

    def validate_title(self, field: StringField) -> None:
        _stripped_required(field)

    def validate_category(self, field: StringField) -> None:
        field.data = (field.data or "").strip()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "type": self.type.data,
            "category": self.category.data or "",
        }


# The organisation choice of the secretariat, who may submit for no organisation in particular.
NO_ORGANISATION = "none"


class SubmitForm(ItemForm):
    """A new item, for one of the organisations the person speaks for."""

    organisation = SelectField(_l("Submitted for"), validators=[required()])

    def __init__(self, *args: Any, organisations: list[Any], anyone: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(str(each.id), each.name) for each in organisations]
        if anyone:
            choices.insert(0, (NO_ORGANISATION, str(_l("No organisation in particular"))))
        self.organisation.choices = choices


class EstimateForm(Form):
    """The supplier's estimate: an amount of money, hours beside it, a note."""

    amount = AmountField(
        _l("Estimate"),
        description=_l("In the association's currency; leave empty to take the estimate away."),
        validators=[Optional()],
    )
    hours = HoursField(_l("Hours"), description=_l("May be empty."), validators=[Optional()])
    note = TextAreaField(
        _l("Note"),
        description=_l("What the estimate covers and assumes; may be empty."),
        validators=[Optional(), at_most(NOTE_LIMIT)],
    )


class RejectForm(Form):
    """Why an item is rejected, for the organisation that submitted it."""

    reason = TextAreaField(
        _l("Reason for the rejection"), validators=[required(), at_most(REASON_LIMIT)]
    )

    def validate_reason(self, field: TextAreaField) -> None:
        _stripped_required(field)


class CommentForm(Form):
    """A comment on an item."""

    text = TextAreaField(_l("Comment"), validators=[required(), at_most(COMMENT_LIMIT)])

    def validate_text(self, field: TextAreaField) -> None:
        _stripped_required(field)


class LinkForm(Form):
    """A link from an item, such as its issue in the product's tracker."""

    label = StringField(
        _l("Link text"),
        description=_l("Such as: Issue 123 in the tracker."),
        validators=[required(), at_most(LABEL_LIMIT)],
    )
    url = StringField(
        _l("Web address"),
        description=_l("Starting with https:// or http://."),
        validators=[required(), at_most(URL_LIMIT)],
    )

    def validate_label(self, field: StringField) -> None:
        _stripped_required(field)

    def validate_url(self, field: StringField) -> None:
        _stripped_required(field)


class MoveForm(Form):
    """Move an item into development, or a developed one to delivered."""

    target = SelectField(_l("Move to"), validators=[required()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target.choices = [(key, STATUS_LABELS[key]) for key in ("in_development", "delivered")]


class ActionForm(Form):
    """A button that changes an item or a round: only the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        # Items that have gone since the page was drawn are named by the service's refusal.
        pass


class RoundForm(Form):
    """A new prioritisation round: its group, items, method, weighting and times (on the
    association's clock)."""

    title = StringField(_l("Title"), validators=[required(), at_most(TITLE_LIMIT)])
    group = SelectField(_l("Coordination group"), validators=[required()])
    items = MultiCheckboxField(_l("Items"), validators=[Optional()])
    method = SelectField(_l("Method"), validators=[required()])
    points_total = IntegerField(
        _l("Points per organisation"),
        description=_l("Points only: how many points each organisation distributes."),
        validators=[Optional(), number_between(1, MAX_POINTS)],
    )
    max_per_item = IntegerField(
        _l("Most points on one item"),
        description=_l("Points only."),
        validators=[Optional(), number_between(1, MAX_POINTS)],
    )
    budget = AmountField(
        _l("Budget"),
        description=_l("The budget methods only: what the funded items may cost together."),
        validators=[Optional()],
    )
    weighting = SelectField(_l("Weighting"), validators=[required()])
    opens_on = DateField(
        _l("Opens on"), validators=[InputRequired(message=_l("Enter the day, such as 2027-03-26."))]
    )
    opens_time = TimeField(
        _l("Opens at"), validators=[InputRequired(message=_l("Enter the time, such as 10:00."))]
    )
    closes_on = DateField(
        _l("Closes on"),
        validators=[InputRequired(message=_l("Enter the day, such as 2027-03-26."))],
    )
    closes_time = TimeField(
        _l("Closes at"), validators=[InputRequired(message=_l("Enter the time, such as 10:00."))]
    )

    def __init__(self, *args: Any, groups: list[Any], items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group.choices = [(str(group.id), group.name) for group in groups]
        self.items.choices = [(str(item.id), f"#{item.id} {item.title}") for item in items]
        self.method.choices = [(key, METHOD_LABELS[key]) for key in ROUND_METHODS]
        self.weighting.choices = [(key, WEIGHTING_LABELS[key]) for key in WEIGHTINGS]

    def validate_title(self, field: StringField) -> None:
        _stripped_required(field)

    def validate_points_total(self, field: IntegerField) -> None:
        if self.method.data == "points" and field.data is None:
            raise StopValidation(_l("A points round needs the points per organisation."))

    def validate_max_per_item(self, field: IntegerField) -> None:
        if self.method.data == "points" and field.data is None:
            raise StopValidation(_l("A points round needs the most points on one item."))

    def validate_budget(self, field: AmountField) -> None:
        if self.method.data in ("budget-greedy", "equal-shares") and field.data is None:
            raise StopValidation(_l("A budget round needs its budget."))

    def item_ids(self) -> list[int]:
        chosen = []
        for value in self.items.data or []:
            try:
                chosen.append(int(value))
            except (TypeError, ValueError):
                continue
        return chosen
