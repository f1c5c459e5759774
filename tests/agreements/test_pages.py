"""The agreement pages as each visitor sees them: the secretariat's waiting list, a contact's
own documents, the document page with accept and the history, the PDF, and another
organisation's or supplier's contact kept out."""

from __future__ import annotations

from consortium.agreements import services
from consortium.agreements.models import AgreementDocument
from consortium.extensions import db
from consortium.members import services as members
from tests.agreements.conftest import municipality
from tests.conftest import login, make_user


def test_the_secretariat_sees_what_waits_and_for_how_long(client, document):
    login(client, "secretariat@example.org")
    page = client.get("/agreements/").get_data(as_text=True)
    assert document.number in page
    assert "Syddjurs Kommune" in page
    assert "Days waiting" in page


def test_the_signing_contact_accepts_on_the_page_and_sees_the_record(client, document):
    login(client, "anna@syddjurs.example.dk")
    mine = client.get("/agreements/").get_data(as_text=True)
    assert document.number in mine
    page = client.get(f"/agreements/documents/{document.id}").get_data(as_text=True)
    assert document.sha256 in page
    assert 'id="accept-form"' in page
    answer = client.post(
        f"/agreements/documents/{document.id}/accept",
        data={"role": "Direktør"},
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Anna Jensen, Direktør" in page
    assert 'id="accept-form"' not in page
    assert db.session.get(AgreementDocument, document.id).status == "accepted"


def test_a_contact_who_may_not_sign_sees_the_document_without_the_button(client, document):
    login(client, "jens@syddjurs.example.dk")
    page = client.get(f"/agreements/documents/{document.id}").get_data(as_text=True)
    assert document.number in page
    assert 'id="accept-form"' not in page
    refused = client.post(f"/agreements/documents/{document.id}/accept", data={})
    assert refused.status_code == 403


def test_opening_the_pdf_as_a_contact_is_in_the_history(client, document):
    login(client, "jens@syddjurs.example.dk")
    answer = client.get(f"/agreements/documents/{document.id}.pdf")
    assert answer.status_code == 200
    assert answer.data == document.pdf
    assert answer.mimetype == "application/pdf"
    client.get(f"/agreements/documents/{document.id}.pdf")
    db.session.expire_all()
    kinds = [event.kind for event in db.session.get(AgreementDocument, document.id).events]
    assert kinds == ["made", "viewed"]


def test_another_organisations_contact_and_a_supplier_are_kept_out(client, document, world):
    outsider = make_user("it@odder.example.dk")
    odder = municipality("Odder Kommune 2", 22_000)
    members.add_contact(odder, outsider.id, "primary", may_sign=True)
    db.session.commit()
    for email in ("it@odder.example.dk", "lene@fjordkode.example.dk"):
        login(client, email)
        for url in (
            f"/agreements/documents/{document.id}",
            f"/agreements/documents/{document.id}.pdf",
        ):
            assert client.get(url).status_code == 403, (email, url)
        assert client.post(f"/agreements/documents/{document.id}/accept").status_code == 403
        assert document.number not in client.get("/agreements/").get_data(as_text=True)
        client.post("/sign-out")


def test_the_supplier_sees_its_own_agreement(client, world):
    made = services.make_document("supplier", supplier=world.supplier)
    db.session.commit()
    login(client, "lene@fjordkode.example.dk")
    assert made.number in client.get("/agreements/").get_data(as_text=True)
    page = client.get(f"/agreements/documents/{made.id}").get_data(as_text=True)
    assert 'id="accept-form"' in page


def test_the_secretariat_makes_a_waiting_participations_agreement(client, world):
    login(client, "secretariat@example.org")
    page = client.get("/agreements/").get_data(as_text=True)
    assert "Syddjurs Kommune – OS2forms" in page
    answer = client.post(
        "/agreements/make",
        data={"kind": "participation", "participation_id": str(world.participation.id)},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "is made and sealed" in answer.get_data(as_text=True)


def test_odd_input_gets_an_answer_never_an_error(client, document, world):
    login(client, "secretariat@example.org")
    assert (
        client.post(
            "/agreements/make", data={"kind": "participation", "participation_id": "99999999"}
        ).status_code
        == 404
    )
    assert client.post(
        "/agreements/make",
        data={"kind": "x\x00y", "organisation_id": str(world.organisation.id)},
    ).status_code in (302, 400)
    assert client.get("/agreements/documents/99999999").status_code == 404
    assert client.get("/agreements/templates/versions/1?organisation=abc").status_code == 404
    huge = client.post(
        "/agreements/templates",
        data={"kind": "membership", "language": "xx", "title": "T", "body": "x" * 300_000},
    )
    assert huge.status_code == 422


def test_the_menu_leads_contacts_and_suppliers_to_their_agreements(client, world):
    outsider = make_user("nobody@example.org")
    db.session.commit()
    for email, shown in (
        ("anna@syddjurs.example.dk", True),
        ("lene@fjordkode.example.dk", True),
        (outsider.email, False),
    ):
        login(client, email)
        page = client.get("/profile").get_data(as_text=True)
        assert ('href="/agreements/"' in page) is shown, email
        client.post("/sign-out")


def test_the_secretariat_makes_a_document_again_from_a_new_version(client, document):
    services.publish_version(
        "participation", "da", title="Tilslutningsaftale", body="Ny tekst: {organisation.name}."
    )
    db.session.commit()
    login(client, "secretariat@example.org")
    page = client.get(f"/agreements/documents/{document.id}").get_data(as_text=True)
    assert 'id="make-again-form"' in page
    answer = client.post(
        "/agreements/make",
        data={"kind": "participation", "participation_id": str(document.participation_id)},
        follow_redirects=True,
    )
    assert "participation-da-2" in answer.get_data(as_text=True)
    assert db.session.get(AgreementDocument, document.id).status == "replaced"
