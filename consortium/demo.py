"""The demo association: what `make run` shows on a fresh clone."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from flask import current_app
from sqlalchemy import func, select
from stdnum import ean

from consortium import identifiers
from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.extensions import db
from consortium.members import services as members
from consortium.members.models import Organisation
from consortium.members.tiers import LARGE, MEDIUM, SMALL
from consortium.settings.services import get_settings, update_settings


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str
    language: str | None


# Demo passwords are public by design: they only ever exist in a demo database.
DEMO_LOGINS = (
    DemoLogin(
        "secretariat",
        "secretariat@demo.example.org",
        "demo-secretariat-2026",
        "Sofie Secretariat",
        None,
    ),
    DemoLogin(
        "municipal contact", "anna.jensen@demo.example.org", "demo-member-2026", "Anna Jensen", "da"
    ),
    DemoLogin(
        "municipal contact",
        "mette.kristensen@demo.example.org",
        "demo-aarhus-2026",
        "Mette Kristensen",
        "da",
    ),
    DemoLogin(
        "finance contact",
        "jens.poulsen@demo.example.org",
        "demo-finance-2026",
        "Jens Poulsen",
        "da",
    ),
    DemoLogin(
        "technical contact", "karen.holm@demo.example.org", "demo-djurs-it-2026", "Karen Holm", "da"
    ),
    DemoLogin(
        "agency contact", "peter.madsen@demo.example.org", "demo-agency-2026", "Peter Madsen", "en"
    ),
)

POPULATION_SOURCE = "Statistics Denmark FOLK1A"
POPULATION_YEARS = (2025, 2026)


@dataclass(frozen=True)
class Municipality:
    """A line of the shipped list of Danish municipalities."""

    code: str
    name: str
    region: str
    populations: dict[int, int]

    @property
    def organisation_name(self) -> str:
        # The register uses the council's own name; two of them are in the genitive.
        return {
            "København": "Københavns Kommune",
            "Bornholm": "Bornholms Regionskommune",
        }.get(self.name, f"{self.name} Kommune")


@cache
def danish_municipalities() -> tuple[Municipality, ...]:
    """All 98 Danish municipalities with their populations on 1 January 2025 and 2026."""
    text = (
        resources.files("consortium").joinpath("data/demo/dk-municipalities.csv").read_text("utf-8")
    )
    return tuple(
        Municipality(
            code=row["municipality_code"],
            name=row["name"],
            region=row["region"],
            populations={year: int(row[f"population_{year}"]) for year in POPULATION_YEARS},
        )
        for row in csv.DictReader(io.StringIO(text))
    )


# The member municipalities: code, the town hall's street, postcode and town, the date the
# application came in (None when the board admitted them at once) and the date they joined
# (None while the application waits for the board).
MEMBER_MUNICIPALITIES = (
    ("101", "Rådhuspladsen 1, 1599 København V", None, date(2016, 1, 1)),
    ("751", "Rådhuspladsen 2, 8000 Aarhus C", None, date(2016, 1, 1)),
    ("461", "Flakhaven 2, 5000 Odense C", None, date(2016, 1, 1)),
    ("851", "Boulevarden 13, 9000 Aalborg", None, date(2016, 1, 1)),
    ("706", "Lundbergsvej 2, 8400 Ebeltoft", None, date(2016, 1, 1)),
    ("630", "Skolegade 1, 7100 Vejle", None, date(2016, 9, 1)),
    ("147", "Smallegade 1, 2000 Frederiksberg", None, date(2017, 1, 1)),
    ("561", "Torvegade 74, 6700 Esbjerg", None, date(2017, 1, 1)),
    ("730", "Laksetorvet 1, 8900 Randers C", None, date(2017, 4, 1)),
    ("621", "Akseltorv 1, 6000 Kolding", None, date(2017, 6, 1)),
    ("615", "Rådhustorvet 4, 8700 Horsens", date(2018, 11, 5), date(2019, 1, 1)),
    ("791", "Prinsens Allé 5, 8800 Viborg", None, date(2018, 1, 1)),
    ("740", "Søvej 1, 8600 Silkeborg", None, date(2018, 3, 1)),
    ("657", "Torvet 5, 7400 Herning", None, date(2019, 1, 1)),
    ("265", "Rådhusbuen 1, 4000 Roskilde", None, date(2019, 5, 1)),
    ("370", "Rådmandshaven 20, 4700 Næstved", None, date(2020, 1, 1)),
    ("157", "Bernstorffsvej 161, 2920 Charlottenlund", None, date(2016, 6, 1)),
    ("746", "Adelgade 44, 8660 Skanderborg", date(2020, 8, 17), date(2020, 10, 1)),
    ("151", "Hold-an Vej 7, 2750 Ballerup", None, date(2017, 1, 1)),
    ("219", "Trollesminde Allé 27, 3400 Hillerød", date(2021, 2, 8), date(2021, 4, 1)),
    ("710", "Skovvejen 20, 8450 Hammel", None, date(2016, 1, 1)),
    ("707", "Torvet 3, 8500 Grenaa", None, date(2017, 1, 1)),
    ("840", "Hobrovej 110, 9530 Støvring", None, date(2018, 7, 1)),
    ("250", "Torvet 2, 3600 Frederikssund", None, date(2018, 1, 1)),
    ("190", "Stiager 2, 3500 Værløse", None, date(2019, 9, 1)),
    ("766", "Niels Espes Vej 8, 8722 Hedensted", None, date(2020, 1, 1)),
    ("607", "Gothersgade 20, 7000 Fredericia", None, date(2021, 1, 1)),
    ("430", "Tinghøj Allé 2, 5750 Ringe", None, date(2021, 7, 1)),
    ("479", "Ramsherred 5, 5700 Svendborg", None, date(2022, 1, 1)),
    ("173", "Lyngby Torv 17, 2800 Kongens Lyngby", None, date(2022, 3, 1)),
    ("169", "Bygaden 2, 2630 Taastrup", date(2022, 9, 12), date(2023, 1, 1)),
    ("787", "Asylgade 30, 7700 Thisted", None, date(2023, 1, 1)),
    ("492", "Statene 2, 5970 Ærøskøbing", None, date(2019, 1, 1)),
    ("825", "Doktorvejen 2, 9940 Læsø", None, date(2018, 1, 1)),
    ("741", "Søtofte 10, 8305 Samsø", None, date(2020, 1, 1)),
    ("563", "Skolevej 5, 6720 Fanø", date(2026, 10, 5), None),
    ("155", "Kirkevej 7, 2791 Dragør", date(2023, 10, 2), date(2024, 1, 1)),
    ("727", "Rådhusgade 3, 8300 Odder", None, date(2024, 7, 1)),
    ("665", "Rådhusgade 2, 7620 Lemvig", None, date(2021, 1, 1)),
    ("671", "Østergade 11, 7600 Struer", None, date(2019, 1, 1)),
)

# Former members: the step that ended the membership, its date and the secretariat's note.
FORMER_MEMBERS = {
    "825": (
        "resigned",
        date(2023, 12, 31),
        "Udmeldt ved budgetlægningen for 2024; kommunen samler sine it-projekter hos KOMBIT.",
    ),
    "671": (
        "lapsed",
        date(2022, 6, 30),
        "Kontingentet for 2022 blev ikke betalt trods to rykkere.",
    ),
    "250": (
        "resigned",
        date(2024, 12, 31),
        "Opsagt med seks måneders varsel til udgangen af 2024.",
    ),
}
APPLICATION_NOTES = {
    "563": "Ansøgning modtaget; behandles på bestyrelsesmødet i december.",
}

# Bodies that have a second billing identity for what their IT department pays.
IT_DEPARTMENT_PAYS = {
    "101": "Omkostningssted 4130 – IT-drift",
    "751": "Ordre 2026-0117, Digitalisering",
    "461": "Att. IT-afdelingen, sag 26/4410",
    "730": "Ansvarsnr. 61020",
    "706": "Omkostningssted 2200 – Digitalisering",
    "Region Hovedstaden": "Region H IT, PO 4500123987",
}

# Bodies that receive their invoices as a PDF by mail: no EAN, so no e-invoice (the review of a
# run lists them with the reason).
PDF_BY_MAIL = ("KL – Kommunernes Landsforening", "Danske Regioner")

# The municipalities' own CVR numbers where they are known; the others get made-up valid ones.
KNOWN_CVR = {"101": "64942212", "461": "35209115", "751": "55133018", "851": "29189420"}


@dataclass(frozen=True)
class Body:
    """A member that is not a municipality."""

    name: str
    kind: str
    cvr: str
    address: str
    domain: str
    active_on: date
    region: str | None = None  # a region's residents are those of its municipalities
    tier: str | None = None
    tier_reason: str = ""


BODIES = (
    Body(
        "Region Hovedstaden",
        "region",
        "29190623",
        "Regionsgården, Kongens Vænge 2, 3400 Hillerød",
        "regionh.dk",
        date(2018, 1, 1),
        region="Hovedstaden",
    ),
    Body(
        "Region Midtjylland",
        "region",
        "29190925",
        "Regionshuset Viborg, Skottenborg 26, 8800 Viborg",
        "rm.dk",
        date(2020, 1, 1),
        region="Midtjylland",
    ),
    Body(
        "Digitaliseringsstyrelsen",
        "state_agency",
        "34051178",
        "Landgreven 4, 1301 København K",
        "digst.dk",
        date(2019, 4, 1),
        tier=LARGE,
        tier_reason="Ingen indbyggere: bestyrelsen placerede styrelsen i gruppen stor ved optagelsen (bestyrelsesmøde 12.03.2019).",
    ),
    Body(
        "Erhvervsstyrelsen",
        "state_agency",
        "10150817",
        "Langelinie Allé 17, 2100 København Ø",
        "erst.dk",
        date(2022, 1, 1),
        tier=MEDIUM,
        tier_reason="Ingen indbyggere: deltager i få produkter; gruppen mellem efter aftale med sekretariatet.",
    ),
    Body(
        "KL – Kommunernes Landsforening",
        "other",
        "55949417",
        "Weidekampsgade 10, 2300 København S",
        "kl.dk",
        date(2016, 1, 1),
        tier=MEDIUM,
        tier_reason="Interesseorganisation uden indbyggere: gruppen mellem efter vedtægternes § 4.",
    ),
    Body(
        "Danske Regioner",
        "other",
        "55832218",
        "Dampfærgevej 22, 2100 København Ø",
        "regioner.dk",
        date(2021, 1, 1),
        tier=SMALL,
        tier_reason="Interesseorganisation uden indbyggere: observatør i få produkter, gruppen lille.",
    ),
)

# Who speaks for which organisation (by name), and in what role.
DEMO_CONTACTS = (
    ("anna.jensen@demo.example.org", "Syddjurs Kommune", "primary"),
    ("karen.holm@demo.example.org", "Syddjurs Kommune", "technical"),
    ("karen.holm@demo.example.org", "Norddjurs Kommune", "technical"),
    ("mette.kristensen@demo.example.org", "Aarhus Kommune", "primary"),
    ("jens.poulsen@demo.example.org", "Odense Kommune", "finance"),
    ("peter.madsen@demo.example.org", "Digitaliseringsstyrelsen", "primary"),
)


class DemoError(RuntimeError):
    """The database already holds data."""


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(User.id))) == 0


def load() -> tuple[DemoLogin, ...]:
    """Fill an empty database with the demo association and its users."""
    if current_app.config["CONSORTIUM_ENV"] not in ("development", "testing"):
        raise DemoError("the demo, whose passwords are public, is loaded only in development")
    if not database_is_empty():
        raise DemoError("the database is not empty; the demo is loaded only into an empty database")
    update_settings(
        get_settings(),
        name="Open Municipalities (demo)",
        email="secretariat@demo.example.org",
        address="Dokk1, Hack Kampmanns Plads 2\n8000 Aarhus C",
        registration_number="40440003",
        vat_number="DK40440003",
        # A made-up account in Danske Bank's format, printed on the demo's invoices.
        iban="DK5000400440116243",
        bic="DABADKKK",
        default_language="en",
        currency="DKK",
        country="DK",
        timezone="Europe/Copenhagen",
    )
    users = {}
    for login in DEMO_LOGINS:
        users[login.email] = auth_services.create_user(
            login.email,
            login.name,
            password=login.password,
            language=login.language,
            is_secretariat=login.role == "secretariat",
        )
    # One invitation not yet accepted, so the users page shows every state.
    invited = auth_services.create_user(
        "lars.nielsen@demo.example.org", "Lars Nielsen", language="da"
    )
    auth_services.invite_user(invited, None)
    organisations = _load_register()
    for email, name, role in DEMO_CONTACTS:
        members.add_contact(organisations[name], users[email].id, role)
    _load_registry()
    return all_logins()


def _load_registry() -> None:
    """Products first: suppliers, groups, participations, fees and invoices refer to them."""
    from consortium.agreements import demo as agreements_demo
    from consortium.backlog import demo as backlog_demo
    from consortium.fees import demo as fees_demo
    from consortium.groups import demo as groups_demo
    from consortium.invoicing import demo as invoicing_demo
    from consortium.meetings import demo as meetings_demo
    from consortium.participation import demo as participation_demo
    from consortium.products import demo as products_demo
    from consortium.suppliers import demo as suppliers_demo

    products_demo.load_demo()
    suppliers_demo.load_demo()
    groups_demo.load_demo()
    participation_demo.load_demo()
    # Fees last: they share the costs among the participations.
    fees_demo.load_demo()
    # Invoices last: this year's drafts are made from the fees.
    invoicing_demo.load_demo()
    # Agreements after the fees: a participation agreement names the expected share.
    agreements_demo.load_demo()
    # Meetings after the groups, whose members they invite.
    meetings_demo.load_demo()
    # Backlogs after the meetings, which give the coordination groups the codes of their
    # decisions (a closed round's result is one).
    backlog_demo.load_demo()


def all_logins() -> tuple[DemoLogin, ...]:
    """The demo's logins: the association's people, then the approved suppliers' contacts."""
    from consortium.suppliers import demo as suppliers_demo

    return DEMO_LOGINS + tuple(
        DemoLogin(
            "supplier contact",
            supplier.contact_email,
            suppliers_demo.PASSWORD,
            supplier.contact_name,
            supplier.language,
        )
        for supplier in suppliers_demo.DEMO_SUPPLIERS
        if supplier.status == "approved"
    )


def _load_register() -> dict[str, Organisation]:
    """The member register: municipalities, regions, agencies and others, by name."""
    by_code = {municipality.code: municipality for municipality in danish_municipalities()}
    organisations = {}
    for code, street, applied_on, active_on in MEMBER_MUNICIPALITIES:
        municipality = by_code[code]
        organisation = members.create_organisation(
            name=municipality.organisation_name,
            kind="municipality",
            country="DK",
            registration_number=KNOWN_CVR.get(code) or _made_up_cvr(code),
            municipality_code=code,
            address=f"Rådhuset, {street}",
            email=f"post@{_mail_domain(_ascii(municipality.name))}",
            language="da",
        )
        for year, population in municipality.populations.items():
            members.set_population(organisation, year, population, POPULATION_SOURCE)
        _billing(organisation, code, _mail_domain(_ascii(municipality.name)), "Central økonomi")
        _membership(organisation, code, applied_on, active_on)
        organisations[organisation.name] = organisation
    for number, body in enumerate(BODIES, start=901):
        organisation = members.create_organisation(
            name=body.name,
            kind=body.kind,
            country="DK",
            registration_number=body.cvr,
            address=body.address,
            email=f"post@{_mail_domain(body.domain)}",
            language="da",
            tier_override=body.tier,
            tier_override_reason=body.tier_reason,
        )
        if body.region:
            for year in POPULATION_YEARS:
                residents = sum(
                    municipality.populations[year]
                    for municipality in by_code.values()
                    if municipality.region == body.region
                )
                members.set_population(organisation, year, residents, POPULATION_SOURCE)
        _billing(
            organisation, body.name, _mail_domain(body.domain), "Økonomi", gln_block=str(number)
        )
        members.change_membership(organisation, "active", body.active_on)
        organisations[organisation.name] = organisation
    return organisations


def _mail_domain(name: str) -> str:
    """The demo's mail domain of an organisation: under example.org, which never receives mail,
    so that the demo's invoices and reminders cannot reach a real municipality's inbox."""
    return f"{name.removesuffix('.dk')}.demo.example.org"


def _billing(
    organisation: Organisation, key: str, domain: str, name: str, gln_block: str | None = None
) -> None:
    """The default billing identity (with an EAN, except for the bodies paid by PDF), and the
    IT department's for the bodies that have one."""
    block = gln_block or key
    members.save_billing_identity(
        organisation,
        None,
        name=name,
        gln=None if key in PDF_BY_MAIL else _gln(block, 1),
        invoice_email=f"faktura@{domain}",
        is_default=True,
    )
    if key in IT_DEPARTMENT_PAYS:
        members.save_billing_identity(
            organisation,
            None,
            name="IT-afdelingen",
            gln=_gln(block, 2),
            invoice_reference=IT_DEPARTMENT_PAYS[key],
            invoice_email=f"it-faktura@{domain}",
        )


def _membership(
    organisation: Organisation, code: str, applied_on: date | None, active_on: date | None
) -> None:
    """The membership's history: applied (for some), active, and for former members its end."""
    if applied_on is not None:
        members.change_membership(
            organisation, "applied", applied_on, APPLICATION_NOTES.get(code, "")
        )
    if active_on is None:
        return
    reason = "Stiftende medlem." if active_on == date(2016, 1, 1) else ""
    members.change_membership(organisation, "active", active_on, reason)
    if code in FORMER_MEMBERS:
        status, status_on, reason = FORMER_MEMBERS[code]
        members.change_membership(organisation, status, status_on, reason)


def _ascii(name: str) -> str:
    """A name as it appears in a Danish domain: Lyngby-Taarbæk becomes lyngby-taarbaek."""
    return name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "-"}))


def _made_up_cvr(code: str) -> str:
    """A valid CVR number derived from the municipality code (not the council's real one)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    for serial in range(100):
        body = f"4{code}{serial:03d}"
        check = -sum(w * int(digit) for w, digit in zip(weights, body, strict=True)) % 11
        if check < 10:
            return identifiers.registration_number("DK", body + str(check))
    raise RuntimeError(f"no valid CVR number derived from {code}")


def _gln(block: str, serial: int) -> str:
    """A 13-digit EAN location number in the Danish public range 5798000, with its check digit."""
    number = f"5798000{block}{serial:02d}"
    return identifiers.gln(number + ean.calc_check_digit(number))
