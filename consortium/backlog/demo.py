"""The demo's backlogs: OS2forms and OS2faktor with twenty-odd items each, in Danish as their
users write them (wishes, bugs and epics in categories, from several municipalities, estimated
by the supplier in kroner and hours, linked to the product's tracker, commented; some delivered,
some in development, one rejected with its reason). OS2forms' coordination group closed a points
round six weeks ago: three municipalities voted, the items are prioritised with their rank and
the result is the group's decision. OS2faktor's group has a budget round open for another week
and a half, in which Esbjerg has voted and the demo member Anna Jensen (Syddjurs) has not yet.

Loaded after the meetings (consortium/meetings/demo.py), which give the groups their codes. The
representatives of the participating municipalities who vote join the coordination groups here.
Uses the services only, except for the days things were written, which the demo sets in the
past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from consortium.auth import services as auth_services
from consortium.auth.models import User
from consortium.backlog import queries, services
from consortium.backlog.models import BacklogComment, BacklogItem, PrioritisationRound
from consortium.extensions import db
from consortium.groups import services as group_services
from consortium.groups.models import Group
from consortium.meetings.models import Decision
from consortium.members.models import Organisation
from consortium.products.models import Product

ANNA = "anna.jensen@demo.example.org"
SECRETARIAT = "secretariat@demo.example.org"
SUPPLIER = "lene.berg@fjordkode.demo.example.org"  # Fjordkode ApS supplies both products


@dataclass(frozen=True)
class DemoItem:
    """An item as the demo adds it: who submitted it, and how far it has come."""

    title: str
    type: str
    category: str
    organisation: str
    # The contact who submitted it; None when the secretariat put it on the backlog for the
    # organisation (from a user network meeting or a mail).
    person: str | None
    description: str
    # proposed, accepted, in_development, delivered, rejected, or round (accepted, in the round)
    status: str
    estimate: int | None = None
    hours: int | None = None
    issue: int | None = None
    comments: tuple[tuple[str, str], ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class DemoBacklog:
    slug: str
    # The representatives of participating organisations who sit in the coordination group and
    # vote for them: (email, organisation).
    voters: tuple[tuple[str, str], ...]
    items: tuple[DemoItem, ...]


METTE = "mette.kristensen@demo.example.org"
THOMAS = "thomas.friis@demo.example.org"
HENRIK = "henrik.lund@demo.example.org"
IDA = "ida.winther@demo.example.org"
KAREN = "karen.holm@demo.example.org"
PETER = "peter.madsen@demo.example.org"

OS2FORMS = DemoBacklog(
    "os2forms",
    (
        (METTE, "Aarhus Kommune"),
        (THOMAS, "Horsens Kommune"),
        (HENRIK, "Kolding Kommune"),
    ),
    (
        DemoItem(
            "Gem kladde og fortsæt senere",
            "wish",
            "Borgeroplevelse",
            "Aarhus Kommune",
            METTE,
            "Lange ansøgninger (fx om **hjælpemidler**) tager tid. Borgeren skal kunne gemme "
            "en kladde og fortsætte senere efter nyt MitID-login.\n\n"
            "- kladden gemmes i højst 30 dage\n- borgeren får en mail med et link",
            "round",
            estimate=180000,
            hours=240,
            issue=412,
            comments=(
                (HENRIK, "Kolding har samme behov til ansøgning om boligstøtte."),
                (
                    SUPPLIER,
                    "Estimatet forudsætter, at kladden gemmes krypteret i OS2forms' egen database.",
                ),
            ),
        ),
        DemoItem(
            "Betinget visning af felter på tværs af sider",
            "wish",
            "Formularbygger",
            "Kolding Kommune",
            HENRIK,
            "Et svar på side 1 skal kunne vise eller skjule felter på side 3. I dag virker "
            "betingelser kun inden for samme side.",
            "round",
            estimate=95000,
            hours=130,
            issue=405,
        ),
        DemoItem(
            "Integration til SBSYS: journalisering af kvittering",
            "epic",
            "Integrationer",
            "Horsens Kommune",
            THOMAS,
            "Kvitteringen og de vedhæftede filer journaliseres automatisk på sagen i SBSYS, "
            "så sagsbehandleren ikke skal gøre det i hånden.",
            "round",
            estimate=320000,
            hours=420,
            issue=398,
            comments=((METTE, "Aarhus bruger Get Organized; kan løsningen gøres generel?"),),
        ),
        DemoItem(
            "Flere sprog i samme formular",
            "wish",
            "Borgeroplevelse",
            "Horsens Kommune",
            THOMAS,
            "Formularer til fx skoleindskrivning skal kunne vises på dansk, engelsk og ukrainsk "
            "uden at bygge tre formularer.",
            "round",
            estimate=140000,
            hours=185,
        ),
        DemoItem(
            "Adressefelt med opslag i Danmarks Adresseregister",
            "wish",
            "Formularbygger",
            "Aarhus Kommune",
            METTE,
            "Et adressefelt, der slår op i DAR via Datafordeleren, så adresserne er gyldige.",
            "round",
            estimate=60000,
            hours=80,
            issue=377,
        ),
        DemoItem(
            "Statistik over påbegyndte og afsluttede formularer",
            "wish",
            "Drift og statistik",
            "Kolding Kommune",
            HENRIK,
            "Hvor mange starter på en formular, og hvor mange sender den? Vi vil kunne se, "
            "hvor borgerne giver op.",
            "round",
            estimate=75000,
            hours=100,
        ),
        DemoItem(
            "Skabelonbibliotek delt mellem kommuner",
            "epic",
            "Formularbygger",
            "Aarhus Kommune",
            METTE,
            "Kommunerne skal kunne dele formularskabeloner, så den samme blanket ikke bygges "
            "98 gange.",
            "round",
            estimate=250000,
            hours=330,
        ),
        DemoItem(
            "Digital Post-kvittering til virksomheder",
            "wish",
            "Integrationer",
            "Lyngby-Taarbæk Kommune",
            None,
            "Virksomheder, der logger ind med MitID Erhverv, skal have kvitteringen i Digital "
            "Post på CVR-nummeret.",
            "round",
            estimate=85000,
            hours=110,
        ),
        DemoItem(
            "Login med MitID Erhverv",
            "wish",
            "Login",
            "Aarhus Kommune",
            METTE,
            "Virksomheder skal kunne logge ind med MitID Erhverv på formularer til erhverv.",
            "delivered",
            estimate=120000,
            hours=160,
            issue=301,
        ),
        DemoItem(
            "PDF-kvittering med kommunens logo",
            "wish",
            "Borgeroplevelse",
            "Hedensted Kommune",
            None,
            "Kvitteringen skal have kommunens logo og farver i stedet for OS2forms' standard.",
            "delivered",
            estimate=35000,
            hours=45,
        ),
        DemoItem(
            "Fejl: Datofelt accepterer 31. februar",
            "bug",
            "Formularbygger",
            "Kolding Kommune",
            HENRIK,
            "Datofeltet godkender datoer, der ikke findes, og sagsbehandlingssystemet afviser "
            "derefter svaret.",
            "delivered",
            issue=356,
        ),
        DemoItem(
            "Fejl: Upload af filer over 20 MB fejler uden besked",
            "bug",
            "Borgeroplevelse",
            "Horsens Kommune",
            THOMAS,
            "Borgeren får ingen fejlbesked, når en fil er for stor; formularen ser ud til at "
            "være sendt, men er det ikke.",
            "in_development",
            issue=421,
            comments=((SUPPLIER, "Rettelsen kommer med i næste udgivelse."),),
        ),
        DemoItem(
            "Opgradering til Drupal 10.3",
            "epic",
            "Drift og statistik",
            "Aarhus Kommune",
            METTE,
            "Drupal 10.2 er ikke længere understøttet efter december; opgraderingen skal med "
            "i næste udgivelse.",
            "in_development",
            estimate=260000,
            hours=350,
            issue=433,
        ),
        DemoItem(
            "Fejlbeskeder læses ikke op af skærmlæser",
            "bug",
            "Tilgængelighed",
            "Aarhus Kommune",
            METTE,
            "NVDA og VoiceOver læser ikke fejlbeskederne op, når et felt er udfyldt forkert "
            "(WCAG 2.1, succeskriterie 3.3.1).",
            "accepted",
            issue=430,
        ),
        DemoItem(
            "Kontrast i standardtemaet lever ikke op til WCAG 2.1 AA",
            "bug",
            "Tilgængelighed",
            "Horsens Kommune",
            THOMAS,
            "Den grå hjælpetekst har en kontrast på 3,1:1; kravet er 4,5:1.",
            "accepted",
        ),
        DemoItem(
            "Eksport af besvarelser til CSV",
            "wish",
            "Drift og statistik",
            "Kolding Kommune",
            HENRIK,
            "Sagsbehandlerne vil kunne hente alle besvarelser af en formular som CSV til Excel.",
            "accepted",
            estimate=40000,
            hours=55,
        ),
        DemoItem(
            "Betaling med MobilePay i formularen",
            "wish",
            "Integrationer",
            "Horsens Kommune",
            THOMAS,
            "Gebyrer (fx for byggesager) skal kunne betales i formularen med MobilePay eller "
            "betalingskort.",
            "proposed",
        ),
        DemoItem(
            "Automatisk sletning af besvarelser efter opbevaringsfristen",
            "wish",
            "Databeskyttelse",
            "Lyngby-Taarbæk Kommune",
            None,
            "Besvarelser, der er journaliseret, skal slettes automatisk efter en frist, som "
            "kommunen selv sætter pr. formular.",
            "proposed",
        ),
        DemoItem(
            "Fejl: Kvitteringsmail havner i spam hos Outlook",
            "bug",
            "Integrationer",
            "Kolding Kommune",
            HENRIK,
            "Kvitteringsmails fra OS2forms mangler DKIM-signatur og lander i uønsket post.",
            "proposed",
        ),
        DemoItem(
            "Forhåndsudfyldning af navn og adresse fra CPR",
            "wish",
            "Integrationer",
            "Aarhus Kommune",
            METTE,
            "Når borgeren er logget ind med MitID, skal navn og adresse udfyldes fra CPR.",
            "proposed",
        ),
        DemoItem(
            "Interne formularer til medarbejdere med AD-login",
            "epic",
            "Login",
            "Hedensted Kommune",
            None,
            "Samme formularbygger til interne processer (fx ansættelse og fratrædelse) med "
            "login via kommunens Active Directory.",
            "proposed",
        ),
        DemoItem(
            "Eget chatbot-modul i formularerne",
            "wish",
            "Borgeroplevelse",
            "Horsens Kommune",
            THOMAS,
            "En chatbot, der hjælper borgeren med at udfylde formularen.",
            "rejected",
            reason="Ligger uden for OS2forms' formål: kommunernes egne chatbots kan kobles på "
            "via det eksisterende API. Afvist af koordinationsgruppen.",
        ),
    ),
)

OS2FAKTOR = DemoBacklog(
    "os2faktor",
    (
        (ANNA, "Syddjurs Kommune"),
        (IDA, "Esbjerg Kommune"),
    ),
    (
        DemoItem(
            "Passwordless login med FIDO2-nøgler",
            "epic",
            "Sikkerhed",
            "Syddjurs Kommune",
            ANNA,
            "Medarbejderne skal kunne logge ind med en FIDO2-nøgle (fx YubiKey) uden adgangskode.",
            "round",
            estimate=280000,
            hours=370,
            issue=214,
            comments=(
                (IDA, "Esbjerg vil gerne være testkommune."),
                (SUPPLIER, "Estimatet dækker nøgler på USB og NFC, ikke Bluetooth."),
            ),
        ),
        DemoItem(
            "Medarbejderen nulstiller selv sin 2-faktor-enhed",
            "wish",
            "Administration",
            "Esbjerg Kommune",
            IDA,
            "Når en medarbejder får ny telefon, skal hun selv kunne registrere den efter login "
            "med MitID, uden at ringe til servicedesk.",
            "round",
            estimate=120000,
            hours=160,
            issue=198,
        ),
        DemoItem(
            "MitID Erhverv som faktor via NemLog-in",
            "wish",
            "Integrationer",
            "Gentofte Kommune",
            None,
            "Medarbejdere uden kommunal telefon skal kunne bruge deres MitID Erhverv som anden "
            "faktor.",
            "round",
            estimate=190000,
            hours=250,
        ),
        DemoItem(
            "Rapport over medarbejdere uden registreret 2-faktor-enhed",
            "wish",
            "Administration",
            "Syddjurs Kommune",
            KAREN,
            "It-afdelingen skal kunne se, hvem der endnu ikke har registreret en enhed.",
            "round",
            estimate=45000,
            hours=60,
        ),
        DemoItem(
            "Fejl: Push-godkendelse udløber for hurtigt på langsomme netværk",
            "bug",
            "Login",
            "Esbjerg Kommune",
            IDA,
            "På hjemmeplejens tablets udløber push-beskeden, før den når frem.",
            "round",
            estimate=30000,
            hours=40,
            issue=221,
        ),
        DemoItem(
            "Selvbetjeningen på dansk og engelsk",
            "wish",
            "Administration",
            "Hillerød Kommune",
            None,
            "Udenlandske medarbejdere skal kunne bruge selvbetjeningen på engelsk.",
            "round",
            estimate=70000,
            hours=90,
        ),
        DemoItem(
            "Windows Hello som faktor",
            "wish",
            "Login",
            "Syddjurs Kommune",
            ANNA,
            "Windows Hello på kommunens pc'er skal gælde som anden faktor.",
            "delivered",
            estimate=110000,
            hours=145,
            issue=150,
        ),
        DemoItem(
            "Fejl: QR-kode vises ikke i Safari",
            "bug",
            "Login",
            "Esbjerg Kommune",
            IDA,
            "QR-koden til registrering af en ny enhed vises ikke i Safari på macOS.",
            "delivered",
            issue=176,
        ),
        DemoItem(
            "Loginforsøg sendes til SIEM via syslog",
            "wish",
            "Sikkerhed",
            "Gentofte Kommune",
            None,
            "Mislykkede loginforsøg skal sendes til kommunens SIEM, så angreb opdages.",
            "delivered",
            estimate=55000,
            hours=70,
        ),
        DemoItem(
            "Opgradering til Java 21 og Spring Boot 3",
            "epic",
            "Drift",
            "Fredericia Kommune",
            None,
            "Spring Boot 2.7 får ikke længere sikkerhedsopdateringer.",
            "in_development",
            estimate=210000,
            hours=280,
            issue=230,
        ),
        DemoItem(
            "Fejl: Forkert tidszone i loginhistorikken",
            "bug",
            "Administration",
            "Syddjurs Kommune",
            KAREN,
            "Loginhistorikken viser UTC i stedet for dansk tid.",
            "in_development",
            issue=233,
        ),
        DemoItem(
            "API til opslag af registrerede enheder",
            "wish",
            "Integrationer",
            "Esbjerg Kommune",
            IDA,
            "Servicedesk skal kunne slå en medarbejders enheder op fra sit eget system.",
            "accepted",
            estimate=65000,
            hours=85,
        ),
        DemoItem(
            "Levetid for sessioner sat pr. tjeneste",
            "wish",
            "Sikkerhed",
            "Gentofte Kommune",
            None,
            "Fagsystemer med følsomme data skal kunne kræve nyt login efter kortere tid end andre.",
            "accepted",
        ),
        DemoItem(
            "Vejledning til kommuner, der tager OS2faktor i brug",
            "wish",
            "Drift",
            "Hillerød Kommune",
            None,
            "En trin-for-trin-vejledning til udrulning, med skabeloner til information af "
            "medarbejderne.",
            "accepted",
        ),
        DemoItem(
            "Krav om 2-faktor pr. rolle fra OS2rollekatalog",
            "wish",
            "Integrationer",
            "Syddjurs Kommune",
            ANNA,
            "Roller med adgang til følsomme data i OS2rollekatalog skal kræve anden faktor.",
            "proposed",
            comments=((KAREN, "Kræver en ændring i OS2rollekatalog også; vi tager det op der."),),
        ),
        DemoItem(
            "Fejl: Stavefejl i beskeden om låst konto",
            "bug",
            "Administration",
            "Fredericia Kommune",
            None,
            'Beskeden siger "Din konto er låst midlertidligt".',
            "proposed",
        ),
        DemoItem(
            "Blokering af loginforsøg fra udlandet",
            "wish",
            "Sikkerhed",
            "Esbjerg Kommune",
            IDA,
            "Loginforsøg fra lande uden for EU skal kunne blokeres eller kræve ekstra godkendelse.",
            "proposed",
        ),
        DemoItem(
            "Godkendelse af login på smartwatch",
            "wish",
            "Login",
            "Hillerød Kommune",
            None,
            "Hjemmeplejen vil kunne godkende login på uret, når hænderne er optaget.",
            "proposed",
        ),
        DemoItem(
            "Mørkt tema i selvbetjeningen",
            "wish",
            "Administration",
            "Gentofte Kommune",
            None,
            "Selvbetjeningen skal følge styresystemets mørke tema.",
            "proposed",
        ),
        DemoItem(
            "SMS som reservefaktor",
            "wish",
            "Login",
            "Syddjurs Kommune",
            KAREN,
            "Medarbejdere, der har glemt telefonen, skal kunne få en kode på SMS.",
            "rejected",
            reason="SMS er ikke en godkendt faktor på sikringsniveau Betydelig efter NSIS. "
            "Brug i stedet en reservenøgle eller MitID.",
        ),
    ),
)

# OS2forms' closed points round: each municipality's points (10 to give, at most 4 an item),
# by the item's place among the round's items (0 = the first "round" item).
CLOSED_ROUND_BALLOTS = (
    ("Aarhus Kommune", METTE, {0: 4, 1: 3, 2: 2, 4: 1}),
    ("Horsens Kommune", THOMAS, {0: 3, 2: 4, 3: 3}),
    ("Kolding Kommune", HENRIK, {1: 4, 3: 2, 5: 3, 6: 1}),
)
# The places of the closed round's items the supplier has started on since.
STARTED_AFTER_ROUND = (0, 1)
# OS2faktor's open round: Esbjerg's approvals, by place among the round's items.
OPEN_ROUND_BALLOT = ("Esbjerg Kommune", IDA, (1, 3, 4))
OPEN_ROUND_BUDGET = Decimal("450000.00")


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def load_demo(today: date | None = None) -> None:
    """Add the backlogs and rounds described above (nothing when the demo's products, groups
    or people are missing)."""
    today = today or date.today()
    people = {
        email: user
        for email in (METTE, THOMAS, HENRIK, IDA, KAREN, PETER, ANNA, SECRETARIAT, SUPPLIER)
        if (user := auth_services.find_user_by_email(email)) is not None
    }
    if SECRETARIAT not in people:
        return
    forms = _backlog(OS2FORMS, people, today)
    if forms is not None:
        _closed_round(forms, people, today)
    faktor = _backlog(OS2FAKTOR, people, today)
    if faktor is not None:
        _open_round(faktor, people, today)
    db.session.flush()


@dataclass
class Loaded:
    product: Product
    group: Group
    organisations: dict[str, Organisation]
    round_items: list[BacklogItem]


def _backlog(demo: DemoBacklog, people: dict[str, User], today: date) -> Loaded | None:
    """The product's items, and its voters seated in its coordination group."""
    product = db.session.scalar(select(Product).where(Product.slug == demo.slug))
    if product is None:
        return None
    group = db.session.scalar(
        select(Group)
        .where(Group.product_id == product.id, Group.kind == "coordination_group")
        .order_by(Group.id)
    )
    if group is None or not group.code:
        return None
    organisations = {
        organisation.name: organisation
        for organisation in queries.participating_organisations(product, today)
    }
    for email, name in demo.voters:
        user, organisation = people.get(email), organisations.get(name)
        if user is None or organisation is None or group.has_current_member(user.id):
            continue
        group_services.add_member(
            group, user, organisation=organisation, starts_on=date(today.year - 1, 1, 1)
        )
    secretariat = people[SECRETARIAT]
    supplier = people.get(SUPPLIER)
    round_items = []
    days_ago = 150
    for spec in demo.items:
        organisation = organisations.get(spec.organisation)
        if organisation is None:
            continue
        person = people.get(spec.person) if spec.person is not None else None
        item = services.submit_item(
            product,
            by=person or secretariat,
            organisation=organisation,
            title=spec.title,
            description=spec.description,
            type=spec.type,
            category=spec.category,
        )
        if spec.issue is not None and product.issue_tracker_url:
            services.add_link(
                item,
                label=f"GitHub #{spec.issue}",
                url=f"{product.issue_tracker_url.rstrip('/')}/{spec.issue}",
                by=person or secretariat,
            )
        if spec.status != "proposed":
            services.accept_item(item)
        if spec.estimate is not None:
            services.estimate_item(
                item,
                amount=Decimal(spec.estimate),
                hours=Decimal(spec.hours) if spec.hours is not None else None,
                note="Fast pris inkl. test og dokumentation.",
                by=supplier,
                # Three weeks after it was submitted, and never later than yesterday.
                now=_moment(today - timedelta(days=max(days_ago - 20, 1)), 10),
            )
        if spec.status in ("in_development", "delivered"):
            services.move_item(item, "in_development")
        if spec.status == "delivered":
            services.move_item(item, "delivered")
        if spec.status == "rejected":
            services.reject_item(item, spec.reason)
        for email, written in spec.comments:
            if email in people:
                services.comment(item, people[email], written)
        if spec.status == "round":
            round_items.append(item)
        _written_on(item, today - timedelta(days=days_ago), today)
        days_ago = max(days_ago - 6, 2)
    return Loaded(product, group, organisations, round_items)


def _written_on(item: BacklogItem, day: date, today: date) -> None:
    """The day the item and its comments (a few days later) were written: the demo's past."""
    db.session.flush()
    db.session.execute(
        update(BacklogItem).where(BacklogItem.id == item.id).values(created_at=_moment(day, 9))
    )
    db.session.execute(
        update(BacklogComment)
        .where(BacklogComment.item_id == item.id)
        .values(created_at=_moment(min(day + timedelta(days=3), today - timedelta(days=1)), 11))
    )


def _chair(group: Group, people: dict[str, User]) -> User:
    for member in group.members:
        if member.role == "chair" and member.user is not None:
            return member.user
    return people[SECRETARIAT]


def _closed_round(loaded: Loaded, people: dict[str, User], today: date) -> None:
    """A points round that closed five weeks ago at its closing time, with three ballots."""
    if len(loaded.round_items) < 7:
        return
    chair = _chair(loaded.group, people)
    opens_at = _moment(today - timedelta(days=49), 8)
    closes_at = _moment(today - timedelta(days=35), 15)
    round_ = services.create_round(
        loaded.product,
        loaded.group,
        title=f"Prioriteringsrunde {closes_at.year}",
        method="points",
        opens_at=opens_at,
        closes_at=closes_at,
        item_ids=[item.id for item in loaded.round_items],
        points_total=10,
        max_per_item=4,
        by=chair,
    )
    services.open_round(round_, by=chair, now=opens_at - timedelta(minutes=5))
    for day, (name, email, points) in enumerate(CLOSED_ROUND_BALLOTS, start=2):
        organisation, person = loaded.organisations.get(name), people.get(email)
        if organisation is None or person is None:
            continue
        services.cast_ballot(
            round_,
            organisation,
            {loaded.round_items[place].id: value for place, value in points.items()},
            person,
            now=opens_at + timedelta(days=day, hours=3),
        )
    # Closed by `flask backlog close-due` a minute after its closing time.
    services.close_if_due(round_, now=closes_at + timedelta(minutes=1))
    if round_.decision is not None:
        db.session.execute(
            update(Decision)
            .where(Decision.id == round_.decision.id)
            .values(recorded_at=closes_at + timedelta(minutes=1))
        )
    for place in STARTED_AFTER_ROUND:
        services.move_item(loaded.round_items[place], "in_development")


def _open_round(loaded: Loaded, people: dict[str, User], today: date) -> PrioritisationRound | None:
    """A budget round (Method of Equal Shares) open for another week and a half, weighted by
    the organisations' cost shares where the product's budget has them; Esbjerg has voted."""
    if not loaded.round_items:
        return None
    chair = _chair(loaded.group, people)
    opens_at = _moment(today - timedelta(days=3), 8)
    closes_at = _moment(today + timedelta(days=11), 15)
    round_ = None
    for weighting in ("cost_share", "equal"):
        savepoint = db.session.begin_nested()
        try:
            round_ = services.create_round(
                loaded.product,
                loaded.group,
                title=f"Udviklingspulje {closes_at.year + 1}",
                method="equal-shares",
                opens_at=opens_at,
                closes_at=closes_at,
                item_ids=[item.id for item in loaded.round_items],
                weighting=weighting,
                budget=OPEN_ROUND_BUDGET,
                by=chair,
            )
            services.open_round(round_, by=chair, now=opens_at - timedelta(minutes=5))
        except services.BacklogError:
            # No budget with shares for the round's year: every organisation weighs the same.
            savepoint.rollback()
            round_ = None
            continue
        savepoint.commit()
        break
    if round_ is None:
        return None
    name, email, places = OPEN_ROUND_BALLOT
    organisation, person = loaded.organisations.get(name), people.get(email)
    if organisation is not None and person is not None:
        services.cast_ballot(
            round_,
            organisation,
            {loaded.round_items[place].id: 1 for place in places},
            person,
            now=opens_at + timedelta(days=1, hours=2),
        )
    return round_
