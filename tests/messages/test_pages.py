"""Writing to many people: who is found for each source, one mail each in their language,
the checks on the form, who may write, and the record of what was sent to whom."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.mail.models import OutboxMessage
from consortium.messages.models import BulkMessage
from consortium.products.models import Product
from tests.conftest import login, make_user
from tests.messages.conftest import token_of

TEXTS = {
    "subject_da": "Nyt om OS2forms",
    "body_da": "Kære deltagere,\nversion 3 er klar.",
    "subject_de": "Neues zu OS2forms",
    "body_de": "Liebe Teilnehmende,\nVersion 3 ist fertig.",
    "subject_en": "News about OS2forms",
    "body_en": "Dear participants,\nversion 3 is ready.",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _recipient_rows(page: str) -> list[str]:
    table = page.split('id="recipients"', 1)[1].split("</table>", 1)[0]
    return [row for row in table.split("<tr>")[2:]]


def test_a_products_participants_are_its_current_participants_contacts(
    secretariat_client, register
):
    page = secretariat_client.get(f"/messages/new?product={register.product.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Write to the participants of OS2forms" in text
    # Anna (Danish, of both), Dieter (German), Eva (the default, English): three people.
    assert "3 people receive the message, each in their own language:" in text
    assert "English (1), Danish (1), German (1)." in text
    # Gitte is deactivated: named, left out. Sara's Syddjurs no longer takes part.
    assert "Gitte Gone (Odder Kommune): deactivated" in text
    assert "Sara Syd" not in text
    preview = secretariat_client.post(
        f"/messages/new?product={register.product.id}",
        data={**TEXTS, "token": token_of(text), "step": "preview"},
    ).get_data(as_text=True)
    rows = _recipient_rows(preview)
    assert len(rows) == 3
    anna = next(row for row in rows if "Anna Jensen" in row)
    assert "Aarhus Kommune, Odder Kommune" in anna and "Danish" in anna
    assert "anna@aarhus.example.dk" in anna
    assert _count(OutboxMessage) == 0  # the preview sends nothing


def test_chosen_organisations_contacts(secretariat_client, register):
    url = f"/messages/new?organisation={register.syddjurs.id}&organisation={register.aarhus.id}"
    text = secretariat_client.get(url).get_data(as_text=True)
    assert "Write to the contacts of 2 organisations" in text
    # Sara and Carl of Syddjurs (Danish, German), Anna and Dieter of Aarhus.
    assert "4 people receive the message" in text
    assert "Eva Holm" not in text


def test_a_groups_current_members(secretariat_client, register):
    text = secretariat_client.get(f"/messages/new?group={register.group.id}").get_data(as_text=True)
    assert "Write to the members of OS2forms coordination group" in text
    # Carl (chair, German) and Anna (Danish); Sara's term ended.
    assert "2 people receive the message" in text
    assert 'id="text-de"' in text and 'id="text-da"' in text and 'id="text-en"' not in text


def test_each_recipient_gets_one_mail_in_their_language(secretariat_client, register, outbox):
    url = f"/messages/new?product={register.product.id}"
    token = token_of(secretariat_client.get(url).get_data(as_text=True))
    response = secretariat_client.post(url, data={**TEXTS, "token": token, "step": "send"})
    assert response.status_code == 302
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message is in the outbox for 3 people." in page

    [to_anna] = outbox("anna@aarhus.example.dk")  # one, though she speaks for two
    assert to_anna.subject == "Nyt om OS2forms"
    assert to_anna.body.startswith("Kære deltagere,\nversion 3 er klar.")
    # The signature is in Danish too.
    assert "Sendt af Sam Secretariat via administrationssystemet" in to_anna.body
    [to_dieter] = outbox("dieter@aarhus.example.dk")
    assert to_dieter.subject == "Neues zu OS2forms"
    assert "Liebe Teilnehmende" in to_dieter.body and "Gesendet von" in to_dieter.body
    [to_eva] = outbox("eva@odder.example.dk")
    assert to_eva.subject == "News about OS2forms"
    assert outbox("gone@odder.example.dk") == [] and outbox("sara@syddjurs.example.dk") == []
    assert _count(OutboxMessage) == 3


def test_one_language_for_everyone(secretariat_client, register, outbox):
    url = f"/messages/new?product={register.product.id}&language=en"
    text = secretariat_client.get(url).get_data(as_text=True)
    assert "3 people receive the message, all in English." in text
    assert 'id="text-en"' in text and 'id="text-da"' not in text
    data = {"subject_en": TEXTS["subject_en"], "body_en": TEXTS["body_en"]}
    secretariat_client.post(url, data={**data, "token": token_of(text), "step": "send"})
    assert [m.subject for m in outbox("anna@aarhus.example.dk")] == ["News about OS2forms"]
    assert [m.subject for m in outbox("dieter@aarhus.example.dk")] == ["News about OS2forms"]
    message = db.session.scalar(select(BulkMessage))
    assert message.one_language == "en" and [t.language for t in message.texts] == ["en"]


def test_sending_the_same_form_twice_sends_once(secretariat_client, register):
    url = f"/messages/new?product={register.product.id}"
    token = token_of(secretariat_client.get(url).get_data(as_text=True))
    first = secretariat_client.post(url, data={**TEXTS, "token": token, "step": "send"})
    second = secretariat_client.post(url, data={**TEXTS, "token": token, "step": "send"})
    assert second.headers["Location"] == first.headers["Location"]
    page = secretariat_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This message has already been sent." in page
    assert _count(BulkMessage) == 1 and _count(OutboxMessage) == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body_de", "", "Text (German): Please fill in this field."),
        ("subject_da", "   ", "Subject (Danish): Please fill in this field."),
        ("body_en", "Hello\x00", "Text (English): Contains a character that is not allowed"),
        ("body_da", "x" * 20_001, "Text (Danish): Use at most 20000 characters."),
        ("subject_en", "y" * 201, "Subject (English): Use at most 200 characters."),
    ],
)
def test_a_missing_or_bad_text_is_named_and_nothing_is_lost(
    secretariat_client, register, field, value, message
):
    url = f"/messages/new?product={register.product.id}"
    token = token_of(secretariat_client.get(url).get_data(as_text=True))
    response = secretariat_client.post(
        url, data={**TEXTS, field: value, "token": token, "step": "send"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in text
    assert "Liebe Teilnehmende," in text or field == "body_de"  # what was typed is kept
    assert "Nyt om OS2forms" in text or field == "subject_da"
    assert _count(OutboxMessage) == 0 and _count(BulkMessage) == 0


def test_no_one_to_write_to(secretariat_client, register):
    lonely = Product(slug="lonely", name="Lonely")
    db.session.add(lonely)
    db.session.commit()
    url = f"/messages/new?product={lonely.id}"
    text = secretariat_client.get(url).get_data(as_text=True)
    assert "Nobody here can receive the message" in text
    response = secretariat_client.post(
        url, data={"subject_en": "Hi", "body_en": "Hello", "token": token_of(text), "step": "send"}
    )
    assert "There is no one to write to" in response.get_data(as_text=True)
    assert _count(BulkMessage) == 0


@pytest.mark.parametrize(
    "query",
    [
        "",
        "organisation=abc",
        "organisation=99999999999999999999",
        "organisation=0",
        "organisation=424242",
        "product=1&group=1",
        "product=1&product=2",
        "group=-1",
    ],
)
def test_odd_addresses_are_not_found(secretariat_client, register, query):
    assert secretariat_client.get(f"/messages/new?{query}").status_code == 404


def test_an_unknown_language_choice_is_ignored(secretariat_client, register):
    page = secretariat_client.get(f"/messages/new?product={register.product.id}&language=xx")
    assert "each in their own language" in page.get_data(as_text=True)


def test_a_groups_chair_writes_to_its_members_and_reads_the_record(client, register, outbox):
    login(client, "carl@syddjurs.example.dk")
    group_page = client.get(f"/groups/{register.group.id}").get_data(as_text=True)
    assert 'id="write-to-members"' in group_page
    url = f"/messages/new?group={register.group.id}"
    token = token_of(client.get(url).get_data(as_text=True))
    data = {k: v for k, v in TEXTS.items() if k.endswith(("_da", "_de"))}
    response = client.post(url, data={**data, "token": token, "step": "send"})
    assert response.status_code == 302
    assert [m.subject for m in outbox("anna@aarhus.example.dk")] == ["Nyt om OS2forms"]
    assert [m.subject for m in outbox("carl@syddjurs.example.dk")] == ["Neues zu OS2forms"]
    listing = client.get("/messages/").get_data(as_text=True)
    assert "Neues zu OS2forms" in listing  # Carl reads German
    # The chair may write to the group, not to the product's participants or organisations.
    assert client.get(f"/messages/new?product={register.product.id}").status_code == 403
    assert client.get(f"/messages/new?organisation={register.syddjurs.id}").status_code == 403


def test_others_may_not_write_to_a_group_or_read_its_messages(client, register):
    # A member who is not chair or secretary, and a contact of another organisation in no group.
    outsider = make_user("olga@other.example.dk", name="Olga Outside")
    from consortium.members import services as members

    other = members.create_organisation(name="Other Kommune", kind="municipality", country="DK")
    members.add_contact(other, outsider.id, "primary")
    db.session.commit()
    for email in ("anna@aarhus.example.dk", "olga@other.example.dk"):
        login(client, email)
        assert client.get(f"/messages/new?group={register.group.id}").status_code == 403
        assert (
            client.post(
                f"/messages/new?group={register.group.id}",
                data={**TEXTS, "token": "t" * 32, "step": "send"},
            ).status_code
            == 403
        )
        group_page = client.get(f"/groups/{register.group.id}").get_data(as_text=True)
        assert 'id="write-to-members"' not in group_page
        client.post("/sign-out")
    assert _count(BulkMessage) == 0


def test_the_record_of_what_was_sent_to_whom(secretariat_client, register):
    url = f"/messages/new?product={register.product.id}"
    token = token_of(secretariat_client.get(url).get_data(as_text=True))
    location = secretariat_client.post(url, data={**TEXTS, "token": token, "step": "send"}).headers[
        "Location"
    ]
    page = secretariat_client.get(location).get_data(as_text=True)
    assert "The participants of OS2forms" in page
    assert "Sam Secretariat" in page
    assert "Kære deltagere," in page and "Liebe Teilnehmende," in page
    rows = _recipient_rows(page)
    assert len(rows) == 3
    dieter = next(row for row in rows if "Dieter Bauer" in row)
    assert "German" in dieter and "dieter@aarhus.example.dk" in dieter
    listing = secretariat_client.get("/messages/").get_data(as_text=True)
    assert "News about OS2forms" in listing and "The participants of OS2forms" in listing
    message = db.session.scalar(select(BulkMessage))
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "bulk_message", AuditEntry.record_id == str(message.id)
        )
    ).all()
    assert [entry.action for entry in entries] == ["create"]
    # Another user may not read it.
    make_user("nosy@example.org")
    secretariat_client.post("/sign-out")
    login(secretariat_client, "nosy@example.org")
    assert secretariat_client.get(location).status_code == 403
    assert "News about OS2forms" not in secretariat_client.get("/messages/").get_data(as_text=True)


def test_the_product_page_links_to_writing_for_the_secretariat_only(client, register):
    make_user("boss@example.org", secretariat=True)
    login(client, "boss@example.org")
    page = client.get("/products/os2forms").get_data(as_text=True)
    assert f'href="/messages/new?product={register.product.id}"' in page
    client.post("/sign-out")
    login(client, "anna@aarhus.example.dk")
    assert 'id="write-to-participants"' not in client.get("/products/os2forms").get_data(
        as_text=True
    )
