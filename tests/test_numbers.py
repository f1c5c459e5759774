"""One rule for decimal numbers in every form and import, table-tested in each language."""

from decimal import Decimal

import pytest

from consortium.numbers import NumberError, decimal_mark, parse_decimal, parse_with_mark

D = Decimal
NO = None  # no number

# text: (en, da, de, cs)
TABLE = {
    "12500": (D("12500"), D("12500"), D("12500"), D("12500")),
    "12,5": (D("12.5"), D("12.5"), D("12.5"), D("12.5")),
    "12.5": (D("12.5"), D("12.5"), D("12.5"), D("12.5")),
    "12,50": (D("12.50"), D("12.50"), D("12.50"), D("12.50")),
    "12.500": (D("12.500"), D("12500"), D("12500"), D("12500")),
    "12,500": (D("12500"), D("12.500"), D("12.500"), D("12.500")),
    "1.000,00": (D("1000.00"), D("1000.00"), D("1000.00"), D("1000.00")),
    "1,000.00": (D("1000.00"), D("1000.00"), D("1000.00"), D("1000.00")),
    "12.500,75": (D("12500.75"), D("12500.75"), D("12500.75"), D("12500.75")),
    "1.234.567": (D("1234567"), D("1234567"), D("1234567"), D("1234567")),
    "1,234,567.5": (D("1234567.5"), D("1234567.5"), D("1234567.5"), D("1234567.5")),
    "12 500,00": (D("12500.00"), D("12500.00"), D("12500.00"), D("12500.00")),
    "12\u00a0500,5": (D("12500.5"), D("12500.5"), D("12500.5"), D("12500.5")),
    "12\u202f500": (D("12500"), D("12500"), D("12500"), D("12500")),
    "1234,567": (D("1234.567"), D("1234.567"), D("1234.567"), D("1234.567")),
    "0,005": (D("0.005"), D("0.005"), D("0.005"), D("0.005")),
    "0.005": (D("0.005"), D("0.005"), D("0.005"), D("0.005")),
    "0.000,5": (NO, NO, NO, NO),
    "-12,5": (D("-12.5"), D("-12.5"), D("-12.5"), D("-12.5")),
    "-1.000": (D("-1.000"), D("-1000"), D("-1000"), D("-1000")),
    "1.00,5": (NO, NO, NO, NO),
    "1,0000.5": (NO, NO, NO, NO),
    "1,000,00": (NO, NO, NO, NO),
    "1.000.00": (NO, NO, NO, NO),
    "1.000,000.5": (NO, NO, NO, NO),
    "12,5,5": (NO, NO, NO, NO),
    ".5": (NO, NO, NO, NO),
    "5.": (NO, NO, NO, NO),
    "-": (NO, NO, NO, NO),
    "--5": (NO, NO, NO, NO),
    "+5": (NO, NO, NO, NO),
    "1e5": (NO, NO, NO, NO),
    "NaN": (NO, NO, NO, NO),
    "Infinity": (NO, NO, NO, NO),
    "²": (NO, NO, NO, NO),
    "١٢": (NO, NO, NO, NO),
    "12 kr": (NO, NO, NO, NO),
    "9" * 41: (NO, NO, NO, NO),
}
LOCALES = ("en", "da", "de", "cs")
CASES = [
    pytest.param(text, locale, expected[position], id=f"{locale}:{text}")
    for text, expected in TABLE.items()
    for position, locale in enumerate(LOCALES)
]


@pytest.mark.parametrize(("text", "locale", "expected"), CASES)
def test_one_rule_in_every_language(text, locale, expected):
    if expected is None:
        with pytest.raises(NumberError) as caught:
            parse_decimal(text, locale)
        assert caught.value.reason == "invalid"
        assert isinstance(caught.value, ValueError)
    else:
        value = parse_decimal(text, locale)
        assert value == expected
        # The digits typed after the decimal mark are kept, for a check of the decimals.
        assert value.as_tuple().exponent == expected.as_tuple().exponent


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_nothing_typed_is_empty(text):
    with pytest.raises(NumberError) as caught:
        parse_decimal(text, "da")
    assert caught.value.reason == "empty"


@pytest.mark.parametrize(
    ("locale", "mark"),
    [("en", "."), ("da", ","), ("de", ","), ("cs", ","), ("en_GB", "."), (None, "."), ("xx", ".")],
)
def test_the_decimal_mark_is_the_language_s(locale, mark):
    assert decimal_mark(locale) == mark


def test_a_spreadsheet_s_decimal_mark_can_be_given_directly():
    assert parse_with_mark("12.500", ",") == D("12500")
    assert parse_with_mark("12.500", ".") == D("12.500")
    with pytest.raises(ValueError, match="decimal mark"):
        parse_with_mark("1", ";")


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        ("en", "12,5", D("12.5")),
        ("en", "12.500", D("12.5")),
        ("da", "12.500", D("12500")),
        ("de", "1.000,25", D("1000.25")),
        ("cs", "12\u00a0500,5", D("12500.5")),
    ],
)
def test_the_form_field_reads_by_the_same_rule(app, locale, typed, expected):
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from consortium.forms import DecimalAmountField, SubForm

    class AmountForm(SubForm):
        amount = DecimalAmountField(places=4)

    with app.test_request_context(), force_locale(locale):
        form = AmountForm(MultiDict({"amount": typed}))
        assert form.validate(), form.errors
        assert form.amount.data == expected
        # Shown again without what was typed, the number reads back as itself.
        shown = AmountForm(data={"amount": expected}).amount._value()
        assert parse_decimal(shown, locale) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "Enter a number such as 25000 or 25000,50."), ("1,23456", "Use at most 4 decimals.")],
)
def test_the_form_field_names_what_is_wrong(app, typed, message):
    from werkzeug.datastructures import MultiDict

    from consortium.forms import DecimalAmountField, SubForm

    class AmountForm(SubForm):
        amount = DecimalAmountField(places=4)

    with app.test_request_context():
        form = AmountForm(MultiDict({"amount": typed}))
        assert not form.validate()
        assert [str(error) for error in form.amount.errors] == [message]
        assert form.amount._value() == typed
