"""The secretariat's import, export and tier pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.members import services
from consortium.members.models import Organisation, PendingImport, TierBandSet
from consortium.settings.services import get_settings
from tests.conftest import login, make_user, sign_in

GOOD = "name;kind;country;municipality_code;population;population_year\nHørsholm Kommune;municipality;DK;223;25500;2025\nLæsø Kommune;municipality;DK;825;1750;2025\n"


def _upload(client, text: str, filename="kommuner.csv", encoding="utf-8"):
    return client.post(
        "/organisations/import",
        data={"file": (io.BytesIO(text.encode(encoding)), filename)},
        content_type="multipart/form-data",
    )


def _organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(secretariat_client):
    page = _upload(secretariat_client, GOOD, encoding="cp1252")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Preview of kommuner.csv" in text
    assert "Hørsholm Kommune" in text and "Læsø Kommune" in text
    assert _organisations() == 0
    pending = db.session.scalar(select(PendingImport))
    response = secretariat_client.post(f"/organisations/import/{pending.id}")
    assert response.status_code == 302
    assert _organisations() == 2
    assert db.session.scalar(select(PendingImport)) is None
    listing = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "kommuner.csv has been imported: 2 created, 0 changed, 0 unchanged." in listing


def test_upload_with_errors_lists_every_bad_line_and_offers_no_import(secretariat_client):
    text = "name,kind,country,population,population_year\nA,municipality,DK,x,2025\nB,town,DK,,\n"
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "Nothing has been imported from kommuner.csv" in page
    assert "Enter the population as a whole number." in page
    assert "Use one of: municipality, region, state_agency, other." in page
    assert "Show the preview" in page
    assert db.session.scalar(select(PendingImport)) is None
    assert _organisations() == 0


def test_upload_problems_are_in_the_users_language(client):
    make_user("sekretariat@example.dk", secretariat=True, language="da")
    login(client, "sekretariat@example.dk")
    page = _upload(client, "name,kind,country\nA,town,DK\n").get_data(as_text=True)
    assert "Brug en af disse: municipality, region, state_agency, other." in page


def test_another_users_upload_cannot_be_confirmed(secretariat_client):
    other = make_user("other-secretariat@example.org", secretariat=True)
    pending = PendingImport(user_id=other.id, filename="x.csv", content=GOOD.encode())
    db.session.add(pending)
    db.session.commit()
    assert secretariat_client.post(f"/organisations/import/{pending.id}").status_code == 404
    assert _organisations() == 0


def test_the_register_changed_since_the_preview_is_checked_again(secretariat_client):
    _upload(
        secretariat_client, "name,kind,country,municipality_code\nHørsholm,municipality,DK,223\n"
    )
    pending = db.session.scalar(select(PendingImport))
    services.create_organisation(
        name="Hørsholm Kommune", kind="municipality", country="DK", municipality_code="223"
    )
    db.session.commit()
    response = secretariat_client.post(f"/organisations/import/{pending.id}")
    assert response.status_code == 302
    # The row now matches the organisation created meanwhile: changed, not duplicated.
    assert _organisations() == 1


def test_export_download_follows_the_filter_and_the_language(secretariat_client):
    for name, kind in (("Aarhus Kommune", "municipality"), ("Region Midtjylland", "region")):
        services.create_organisation(name=name, kind=kind, country="DK")
    db.session.commit()
    response = secretariat_client.get("/organisations/export.csv?kind=region")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data().decode("utf-8-sig")
    assert "Region Midtjylland" in text and "Aarhus Kommune" not in text
    assert text.startswith("id,name,kind,country,")
    secretariat_client.post("/language", data={"language": "da"})
    text = secretariat_client.get("/organisations/export.csv").get_data().decode("utf-8-sig")
    assert text.startswith("id;name;kind;country;")


def test_a_contact_may_not_import_or_export(client):
    person = make_user("contact@example.dk")
    organisation = services.create_organisation(name="Odder", kind="municipality", country="DK")
    services.add_contact(organisation, person.id, "primary")
    db.session.commit()
    login(client, person.email)
    assert client.get("/organisations/export.csv").status_code == 403
    assert _upload(client, GOOD).status_code == 403


@pytest.fixture
def sizes(app):
    for name, population in (("Small", 24_999), ("Medium", 25_000), ("Large", 60_000)):
        organisation = services.create_organisation(name=name, kind="municipality", country="DK")
        services.set_population(organisation, 2025, population, "BY2")
    db.session.commit()


def test_the_list_filters_by_tier(secretariat_client, sizes):
    page = secretariat_client.get("/organisations/?tier=medium").get_data(as_text=True)
    assert ">Medium</a>" in page and ">Small</a>" not in page and ">Large</a>" not in page


def test_new_tier_bands_apply_from_their_year_and_leave_earlier_years(secretariat_client, sizes):
    year = date.today().year + 1
    response = secretariat_client.post(
        "/settings/tiers",
        data={
            "effective_from_year": year,
            "medium_from": 20_000,
            "large_from": 50_000,
            "very_large_from": 100_000,
        },
    )
    assert response.status_code == 302
    small = db.session.scalar(select(Organisation).where(Organisation.name == "Small"))
    services.set_population(small, year, 24_999, "BY2")
    db.session.commit()
    assert services.tier_of(small, 2025).tier == "small"
    assert services.tier_of(small, year).tier == "medium"
    page = secretariat_client.get("/settings/tiers").get_data(as_text=True)
    assert str(year) in page


def test_tier_bands_for_a_past_year_or_out_of_order_are_refused(secretariat_client):
    page = secretariat_client.post(
        "/settings/tiers",
        data={
            "effective_from_year": date.today().year - 1,
            "medium_from": 20_000,
            "large_from": 50_000,
            "very_large_from": 100_000,
        },
    ).get_data(as_text=True)
    assert "Bands can only be set from this year on" in page
    page = secretariat_client.post(
        "/settings/tiers",
        data={
            "effective_from_year": date.today().year,
            "medium_from": 20_000,
            "large_from": 20_000,
            "very_large_from": 100_000,
        },
    ).get_data(as_text=True)
    assert "Must be more than the lower bound of the tier before." in page
    assert db.session.scalar(select(func.count(TierBandSet.id))) == 0


def test_settings_keep_address_numbers_and_one_of_three_currencies(secretariat_client):
    data = {
        "name": "OS2",
        "email": "sekretariat@os2.eu",
        "address": "Dokk1, Hack Kampmanns Plads 2\n8000 Aarhus C",
        "registration_number": "29 18 97 57",
        "vat_number": "DK 29189757",
        "default_language": "en",
        "currency": "EUR",
        "country": "DK",
        "timezone": "Europe/Copenhagen",
    }
    assert secretariat_client.post("/settings/", data=data).status_code == 302
    settings = get_settings()
    db.session.refresh(settings)
    assert settings.registration_number == "29189757"
    assert settings.vat_number == "DK29189757"
    assert settings.address.startswith("Dokk1")
    assert settings.currency == "EUR"
    page = secretariat_client.post("/settings/", data=data | {"currency": "USD"})
    assert page.status_code == 200
    page = secretariat_client.post(
        "/settings/", data=data | {"registration_number": "29189758"}
    ).get_data(as_text=True)
    assert "check digit" in page


def test_a_confirmation_without_its_csrf_token_imports_nothing(csrf_app, secretariat):
    client = csrf_app.test_client()
    assert sign_in(client, secretariat.email).status_code == 302
    pending = PendingImport(user_id=secretariat.id, filename="x.csv", content=GOOD.encode())
    db.session.add(pending)
    db.session.commit()
    response = client.post(f"/organisations/import/{pending.id}")
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert _organisations() == 0


# --- bad files get a message naming the line and the column -------------------------------


def test_a_name_in_a_problem_is_shown_as_text_not_markup(secretariat_client):
    services.create_organisation(
        name="<xss1>", kind="municipality", country="DK", registration_number="55133018"
    )
    odder = services.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    db.session.commit()
    text = f"id,name,kind,country,registration_number\n{odder.id},Odder,municipality,DK,55133018\n"
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "&lt;xss1&gt; already has this registration number." in page
    assert "<xss1>" not in page


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        ("name,kind,country\nOdder\x00 Kommune,municipality,DK\n", 2, "name"),
        ("name,kind,country\nOdder,municipality,DK\nSamsø,municipality\x1b,DK\n", 3, "kind"),
        ('name,kind,country,address\nOdder,municipality,DK,"Rådhus\n\x07gade 3"\n', 3, "address"),
    ],
)
def test_a_control_character_in_a_file_is_named_by_line_and_column(
    secretariat_client, content, line, column
):
    page = _upload(secretariat_client, content).get_data(as_text=True)
    assert "Contains a character that is not allowed (a control character)." in page
    assert f"<tr><td>{line}</td><td>{column}</td>" in page
    assert _organisations() == 0
    assert db.session.scalar(select(PendingImport)) is None


def test_tabs_and_line_breaks_in_a_cell_are_kept(secretariat_client):
    content = 'name,kind,country,address\nOdder,municipality,DK,"Rådhusgade 3\r\n8300\tOdder"\n'
    page = _upload(secretariat_client, content).get_data(as_text=True)
    assert "Preview of kommuner.csv" in page


def test_a_file_over_the_row_limit_is_refused_with_the_limit(secretariat_client):
    # Short rows: the file stays below the size a test upload spools to a temporary file.
    rows = "".join(f"K{number},other,DK\n" for number in range(20_001))
    page = _upload(secretariat_client, "name,kind,country\n" + rows).get_data(as_text=True)
    assert "The file has more than 20,000 rows." in page
    assert _organisations() == 0


def test_a_file_over_the_column_limit_is_refused_with_the_limit(secretariat_client):
    header = ",".join(["name", "kind", "country"] + [f"extra{number}" for number in range(60)])
    page = _upload(secretariat_client, header + "\nOdder,municipality,DK\n").get_data(as_text=True)
    assert "The file has more than 50 columns." in page


def test_a_population_beyond_the_limit_in_a_file_is_named(secretariat_client):
    text = "name,kind,country,population,population_year\nOdder,municipality,DK,999999999999,2025\n"
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "A population cannot be above 100,000,000." in page
    assert _organisations() == 0


def test_the_preview_says_what_the_import_then_does(secretariat_client):
    """The preview works the changes out without making them; the import makes them."""
    from consortium.members import transfer

    odder = services.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK", municipality_code="727"
    )
    services.set_population(odder, 2025, 22_000, "BY2")
    services.create_organisation(
        name="Samsø Kommune", kind="municipality", country="DK", municipality_code="741"
    )
    db.session.commit()
    text = (
        "name,kind,country,municipality_code,population,population_year,ean,email,status\n"
        "Odder Kommune,municipality,DK,727,22500,2025,,,active\n"
        "Samsø Kommune,municipality,DK,741,,,,post@samsoe.dk,\n"
        "Læsø Kommune,municipality,DK,825,1750,2025,5790000000005,,\n"
    )
    data = text.encode()
    preview = transfer.import_organisations(data, "f.csv", apply=False)
    assert preview.ok, [str(problem) for problem in preview.problems]
    assert _organisations() == 2
    applied = transfer.import_organisations(data, "f.csv", apply=True)
    assert [(row.line, row.action, row.name, row.changed) for row in preview.rows] == [
        (row.line, row.action, row.name, row.changed) for row in applied.rows
    ]
    assert [row.action for row in applied.rows] == ["update", "update", "create"]


@pytest.mark.parametrize(
    "filename", ["kom\x00muner.csv", "kom\x01muner.csv", "\x00", "../../x/kom\x1bmuner.csv"]
)
def test_a_file_name_with_control_characters_is_shown_and_stored_without_them(
    secretariat_client, filename
):
    page = _upload(secretariat_client, GOOD, filename=filename)
    assert page.status_code == 200
    pending = db.session.scalar(select(PendingImport))
    expected = "upload.csv" if filename == "\x00" else "kommuner.csv"
    assert pending.filename == expected
    assert f"Preview of {expected}" in page.get_data(as_text=True)


def test_a_line_break_is_refused_in_a_name_but_kept_in_an_address(secretariat_client):
    text = 'name;kind;country;address\n"Hørsholm\nKommune";municipality;DK;\n'
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "Nothing has been imported from kommuner.csv" in page
    assert "control character" in page
    text = (
        'name;kind;country;address\nHørsholm Kommune;municipality;DK;"Ådalsvej 25\n2970 Hørsholm"\n'
    )
    page = _upload(secretariat_client, text).get_data(as_text=True)
    assert "Preview of kommuner.csv" in page
    pending = db.session.scalar(select(PendingImport))
    assert pending is not None
