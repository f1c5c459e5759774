"""The demo's agreement templates: a membership, a participation and a supplier agreement in
English, Danish, German and Czech, written for the demo in our own words after the way OS2
and Open Cities describe membership, taking part in a product and working as a supplier.
They are examples for the secretariat to rewrite, not legal advice."""

from __future__ import annotations

# (kind, language) -> (title, Markdown with placeholders)
TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    ("membership", "en"): (
        "Membership agreement",
        """## 1. Parties

This agreement is made between **{association.name}** (registration number
{association.registration_number}), the association, and **{organisation.name}**
(registration number {organisation.registration_number}), {organisation.address}, the member.

## 2. Purpose

The association brings public bodies together to develop, own and maintain software as open
source, so that what one member pays for can be used by all. The member supports this purpose
and takes part in the association's work through its general assembly and groups.

## 3. Rights and duties

- The member may take part in any of the association's products on the terms of that
  product's participation agreement.
- The member pays the yearly membership fee set by the general assembly. Invoices go to
  {billing_identity}.
- The member names a primary contact and keeps its contact data up to date.

## 4. Term and notice

The membership runs {term}. Either party may end it; the notice period is {notice_period}. Ending the
membership does not end participation in products already agreed; those follow their own
agreements.

## 5. Document

Document {document.number}, made on {today} from template version {template.version}.
""",
    ),
    ("membership", "da"): (
        "Medlemsaftale",
        """## 1. Parter

Aftalen indgås mellem **{association.name}** (CVR {association.registration_number}),
foreningen, og **{organisation.name}** (CVR {organisation.registration_number}),
{organisation.address}, medlemmet.

## 2. Formål

Foreningen samler offentlige myndigheder om at udvikle, eje og vedligeholde software som
open source, så det, ét medlem betaler for, kan bruges af alle. Medlemmet støtter formålet og
deltager i foreningens arbejde gennem generalforsamlingen og foreningens grupper.

## 3. Rettigheder og pligter

- Medlemmet kan deltage i alle foreningens produkter på vilkårene i produktets
  tilslutningsaftale.
- Medlemmet betaler det årlige kontingent, som generalforsamlingen fastsætter. Fakturaer
  sendes til {billing_identity}.
- Medlemmet udpeger en primær kontaktperson og holder sine kontaktoplysninger opdateret.

## 4. Varighed og opsigelse

Medlemskabet løber {term}. Begge parter kan opsige det; opsigelsesvarslet er {notice_period}. Ophør af
medlemskabet ophæver ikke tilslutning til produkter, som allerede er aftalt; de følger deres
egne aftaler.

## 5. Dokument

Dokument {document.number}, dannet {today} ud fra skabelonversion {template.version}.
""",
    ),
    ("membership", "de"): (
        "Mitgliedschaftsvereinbarung",
        """## 1. Parteien

Diese Vereinbarung wird geschlossen zwischen **{association.name}**
(Registernummer {association.registration_number}), dem Verein, und **{organisation.name}**
({organisation.registration_number}), {organisation.address}, dem Mitglied.

## 2. Zweck

Der Verein bringt öffentliche Stellen zusammen, um Software als Open Source gemeinsam zu
entwickeln, zu besitzen und zu pflegen, damit alle nutzen können, was ein Mitglied bezahlt.
Das Mitglied unterstützt diesen Zweck und wirkt in der Mitgliederversammlung und den Gruppen
des Vereins mit.

## 3. Rechte und Pflichten

- Das Mitglied kann sich an jedem Produkt des Vereins zu den Bedingungen der jeweiligen
  Teilnahmevereinbarung beteiligen.
- Das Mitglied zahlt den jährlichen Mitgliedsbeitrag, den die Mitgliederversammlung
  festlegt. Rechnungen gehen an {billing_identity}.
- Das Mitglied benennt eine Hauptansprechperson und hält seine Kontaktdaten aktuell.

## 4. Laufzeit und Kündigung

Die Mitgliedschaft läuft {term}. Beide Parteien können sie kündigen; die Kündigungsfrist beträgt {notice_period}. Das
Ende der Mitgliedschaft beendet keine bereits vereinbarte Teilnahme an Produkten; diese
folgt ihren eigenen Vereinbarungen.

## 5. Dokument

Dokument {document.number}, erstellt am {today} aus der Vorlagenversion {template.version}.
""",
    ),
    ("membership", "cs"): (
        "Smlouva o členství",
        """## 1. Smluvní strany

Tato smlouva se uzavírá mezi **{association.name}** (IČO {association.registration_number}),
spolkem, a **{organisation.name}** (IČO {organisation.registration_number}),
{organisation.address}, členem.

## 2. Účel

Spolek sdružuje veřejné instituce, aby společně vyvíjely, vlastnily a udržovaly software jako
open source, takže to, co zaplatí jeden člen, mohou používat všichni. Člen tento účel
podporuje a podílí se na práci spolku prostřednictvím valné hromady a pracovních skupin.

## 3. Práva a povinnosti

- Člen se může zapojit do kteréhokoli produktu spolku za podmínek smlouvy o účasti na daném
  produktu.
- Člen platí roční členský příspěvek stanovený valnou hromadou. Faktury se zasílají na
  {billing_identity}.
- Člen určí hlavní kontaktní osobu a udržuje své kontaktní údaje aktuální.

## 4. Doba trvání a výpověď

Členství trvá {term}. Každá strana je může vypovědět; výpovědní lhůta činí {notice_period}.
Ukončení členství neukončuje již sjednanou účast na produktech; ta se řídí vlastními
smlouvami.

## 5. Dokument

Dokument {document.number}, vytvořen {today} z verze šablony {template.version}.
""",
    ),
    ("participation", "en"): (
        "Participation agreement",
        """## 1. Parties

This agreement is made between **{association.name}**, the association, and
**{organisation.name}** (registration number {organisation.registration_number}), the
participant.

## 2. The product

The participant takes part in **{product.name}** in the phase *{product.phase}* from
{start_date}.
The product is developed together as open source; the participant may use, change and pass
it on under the product's licence.

## 3. Costs

The product's costs are shared among its participants by this rule: {cost_sharing_rule}.

Expected share of the participant for {share.year}: **{share.amount}**

How it is computed: {share.explanation}

The share is invoiced once a year to {billing_identity}. It may change when the budget or
the number of participants changes; the association states the final share before invoicing.

## 4. Governance

The product is steered by its steering committee, to which the participant may name a
representative, and coordinated by its coordination group, in which the participant takes
part in setting priorities.

## 5. Term and notice

The agreement runs {term}. The participant may give notice; the notice period is {notice_period}. Shares for
the years already begun are not refunded.

## 6. Document

Document {document.number}, made on {today} from template version {template.version}.
""",
    ),
    ("participation", "da"): (
        "Tilslutningsaftale",
        """## 1. Parter

Aftalen indgås mellem **{association.name}**, foreningen, og **{organisation.name}**
(CVR {organisation.registration_number}), deltageren.

## 2. Produktet

Deltageren tilslutter sig **{product.name}** i fasen *{product.phase}* fra {start_date}.
Produktet udvikles i fællesskab som open source; deltageren må bruge, ændre og videregive det
efter produktets licens.

## 3. Udgifter

Produktets udgifter fordeles mellem deltagerne efter denne regel: {cost_sharing_rule}.

Deltagerens forventede andel for {share.year}: **{share.amount}**

Sådan er den beregnet: {share.explanation}

Andelen faktureres én gang om året til {billing_identity}. Den kan ændre sig, hvis budgettet
eller antallet af deltagere ændrer sig; foreningen oplyser den endelige andel før
faktureringen.

## 4. Styring

Produktet styres af styregruppen, som deltageren kan udpege en repræsentant til, og
koordineres af koordinationsgruppen, hvor deltageren er med til at prioritere.

## 5. Varighed og opsigelse

Aftalen løber {term}. Deltageren kan opsige den; opsigelsesvarslet er {notice_period}. Andele for påbegyndte år
refunderes ikke.

## 6. Dokument

Dokument {document.number}, dannet {today} ud fra skabelonversion {template.version}.
""",
    ),
    ("participation", "de"): (
        "Teilnahmevereinbarung",
        """## 1. Parteien

Diese Vereinbarung wird geschlossen zwischen **{association.name}**, dem Verein, und
**{organisation.name}** ({organisation.registration_number}), dem Teilnehmer.

## 2. Das Produkt

Der Teilnehmer beteiligt sich an **{product.name}** in der Phase *{product.phase}* ab
{start_date}.
Das Produkt wird gemeinsam als Open Source entwickelt; der Teilnehmer darf es nach der
Lizenz des Produkts nutzen, ändern und weitergeben.

## 3. Kosten

Die Kosten des Produkts werden nach dieser Regel unter den Teilnehmern aufgeteilt:
{cost_sharing_rule}.

Voraussichtlicher Anteil des Teilnehmers für {share.year}: **{share.amount}**

So wird er berechnet: {share.explanation}

Der Anteil wird einmal im Jahr an {billing_identity} berechnet. Er kann sich ändern, wenn sich
das Budget oder die Zahl der Teilnehmer ändert; der Verein nennt den endgültigen Anteil vor
der Rechnungsstellung.

## 4. Steuerung

Das Produkt wird von seinem Lenkungsausschuss gesteuert, in den der Teilnehmer eine Vertretung
entsenden kann, und von seiner Koordinierungsgruppe abgestimmt, in der der Teilnehmer die
Prioritäten mitbestimmt.

## 5. Laufzeit und Kündigung

Die Vereinbarung läuft {term}. Der Teilnehmer kann sie kündigen; die Kündigungsfrist beträgt {notice_period}. Anteile
für begonnene Jahre werden nicht erstattet.

## 6. Dokument

Dokument {document.number}, erstellt am {today} aus der Vorlagenversion {template.version}.
""",
    ),
    ("participation", "cs"): (
        "Smlouva o účasti na produktu",
        """## 1. Smluvní strany

Tato smlouva se uzavírá mezi **{association.name}**, spolkem, a **{organisation.name}**
(IČO {organisation.registration_number}), účastníkem.

## 2. Produkt

Účastník se zapojuje do produktu **{product.name}** ve fázi *{product.phase}* od
{start_date}. Produkt se vyvíjí společně jako open source; účastník jej smí používat, měnit a
šířit podle licence produktu.

## 3. Náklady

Náklady produktu se mezi účastníky dělí podle tohoto pravidla: {cost_sharing_rule}.

Očekávaný podíl účastníka na rok {share.year}: **{share.amount}**

Jak je vypočten: {share.explanation}

Podíl se fakturuje jednou ročně na {billing_identity}. Může se změnit, změní-li se rozpočet
nebo počet účastníků; konečný podíl spolek sdělí před fakturací.

## 4. Řízení

Produkt řídí jeho řídicí výbor, do něhož může účastník jmenovat zástupce, a koordinuje jej
koordinační skupina, v níž účastník spolurozhoduje o prioritách.

## 5. Doba trvání a výpověď

Smlouva trvá {term}. Účastník ji může vypovědět; výpovědní lhůta činí {notice_period}. Podíly za
započaté roky se nevracejí.

## 6. Dokument

Dokument {document.number}, vytvořen {today} z verze šablony {template.version}.
""",
    ),
    ("supplier", "en"): (
        "Supplier agreement",
        """## 1. Parties

This agreement is made between **{association.name}**, the association, and
**{supplier.name}** (registration number {supplier.registration_number}),
{supplier.address}, the supplier.

## 2. Products covered

The supplier may offer its services for: {supplier.products}.

## 3. Working in the open

- The supplier develops in the product's public repository and contributes its changes back
  to the common product.
- Code written for the association's products is released under the product's licence
  (MPL-2.0 unless agreed otherwise), and the supplier transfers the copyright in it to the
  association.
- The supplier uses the product's name, not its own brand, when it speaks of the product.

## 4. Code of conduct

The supplier follows the association's code of conduct:

{code_of_conduct}

## 5. Term

The agreement runs until either party ends it in writing; the association may end it at once
when the code of conduct is broken.

## 6. Document

Document {document.number}, made on {today} from template version {template.version}.
""",
    ),
    ("supplier", "da"): (
        "Leverandøraftale",
        """## 1. Parter

Aftalen indgås mellem **{association.name}**, foreningen, og **{supplier.name}**
(CVR {supplier.registration_number}), {supplier.address}, leverandøren.

## 2. Omfattede produkter

Leverandøren kan tilbyde sine ydelser til: {supplier.products}.

## 3. Åben udvikling

- Leverandøren udvikler i produktets offentlige kodearkiv og bidrager sine ændringer tilbage
  til det fælles produkt.
- Kode skrevet til foreningens produkter frigives under produktets licens (MPL-2.0, medmindre
  andet er aftalt), og leverandøren overdrager ophavsretten til foreningen.
- Leverandøren bruger produktets navn, ikke sit eget brand, når den omtaler produktet.

## 4. Adfærdskodeks

Leverandøren følger foreningens adfærdskodeks:

{code_of_conduct}

## 5. Varighed

Aftalen løber, indtil en af parterne opsiger den skriftligt; foreningen kan ophæve den straks,
hvis adfærdskodekset brydes.

## 6. Dokument

Dokument {document.number}, dannet {today} ud fra skabelonversion {template.version}.
""",
    ),
    ("supplier", "de"): (
        "Lieferantenvereinbarung",
        """## 1. Parteien

Diese Vereinbarung wird geschlossen zwischen **{association.name}**, dem Verein, und
**{supplier.name}** ({supplier.registration_number}), {supplier.address}, dem Lieferanten.

## 2. Erfasste Produkte

Der Lieferant darf seine Leistungen anbieten für: {supplier.products}.

## 3. Offene Entwicklung

- Der Lieferant entwickelt im öffentlichen Repository des Produkts und bringt seine
  Änderungen in das gemeinsame Produkt zurück.
- Code für die Produkte des Vereins wird unter der Lizenz des Produkts veröffentlicht
  (MPL-2.0, sofern nichts anderes vereinbart ist), und der Lieferant überträgt die
  Urheberrechte daran dem Verein.
- Der Lieferant verwendet den Namen des Produkts, nicht seine eigene Marke, wenn er über das
  Produkt spricht.

## 4. Verhaltenskodex

Der Lieferant hält den Verhaltenskodex des Vereins ein:

{code_of_conduct}

## 5. Laufzeit

Die Vereinbarung läuft, bis eine Partei sie schriftlich beendet; der Verein kann sie bei
einem Verstoß gegen den Verhaltenskodex sofort beenden.

## 6. Dokument

Dokument {document.number}, erstellt am {today} aus der Vorlagenversion {template.version}.
""",
    ),
    ("supplier", "cs"): (
        "Dodavatelská smlouva",
        """## 1. Smluvní strany

Tato smlouva se uzavírá mezi **{association.name}**, spolkem, a **{supplier.name}**
({supplier.registration_number}), {supplier.address}, dodavatelem.

## 2. Zahrnuté produkty

Dodavatel smí nabízet své služby pro: {supplier.products}.

## 3. Otevřený vývoj

- Dodavatel vyvíjí ve veřejném repozitáři produktu a své změny vrací do společného produktu.
- Kód napsaný pro produkty spolku se zveřejňuje pod licencí produktu (MPL-2.0, není-li
  dohodnuto jinak) a dodavatel na spolek převádí autorská práva k němu.
- Dodavatel o produktu mluví pod jeho názvem, ne pod svou vlastní značkou.

## 4. Kodex chování

Dodavatel dodržuje kodex chování spolku:

{code_of_conduct}

## 5. Doba trvání

Smlouva trvá, dokud ji jedna ze stran písemně neukončí; spolek ji může ukončit okamžitě,
je-li kodex chování porušen.

## 6. Dokument

Dokument {document.number}, vytvořen {today} z verze šablony {template.version}.
""",
    ),
}
