"""Importing and exporting the register: encodings, separators, matching, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from consortium import csvio
from consortium.audit.models import AuditEntry
from consortium.extensions import db
from consortium.members import services, transfer
from consortium.members.models import Organisation, PopulationFigure
from consortium.settings.services import get_settings, update_settings

HEADER = "name,kind,country,registration_number,municipality_code,population,population_year,ean,email,language\n"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audit_count() -> int:
    return _count(AuditEntry)


def _by_name(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _import(text: str | bytes, filename="members.csv", apply=True, encoding="utf-8"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    report = transfer.import_organisations(data, filename, apply=apply)
    db.session.commit()
    return report


@pytest.fixture(autouse=True)
def association(app):
    """The settings have been saved, as they are once the association is set up."""
    update_settings(get_settings())
    db.session.commit()


@pytest.fixture
def aarhus(app):
    organisation = services.create_organisation(
        name="Aarhus Kommune",
        kind="municipality",
        country="DK",
        registration_number="55133018",
        municipality_code="751",
        email="post@aarhus.dk",
    )
    services.set_population(organisation, 2025, 367_095, "Statistics Denmark BY2")
    services.change_membership(organisation, "active", date(2012, 1, 1))
    services.save_billing_identity(
        organisation, None, name="Central finance", gln="5798005770008", is_default=True
    )
    db.session.commit()
    return organisation


# --- reading files ----------------------------------------------------------------------


def test_a_utf8_file_with_commas_creates_organisations_with_their_figures(app):
    report = _import(
        HEADER
        + "Københavns Kommune,municipality,DK,64942212,101,667099,2025,5798009882783,kk@kk.dk,da\n"
        + "Region Hovedstaden,region,DK,,,,,,,\n"
    )
    assert report.ok and report.applied
    assert report.count("create") == 2
    copenhagen = _by_name("Københavns Kommune")
    assert copenhagen.registration_number == "64942212"
    assert copenhagen.municipality_code == "101"
    assert copenhagen.email == "kk@kk.dk" and copenhagen.language == "da"
    assert copenhagen.populations[0].year == 2025
    assert copenhagen.populations[0].population == 667_099
    assert copenhagen.populations[0].source == "Import of members.csv"
    identity = services.default_billing_identity(copenhagen)
    assert identity.gln == "5798009882783"
    assert services.current_tier(copenhagen).tier == "very_large"
    assert _by_name("Region Hovedstaden").kind == "region"


def test_excel_files_with_a_bom_and_semicolons_are_read(app):
    text = "name;kind;country;municipality_code\nHelsingør Kommune;municipality;DK;217\n"
    report = _import(csvio.UTF8_BOM + text.encode("utf-8"))
    assert report.ok
    assert _by_name("Helsingør Kommune").municipality_code == "217"


def test_danish_excel_windows_1252_is_read_without_garbling(app):
    text = "name;kind;country\nÆrø Kommune;municipality;DK\nTårnby Kommune;municipality;DK\nRødovre;other;DK\n"
    report = _import(text, encoding="cp1252")
    assert report.ok
    assert {row.name for row in report.rows} == {"Ærø Kommune", "Tårnby Kommune", "Rødovre"}


def test_czech_excel_windows_1250_is_read_without_garbling(app):
    text = "name;kind;country;registration_number\nStatutární město Děčín;municipality;CZ;00261238\nMěsto Říčany;municipality;CZ;00240702\n"
    report = _import(text, encoding="cp1250")
    assert report.ok, [str(problem) for problem in report.problems]
    assert _by_name("Statutární město Děčín").registration_number == "00261238"
    assert _by_name("Město Říčany") is not None


@pytest.mark.parametrize("encoding", ["mac_roman", "utf-16"])
def test_other_encodings_are_refused_with_how_to_save_as_utf8(app, encoding):
    before = _count(Organisation)
    text = "name;kind;country\nBrøndby Kommune;municipality;DK\n"
    report = _import(text, encoding=encoding)
    assert not report.ok
    assert "CSV UTF-8" in str(report.problems[0].message)
    assert _count(Organisation) == before


# --- matching and changing --------------------------------------------------------------


def test_rows_match_by_id_then_registration_number_then_municipality_code(aarhus):
    other = services.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK", municipality_code="727"
    )
    db.session.commit()
    report = _import(
        "id,name,kind,country,registration_number,municipality_code\n"
        f"{aarhus.id},Aarhus Kommune (by id),,,,\n"
        ",Odder (by code),municipality,DK,,727\n"
        ",Syddjurs Kommune,municipality,DK,29189781,706\n"
    )
    assert report.ok, [str(problem) for problem in report.problems]
    assert [row.action for row in report.rows] == ["update", "update", "create"]
    assert db.session.get(Organisation, aarhus.id).name == "Aarhus Kommune (by id)"
    assert db.session.get(Organisation, other.id).name == "Odder (by code)"
    report = _import(
        "name,kind,country,registration_number\nAarhus by CVR,municipality,DK,55 13 30 18\n"
    )
    assert report.rows[0].action == "update"
    assert db.session.get(Organisation, aarhus.id).name == "Aarhus by CVR"


def test_an_empty_cell_changes_nothing(aarhus):
    report = _import(HEADER + "Aarhus Kommune,municipality,DK,55133018,,,,,,\n")
    assert report.rows[0].action == "unchanged"
    aarhus = db.session.get(Organisation, aarhus.id)
    assert aarhus.municipality_code == "751"
    assert aarhus.email == "post@aarhus.dk"
    assert services.default_billing_identity(aarhus).gln == "5798005770008"
    assert aarhus.populations[0].population == 367_095


def test_ean_and_email_set_the_default_billing_identity_and_the_general_email(aarhus):
    report = _import(
        "registration_number,name,kind,country,ean,email\n"
        "55133018,Aarhus Kommune,municipality,DK,5798009882783,kontakt@aarhus.dk\n"
    )
    assert report.rows[0].changed == ["email", "gln"]
    aarhus = db.session.get(Organisation, aarhus.id)
    assert aarhus.email == "kontakt@aarhus.dk"
    assert services.default_billing_identity(aarhus).gln == "5798009882783"
    assert len(aarhus.billing_identities) == 1


def test_one_bad_row_imports_nothing_and_every_bad_line_is_named(aarhus):
    before = (_count(Organisation), _count(PopulationFigure), _audit_count())
    report = _import(
        HEADER
        + "Good Kommune,municipality,DK,,999,1000,2025,,,\n"
        + "Bad CVR,municipality,DK,12345678,,,,,,\n"
        + "Another good,other,DK,,,,,,,\n"
        + ",town,DK,,,12a,2025,123,not-an-email,fr\n"
    )
    assert not report.ok and not report.applied
    found = {(problem.line, problem.column) for problem in report.problems}
    assert found == {
        (3, "registration_number"),
        (5, "kind"),
        (5, "population"),
        (5, "ean"),
        (5, "email"),
        (5, "language"),
        (5, "name"),
    }
    assert (_count(Organisation), _count(PopulationFigure), _audit_count()) == before
    assert _by_name("Good Kommune") is None


def test_a_row_may_not_take_another_organisations_number_or_repeat_a_row(aarhus):
    odder = services.create_organisation(name="Odder Kommune", kind="municipality", country="DK")
    db.session.commit()
    report = _import(
        "id,name,kind,country,registration_number,municipality_code\n"
        f"{odder.id},Odder Kommune,municipality,DK,,751\n"
        ",Aarhus Kommune,municipality,DK,55133018,\n"
        ",Aarhus again,municipality,DK,55133018,\n"
    )
    assert [(problem.line, problem.column) for problem in report.problems] == [
        (2, "municipality_code"),
        (4, ""),
    ]
    assert "Aarhus Kommune already has this municipality code" in str(report.problems[0].message)
    assert "Line 3" in str(report.problems[1].message)


def test_unknown_and_missing_columns_are_named(app):
    report = _import("name,knd,emial\nX,municipality,x@example.org\n")
    assert {(problem.line, problem.column) for problem in report.problems} == {
        (1, "knd"),
        (1, "emial"),
        (1, "kind"),
        (1, "country"),
    }


def test_a_dry_run_changes_nothing_and_reports_what_would(aarhus):
    before = (_count(Organisation), _audit_count())
    report = _import(HEADER + "Favrskov Kommune,municipality,DK,,710,48000,2025,,,\n", apply=False)
    assert report.ok and not report.applied
    assert report.count("create") == 1
    assert (_count(Organisation), _audit_count()) == before


def test_the_audit_trail_names_the_imported_file(app):
    _import(
        HEADER + "Favrskov Kommune,municipality,DK,,710,48000,2025,,,\n", filename="day-one.csv"
    )
    sources = db.session.scalars(
        select(AuditEntry.source).where(AuditEntry.record_type == "organisation")
    )
    assert set(sources) == {"Import of day-one.csv"}


# --- export -----------------------------------------------------------------------------


def test_export_then_import_of_the_same_file_changes_nothing(aarhus):
    services.create_organisation(
        name="KL",
        kind="other",
        country="DK",
        tier_override="large",
        tier_override_reason="no residents",
        address="Weidekampsgade 10\r\n2300 København S",
    )
    db.session.commit()
    exported = transfer.export_csv(transfer.all_organisations(), ";")
    before = _audit_count()
    report = _import(exported, filename="export.csv")
    assert report.ok, [str(problem) for problem in report.problems]
    assert {row.action for row in report.rows} == {"unchanged"}
    assert _audit_count() == before


def test_export_has_the_newest_population_and_the_billing_columns(aarhus):
    services.set_population(db.session.get(Organisation, aarhus.id), 2026, 370_000, "BY2")
    db.session.commit()
    text = transfer.export_csv(transfer.all_organisations()).decode("utf-8-sig")
    header, row = text.splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["population"] == "370000" and values["population_year"] == "2026"
    assert values["status"] == "active" and values["tier"] == "very_large"
    assert values["ean"] == "5798005770008"
    assert values["id"] == str(aarhus.id)


def test_formulas_are_neutralised_for_spreadsheets_and_restored_on_import(app):
    services.create_organisation(
        name='=HYPERLINK("http://x")', kind="other", country="DK", notes=""
    )
    services.create_organisation(name="@SUM(A1)", kind="other", country="DK", address="-2+3")
    db.session.commit()
    text = transfer.export_csv(transfer.all_organisations()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'-2+3" in text
    assert ",=" not in text and ",@" not in text
    before = _audit_count()
    report = _import(text.encode("utf-8"))
    assert {row.action for row in report.rows} == {"unchanged"}
    assert _audit_count() == before
    assert _by_name("@SUM(A1)").address == "-2+3"


# --- population ---------------------------------------------------------------------------


@pytest.fixture
def odder(app):
    organisation = services.create_organisation(
        name="Odder Kommune", kind="municipality", country="DK", municipality_code="727"
    )
    services.change_membership(organisation, "active", date(2020, 1, 1))
    db.session.commit()
    return organisation


def _population(text, **options):
    options = {"year": 2026, "source": "Statistics Denmark FOLK1A", "apply": True} | options
    report = transfer.import_population(
        text.encode(options.pop("encoding", "utf-8")), "folk1a.csv", **options
    )
    db.session.commit()
    return report


def test_population_import_records_the_year_with_its_source(aarhus, odder):
    report = _population("municipality_code;population\n751;370.123\n727;23 500\n")
    assert report.ok
    figure = services.population_in(db.session.get(Organisation, aarhus.id), 2026)
    assert (figure.population, figure.source) == (370_123, "Statistics Denmark FOLK1A")
    assert services.population_in(db.session.get(Organisation, odder.id), 2026).population == 23_500
    # The 2025 figure is kept.
    assert (
        services.population_in(db.session.get(Organisation, aarhus.id), 2025).population == 367_095
    )


def test_population_import_by_registration_number(aarhus):
    report = _population("registration_number,population\n55133018,370000\n")
    assert report.ok and report.count("update") == 1


def test_population_rows_for_unknown_codes_are_errors_unless_skipped(aarhus, odder):
    text = "municipality_code,population\n751,370000\n101,667099\n727,23500\n147,105000\n"
    report = _population(text)
    assert [(problem.line, problem.column) for problem in report.problems] == [
        (3, "municipality_code"),
        (5, "municipality_code"),
    ]
    assert services.population_in(db.session.get(Organisation, aarhus.id), 2026) is None
    report = _population(text, skip_unknown=True)
    assert report.ok
    assert [row.name for row in report.skipped] == ["101", "147"]
    assert report.count("update") == 2


def test_population_report_lists_active_members_missing_from_the_file(aarhus, odder):
    report = _population("municipality_code,population\n751,370000\n", apply=False)
    assert [organisation.name for organisation in report.missing] == ["Odder Kommune"]
    assert services.population_in(db.session.get(Organisation, aarhus.id), 2026) is None


def test_population_bad_numbers_are_all_named(aarhus, odder):
    report = _population("municipality_code,population\n751,lots\n727,-5\n751,1\n")
    assert [(problem.line, problem.column) for problem in report.problems] == [
        (2, "population"),
        (3, "population"),
        (4, "municipality_code"),
    ]


# --- the command line -------------------------------------------------------------------


def test_the_command_line_import_fails_with_every_bad_line_and_changes_nothing(
    runner, tmp_path, aarhus
):
    path = tmp_path / "bad.csv"
    path.write_text("name,kind,country\nGood,other,DK\nBad,town,DK\n,other,DK\n", encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(path)])
    assert result.exit_code == 1
    assert "line 3, column kind" in result.output
    assert "line 4, column name" in result.output
    assert _by_name("Good") is None


def test_the_command_line_dry_run_and_import(runner, tmp_path, app):
    path = tmp_path / "ok.csv"
    path.write_text("name;kind;country\nGood;other;DK\n", encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert _by_name("Good") is None
    result = runner.invoke(args=["orgs", "import", str(path)])
    assert result.exit_code == 0 and "1 created" in result.output
    assert _by_name("Good") is not None


def test_the_command_line_population_import_and_export(runner, tmp_path, aarhus, odder):
    path = tmp_path / "folk1a.csv"
    path.write_text("municipality_code;population\n751;370000\n101;667099\n", encoding="utf-8")
    args = ["orgs", "import-population", str(path), "--year", "2026", "--source", "FOLK1A"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "line 3, column municipality_code" in result.output
    result = runner.invoke(args=[*args, "--skip-unknown"])
    assert result.exit_code == 0, result.output
    assert (
        "skipped 101" in result.output and "missing from the file: Odder Kommune" in result.output
    )
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["orgs", "export", "-o", str(out)]).exit_code == 0
    assert "370000,2026" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("value", ["²", "١٢", "1" * 5000, "12a"])
def test_an_id_that_is_no_plain_number_is_a_line_error(aarhus, value):
    report = _import(f"id,name,kind,country\n{value},Renamed,,\n")
    assert [(problem.line, problem.column) for problem in report.problems] == [(2, "id")]
    assert "Enter the id as a whole number, as in the export." in str(report.problems[0])
    assert db.session.get(Organisation, aarhus.id).name == "Aarhus Kommune"


@pytest.mark.parametrize("population", ["9" * 5000, "١٢٣", "²"])
def test_numbers_that_are_not_plain_digits_are_line_errors(app, population):
    report = _import(HEADER + f"Far Kommune,municipality,DK,,,{population},2025,,,\n")
    assert [(problem.line, problem.column) for problem in report.problems] == [(2, "population")]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_every_formula_start_is_neutralised(text):
    assert csvio.neutralise(text) == "'" + text
    assert csvio.unneutralise(csvio.neutralise(text)) == text


@pytest.mark.parametrize("number", ["-12.50", "-1234,56", "-5"])
def test_plain_negative_numbers_stay_numbers(number):
    assert csvio.neutralise(number) == number
