"""The demo association: a register a newcomer can explore, and the files it draws from."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import demo, identifiers
from consortium.auth.passwords import password_problem
from consortium.extensions import db
from consortium.members import services
from consortium.members.models import KINDS, Organisation
from consortium.members.tiers import TIERS
from tests.conftest import login, make_user

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "consortium" / "data" / "demo" / "dk-municipalities.csv"
TEST_DATA = Path(__file__).resolve().parent / "data"
REGIONS = {
    "Hovedstaden": 29,
    "Sjælland": 17,
    "Syddanmark": 22,
    "Midtjylland": 19,
    "Nordjylland": 11,
}


@pytest.fixture
def register(demo_app):
    with demo_app.app_context():
        yield db.session.scalars(
            select(Organisation)
            .options(
                selectinload(Organisation.populations),
                selectinload(Organisation.memberships),
                selectinload(Organisation.billing_identities),
            )
            .order_by(Organisation.name)
        ).all()


def data_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DATA_FILE.read_text("utf-8"))))


# --- the data files ----------------------------------------------------------------------


def test_the_data_file_lists_every_danish_municipality_once():
    raw = DATA_FILE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == (
        "municipality_code,name,region,population_2025,population_2026"
    )
    rows = data_rows()
    codes = [row["municipality_code"] for row in rows]
    assert len(rows) == 98
    assert len(set(codes)) == 98
    assert len({row["name"] for row in rows}) == 98
    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert "411" not in codes  # Christiansø belongs to no municipality
    assert Counter(row["region"] for row in rows) == REGIONS
    names = {row["municipality_code"]: row["name"] for row in rows}
    assert names["101"] == "København"
    assert names["147"] == "Frederiksberg"
    assert names["169"] == "Høje-Taastrup"
    assert names["173"] == "Lyngby-Taarbæk"
    assert names["400"] == "Bornholm"
    assert names["461"] == "Odense"
    assert names["492"] == "Ærø"
    assert names["751"] == "Aarhus"
    assert names["810"] == "Brønderslev"
    assert names["825"] == "Læsø"
    assert names["851"] == "Aalborg"


def test_the_data_files_populations_are_plausible():
    rows = data_rows()
    for year in demo.POPULATION_YEARS:
        assert 5_800_000 < sum(int(row[f"population_{year}"]) for row in rows) < 6_200_000
    for row in rows:
        before, after = int(row["population_2025"]), int(row["population_2026"])
        assert 1_000 < before < 1_000_000
        assert before != after and abs(after - before) < before * 0.03, row["name"]
    by_name = {row["name"]: int(row["population_2025"]) for row in rows}
    assert max(by_name, key=by_name.get) == "København"
    assert min(by_name, key=by_name.get) == "Læsø"


def test_the_demo_reads_the_data_file():
    municipalities = demo.danish_municipalities()
    assert len(municipalities) == 98
    by_code = {municipality.code: municipality for municipality in municipalities}
    assert by_code["101"].organisation_name == "Københavns Kommune"
    assert by_code["400"].organisation_name == "Bornholms Regionskommune"
    assert by_code["706"].organisation_name == "Syddjurs Kommune"


def test_the_statistics_denmark_download_has_the_2026_figures():
    raw = (TEST_DATA / "dk-municipalities-statbank.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("cp1252").splitlines()
    assert lines[0] == "municipality_code;population"
    figures = dict(line.split(";") for line in lines[1:])
    assert figures == {row["municipality_code"]: row["population_2026"] for row in data_rows()}


def test_the_register_file_lists_every_municipality_with_its_2025_figure():
    raw = (TEST_DATA / "dk-municipalities-register.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == [
        "name",
        "kind",
        "country",
        "municipality_code",
        "population",
        "population_year",
    ]
    expected = {municipality.code: municipality for municipality in demo.danish_municipalities()}
    assert len(rows) == 98
    assert {row["municipality_code"] for row in rows} == set(expected)
    for row in rows:
        municipality = expected[row["municipality_code"]]
        assert row["name"] == municipality.organisation_name
        assert (row["kind"], row["country"], row["population_year"]) == (
            "municipality",
            "DK",
            "2025",
        )
        assert int(row["population"]) == municipality.populations[2025]


# --- the demo register -------------------------------------------------------------------


def test_the_register_has_forty_organisations_of_every_kind_and_tier(register):
    assert len(register) >= 40
    kinds = Counter(organisation.kind for organisation in register)
    assert set(kinds) == set(KINDS)
    assert kinds["municipality"] >= 40
    sets = services.band_sets()
    tiers = Counter(services.current_tier(organisation, sets).tier for organisation in register)
    assert set(tiers) == set(TIERS)


def test_every_municipality_has_its_code_and_two_years_of_population(register):
    by_code = {municipality.code: municipality for municipality in demo.danish_municipalities()}
    for organisation in register:
        if organisation.kind != "municipality":
            continue
        municipality = by_code[organisation.municipality_code]
        assert organisation.name == municipality.organisation_name
        assert {figure.year: figure.population for figure in organisation.populations} == (
            municipality.populations
        )
        assert {figure.source for figure in organisation.populations} == {
            "Statistics Denmark FOLK1A"
        }
        assert organisation.address.startswith("Rådhuset, ")
        assert organisation.email.isascii() and organisation.email.startswith("post@")
        assert organisation.language == "da"


def test_bodies_without_residents_have_a_tier_chosen_by_the_secretariat(register):
    for organisation in register:
        if organisation.kind in ("state_agency", "other"):
            assert organisation.tier_override in TIERS
            assert organisation.tier_override_reason
            assert organisation.populations == []
        else:
            assert organisation.tier_override is None
            assert {figure.year for figure in organisation.populations} == {2025, 2026}


def test_every_cvr_and_ean_number_is_valid(register):
    numbers = [organisation.registration_number for organisation in register]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert identifiers.registration_number("DK", number) == number
    eans = []
    for organisation in register:
        defaults = [identity for identity in organisation.billing_identities if identity.is_default]
        assert len(defaults) == 1, organisation.name
        assert defaults[0].name in ("Central økonomi", "Økonomi")
        for identity in organisation.billing_identities:
            assert identity.invoice_email
            if identity.gln is None:
                # Paid by PDF by mail: the review of a run lists it as receiving no e-invoice.
                assert organisation.name in demo.PDF_BY_MAIL
                continue
            assert identifiers.gln(identity.gln) == identity.gln
            assert identity.gln.startswith("5798")
            eans.append(identity.gln)
    assert len(set(eans)) == len(eans)
    # Every municipality has an EAN, so that it receives e-invoices; one or two bodies do not.
    without = [organisation for organisation in register if not _has_ean(organisation)]
    assert 1 <= len(without) <= 2
    assert all(organisation.kind != "municipality" for organisation in without)
    it_departments = [
        identity
        for organisation in register
        for identity in organisation.billing_identities
        if identity.name == "IT-afdelingen"
    ]
    assert len(it_departments) >= 3
    assert all(
        identity.invoice_reference and not identity.is_default for identity in it_departments
    )


def _has_ean(organisation: Organisation) -> bool:
    return all(identity.gln for identity in organisation.billing_identities)


def test_the_register_has_members_former_members_and_an_applicant(register):
    current = {
        organisation.name: services.membership_status(organisation) for organisation in register
    }
    statuses = Counter(step.status for step in current.values())
    assert statuses["active"] >= 35
    assert statuses["resigned"] + statuses["lapsed"] >= 3
    assert statuses["resigned"] and statuses["lapsed"]
    assert statuses["applied"] == 1
    for step in current.values():
        if step.status in ("resigned", "lapsed"):
            assert step.reason
    joined = [
        step.status_on
        for organisation in register
        for step in organisation.memberships
        if step.status == "active"
    ]
    assert min(joined) >= date(2016, 1, 1) and max(joined) <= date(2024, 12, 31)
    assert len({on.year for on in joined}) >= 6
    histories = [[step.status for step in organisation.memberships] for organisation in register]
    assert sum(history[:2] == ["applied", "active"] for history in histories) >= 3


# --- the people --------------------------------------------------------------------------


def test_the_first_two_logins_stay_as_documented():
    assert demo.DEMO_LOGINS[:2] == (
        demo.DemoLogin(
            "secretariat",
            "secretariat@demo.example.org",
            "demo-secretariat-2026",
            "Sofie Secretariat",
            None,
        ),
        demo.DemoLogin(
            "municipal contact",
            "anna.jensen@demo.example.org",
            "demo-member-2026",
            "Anna Jensen",
            "da",
        ),
    )
    assert len(demo.DEMO_LOGINS) >= 6
    assert len({demo_login.email for demo_login in demo.DEMO_LOGINS}) == len(demo.DEMO_LOGINS)


def test_the_readme_lists_every_demo_login():
    readme = (ROOT / "README.md").read_text("utf-8")
    for demo_login in demo.all_logins():
        assert f"| {demo_login.role} | {demo_login.email} | {demo_login.password} |" in readme, (
            demo_login.email
        )


def test_demo_passwords_pass_the_password_rules(demo_app):
    with demo_app.app_context():
        for demo_login in demo.all_logins():
            assert demo_login.password.startswith("demo-")
            assert demo_login.password.endswith("-2026")
            assert password_problem(demo_login.password, demo_login.email) is None


@pytest.mark.parametrize("demo_login", demo.all_logins(), ids=lambda demo_login: demo_login.email)
def test_each_demo_login_signs_in(demo_app, demo_login):
    client = demo_app.test_client()
    assert login(client, demo_login.email, demo_login.password).status_code == 302
    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "theirs"),
    [
        ("anna.jensen@demo.example.org", "demo-member-2026", ["Syddjurs Kommune"]),
        ("mette.kristensen@demo.example.org", "demo-aarhus-2026", ["Aarhus Kommune"]),
        ("jens.poulsen@demo.example.org", "demo-finance-2026", ["Odense Kommune"]),
        (
            "karen.holm@demo.example.org",
            "demo-djurs-it-2026",
            ["Norddjurs Kommune", "Syddjurs Kommune"],
        ),
        ("peter.madsen@demo.example.org", "demo-agency-2026", ["Digitaliseringsstyrelsen"]),
    ],
)
def test_contacts_see_their_own_organisations(demo_app, email, password, theirs):
    client = demo_app.test_client()
    login(client, email, password)
    page = client.get("/organisations/").get_data(as_text=True)
    for name in theirs:
        assert name in page
    for name in {"Syddjurs Kommune", "Aarhus Kommune", "Københavns Kommune", "Danske Regioner"}:
        if name not in theirs:
            assert name not in page


def test_anna_opens_her_organisation_and_sees_its_data(demo_app):
    with demo_app.app_context():
        syddjurs = db.session.scalar(
            select(Organisation).where(Organisation.name == "Syddjurs Kommune")
        )
        aarhus = db.session.scalar(
            select(Organisation).where(Organisation.name == "Aarhus Kommune")
        )
        syddjurs_id, aarhus_id, cvr = syddjurs.id, aarhus.id, syddjurs.registration_number
    client = demo_app.test_client()
    login(client, "anna.jensen@demo.example.org", "demo-member-2026")
    page = client.get(f"/organisations/{syddjurs_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert cvr in text and "Karen Holm" in text
    assert client.get(f"/organisations/{aarhus_id}").status_code == 403


def test_the_secretariat_sees_the_whole_register(demo_app):
    with demo_app.app_context():
        names = db.session.scalars(select(Organisation.name)).all()
    client = demo_app.test_client()
    login(client, "secretariat@demo.example.org", "demo-secretariat-2026")
    page = client.get("/organisations/").get_data(as_text=True)
    for name in names:
        assert name in page


def test_the_demo_has_agreements_of_each_kind_accepted_and_waiting(demo_app):
    from consortium.agreements import queries
    from consortium.agreements.models import AgreementDocument, AgreementTemplate
    from consortium.agreements.sealing import verify_seal
    from consortium.db import utcnow

    with demo_app.app_context():
        templates = {
            (template.kind, template.language)
            for template in db.session.scalars(select(AgreementTemplate))
        }
        assert templates == {
            (kind, language)
            for kind in ("membership", "participation", "supplier")
            for language in ("en", "da", "de", "cs")
        }
        documents = list(db.session.scalars(select(AgreementDocument)))
        for kind in ("membership", "participation", "supplier"):
            statuses = {document.status for document in documents if document.kind == kind}
            assert {"accepted", "sent"} <= statuses, kind
        accepted = next(document for document in documents if document.status == "accepted")
        assert accepted.acceptance.sha256 == accepted.sha256
        assert verify_seal(accepted.pdf).intact
        # Everything else was agreed on paper before the demo kept agreements.
        assert queries.without_document(utcnow().date()) == []


# What, in a Danish page, means a value was shown as stored rather than in words.
UNTRANSLATED = re.compile(r"\{'|\['|\bNone\b|\bTrue\b|\bFalse\b|anonymous web request|Import of ")
# Codes and English words that must never be a value (or an item of a listed value) by itself.
ENGLISH_VALUES = {
    "yes", "no", "draft", "pending", "approved", "active", "municipality", "state_agency",
    "board", "steering_committee", "chair", "member", "observer", "primary", "commitment",
    "agreement", "join", "leave", "manual", "green", "yellow", "red", "secretariat", "flat",
    "large", "medium", "small", "product", "en", "da", "de", "cs", "DK",
}  # fmt: skip


def test_the_audit_trail_of_every_demo_record_type_reads_in_danish(demo_app):
    """One record of each audited type, with each of its fields, read by a Danish
    secretariat: no Python lists or mappings, no None/True/False, no codes in English."""
    from consortium.audit.labels import RECORD_TYPES
    from consortium.audit.models import AuditEntry

    with demo_app.app_context():
        make_user("audit-reader@example.org", secretariat=True, language="da")
        db.session.commit()
        pages = {}
        for record_type, record_id, changes in db.session.execute(
            select(AuditEntry.record_type, AuditEntry.record_id, AuditEntry.changes)
        ):
            for field in changes or {}:
                pages.setdefault((record_type, field), (record_type, record_id))
    types = {record_type for record_type, _field in pages}
    assert len(types) >= 40 and types <= set(RECORD_TYPES)
    client = demo_app.test_client()
    login(client, "audit-reader@example.org")
    problems = []
    for record_type, record_id in sorted(set(pages.values())):
        page = client.get(f"/audit/{record_type}/{record_id}").get_data(as_text=True)
        assert '<html lang="da">' in page
        for value in re.findall(r"<(?:ins|del)>(.*?)</(?:ins|del)>", page, re.DOTALL):
            if match := UNTRANSLATED.search(value):
                problems.append((record_type, record_id, match.group(0), value[:80]))
            items = {item.strip() for item in re.split(r"[,;:]", value)}
            if items & ENGLISH_VALUES:
                problems.append((record_type, record_id, "code", value[:80]))
        for field in re.findall(r"<dt>(.*?)</dt>", page):
            if re.fullmatch(r"[a-z]+(?: [a-z]+)*", field.strip()):
                problems.append((record_type, record_id, "field", field))
    assert problems == []
