"""Sample agreement texts and values: a Danish participation agreement and a German one, each
long enough for two pages."""

from __future__ import annotations

from datetime import date

from consortium.agreements.pdf import agreement_pdf
from consortium.agreements.text import fill, render_markdown

DANISH = """## 1. Parter

Denne aftale indgås mellem **{association.name}** (CVR {association.registration_number}),
herefter *foreningen*, og **{organisation.name}** (CVR {organisation.registration_number}),
{organisation.address}, herefter *kommunen*.

## 2. Aftalens genstand

Kommunen tilslutter sig produktet **{product.name}** i fasen *{product.phase}*. Produktet
udvikles i fællesskab som open source under licensen MPL-2.0, og koden er offentligt
tilgængelig. Kommunen får ret til at bruge, ændre og videregive produktet på de vilkår,
licensen giver.

## 3. Økonomi

Udgifterne til produktets drift, vedligeholdelse og videreudvikling fordeles mellem de
deltagende organisationer efter denne regel:

> {cost_sharing_rule}

Kommunens forventede andel for {share.year} er **{share.amount}**.

{share.explanation}

| År | Forventet andel |
|----|----------------:|
| {share.year} | {share.amount} |

Andelen faktureres én gang om året til {billing_identity}. Beløbet kan ændre sig, hvis
budgettet eller antallet af deltagere ændrer sig; foreningen oplyser den endelige andel, før
der faktureres.

## 4. Styring

Produktet styres af en styregruppe, som kommunen kan udpege en repræsentant til, og en
koordinationsgruppe, som prioriterer udviklingen. Kommunen forpligter sig til at:

1. udpege en kontaktperson for produktet,
2. deltage i koordinationsgruppens prioriteringsrunder,
3. melde fejl og ønsker i produktets backlog,
4. dele egne forbedringer af produktet med de øvrige deltagere.

## 5. Ikrafttræden, løbetid og opsigelse

Aftalen træder i kraft den {start_date} og løber {term}. Den kan opsiges af begge parter med
{notice_period}. Opsigelse giver ikke ret til tilbagebetaling af andele, der allerede er
betalt for det løbende år.

## 6. Behandling af oplysninger

Foreningen behandler kun de kontaktoplysninger, der er nødvendige for at administrere
aftalen, og videregiver dem ikke til andre end produktets leverandører, når det er nødvendigt
for support og drift.

## 7. Tvister

Uenighed om aftalen søges løst ved forhandling mellem parterne. Kan parterne ikke blive enige,
forelægges sagen for foreningens bestyrelse, før den indbringes for domstolene.

## 8. Underskrift

Aftalen er lavet den {today} som dokument {document.number} efter skabelonens version
{template.version}. Den accepteres elektronisk af en tegningsberettiget kontaktperson hos
kommunen.
"""

GERMAN = """## 1. Vertragsparteien

Diese Vereinbarung wird geschlossen zwischen **{association.name}**
(Registernummer {association.registration_number}), nachfolgend *Verein*, und
**{organisation.name}** (Gemeindeschlüssel {organisation.registration_number}),
{organisation.address}, nachfolgend *Kommune*.

## 2. Gegenstand

Die Kommune beteiligt sich am Produkt **{product.name}** in der Phase *{product.phase}*. Das
Produkt wird gemeinsam als Open Source unter der Lizenz MPL-2.0 entwickelt; der Quellcode ist
öffentlich zugänglich. Die Kommune darf das Produkt nach den Bedingungen der Lizenz nutzen,
ändern und weitergeben.

## 3. Kosten

Die Kosten für Betrieb, Pflege und Weiterentwicklung werden unter den beteiligten
Organisationen nach folgender Regel geteilt:

> {cost_sharing_rule}

Der voraussichtliche Anteil der Kommune für {share.year} beträgt **{share.amount}**.

{share.explanation}

| Jahr | Voraussichtlicher Anteil |
|------|-------------------------:|
| {share.year} | {share.amount} |

Der Anteil wird einmal jährlich an {billing_identity} in Rechnung gestellt. Er kann sich
ändern, wenn sich das Budget oder die Zahl der Beteiligten ändert; der Verein teilt den
endgültigen Anteil vor der Rechnungsstellung mit.

## 4. Steuerung

Das Produkt wird von einem Lenkungsausschuss gesteuert, in den die Kommune eine Vertretung
entsenden kann, und von einer Koordinierungsgruppe, die die Entwicklung priorisiert. Die
Kommune verpflichtet sich,

1. eine Ansprechperson für das Produkt zu benennen,
2. an den Priorisierungsrunden der Koordinierungsgruppe teilzunehmen,
3. Fehler und Wünsche im Backlog des Produkts zu melden,
4. eigene Verbesserungen des Produkts mit den anderen Beteiligten zu teilen.

## 5. Beginn, Laufzeit und Kündigung

Die Vereinbarung beginnt am {start_date} und läuft {term}. Sie kann von beiden Seiten mit
{notice_period} gekündigt werden. Eine Kündigung begründet keinen Anspruch auf Erstattung
bereits gezahlter Anteile für das laufende Jahr.

## 6. Datenverarbeitung

Der Verein verarbeitet nur die Kontaktdaten, die zur Verwaltung der Vereinbarung nötig sind,
und gibt sie nur an die Dienstleister des Produkts weiter, soweit Support und Betrieb es
erfordern.

## 7. Streitigkeiten

Meinungsverschiedenheiten werden zunächst durch Verhandlung beigelegt. Gelingt das nicht,
wird die Sache dem Vorstand des Vereins vorgelegt, bevor ein Gericht angerufen wird.

## 8. Annahme

Die Vereinbarung wurde am {today} als Dokument {document.number} nach Version
{template.version} der Vorlage erstellt. Sie wird elektronisch von einer
zeichnungsberechtigten Ansprechperson der Kommune angenommen.
"""


def danish_values() -> dict[str, str]:
    return {
        "association.name": "OS2 – Offentligt digitaliseringsfællesskab",
        "association.registration_number": "36029560",
        "organisation.name": "Aarhus Kommune",
        "organisation.registration_number": "55133018",
        "organisation.address": "Rådhuspladsen 2, 8000 Aarhus C",
        "product.name": "OS2forms",
        "product.phase": "tilslutningsaftale",
        "cost_sharing_rule": "Budgettet deles med en fast del ligeligt og resten efter indbyggertal.",
        "share.year": "2027",
        "share.amount": "48.250,00 kr.",
        "share.explanation": "Indbyggertal 1. januar 2026: 367.095\nStørrelsesgruppe: meget stor\nAndel: 12.000,00 kr. fast + 36.250,00 kr. efter indbyggertal",
        "billing_identity": "Aarhus Kommune, Digitalisering, EAN 5798005770404",
        "start_date": "1. februar 2027",
        "term": "indtil den opsiges",
        "notice_period": "seks måneders varsel til udgangen af et kalenderår",
        "today": "15. januar 2027",
        "document.number": "TA-2027-00042",
        "template.version": "3",
    }


def german_values() -> dict[str, str]:
    return {
        "association.name": "Open Cities e. V.",
        "association.registration_number": "VR 12345",
        "organisation.name": "Stadt Musterhausen",
        "organisation.registration_number": "09162000",
        "organisation.address": "Marktplatz 1, 80331 Musterhausen",
        "product.name": "Cityvizor",
        "product.phase": "Beteiligungsvereinbarung",
        "cost_sharing_rule": "Das Budget wird nach Einwohnerzahl geteilt.",
        "share.year": "2027",
        "share.amount": "12.400,00 €",
        "share.explanation": "Einwohner am 1. Januar 2026: 61.000\nGrößenklasse: groß",
        "billing_identity": "Stadt Musterhausen, Kämmerei, Leitweg-ID 09162000-0001-12",
        "start_date": "1. Februar 2027",
        "term": "auf unbestimmte Zeit",
        "notice_period": "einer Frist von sechs Monaten zum Jahresende",
        "today": "15. Januar 2027",
        "document.number": "TA-2027-00042",
        "template.version": "3",
    }


_rendered: dict[str, bytes] = {}


def two_page_agreement(language: str) -> bytes:
    """A Danish ("da") or German ("de") participation agreement of two pages, document
    TA-2027-00042 of template version 3, rendered once per test process (needs an app)."""
    if language not in _rendered:
        text, values, title = {
            "da": (DANISH, danish_values(), "Tilslutningsaftale om OS2forms"),
            "de": (GERMAN, german_values(), "Beteiligungsvereinbarung Cityvizor"),
        }[language]
        _rendered[language] = agreement_pdf(
            title=title,
            body=render_markdown(fill(text, values)),
            document_number=values["document.number"],
            version_label=values["template.version"],
            language=language,
            association_name=values["association.name"],
            made_on=date(2027, 1, 15),
        )
    return _rendered[language]
