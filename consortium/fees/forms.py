"""Forms of the fee settings: schedules, tariffs, budgets and the copy to next year.

Each form turns what the clerk typed into the JSON spec kept in the database and checks it
through consortium/fees/specs.py, so a rule the engine cannot use is a field error.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from consortium import numbers
from consortium.fees import engine, specs
from consortium.fees.engine import KINDS
from consortium.fees.labels import (
    KIND_RULE_LABELS,
    PART_YEAR_LABELS,
    PRICING_LABELS,
    PURPOSE_LABELS,
    RULE_LABELS,
    SPLIT_LABELS,
)
from consortium.fees.models import BUDGET_PURPOSES
from consortium.fees.years import YearField
from consortium.forms import DecimalAmountField, Form, SubForm, at_most, required
from consortium.members.labels import KIND_LABELS, TIER_LABELS
from consortium.members.tiers import TIERS

NOT_A_NUMBER = _l("Enter a number such as 25000 or 25000,50.")

# What the columns hold: amounts are Numeric(14, 2), indexes Numeric(12, 4) (exclusive limits).
AMOUNT_LIMIT = Decimal("1000000000000")
INDEX_LIMIT = Decimal("100000000")
LIMITS = {2: AMOUNT_LIMIT, 4: INDEX_LIMIT}

# A lower bound of a population bracket: ASCII digits, optionally grouped by thousands with
# "." or "," (10000, 10.000, 10,000), never a decimal.
WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}([.,])[0-9]{3}(?:\1[0-9]{3})*")


def below_limit_message(limit: Decimal) -> str:
    return _l("Enter a number below %(limit)s.", limit=format_decimal(limit))


def parse_number(text: str) -> Decimal:
    """A number typed as the reader's language writes numbers, by the one rule every form and
    import keeps (consortium/numbers.py): 25000,50 and 25000.50 alike."""
    return numbers.parse_decimal(text, str(get_locale() or "en"))


class NumberField(DecimalAmountField):
    """A decimal number, not negative and below what its column holds; None when left empty."""

    def __init__(self, *args, places: int = 2, limit: Decimal | None = None, **kwargs):
        super().__init__(*args, places=places, invalid_message=NOT_A_NUMBER, **kwargs)
        self.limit = limit if limit is not None else LIMITS.get(places, INDEX_LIMIT)

    def convert(self, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(_l("The number cannot be negative."))
        if value >= self.limit:
            raise ValueError(below_limit_message(self.limit))
        return value


def parse_brackets(text: str) -> list[list]:
    """Lines "lower bound  rate" ("0 3", "10000 2", "100001 1") as [[0, "3"], ...]."""
    brackets = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = [part for part in re.split(r"[\s;\t]+", line.strip()) if part]
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationError(
                _l(
                    "Line %(line)d: write the lower bound and the rate, such as 10000 2.",
                    line=number,
                )
            )
        if WHOLE_NUMBER.fullmatch(parts[0]):
            bound = int(parts[0].replace(".", "").replace(",", ""))
        elif re.fullmatch(r"[0-9]+[.,][0-9]+", parts[0]):
            raise ValidationError(
                _l(
                    "Line %(line)d: the lower bound must be a whole number, without decimals.",
                    line=number,
                )
            )
        else:
            raise ValidationError(
                _l("Line %(line)d: the lower bound must be a whole number.", line=number)
            )
        try:
            rate = parse_number(parts[1])
        except ValueError:
            raise ValidationError(
                _l("Line %(line)d: the rate is not a number.", line=number)
            ) from None
        if rate < 0:
            raise ValidationError(_l("Line %(line)d: the rate cannot be negative.", line=number))
        brackets.append([bound, str(rate)])
    return brackets


def brackets_text(brackets) -> str:
    return "\n".join(f"{bound} {rate}" for bound, rate in brackets or ())


SPEC_MESSAGES = {
    "population brackets must start at 0": _l("The first bracket must start at 0."),
    "the lower bounds of population brackets must increase": _l(
        "The lower bounds must increase from line to line."
    ),
    "an index must be positive": _l("An index must be above zero."),
    "the minimum cannot be above the maximum": _l("The minimum cannot be above the maximum."),
}


def _spec_message(exc: Exception):
    return SPEC_MESSAGES.get(str(exc), _l("This rule cannot be used: %(reason)s", reason=str(exc)))


def ignore_what_does_not_apply(form, names) -> bool:
    """Forget the mistakes in the fields of choices not made (what was typed there stays on
    the page); whether the form is valid then."""
    for name in names:
        form[name].errors = []
    return not form.form_errors and not any(field.errors for field in form)


# The fields each general rule of a schedule reads; the others are ignored on save.
RULE_FIELDS = {
    "flat": ("amount",),
    "indexed": ("base_amount", "base_index", "index"),
    "per_resident": ("brackets", "marginal"),
    "per_tier": tuple(f"tier_{tier}" for tier in TIERS),
}


class _ScheduleBase(Form):
    rule_type = SelectField(_l("Rule"), validators=[required()])
    amount = NumberField(_l("Flat amount a year"), validators=[Optional()])
    base_amount = NumberField(_l("Base amount"), validators=[Optional()])
    base_index = NumberField(
        _l("Index when the base amount was set"), places=4, validators=[Optional()]
    )
    index = NumberField(_l("Index to regulate to"), places=4, validators=[Optional()])
    brackets = TextAreaField(
        _l("Rates per resident by population bracket"),
        description=_l(
            "One bracket a line: the lowest population of the bracket (inclusive) and the rate "
            'per resident, such as "0 3", "10000 2", "100001 1". The first starts at 0.'
        ),
        validators=[Optional(), at_most(2000)],
    )
    marginal = BooleanField(
        _l("Marginal: each bracket's residents at that bracket's rate"),
        description=_l("Unticked: the whole population at its bracket's rate."),
    )
    minimum = NumberField(_l("Minimum a year"), validators=[Optional()])
    maximum = NumberField(_l("Maximum a year"), validators=[Optional()])
    part_year_method = SelectField(
        _l("Joining during the year"),
        description=_l(
            "From the first day of active membership. Joining on 15 August with a fee of "
            "25,000.00: started months count August to December, 5/12 = 10,416.67; whole months "
            "in force count September to December, 4/12 = 8,333.33."
        ),
        validators=[required()],
    )
    part_year_refunds = BooleanField(_l("Refund the rest of the year when a member leaves"))
    population_offset = IntegerField(
        _l("Population basis: years before the fee year"),
        description=_l("1: the population of 1 January of the year before."),
        default=1,
        validators=[Optional(), NumberRange(0, 5)],
    )
    index_value = NumberField(
        _l("Index value of the year"),
        places=4,
        description=_l("Used to regulate next year's amounts."),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_type.choices = list(RULE_LABELS.items())
        self.part_year_method.choices = list(PART_YEAR_LABELS.items())
        for kind in KINDS:
            self[f"kind_{kind}"].choices = list(KIND_RULE_LABELS.items())

    # -- specs -----------------------------------------------------------------------------

    def _need(self, field) -> str:
        if field.data is None:
            if not field.errors:
                field.errors.append(_l("Please fill in this field."))
            raise ValidationError("")
        return str(field.data)

    def rule_spec(self) -> dict:
        kind = self.rule_type.data
        if kind == "flat":
            return specs.flat_spec(self._need(self.amount))
        if kind == "indexed":
            return specs.indexed_spec(
                self._need(self.base_amount), self._need(self.base_index), self._need(self.index)
            )
        if kind == "per_resident":
            try:
                brackets = parse_brackets(self.brackets.data)
            except ValidationError as exc:
                self.brackets.errors.append(exc.args[0])
                raise
            if not brackets:
                self.brackets.errors.append(_l("Please fill in this field."))
                raise ValidationError("")
            return specs.per_resident_spec(brackets, self.marginal.data)
        if kind == "per_tier":
            return specs.per_tier_spec({tier: self._need(self[f"tier_{tier}"]) for tier in TIERS})
        raise ValidationError("")

    def by_kind_spec(self) -> dict:
        result = {}
        for kind in KINDS:
            choice = self[f"kind_{kind}"].data
            if choice == "flat":
                result[kind] = specs.flat_spec(self._need(self[f"kind_{kind}_amount"]))
            elif choice == "exempt":
                result[kind] = specs.exempt_spec()
        return result

    def fields_not_applying(self) -> list[str]:
        """The fields of the rules not chosen, and the amounts of kinds without a flat rule."""
        names = [
            name
            for rule, fields in RULE_FIELDS.items()
            if rule != self.rule_type.data
            for name in fields
        ]
        names += [f"kind_{kind}_amount" for kind in KINDS if self[f"kind_{kind}"].data != "flat"]
        return names

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators=extra_validators)
        if not ignore_what_does_not_apply(self, self.fields_not_applying()):
            return False
        try:
            spec = self.rule_spec()
        except ValidationError:
            return False
        try:
            specs.membership_rule(spec)
        except (specs.SpecError, ValueError) as exc:
            field = {
                "indexed": self.base_index,
                "per_resident": self.brackets,
            }.get(spec["type"], self.rule_type)
            field.errors.append(_spec_message(exc.__cause__ or exc))
            return False
        try:
            self.by_kind_spec()
        except ValidationError:
            return False
        if (
            self.minimum.data is not None
            and self.maximum.data is not None
            and self.minimum.data > self.maximum.data
        ):
            self.maximum.errors.append(_l("The minimum cannot be above the maximum."))
            return False
        return True

    def values(self) -> dict:
        return {
            "rule": self.rule_spec(),
            "minimum": self.minimum.data,
            "maximum": self.maximum.data,
            "by_kind": self.by_kind_spec(),
            "part_year_method": self.part_year_method.data,
            "part_year_refunds": self.part_year_refunds.data,
            "population_offset": self.population_offset.data
            if self.population_offset.data is not None
            else 1,
            "index_value": self.index_value.data,
            "note": (self.note.data or "").strip(),
        }

    def fill(self, schedule) -> None:
        """Show a stored schedule in the form."""
        rule = specs.rule_values(schedule.rule)
        self.rule_type.data = rule["type"]
        for name in ("amount", "base_amount", "base_index", "index", "marginal"):
            if name in rule:
                self[name].data = rule[name]
        if "brackets" in rule:
            self.brackets.data = brackets_text(rule["brackets"])
        for tier, value in rule.get("amounts", {}).items():
            if tier in TIERS:
                self[f"tier_{tier}"].data = value
        for kind in KINDS:
            spec = (schedule.by_kind or {}).get(kind)
            if spec is None:
                self[f"kind_{kind}"].data = "general"
            elif spec.get("type") == "exempt":
                self[f"kind_{kind}"].data = "exempt"
            else:
                self[f"kind_{kind}"].data = "flat"
                self[f"kind_{kind}_amount"].data = specs.full_year_amount(spec)
        self.minimum.data = schedule.minimum
        self.maximum.data = schedule.maximum
        self.part_year_method.data = schedule.part_year_method
        self.part_year_refunds.data = schedule.part_year_refunds
        self.population_offset.data = schedule.population_offset
        self.index_value.data = schedule.index_value
        self.note.data = schedule.note


for _tier in TIERS:
    setattr(
        _ScheduleBase,
        f"tier_{_tier}",
        NumberField(
            _l("Amount a year for tier %(tier)s", tier=TIER_LABELS[_tier]),
            validators=[Optional()],
        ),
    )
for _kind in KINDS:
    setattr(
        _ScheduleBase,
        f"kind_{_kind}",
        SelectField(_l("%(kind)s: rule", kind=KIND_LABELS[_kind]), default="general"),
    )
    setattr(
        _ScheduleBase,
        f"kind_{_kind}_amount",
        NumberField(
            _l("%(kind)s: flat amount a year", kind=KIND_LABELS[_kind]),
            validators=[Optional()],
        ),
    )


class ScheduleForm(_ScheduleBase):
    """Create a year's schedule: the year is asked for."""

    year = YearField(_l("Year"), validators=[required()])


class ScheduleEditForm(_ScheduleBase):
    """Change a year's schedule."""


class CopyScheduleForm(Form):
    old_index = NumberField(
        _l("This year's index"),
        places=4,
        description=_l("As recorded on this year's schedule."),
        validators=[Optional()],
    )
    new_index = NumberField(_l("Next year's index"), places=4, validators=[required()])
    copy_tariffs = BooleanField(_l("Copy this year's product tariffs"), default=True)
    regulate_tariffs = BooleanField(
        _l("Regulate the amounts of tier tables by the index too"), default=True
    )

    def validate_new_index(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("An index must be above zero."))

    def validate_old_index(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("An index must be above zero."))


class TariffForm(Form):
    pricing_type = SelectField(_l("Pricing"), validators=[required()])
    method = SelectField(_l("How the budget is split"), validators=[Optional()])
    equal_percentage = NumberField(
        _l("Percentage shared equally"),
        description=_l("The rest is shared by population."),
        validators=[Optional()],
    )
    minimum = NumberField(_l("Minimum per participant"), validators=[Optional()])
    maximum = NumberField(_l("Maximum per participant"), validators=[Optional()])
    part_year_method = SelectField(_l("Joining during the year"), validators=[required()])
    part_year_refunds = BooleanField(_l("Refund the rest of the year when a participant leaves"))
    first_year = YearField(
        _l("The product's first year"),
        description=_l("Organisations that join in a later year pay the entry fee."),
        validators=[Optional()],
    )
    entry_fee = NumberField(_l("Entry fee"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pricing_type.choices = list(PRICING_LABELS.items())
        self.method.choices = list(SPLIT_LABELS.items())
        self.part_year_method.choices = list(PART_YEAR_LABELS.items())

    def pricing_spec(self) -> dict:
        if self.pricing_type.data == "tier_table":
            amounts = {}
            for tier in TIERS:
                field = self[f"amount_{tier}"]
                if field.data is None:
                    field.errors.append(_l("Please fill in this field."))
                    raise ValidationError("")
                amounts[tier] = field.data
            return specs.tier_table_spec(amounts)
        method = self.method.data or engine.EQUAL
        weights = {}
        if method == engine.BY_TIER_WEIGHTS:
            for tier in TIERS:
                field = self[f"weight_{tier}"]
                if field.data is None:
                    field.errors.append(_l("Please fill in this field."))
                    raise ValidationError("")
                weights[tier] = field.data
        percentage = None
        if method == engine.EQUAL_PART_AND_POPULATION:
            if self.equal_percentage.data is None:
                self.equal_percentage.errors.append(_l("Please fill in this field."))
                raise ValidationError("")
            if self.equal_percentage.data > 100:
                self.equal_percentage.errors.append(_l("Give a percentage from 0 to 100."))
                raise ValidationError("")
            percentage = self.equal_percentage.data
        return specs.budget_split_spec(
            method,
            tier_weights=weights,
            equal_percentage=percentage,
            minimum=self.minimum.data,
            maximum=self.maximum.data,
        )

    def fields_not_applying(self) -> list[str]:
        """The fields of the pricing not chosen, and of the ways of splitting not chosen."""
        split = ["method", "equal_percentage", "minimum", "maximum"]
        split += [f"weight_{tier}" for tier in TIERS]
        if self.pricing_type.data != "budget_split":
            return split
        names = [f"amount_{tier}" for tier in TIERS]
        if self.method.data != engine.BY_TIER_WEIGHTS:
            names += [f"weight_{tier}" for tier in TIERS]
        if self.method.data != engine.EQUAL_PART_AND_POPULATION:
            names.append("equal_percentage")
        return names

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators=extra_validators)
        if not ignore_what_does_not_apply(self, self.fields_not_applying()):
            return False
        try:
            spec = self.pricing_spec()
        except ValidationError:
            return False
        try:
            specs.check_tariff(
                spec,
                part_year_method=self.part_year_method.data,
                part_year_refunds=self.part_year_refunds.data,
                first_year=self.first_year.data,
                entry_fee=self.entry_fee.data,
            )
        except (specs.SpecError, ValueError) as exc:
            target = self.maximum if "minimum" in str(exc) else self.pricing_type
            target.errors.append(_spec_message(exc))
            return False
        return True

    def values(self) -> dict:
        return {
            "pricing": self.pricing_spec(),
            "part_year_method": self.part_year_method.data,
            "part_year_refunds": self.part_year_refunds.data,
            "first_year": self.first_year.data,
            "entry_fee": self.entry_fee.data,
        }

    def fill(self, tariff) -> None:
        pricing = specs.pricing_values(tariff.pricing)
        self.pricing_type.data = pricing["type"]
        for tier, value in pricing["amounts"].items():
            if tier in TIERS:
                self[f"amount_{tier}"].data = value
        self.method.data = pricing["method"]
        for tier, value in pricing["tier_weights"].items():
            if tier in TIERS:
                self[f"weight_{tier}"].data = value
        for name in ("equal_percentage", "minimum", "maximum"):
            if pricing[name] is not None:
                self[name].data = pricing[name]
        self.part_year_method.data = tariff.part_year_method
        self.part_year_refunds.data = tariff.part_year_refunds
        self.first_year.data = tariff.first_year
        self.entry_fee.data = tariff.entry_fee


for _tier in TIERS:
    setattr(
        TariffForm,
        f"amount_{_tier}",
        NumberField(
            _l("Amount a year for tier %(tier)s", tier=TIER_LABELS[_tier]),
            validators=[Optional()],
        ),
    )
    setattr(
        TariffForm,
        f"weight_{_tier}",
        NumberField(
            _l("Weight of tier %(tier)s", tier=TIER_LABELS[_tier]),
            places=4,
            validators=[Optional()],
        ),
    )


class BudgetLineForm(SubForm):
    """One line of a budget (a row of the budget form)."""

    purpose = SelectField(_l("Purpose"), validators=[Optional()])
    amount = NumberField(_l("Amount"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), at_most(200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = [("", "–")] + [
            (purpose, PURPOSE_LABELS[purpose]) for purpose in BUDGET_PURPOSES
        ]


BUDGET_ROWS = 6


class BudgetForm(Form):
    lines = FieldList(FormField(BudgetLineForm), min_entries=BUDGET_ROWS)

    def validate_lines(self, field):
        problem = False
        for entry in field.entries:
            line = entry.form
            if line.amount.data is not None and not line.purpose.data:
                line.purpose.errors.append(_l("Choose the purpose of this line."))
                problem = True
            if line.purpose.data and line.amount.data is None:
                line.amount.errors.append(_l("Please fill in this field."))
                problem = True
        if problem:
            raise ValidationError(_l("Please correct the lines marked below."))
        total = sum(
            (entry.form.amount.data for entry in field.entries if entry.form.amount.data),
            Decimal("0"),
        )
        if total >= AMOUNT_LIMIT:
            raise ValidationError(  # a plain string: the template shows the strings only
                str(_l("The total must be below %(limit)s.", limit=format_decimal(AMOUNT_LIMIT)))
            )

    def values(self) -> list[dict]:
        return [
            {
                "purpose": entry.form.purpose.data,
                "amount": entry.form.amount.data,
                "note": (entry.form.note.data or "").strip(),
            }
            for entry in self.lines.entries
            if entry.form.purpose.data and entry.form.amount.data is not None
        ]
