"""The demo's products: eleven shared products at every status and level, rated and decided.

Loaded after the member register (consortium/demo.py) and before the groups, participations
and suppliers, whose demos add the records that answer the data-checked requirements (two
participating organisations, committees with members, a board member in the steering
committee). Uses the services only.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from consortium.auth.models import User
from consortium.extensions import db
from consortium.products import queries, services
from consortium.products.models import LEVELS

SECRETARIAT_EMAIL = "secretariat@demo.example.org"


class DemoProduct(NamedTuple):
    name: str
    slug: str
    status: str
    # The level whose requirements (and those below) the hand ratings fulfil; None for none.
    rated_to: str | None
    # (level, body, decided on, note), oldest first.
    decisions: tuple[tuple[str | None, str, date, str], ...]
    point_person: str
    point_person_email: str | None
    software_type: str
    categories: tuple[str, ...]
    en: tuple[str, str, str]  # short, long, features (one per line)
    da: tuple[str, str, str]
    repository: bool = True
    issue_tracker: bool = True
    # Hand-rated requirements of the rated levels that are yellow with an accepted explanation.
    accepted_yellow: tuple[str, ...] = ()
    # Hand-rated requirements that are yellow without an accepted explanation (they block).
    open_yellow: tuple[str, ...] = ()


def _decision(level, body, on, note):
    return (level, body, on, note)


DEMO_PRODUCTS = (
    DemoProduct(
        "OS2forms",
        "os2forms",
        "product",
        "N3",
        (
            _decision("N1", "secretariat", date(2020, 3, 2), "Admitted after the sandbox review."),
            _decision("N2", "board", date(2021, 6, 17), "Approved at the board meeting in June."),
            _decision(
                "N3", "board", date(2023, 9, 14), "Steering committee approved; budget in place."
            ),
        ),
        "Mette Kristensen",
        "mette.kristensen@demo.example.org",
        "standalone/web",
        ("data-collection", "document-management"),
        (
            "Digital self-service forms for citizens and businesses",
            "OS2forms lets municipalities build digital forms without programming and send the "
            "answers on to case management systems. "
            "Forms are published on the municipality's website, and the answers arrive signed "
            "and complete.",
            "Form builder without code\nMitID login\nIntegration with case management\nPDF receipts",
        ),
        (
            "Digitale selvbetjeningsblanketter til borgere og virksomheder",
            "Med OS2forms kan kommunerne bygge digitale blanketter uden programmering og sende "
            "svarene videre til sagsbehandlingssystemerne. "
            "Blanketterne lægges på kommunens hjemmeside, og svarene kommer frem underskrevne "
            "og komplette.",
            "Blanketbygger uden kode\nMitID-login\nIntegration til sagsbehandling\nPDF-kvitteringer",
        ),
        accepted_yellow=("F20",),
    ),
    DemoProduct(
        "OS2mo",
        "os2mo",
        "product",
        "N3",
        (
            _decision("N1", "secretariat", date(2019, 5, 6), ""),
            _decision("N2", "board", date(2020, 11, 26), "Approved together with the roadmap."),
            _decision("N3", "board", date(2024, 3, 21), ""),
        ),
        "Jens Poulsen",
        "jens.poulsen@demo.example.org",
        "standalone/web",
        ("hr", "identity-management"),
        (
            "The municipality's organisation and its employees in one place",
            "OS2mo (MO: medarbejder og organisation) keeps the organisation chart, positions and "
            "engagements and passes them on to IT systems that need them. "
            "Managers and HR staff see the same organisation, and changes reach other systems "
            "at once.",
            "Organisation chart with history\nEngagements and leave\nIntegrations via a GraphQL API",
        ),
        (
            "Kommunens organisation og medarbejdere samlet ét sted",
            "OS2mo holder organisationsdiagram, stillinger og ansættelser og giver dem videre til "
            "de it-systemer, der har brug for dem. "
            "Ledere og HR-medarbejdere ser den samme organisation, og ændringer når straks ud "
            "til andre systemer.",
            "Organisationsdiagram med historik\nAnsættelser og orlov\nIntegrationer via GraphQL",
        ),
    ),
    DemoProduct(
        "OS2rollekatalog",
        "os2rollekatalog",
        "product",
        "N2",
        (
            _decision("N1", "secretariat", date(2020, 1, 13), ""),
            _decision("N2", "board", date(2022, 4, 7), "Approved; N3 once a board member joins."),
        ),
        "Karen Holm",
        "karen.holm@demo.example.org",
        "standalone/web",
        ("identity-management",),
        (
            "Roles and rights for the municipality's IT systems",
            "OS2rollekatalog manages which user roles employees have in which systems, with "
            "approval flows and periodic attestation. "
            "Managers approve access in one place, and audits show who had which rights and "
            "when.",
            "User roles per system\nAttestation by managers\nAudit log",
        ),
        (
            "Roller og rettigheder til kommunens it-systemer",
            "OS2rollekatalog styrer, hvilke brugerroller medarbejderne har i hvilke systemer, med "
            "godkendelsesforløb og løbende attestering. "
            "Lederne godkender adgange ét sted, og revisionen kan se, hvem der havde hvilke "
            "rettigheder hvornår.",
            "Brugerroller pr. system\nAttestering ved ledere\nRevisionslog",
        ),
        accepted_yellow=("F19",),
    ),
    DemoProduct(
        "OS2faktor",
        "os2faktor",
        "product",
        "N2",
        (
            _decision("N1", "secretariat", date(2021, 2, 1), ""),
            _decision("N2", "board", date(2022, 12, 8), ""),
        ),
        "Anna Jensen",
        "anna.jensen@demo.example.org",
        "standalone/web",
        ("identity-management", "it-security"),
        (
            "Single sign-on and two-factor login for employees",
            "OS2faktor is the municipality's identity provider: employees sign in once, with a "
            "second factor where the system requires it. "
            "Employees sign in once with a second factor and reach every connected system "
            "safely.",
            "Single sign-on (SAML, OpenID Connect)\nTwo-factor authentication\nNSIS assurance levels",
        ),
        (
            "Single sign-on og tofaktorlogin for medarbejdere",
            "OS2faktor er kommunens identitetsudbyder: medarbejderne logger ind én gang, med en "
            "ekstra faktor, hvor systemet kræver det. "
            "Medarbejderne logger ind én gang med en ekstra faktor og når sikkert alle "
            "tilsluttede systemer.",
            "Single sign-on (SAML, OpenID Connect)\nTofaktorgodkendelse\nNSIS-sikringsniveauer",
        ),
    ),
    DemoProduct(
        "OS2kitos",
        "os2kitos",
        "product",
        "N2",
        (
            _decision("N1", "secretariat", date(2018, 9, 3), ""),
            _decision("N2", "board", date(2019, 12, 12), ""),
        ),
        "Peter Madsen",
        "peter.madsen@demo.example.org",
        "standalone/web",
        ("it-management",),
        (
            "An overview of the municipality's IT systems, contracts and projects",
            "OS2kitos keeps the IT portfolio: systems, their data processing, contracts and "
            "projects, shared across municipalities. "
            "It gives an overview of systems, contracts and data processing for audits and "
            "planning.",
            "System catalogue\nData processing records (GDPR)\nContract overview",
        ),
        (
            "Overblik over kommunens it-systemer, kontrakter og projekter",
            "OS2kitos holder it-porteføljen: systemer, databehandling, kontrakter og projekter, "
            "delt på tværs af kommunerne. "
            "Det giver overblik over systemer, kontrakter og databehandling til revision og "
            "planlægning.",
            "Systemkatalog\nFortegnelse over databehandling (GDPR)\nKontraktoverblik",
        ),
        # The training material is outdated: the decided N2 is no longer met by the ratings.
        open_yellow=("F20",),
    ),
    DemoProduct(
        "OS2sofd",
        "os2sofd",
        "project",
        "N1",
        (_decision("N1", "secretariat", date(2023, 5, 22), "Admitted to the portfolio."),),
        "Mette Kristensen",
        None,
        "standalone/web",
        ("identity-management", "hr"),
        (
            "The shared data on employees, for user administration",
            "OS2sofd gathers data on employees from payroll and HR systems into one source that "
            "user administration and other systems can read. "
            "Other systems read one correct record of each employee instead of keeping their "
            "own.",
            "Employee data from payroll\nUser accounts per employee\nAPI for other systems",
        ),
        (
            "De fælles data om medarbejdere til brugeradministration",
            "OS2sofd samler data om medarbejdere fra løn- og personalesystemer i én kilde, som "
            "brugeradministration og andre systemer kan læse. "
            "Andre systemer læser én korrekt oplysning om hver medarbejder i stedet for at "
            "have deres egne.",
            "Medarbejderdata fra løn\nBrugerkonti pr. medarbejder\nAPI til andre systemer",
        ),
    ),
    DemoProduct(
        "OS2iot",
        "os2iot",
        "project",
        "N1",
        (_decision("N1", "secretariat", date(2024, 2, 12), ""),),
        "Karen Holm",
        None,
        "standalone/iot",
        ("data-collection", "network-management"),
        (
            "Sensors and IoT devices managed in one platform",
            "OS2iot receives data from the municipality's sensors over LoRaWAN, NB-IoT and other "
            "networks and passes it on to the systems that use it. "
            "Readings are kept in one place and shared with the systems that need them.",
            "LoRaWAN and NB-IoT\nDevice management\nData forwarding",
        ),
        (
            "Sensorer og IoT-enheder samlet i én platform",
            "OS2iot modtager data fra kommunens sensorer over LoRaWAN, NB-IoT og andre netværk og "
            "sender dem videre til de systemer, der bruger dem. "
            "Målingerne samles ét sted og deles med de systemer, der har brug for dem.",
            "LoRaWAN og NB-IoT\nEnhedsstyring\nVideresendelse af data",
        ),
        accepted_yellow=("G4",),
    ),
    DemoProduct(
        "OS2valghalla",
        "os2valghalla",
        "project",
        "sandbox",
        (_decision("sandbox", "secretariat", date(2025, 4, 1), "Accepted into the sandbox."),),
        "Jens Poulsen",
        None,
        "standalone/web",
        ("digital-citizenship",),
        (
            "Staffing of polling stations on election day",
            "OS2valghalla plans the staffing of elections: volunteers and employees sign up, "
            "are given tasks and receive their letters of appointment. "
            "Election officers see at any moment which posts are filled and who still needs "
            "training.",
            "Volunteer sign-up\nRosters per polling station\nLetters of appointment",
        ),
        (
            "Bemanding af valgsteder på valgdagen",
            "OS2valghalla planlægger bemandingen ved valg: frivillige og ansatte tilmelder sig, "
            "får opgaver og modtager deres beskikkelsesbreve. "
            "Valgsekretariatet ser til enhver tid, hvilke poster der er besat, og hvem der "
            "mangler uddannelse.",
            "Tilmelding af frivillige\nVagtplaner pr. valgsted\nBeskikkelsesbreve",
        ),
        issue_tracker=False,
    ),
    DemoProduct(
        "OS2borgerdialog",
        "os2borgerdialog",
        "idea",
        "sandbox",
        (),
        "Anna Jensen",
        None,
        "standalone/web",
        ("digital-citizenship", "feedback-and-reviews-management"),
        (
            "Dialogue with citizens on local plans and proposals",
            "OS2borgerdialog lets citizens comment on hearings, local plans and proposals, and "
            "lets the municipality answer in public. "
            "Citizens follow their case and see the answers of the municipality in one place.",
            "Public hearings\nComments with moderation\nAnswers from the municipality",
        ),
        (
            "Dialog med borgerne om lokalplaner og forslag",
            "OS2borgerdialog lader borgerne kommentere høringer, lokalplaner og forslag, og lader "
            "kommunen svare offentligt. "
            "Borgerne kan følge deres sag og se kommunens svar ét sted.",
            "Offentlige høringer\nKommentarer med moderation\nSvar fra kommunen",
        ),
        issue_tracker=False,
    ),
    DemoProduct(
        "OS2udoglær",
        "os2udoglaer",
        "idea",
        None,
        (),
        "",
        None,
        "standalone/mobile",
        ("educational-content",),
        (
            "Outdoor learning: routes and tasks for school classes",
            "An idea for an app with routes and tasks that lets teachers take lessons outdoors. "
            "Teachers plan a route on a map, add a task at each stop and share it with the "
            "class, and pupils answer on their phones.",
            "Routes on a map\nTasks at each stop",
        ),
        (
            "Udeskole: ruter og opgaver til skoleklasser",
            "En idé til en app med ruter og opgaver, så lærerne kan tage undervisningen udendørs. "
            "Lærerne planlægger en rute på et kort, lægger en opgave ved hvert stop og deler "
            "den med klassen, og eleverne svarer på deres telefoner.",
            "Ruter på kort\nOpgaver ved hvert stop",
        ),
        # An idea with a placeholder repository: publiccode.yml requires one.
        issue_tracker=False,
    ),
    DemoProduct(
        "OS2web",
        "os2web",
        "retired",
        "N1",
        (
            _decision("N1", "secretariat", date(2015, 6, 1), ""),
            _decision(None, "board", date(2022, 12, 31), "Retired; members moved to other CMSs."),
        ),
        "Peter Madsen",
        None,
        "standalone/web",
        ("content-management",),
        (
            "The municipal website platform (retired)",
            "OS2web was the shared Drupal distribution for municipal websites. It is no longer "
            "developed. "
            "Municipalities that used it have moved to other content management systems.",
            "Drupal distribution\nSelf-service links",
        ),
        (
            "Den kommunale hjemmesideplatform (udfaset)",
            "OS2web var den fælles Drupal-distribution til kommunale hjemmesider. Den udvikles "
            "ikke længere. "
            "Kommunerne, der brugte den, er flyttet til andre systemer til indholdsstyring.",
            "Drupal-distribution\nSelvbetjeningslinks",
        ),
    ),
)


def _user(email: str | None) -> User | None:
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def load_demo() -> None:
    """Add the demo products with descriptions, ratings and level decisions."""
    services.ensure_default_requirements()
    requirements = queries.requirements()
    recorder = _user(SECRETARIAT_EMAIL)
    for demo in DEMO_PRODUCTS:
        owner = demo.slug.removeprefix("os2")
        point_person = _user(demo.point_person_email)
        product = services.create_product(
            name=demo.name,
            slug=demo.slug,
            status=demo.status,
            licence="MPL-2.0",
            repository_url=f"https://github.com/OS2{owner}/{demo.slug}" if demo.repository else "",
            issue_tracker_url=f"https://github.com/OS2{owner}/{demo.slug}/issues"
            if demo.issue_tracker
            else "",
            website_url=f"https://www.os2.eu/{demo.slug}",
            point_person_name=demo.point_person,
            point_person_user_id=point_person.id if point_person else None,
            software_type=demo.software_type,
            platforms=["web"]
            if demo.software_type == "standalone/web"
            else ["android", "ios"]
            if demo.software_type == "standalone/mobile"
            else ["linux"],
            categories=list(demo.categories),
        )
        for language, (short, long, features) in (("en", demo.en), ("da", demo.da)):
            services.save_description(product, language, short, long, features)
        _rate(product, demo, requirements)
        for level, body, decided_on, note in demo.decisions:
            # The demo's decisions are history: taken when the ratings may have said otherwise.
            services.record_level_decision(
                product, level, body, decided_on, note, recorder, confirmed_above_reached=True
            )


def _rate(product, demo: DemoProduct, requirements) -> None:
    """Hand ratings: the rated levels fulfilled, the next level partly, the rest unrated."""
    rated_to = LEVELS.index(demo.rated_to) if demo.rated_to else -1
    for number, requirement in enumerate(requirements):
        if requirement.data_check and requirement.data_check != "budget_lines":
            continue  # answered by the records
        rank = LEVELS.index(requirement.level)
        if requirement.code in demo.open_yellow:
            services.rate(product, requirement, "yellow", "Being updated; not accepted yet.")
        elif requirement.code in demo.accepted_yellow:
            services.rate(
                product,
                requirement,
                "yellow",
                "Partly in place; the plan to finish it is accepted.",
                explanation_accepted=True,
            )
        elif rank <= rated_to:
            if requirement.recommended and number % 2:
                services.rate(product, requirement, "red", "Not yet; recommended only.")
            else:
                services.rate(product, requirement, "green", "Reviewed by the secretariat.")
        elif rank == rated_to + 1 and number % 3 == 0:
            services.rate(product, requirement, "red", "Missing.")
