"""The invoice pages: the secretariat's list and an invoice's page, a contact's own invoices,
and the stored PDF and e-invoice as downloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from consortium.extensions import db
from consortium.fees.engine import Explanation
from consortium.fees.explanations import explanation_to_json
from consortium.invoicing import services
from consortium.invoicing.models import Invoice
from consortium.members import services as members
from consortium.settings.models import ComponentVat
from consortium.settings.services import update_settings
from tests.conftest import login, make_user
from tests.invoicing.factories import buyer, complete_seller, draft, gln

PER_RESIDENT = explanation_to_json(
    Explanation(
        rule="per_resident",
        basis_population=352751,
        basis_year=2026,
        rate=Decimal("0.50"),
        full_year_minor=17637550,
    )
)


def issued(
    organisation,
    *amounts,
    on=date(2027, 2, 1),
    explanation=None,
    component="membership",
):
    """An issued invoice, its PDF and (for a buyer with an electronic address) its e-invoice
    stored as issuing stores them."""
    # A seller a valid e-invoice can name, also on standard-rated lines (BR-S-02).
    update_settings(complete_seller(), vat_number="DK29189846")
    invoice = draft(organisation, *amounts, component=component)
    if explanation is not None:
        invoice.lines[0].explanation = explanation
    db.session.flush()
    return services.issue(invoice, on=on)


def contact_of(organisation, email: str, language: str | None = None):
    user = make_user(email, language=language)
    members.add_contact(organisation, user.id, "finance")
    db.session.commit()
    return user


# -- the secretariat's list ------------------------------------------------------------------


def test_the_secretariat_lists_invoices_and_narrows_them(app, client):
    aarhus = buyer("Aarhus Kommune")
    odder = buyer("Odder Kommune", gln=gln(2))
    first = issued(aarhus, "25000.00", on=date(2026, 3, 1))
    second = issued(odder, "1000.00", on=date(2027, 2, 1))
    waiting = draft(aarhus, "500.00")
    db.session.commit()
    make_user("sec@example.org", secretariat=True)
    login(client, "sec@example.org")

    page = client.get("/invoices/").get_data(as_text=True)
    assert first.number == "2026-00001" and second.number == "2027-00001"
    assert "2026-00001" in page and "2027-00001" in page
    assert f"/invoices/{waiting.id}" in page  # the secretariat sees drafts too
    assert "Aarhus Kommune" in page and "Odder Kommune" in page
    assert "DKK\xa025,000.00" in page and "DKK\xa01,000.00" in page  # the totals, outside VAT
    assert page.index("2026-00001") < page.index("2027-00001")  # by number

    newest_first = client.get("/invoices/?sort=issued").get_data(as_text=True)
    assert newest_first.index("2027-00001") < newest_first.index("2026-00001")

    only_2027 = client.get("/invoices/?year=2027").get_data(as_text=True)
    assert "2027-00001" in only_2027 and "2026-00001" not in only_2027

    only_odder = client.get("/invoices/?q=odder").get_data(as_text=True)
    assert "2027-00001" in only_odder and "2026-00001" not in only_odder

    drafts = client.get("/invoices/?status=draft").get_data(as_text=True)
    assert f"/invoices/{waiting.id}" in drafts and "2026-00001" not in drafts

    # Filters the page does not know are ignored, not an error.
    assert client.get("/invoices/?year=abc&status=paid&sort=x&page=999999999").status_code == 200


def test_the_list_is_the_secretariats_only(app, client):
    aarhus = buyer()
    issued(aarhus)
    contact_of(aarhus, "finance@aarhus.example.dk")
    login(client, "finance@aarhus.example.dk")
    assert client.get("/invoices/").status_code == 403


# -- an invoice's page -----------------------------------------------------------------------


def test_the_invoice_page_shows_lines_explanations_vat_and_totals_in_the_readers_locale(
    app, client
):
    # Product shares carry Danish VAT at 25 %.
    db.session.add(ComponentVat(component="product", vat_category="S", vat_rate=Decimal("25.00")))
    aarhus = buyer("Aarhus Kommune")
    invoice = issued(aarhus, "25000.00", explanation=PER_RESIDENT, component="product")
    contact_of(aarhus, "finance@aarhus.example.dk", language="da")
    login(client, "finance@aarhus.example.dk")

    response = client.get(f"/invoices/{invoice.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2027-00001" in page
    assert "Aarhus Kommune" in page and "Økonomiafdelingen" in page
    # The amounts as a Danish reader writes them: net, 25 % VAT and the total.
    assert "25.000,00" in page
    assert "6.250,00" in page
    assert "31.250,00" in page
    # The engine's explanation in words, with its numbers in Danish.
    assert "352.751" in page and "2026" in page
    # The buyer has a GLN and takes e-invoices: the address is named.
    assert "0088:5798000000001" in page
    assert f'href="/invoices/{invoice.id}.pdf"' in page
    assert f'href="/invoices/{invoice.id}.xml"' in page
    assert "<caption>" in page and 'scope="col"' in page


def test_the_invoice_page_says_why_there_is_no_e_invoice(app, client):
    organisation = buyer("Odder Kommune", gln=None)
    invoice = issued(organisation, "1000.00")
    make_user("sec@example.org", secretariat=True)
    login(client, "sec@example.org")

    page = client.get(f"/invoices/{invoice.id}").get_data(as_text=True)
    assert "cannot be sent as a Peppol e-invoice" in page
    assert "has no electronic address" in page
    assert f'href="/invoices/{invoice.id}.pdf"' in page
    assert f'href="/invoices/{invoice.id}.xml"' not in page


# -- downloads -------------------------------------------------------------------------------


def test_downloads_give_the_stored_bytes_named_by_the_number(app, client):
    aarhus = buyer()
    invoice = issued(aarhus)
    contact_of(aarhus, "finance@aarhus.example.dk")
    login(client, "finance@aarhus.example.dk")

    pdf = client.get(f"/invoices/{invoice.id}.pdf")
    assert pdf.status_code == 200
    assert pdf.data == invoice.pdf and pdf.data.startswith(b"%PDF")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="2027-00001.pdf"'

    xml = client.get(f"/invoices/{invoice.id}.xml")
    assert xml.status_code == 200
    assert xml.data == invoice.ubl and b"<cbc:ID>2027-00001</cbc:ID>" in xml.data
    assert xml.mimetype == "application/xml"
    assert xml.headers["Content-Disposition"] == 'attachment; filename="2027-00001.xml"'


def test_a_file_not_stored_is_a_404_page_and_is_not_made_anew(app, client, monkeypatch):
    # An invoice whose files were never stored (issued without them): nothing is made anew.
    monkeypatch.setattr(services, "render_documents", lambda invoice: None)
    invoice = issued(buyer())
    make_user("sec@example.org", secretariat=True)
    login(client, "sec@example.org")

    pdf = client.get(f"/invoices/{invoice.id}.pdf")
    assert pdf.status_code == 404
    assert "The PDF of this invoice is not stored" in pdf.get_data(as_text=True)
    xml = client.get(f"/invoices/{invoice.id}.xml")
    assert xml.status_code == 404
    assert "No e-invoice is stored" in xml.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Invoice, invoice.id)
    assert stored.pdf is None and stored.ubl is None


# -- a contact's own invoices ----------------------------------------------------------------


def test_a_contact_sees_their_own_issued_invoices_only(app, client):
    aarhus = buyer("Aarhus Kommune")
    odder = buyer("Odder Kommune", gln=gln(2))
    own = issued(aarhus, "25000.00", on=date(2027, 2, 1))
    other = issued(odder, "1000.00", on=date(2027, 2, 2))
    own_draft = draft(aarhus, "700.00")
    db.session.commit()
    contact_of(aarhus, "finance@aarhus.example.dk")
    login(client, "finance@aarhus.example.dk")

    page = client.get("/invoices/mine").get_data(as_text=True)
    assert own.number in page and other.number not in page
    assert f"/invoices/{own_draft.id}" not in page
    assert f'href="/invoices/{own.id}.pdf"' in page
    assert "Issued" in page

    assert client.get(f"/invoices/{own.id}").status_code == 200
    assert client.get(f"/invoices/{other.id}").status_code == 403
    assert client.get(f"/invoices/{other.id}.pdf").status_code == 403
    assert client.get(f"/invoices/{other.id}.xml").status_code == 403
    assert client.get(f"/invoices/{own_draft.id}").status_code == 404
    assert client.get(f"/invoices/{own_draft.id}.pdf").status_code == 404


def test_contacts_find_their_invoices_from_the_menu_home_and_organisation_page(app, client):
    aarhus = buyer("Aarhus Kommune")
    issued(aarhus)
    contact_of(aarhus, "finance@aarhus.example.dk")
    login(client, "finance@aarhus.example.dk")

    home = client.get("/").get_data(as_text=True)
    assert 'href="/invoices/mine"' in home
    organisation_page = client.get(f"/organisations/{aarhus.id}").get_data(as_text=True)
    assert 'href="/invoices/mine"' in organisation_page


def test_a_user_without_an_organisation_has_no_invoices(app, client):
    make_user("someone@example.org")
    login(client, "someone@example.org")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/invoices/mine"' not in home
    page = client.get("/invoices/mine")
    assert page.status_code == 200
    assert "no invoices yet" in page.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    invoice = issued(buyer())
    for url in (
        "/invoices/",
        "/invoices/mine",
        f"/invoices/{invoice.id}",
        f"/invoices/{invoice.id}.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_secretariat_reads_a_draft_before_it_is_issued(app, client):
    waiting = draft(buyer("Aarhus Kommune"), "500.00", "250.00")
    db.session.commit()
    make_user("sec@example.org", secretariat=True)
    login(client, "sec@example.org")

    page = client.get(f"/invoices/{waiting.id}").get_data(as_text=True)
    assert f"Draft invoice #{waiting.id}" in page
    assert "Not issued yet" in page
    assert "Line 1" in page and "Line 2" in page
    assert "DKK\xa0750.00" in page  # the total of its lines
    assert "made when the invoice is issued" in page
    assert f'href="/invoices/{waiting.id}.pdf"' not in page
    assert client.get(f"/invoices/{waiting.id}.pdf").status_code == 404
