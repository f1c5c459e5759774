"""Publishing template versions: numbered, never edited, unknown placeholders refused by name,
a missing language falling back to English; the templates page as the secretariat sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from consortium.agreements import services
from consortium.agreements.models import AgreementTemplateVersion
from consortium.extensions import db
from tests.conftest import login


def test_each_published_version_gets_the_next_number_and_keeps_its_text(world):
    first = services.version_for("membership", "en")
    second = services.publish_version(
        "membership",
        "en",
        title="Membership agreement",
        body="New text for {organisation.name}.",
        change_note="Shorter",
        author=world.secretariat,
    )
    assert (first.number, second.number) == (1, 2)
    assert second.label == "membership-en-2"
    assert services.version_for("membership", "en") == second
    db.session.expire_all()
    assert "{organisation.name} is a member" in db.session.get(
        AgreementTemplateVersion, first.id
    ).body.replace("**", "")


def test_an_unknown_placeholder_is_refused_with_its_name(world):
    with pytest.raises(services.AgreementError) as refused:
        services.publish_version(
            "membership",
            "en",
            title="Membership",
            body="Dear {organisation.name}, you pay {share.amount} and {secret.key}.",
        )
    assert refused.value.code == "unknown_placeholders"
    assert "secret.key" in refused.value.message
    assert "share.amount" in refused.value.message  # not a membership agreement's value


def test_a_missing_language_falls_back_to_english(world):
    assert services.version_for("membership", "de").template.language == "en"
    assert services.version_for("participation", "da").template.language == "da"
    assert services.version_for("no_such_kind", "da") is None


@pytest.mark.sqlite_too  # SQLite's own trigger or constraint
def test_the_database_refuses_to_edit_a_published_version(world):
    version = services.version_for("membership", "en")
    db.session.commit()
    with pytest.raises(DBAPIError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE agreement_template_version SET body = 'changed' WHERE id = :id"),
            {"id": version.id},
        )


@pytest.mark.parametrize(
    ("kind", "title", "body", "code"),
    [
        ("Mem bership", "T", "x", "kind"),
        ("membership", "", "x", "title"),
        ("membership", "T", "   ", "body"),
        ("membership", "T" * 201, "x", "title"),
    ],
)
def test_bad_input_is_refused_with_a_reason(world, kind, title, body, code):
    with pytest.raises(services.AgreementError) as refused:
        services.publish_version(kind, "en", title=title, body=body)
    assert refused.value.code == code


def test_the_secretariat_publishes_on_the_templates_page_and_reads_every_version(client, world):
    login(client, "secretariat@example.org")
    page = client.get("/agreements/templates").get_data(as_text=True)
    assert "{organisation.name}" in page  # the placeholder list beside the editor
    assert "participation-da-1" in page
    refused = client.post(
        "/agreements/templates",
        data={
            "kind": "membership",
            "language": "da",
            "title": "Medlemsaftale",
            "body": "Kære {organisation.name}, {bogus}",
            "change_note": "",
        },
    )
    assert refused.status_code == 422
    assert "bogus" in refused.get_data(as_text=True)
    published = client.post(
        "/agreements/templates",
        data={
            "kind": "membership",
            "language": "da",
            "title": "Medlemsaftale",
            "body": "**{organisation.name}** er medlem.\n\n<script>alert(1)</script>",
            "change_note": "Første danske udgave",
        },
        follow_redirects=True,
    )
    page = published.get_data(as_text=True)
    assert published.status_code == 200
    assert "membership-da-1" in page
    assert "Første danske udgave" in page
    assert "Sam Secretariat" in page
    version = services.version_for("membership", "da")
    preview = client.get(
        f"/agreements/templates/versions/{version.id}?organisation={world.organisation.id}"
    ).get_data(as_text=True)
    assert "<strong>Syddjurs Kommune</strong> er medlem." in preview
    assert "<script>alert(1)</script>" not in preview


def test_the_preview_in_another_language_shows_that_languages_version(client, world):
    login(client, "secretariat@example.org")
    english = services.version_for("participation", "en")
    danish = services.version_for("participation", "da")
    answer = client.get(
        f"/agreements/templates/versions/{english.id}"
        f"?organisation={world.organisation.id}&language=da",
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert f"/agreements/templates/versions/{danish.id}" in answer.request.path
    assert "Forventet andel for" in page
    assert "Syddjurs Kommune" in page


def test_contacts_may_not_see_the_templates(client, world):
    login(client, "anna@syddjurs.example.dk")
    assert client.get("/agreements/templates").status_code == 403
