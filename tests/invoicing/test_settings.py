"""The secretariat sets the seller's invoicing data and the VAT of each kind of invoice line at
/settings/invoicing; every change is in the audit trail."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.settings.models import (
    COMPONENT_KINDS,
    VAT_CATEGORIES,
    AssociationSettings,
    ComponentVat,
)
from consortium.settings.services import all_component_vat, get_settings

URL = "/settings/invoicing"


def _image(kind: str, size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def _form(**changes) -> dict:
    data = {
        "legal_name": "OS2 – Offentligt digitaliseringsfællesskab",
        "iban": "dk50 0040 0440 1162 43",
        "bic": "dabadkkk",
        "payment_terms_days": "30",
        "invoice_prefix": "",
        "credit_note_prefix": "CN-",
    }
    for kind in COMPONENT_KINDS:
        data |= {
            f"{kind}-vat_category": "O",
            f"{kind}-vat_rate": "0",
            f"{kind}-exemption_code": "VATEX-EU-O",
            f"{kind}-exemption_reason": "Outside the scope of VAT",
        }
    return data | changes


def _post(client, logo: bytes | None = None, **changes):
    """Send the form as a browser does; the body is encoded in memory, also for a large logo."""
    values = MultiDict(_form(**changes))
    if logo is not None:
        values["logo"] = FileStorage(io.BytesIO(logo), filename="logo")
    boundary, body = encode_multipart(values)
    return client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_defaults_put_fees_outside_the_scope_of_vat(secretariat_client):
    page = secretariat_client.get(URL).get_data(as_text=True)
    assert "Contribution to a public cost-sharing association, outside the scope of VAT" in page
    assert 'value="CN-"' in page
    assert 'value="30"' in page
    vat = all_component_vat()
    assert [row.vat_category for row in vat.values()] == ["O"] * 5
    assert {row.exemption_code for row in vat.values()} == {"VATEX-EU-O"}


def test_the_categories_are_those_of_the_invoice_document():
    from consortium.invoicing import document

    assert VAT_CATEGORIES == document.VAT_CATEGORIES


def test_saving_normalises_the_bank_account_and_records_the_changes(secretariat_client):
    response = _post(
        secretariat_client,
        invoice_prefix="inv-",
        **{
            "free-vat_category": "S",
            "free-vat_rate": "25",
            "free-exemption_code": "",
            "free-exemption_reason": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    settings = get_settings()
    assert (settings.iban, settings.bic, settings.invoice_prefix) == (
        "DK5000400440116243",
        "DABADKKK",
        "INV-",
    )
    free = db.session.get(ComponentVat, "free")
    assert (free.vat_category, free.vat_rate, free.exemption_code) == ("S", Decimal("25.00"), "")
    record_types = set(db.session.scalars(select(AuditEntry.record_type)))
    assert {"association_settings", "component_vat"} <= record_types
    page = secretariat_client.get(URL).get_data(as_text=True)
    assert "VAT of a kind of invoice line" in page  # the history on the page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"iban": "DK50 0040 0440 1162 44"}, "This is not a valid IBAN."),
        ({"bic": "DABAXXKK"}, "This is not a valid BIC."),
        ({"payment_terms_days": "0"}, "Enter a number from 1 to 365."),
        ({"payment_terms_days": "366"}, "Enter a number from 1 to 365."),
        ({"invoice_prefix": "CN-"}, "Credit notes need a prefix of their own."),
        ({"invoice_prefix": "INV/"}, "Use only letters, digits and dashes."),
        ({"invoice_prefix": "ABCDEFGHIJK"}, "Use at most 10 characters."),
        ({"membership-vat_rate": "12"}, "Only a standard-rated line has a rate above 0."),
        (
            {"membership-vat_category": "S", "membership-vat_rate": "0"},
            "A standard-rated line has a rate above 0.",
        ),
        ({"membership-vat_rate": "100.001"}, "Use at most 2 decimals."),
        (
            {"membership-vat_category": "E", "membership-exemption_code": ""},
            "Choose the exemption code of this category.",
        ),
        (
            {"membership-vat_category": "E"},
            "This exemption code does not belong to the category.",
        ),
        (
            {"membership-vat_category": "Z"},
            "Only exempt, outside-scope and reverse-charge lines carry an exemption.",
        ),
    ],
)
def test_wrong_invoicing_data_is_refused_with_a_reason(secretariat_client, changes, message):
    response = _post(secretariat_client, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert db.session.scalars(select(ComponentVat)).all() == []


def test_an_exempt_line_takes_an_article_of_the_directive(secretariat_client):
    response = _post(
        secretariat_client,
        **{
            "pledge-vat_category": "E",
            "pledge-exemption_code": "VATEX-EU-132",
            "pledge-exemption_reason": "Exempt under article 132(1)(f)",
        },
    )
    assert response.status_code == 302
    assert db.session.get(ComponentVat, "pledge").exemption_code == "VATEX-EU-132"


def test_an_empty_exemption_reason_is_kept_for_the_standard_text_in_each_language(
    secretariat_client,
):
    page = secretariat_client.get(URL).get_data(as_text=True).replace("&#39;", "'")
    assert "each invoice prints the standard text in its buyer's language" in page
    response = _post(secretariat_client, **{"membership-exemption_reason": "  "})
    assert response.status_code == 302
    assert db.session.get(ComponentVat, "membership").exemption_reason == ""


def test_a_png_logo_is_kept_shown_and_removed(secretariat_client):
    png = _image("PNG")
    response = _post(secretariat_client, logo=png)
    assert response.status_code == 302
    settings = get_settings()
    assert (settings.logo, settings.logo_type) == (png, "image/png")
    assert 'src="data:image/png;base64,' in secretariat_client.get(URL).get_data(as_text=True)

    assert _post(secretariat_client, remove_logo="y").status_code == 302
    assert db.session.get(AssociationSettings, 1).logo is None
    assert "No logo yet." in secretariat_client.get(URL).get_data(as_text=True)


def test_a_jpeg_logo_is_taken(secretariat_client):
    response = _post(secretariat_client, logo=_image("JPEG"))
    assert response.status_code == 302
    assert get_settings().logo_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "The logo must be a PNG or JPEG image."),
        (b"\x89PNG\r\n\x1a\nnot really an image", "The logo must be a PNG or JPEG image."),
        (b"\x89PNG" + b"\0" * (500 * 1024), "The logo may be at most 500 kB."),
    ],
)
def test_a_logo_is_checked_by_its_content_and_size(secretariat_client, content, message):
    response = _post(secretariat_client, logo=content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert get_settings().logo is None


def test_only_the_secretariat_sets_the_invoicing_data(user_client):
    assert user_client.get(URL).status_code == 403
    assert _post(user_client).status_code == 403
