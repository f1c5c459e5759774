"""The resources: rights as on the pages (a contact reads only their own organisation's
billing identities and invoices), lists with Link headers, ETags, If-Match, problem+json in the
caller's language, the throttle, and a year's population figures all or nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from sqlalchemy import select

from consortium.extensions import db
from consortium.invoicing import services as invoicing
from consortium.invoicing.models import Payment
from consortium.members import services as members
from consortium.members.models import PopulationFigure
from tests.api.helpers import bearer, token_for
from tests.conftest import make_user


def _issued_invoice(organisation, amount="1000.00", days_ago=3):
    identity = members.save_billing_identity(
        organisation, None, name=f"Økonomi {organisation.name}", gln="5798000000018"
    )
    invoice = invoicing.create_draft(organisation, identity)
    invoicing.add_line(invoice, "membership", "Membership fee", Decimal(amount))

    def small_files(invoice) -> None:
        invoice.pdf, invoice.ubl = b"%PDF-1.7", b"<Invoice/>"

    with mock.patch.object(invoicing, "render_documents", small_files):
        issued = invoicing.issue(invoice, on=date.today() - timedelta(days=days_ago))
    db.session.commit()
    return issued


@pytest.fixture
def two_organisations(app):
    aarhus = members.create_organisation(
        name="Aarhus Kommune", kind="municipality", country="DK", municipality_code="751"
    )
    odder = members.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK", municipality_code="727"
    )
    db.session.commit()
    return aarhus, odder


@pytest.fixture
def contact(two_organisations):
    aarhus, _odder = two_organisations
    person = make_user("kim@aarhus.example.dk", name="Kim Contact")
    members.add_contact(aarhus, person.id, "finance")
    db.session.commit()
    return person


def test_a_contact_reads_only_their_own_organisation(client, two_organisations, contact):
    aarhus, odder = two_organisations
    token = token_for(contact)
    listed = client.get("/api/v1/organisations", headers=bearer(token))
    assert [row["name"] for row in listed.json] == ["Aarhus Kommune"]
    assert (
        client.get(f"/api/v1/organisations/{aarhus.id}", headers=bearer(token)).status_code == 200
    )
    for url in (
        f"/api/v1/organisations/{odder.id}",
        f"/api/v1/organisations/{odder.id}/billing-identities",
        f"/api/v1/organisations/{odder.id}/expected-fees",
    ):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 403, url
        assert response.mimetype == "application/problem+json"


def test_a_contact_reads_only_their_own_organisations_billing_identities(
    client, two_organisations, contact
):
    aarhus, odder = two_organisations
    members.save_billing_identity(aarhus, None, name="Aarhus økonomi")
    members.save_billing_identity(odder, None, name="Odder økonomi")
    db.session.commit()
    token = token_for(contact)
    own = client.get(f"/api/v1/organisations/{aarhus.id}/billing-identities", headers=bearer(token))
    assert [identity["name"] for identity in own.json] == ["Aarhus økonomi"]
    detail = client.get(f"/api/v1/organisations/{aarhus.id}", headers=bearer(token)).json
    assert [identity["name"] for identity in detail["billing_identities"]] == ["Aarhus økonomi"]


def test_a_contact_reads_only_their_own_organisations_invoices(client, two_organisations, contact):
    aarhus, odder = two_organisations
    own = _issued_invoice(aarhus)
    other = _issued_invoice(odder)
    token = token_for(contact)
    listed = client.get("/api/v1/invoices", headers=bearer(token)).json
    assert [row["id"] for row in listed] == [own.id]
    filtered = client.get(f"/api/v1/invoices?organisation={odder.id}", headers=bearer(token)).json
    assert filtered == []
    assert client.get(f"/api/v1/invoices/{own.id}", headers=bearer(token)).status_code == 200
    assert client.get(f"/api/v1/invoices/{other.id}", headers=bearer(token)).status_code == 403
    assert (
        client.get(f"/api/v1/invoices/{other.id}/payments", headers=bearer(token)).status_code
        == 403
    )


def test_overdue_invoices_are_listed_and_marked_as_on_the_overdue_page(
    client, two_organisations, secretariat
):
    aarhus, odder = two_organisations
    late = _issued_invoice(aarhus, days_ago=120)
    recent = _issued_invoice(odder)
    token = token_for(secretariat)
    overdue = client.get("/api/v1/invoices?status=overdue", headers=bearer(token)).json
    assert [row["id"] for row in overdue] == [late.id]
    assert overdue[0]["overdue"] is True and overdue[0]["balance"] == "1000.00"
    every = {row["id"]: row for row in client.get("/api/v1/invoices", headers=bearer(token)).json}
    assert every[recent.id]["overdue"] is False
    # A status the API does not know is named, not answered with an empty list.
    wrong = client.get("/api/v1/invoices?status=late", headers=bearer(token))
    assert wrong.status_code == 422
    assert "status" in str(wrong.json["errors"])


def test_a_contact_may_not_record_a_payment(client, two_organisations, contact):
    invoice = _issued_invoice(two_organisations[0])
    response = client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        json={"paid_on": date.today().isoformat(), "amount": "10.00"},
        headers=bearer(token_for(contact)),
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Payment)) is None


def test_the_secretariat_records_a_payment_with_if_match(client, two_organisations, secretariat):
    invoice = _issued_invoice(two_organisations[0])
    token = token_for(secretariat)
    read = client.get(f"/api/v1/invoices/{invoice.id}", headers=bearer(token))
    etag = read.headers["ETag"]
    response = client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        json={"paid_on": date.today().isoformat(), "amount": "400.00", "reference": "Bank 17"},
        headers=bearer(token, **{"If-Match": etag}),
    )
    assert response.status_code == 201, response.json
    assert response.json["payment"]["amount"] == "400.00"
    assert response.json["invoice"]["balance"] == str(Decimal(read.json["gross_total"]) - 400)
    # The invoice changed: a second payment made on the first reading is refused.
    stale = client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        json={"paid_on": date.today().isoformat(), "amount": "1.00"},
        headers=bearer(token, **{"If-Match": etag}),
    )
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert len(db.session.scalars(select(Payment)).all()) == 1
    fresh = client.get(f"/api/v1/invoices/{invoice.id}", headers=bearer(token))
    assert fresh.headers["ETag"] != etag


def test_an_overpayment_is_refused_with_the_field_and_the_reason(
    client, two_organisations, secretariat
):
    invoice = _issued_invoice(two_organisations[0])
    response = client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        json={"paid_on": date.today().isoformat(), "amount": "99999.00"},
        headers=bearer(token_for(secretariat)),
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["amount"]


def test_problems_speak_the_language_asked_for(client, two_organisations, secretariat):
    token = token_for(secretariat)
    response = client.post(
        "/api/v1/invoices/1/payments",
        json={"amount": "x"},
        headers=bearer(token, **{"Accept-Language": "da-DK,da;q=0.9"}),
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == 422
    assert body["title"] == "Ugyldig forespørgsel"
    fields = {error["field"]: error["reason"] for error in body["errors"]}
    assert fields["paid_on"] == "Dette felt skal udfyldes."
    assert response.headers["Content-Language"] == "da"
    english = client.get("/api/v1/organisations/999999", headers=bearer(token))
    assert english.json["title"] == "Not found"


def test_an_unknown_address_under_the_api_is_a_problem_not_a_page(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Nicht gefunden"


def test_lists_page_with_a_link_header(client, secretariat):
    for number in range(5):
        members.create_organisation(name=f"Kommune {number}", kind="municipality", country="DK")
    db.session.commit()
    token = token_for(secretariat)
    response = client.get(
        "/api/v1/organisations?per_page=2&page=2&sort=-name", headers=bearer(token)
    )
    assert [row["name"] for row in response.json] == ["Kommune 2", "Kommune 1"]
    assert response.headers["X-Total-Count"] == "5"
    links = response.headers["Link"]
    assert 'page=3>; rel="next"' in links and 'page=1>; rel="prev"' in links
    assert 'page=3>; rel="last"' in links


def test_an_unchanged_record_answers_304_to_if_none_match(client, two_organisations, secretariat):
    token = token_for(secretariat)
    url = f"/api/v1/organisations/{two_organisations[0].id}"
    first = client.get(url, headers=bearer(token))
    again = client.get(url, headers=bearer(token, **{"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 304


def test_no_csrf_token_is_needed(csrf_app, client, two_organisations, secretariat):
    invoice = _issued_invoice(two_organisations[0])
    response = client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        json={"paid_on": date.today().isoformat(), "amount": "5.00"},
        headers=bearer(token_for(secretariat)),
    )
    assert response.status_code == 201


def test_the_anonymous_caller_reads_the_public_data_only(client, two_organisations):
    assert client.get("/api/v1/products").status_code == 200
    assert client.get("/api/v1/public/members").status_code == 200
    assert client.get("/api/v1/public/suppliers").status_code == 200
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_throttle_answers_429_with_retry_after(app, client, user):
    app.config["API_CALLS_PER_TOKEN"] = 3
    app.config["API_CALLS_PER_ADDRESS"] = 2
    try:
        token = token_for(user)
        answers = [
            client.get("/api/v1/products", headers=bearer(token)).status_code for _ in range(4)
        ]
        assert answers == [200, 200, 200, 429]
        refused = client.get("/api/v1/products", headers=bearer(token))
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.mimetype == "application/problem+json"
        # Calls without a token count per address, apart from the token's.
        anonymous = [client.get("/api/v1/products").status_code for _ in range(3)]
        assert anonymous == [200, 200, 429]
    finally:
        app.config["API_CALLS_PER_TOKEN"] = 600
        app.config["API_CALLS_PER_ADDRESS"] = 60


def test_a_years_population_is_recorded_all_or_nothing(client, two_organisations, secretariat):
    aarhus_id, odder_id = (organisation.id for organisation in two_organisations)
    token = token_for(secretariat)
    wrong = client.put(
        "/api/v1/populations/2026",
        json={
            "source": "Statistics Denmark FOLK1A",
            "figures": [
                {"municipality_code": "751", "population": 367095},
                {"municipality_code": "999", "population": 100},
            ],
        },
        headers=bearer(token),
    )
    assert wrong.status_code == 422
    assert wrong.json["errors"][0]["field"] == "figures.1.municipality_code"
    assert "999" in wrong.json["errors"][0]["reason"]
    assert db.session.scalar(select(PopulationFigure)) is None
    right = client.put(
        "/api/v1/populations/2026",
        json={
            "source": "Statistics Denmark FOLK1A",
            "figures": [
                {"municipality_code": "751", "population": 367095},
                {"municipality_code": "727", "population": 22984},
            ],
        },
        headers=bearer(token),
    )
    assert right.status_code == 200, right.json
    assert right.json["updated"] == 2 and right.json["applied"] is True
    db.session.expire_all()
    assert {
        (f.organisation_id, f.population) for f in db.session.scalars(select(PopulationFigure))
    } == {
        (aarhus_id, 367095),
        (odder_id, 22984),
    }


def test_only_the_secretariat_imports_population_figures(client, two_organisations, contact):
    response = client.put(
        "/api/v1/populations/2026",
        json={"source": "x", "figures": [{"municipality_code": "751", "population": 1}]},
        headers=bearer(token_for(contact)),
    )
    assert response.status_code == 403


def test_the_document_is_openapi_3_1_with_problem_answers_and_the_page_shows_it(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    not_found = spec["components"]["responses"]["NOT_FOUND"]
    assert list(not_found["content"]) == ["application/problem+json"]
    payment = spec["paths"]["/api/v1/invoices/{invoice_id}/payments"]["post"]
    assert {"201", "412", "422"} <= set(payment["responses"])
    # The overview lists every operation under its area, each area a page of its own.
    page = client.get("/api/docs", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "JSON-API" in page
    assert '<a href="/api/docs/participation">Deltagelser og anmodninger</a>' in page
    assert (
        '<a href="/api/docs/invoices#post--api-v1-invoices-invoice_id-payments">'
        "<code>POST /api/v1/invoices/{invoice_id}/payments</code></a>" in page
    )
    # An area's page: its operations, each naming what it answers, and the schemas they use.
    invoices = client.get("/api/docs/invoices", headers={"Accept-Language": "da"})
    assert invoices.status_code == 200
    area = invoices.get_data(as_text=True)
    assert '<h1 id="group-api-invoices">Fakturaer, kreditnotaer og betalinger</h1>' in area
    assert 'id="post--api-v1-invoices-invoice_id-payments"' in area
    assert "Svar: PaymentRecorded (se skemaerne nedenfor)." in area
    assert '<h3 id="schema-PaymentRecorded">' in area
    assert '<h3 id="schema-InvoiceSummary">' in area
    assert '<h3 id="schema-Product">' not in area  # another area's
    english = client.get("/api/docs/invoices").get_data(as_text=True)
    assert "Answer: list of InvoiceSummary" in english
    assert client.get("/api/docs/no-such-area").status_code == 404


def test_credit_notes_are_read_alongside_their_invoice(client, two_organisations, contact):
    """A contact reads their organisation's issued credit notes, listed by series and named on
    the invoice they credit; a draft credit note only once issued, another organisation's
    never."""
    from consortium.invoicing.credit_notes import draft_credit_note

    aarhus, odder = two_organisations
    invoice = _issued_invoice(aarhus)
    invoice_id = invoice.id
    draft = draft_credit_note(invoice)
    db.session.commit()
    draft_id = draft.id
    other_note = draft_credit_note(_issued_invoice(odder))
    db.session.commit()
    other_id = other_note.id
    token = token_for(contact)
    url = f"/api/v1/invoices/{invoice_id}"
    assert client.get(url, headers=bearer(token)).json["credit_notes"] == []
    assert client.get("/api/v1/invoices?series=credit_note", headers=bearer(token)).json == []
    with mock.patch.object(
        invoicing, "render_documents", lambda note: setattr(note, "pdf", b"%PDF") or None
    ):
        invoicing.issue(db.session.get(type(invoice), draft_id), on=date.today())
        invoicing.issue(db.session.get(type(invoice), other_id), on=date.today())
    db.session.commit()
    notes = client.get("/api/v1/invoices?series=credit_note", headers=bearer(token)).json
    assert [(note["id"], note["series"]) for note in notes] == [(draft_id, "credit_note")]
    (named,) = client.get(url, headers=bearer(token)).json["credit_notes"]
    assert named["id"] == draft_id and named["number"].startswith("CN-")
    note = client.get(f"/api/v1/invoices/{draft_id}", headers=bearer(token)).json
    assert note["credited_invoice_id"] == invoice_id
    assert client.get(f"/api/v1/invoices/{other_id}", headers=bearer(token)).status_code == 403
    invoices_only = client.get("/api/v1/invoices?series=invoice", headers=bearer(token)).json
    assert [row["id"] for row in invoices_only] == [invoice_id]


def test_a_throttle_of_zero_counts_and_limits_nothing(app, client, user):
    from consortium.api.models import ApiCallCount

    app.config["API_CALLS_PER_TOKEN"] = 0
    app.config["API_CALLS_PER_ADDRESS"] = 0
    try:
        token = token_for(user)
        answers = {
            client.get("/api/v1/products", headers=bearer(token)).status_code for _ in range(3)
        }
        answers |= {client.get("/api/v1/products").status_code for _ in range(3)}
        assert answers == {200}
        assert db.session.scalar(select(ApiCallCount)) is None
    finally:
        app.config["API_CALLS_PER_TOKEN"] = 600
        app.config["API_CALLS_PER_ADDRESS"] = 60
