"""The default maturity requirements in Danish, German and Czech: data only.

Revision ID: 0007_requirement_translations
Revises: 0006_requirements
Create Date: 2026-11-23 17:30:00

Only requirements whose English text is still the default get the translations, so a text the
secretariat has changed is never paired with a translation of the old one. The texts are copied
here, not imported from the app, so the migration keeps doing what it did.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_requirement_translations"
down_revision = "0006_requirements"
branch_labels = None
depends_on = None

# (code, default English text, translations)
TRANSLATIONS = (
    ('R1', 'the product brings demonstrable local value to at least one member', {'da': 'produktet skaber dokumenterbar lokal værdi for mindst ét medlem', 'de': 'das Produkt schafft nachweisbaren lokalen Nutzen für mindestens ein Mitglied', 'cs': 'produkt přináší prokazatelný místní přínos alespoň jednomu členovi'}),
    ('F1', 'the code is developed in the open, in a repository of the association', {'da': 'koden udvikles åbent i et af foreningens kodearkiver', 'de': 'der Code wird offen in einem Repository des Vereins entwickelt', 'cs': 'kód se vyvíjí otevřeně v repozitáři sdružení'}),
    ('F2', 'an OSI-approved licence (MPL-2.0 by default)', {'da': 'en OSI-godkendt licens (som standard MPL-2.0)', 'de': 'eine OSI-anerkannte Lizenz (standardmäßig MPL-2.0)', 'cs': 'licence schválená OSI (standardně MPL-2.0)'}),
    ('F3', 'procurement law and general legality have been considered', {'da': 'der er taget stilling til udbudsret og lovlighed i øvrigt', 'de': 'das Vergaberecht und die allgemeine Rechtmäßigkeit wurden berücksichtigt', 'cs': 'byla zohledněna pravidla zadávání veřejných zakázek a obecná zákonnost'}),
    ('F4', 'security has been considered', {'da': 'der er taget stilling til sikkerhed', 'de': 'die Sicherheit wurde berücksichtigt', 'cs': 'byla zohledněna bezpečnost'}),
    ('F5', 'purpose and value are described (a README)', {'da': 'formål og værdi er beskrevet (en README)', 'de': 'der Zweck und der Nutzen sind beschrieben (eine README-Datei)', 'cs': 'účel a přínos jsou popsány (soubor README)'}),
    ('F6', 'the code has been legally transferred to the association', {'da': 'koden er juridisk overdraget til foreningen', 'de': 'der Code wurde rechtlich auf den Verein übertragen', 'cs': 'kód byl právně převeden na sdružení'}),
    ('F7', "documentation follows the association's template", {'da': 'dokumentationen følger foreningens skabelon', 'de': 'die Dokumentation folgt der Vorlage des Vereins', 'cs': 'dokumentace odpovídá šabloně sdružení'}),
    ('F10', "the association's channels are used (website, news)", {'da': 'foreningens kanaler bruges (hjemmeside, nyheder)', 'de': 'die Kanäle des Vereins werden genutzt (Website, Neuigkeiten)', 'cs': 'využívají se komunikační kanály sdružení (web, novinky)'}),
    ('F11', 'issues are tracked in public', {'da': 'fejl og ønsker (issues) registreres offentligt', 'de': 'die Issues werden öffentlich nachverfolgt', 'cs': 'chyby a požadavky (issues) se evidují veřejně'}),
    ('S1', "the product is linked to the association's strategy", {'da': 'produktet er knyttet til foreningens strategi', 'de': 'das Produkt ist mit der Strategie des Vereins verknüpft', 'cs': 'produkt navazuje na strategii sdružení'}),
    ('S2', 'the product supports innovation and open source', {'da': 'produktet understøtter innovation og open source', 'de': 'das Produkt fördert Innovation und Open Source', 'cs': 'produkt podporuje inovace a open source'}),
    ('G1', "the product is in the association's portfolio management", {'da': 'produktet indgår i foreningens porteføljestyring', 'de': 'das Produkt ist Teil des Portfoliomanagements des Vereins', 'cs': 'produkt je zařazen do řízení portfolia sdružení'}),
    ('G2', 'there is ongoing contact with the secretariat', {'da': 'der er løbende kontakt med sekretariatet', 'de': 'es besteht laufender Kontakt zur Geschäftsstelle', 'cs': 'probíhá průběžný kontakt se sekretariátem'}),
    ('G3', 'a project lead or point person is named', {'da': 'der er udpeget en projektleder eller kontaktperson', 'de': 'eine Projektleitung oder Ansprechperson ist benannt', 'cs': 'je určen vedoucí projektu nebo kontaktní osoba'}),
    ('G4', 'the board has been informed', {'da': 'bestyrelsen er orienteret', 'de': 'der Vorstand wurde informiert', 'cs': 'představenstvo bylo informováno'}),
    ('R2', 'line management at the participating members accepts the product', {'da': 'linjeledelsen hos de deltagende medlemmer accepterer produktet', 'de': 'das Linienmanagement der beteiligten Mitglieder akzeptiert das Produkt', 'cs': 'liniové vedení zúčastněných členů produkt přijímá'}),
    ('R3', 'the product has potential across public bodies', {'da': 'produktet har potentiale på tværs af offentlige myndigheder', 'de': 'das Produkt hat Potenzial für mehrere öffentliche Stellen', 'cs': 'produkt má potenciál pro více veřejných institucí'}),
    ('F12', 'there is a single core codebase', {'da': 'der er én fælles kodebase for kernen', 'de': 'es gibt eine einzige gemeinsame Kern-Codebasis', 'cs': 'existuje jediná společná základní kódová báze'}),
    ('F13', 'presentation material exists', {'da': 'der findes præsentationsmateriale', 'de': 'es gibt Präsentationsmaterial', 'cs': 'existují prezentační materiály'}),
    ('F14', 'strategic communication is in place', {'da': 'der er strategisk kommunikation på plads', 'de': 'eine strategische Kommunikation ist etabliert', 'cs': 'je zajištěna strategická komunikace'}),
    ('F15', 'implementation best practice is described', {'da': 'best practice for implementering er beskrevet', 'de': 'bewährte Vorgehensweisen für die Einführung sind beschrieben', 'cs': 'jsou popsány osvědčené postupy pro zavedení'}),
    ('F16', 'coding standards are followed', {'da': 'kodestandarder overholdes', 'de': 'die Programmierstandards werden eingehalten', 'cs': 'dodržují se standardy kódování'}),
    ('F17', 'operations and maintenance are set up', {'da': 'drift og vedligeholdelse er etableret', 'de': 'der Betrieb und die Wartung sind eingerichtet', 'cs': 'provoz a údržba jsou zajištěny'}),
    ('F18', 'the reference architecture is followed', {'da': 'referencearkitekturen følges', 'de': 'die Referenzarchitektur wird eingehalten', 'cs': 'dodržuje se referenční architektura'}),
    ('F19', 'the product can run in containers', {'da': 'produktet kan køre i containere', 'de': 'das Produkt kann in Containern betrieben werden', 'cs': 'produkt lze provozovat v kontejnerech'}),
    ('F20', 'training material exists', {'da': 'der findes undervisningsmateriale', 'de': 'es gibt Schulungsmaterial', 'cs': 'existují školicí materiály'}),
    ('S3', "the link to the association's mission is described", {'da': 'sammenhængen med foreningens mission er beskrevet', 'de': 'der Bezug zur Mission des Vereins ist beschrieben', 'cs': 'je popsána vazba na poslání sdružení'}),
    ('S4', 'a product vision and strategy exist', {'da': 'der findes en produktvision og -strategi', 'de': 'eine Produktvision und -strategie liegen vor', 'cs': 'existuje vize a strategie produktu'}),
    ('G5', 'the board has approved the product', {'da': 'bestyrelsen har godkendt produktet', 'de': 'der Vorstand hat das Produkt genehmigt', 'cs': 'představenstvo produkt schválilo'}),
    ('G6', 'a steering committee exists', {'da': 'der er nedsat en styregruppe', 'de': 'ein Lenkungsausschuss ist eingerichtet', 'cs': 'je ustaven řídicí výbor'}),
    ('G7', 'a coordination group exists', {'da': 'der er nedsat en koordinationsgruppe', 'de': 'eine Koordinierungsgruppe ist eingerichtet', 'cs': 'je ustavena koordinační skupina'}),
    ('G8', 'a project model is used', {'da': 'der anvendes en projektmodel', 'de': 'ein Projektmodell wird angewendet', 'cs': 'používá se projektový model'}),
    ('G9', 'third-party code review has been done', {'da': 'koden er gennemgået af en tredjepart', 'de': 'ein Code-Review durch Dritte wurde durchgeführt', 'cs': 'proběhla revize kódu třetí stranou'}),
    ('G10', 'a participation agreement is in use', {'da': 'der anvendes en tilslutningsaftale', 'de': 'eine Beteiligungsvereinbarung wird verwendet', 'cs': 'používá se smlouva o účasti'}),
    ('R4', 'the product is linked to national strategies', {'da': 'produktet er knyttet til nationale strategier', 'de': 'das Produkt ist mit nationalen Strategien verknüpft', 'cs': 'produkt navazuje na národní strategie'}),
    ('F21', 'political communication is in place', {'da': 'der er politisk kommunikation på plads', 'de': 'eine politische Kommunikation ist etabliert', 'cs': 'je zajištěna politická komunikace'}),
    ('F22', 'there is a process plan for operations', {'da': 'der er en procesplan for driften', 'de': 'es gibt einen Prozessplan für den Betrieb', 'cs': 'existuje procesní plán provozu'}),
    ('S5', "the product is aligned with the association's vision", {'da': 'produktet er i tråd med foreningens vision', 'de': 'das Produkt steht im Einklang mit der Vision des Vereins', 'cs': 'produkt je v souladu s vizí sdružení'}),
    ('G11', 'the board has approved the steering committee', {'da': 'bestyrelsen har godkendt styregruppen', 'de': 'der Vorstand hat den Lenkungsausschuss genehmigt', 'cs': 'představenstvo schválilo řídicí výbor'}),
    ('G12', 'a board member sits on the steering committee', {'da': 'et bestyrelsesmedlem sidder i styregruppen', 'de': 'ein Vorstandsmitglied gehört dem Lenkungsausschuss an', 'cs': 'člen představenstva zasedá v řídicím výboru'}),
    ('G13', 'the agreement funds coordination and development', {'da': 'aftalen finansierer koordinering og udvikling', 'de': 'die Vereinbarung finanziert Koordinierung und Entwicklung', 'cs': 'smlouva financuje koordinaci a vývoj'}),
    ('G14', 'there is a professional community (user club, forum)', {'da': 'der er et fagligt fællesskab (brugerklub, forum)', 'de': 'es gibt eine fachliche Community (Anwenderkreis, Forum)', 'cs': 'existuje odborná komunita (uživatelský klub, fórum)'}),
)

requirement = sa.table(
    "maturity_requirement",
    sa.column("code", sa.String),
    sa.column("text", sa.Text),
    sa.column("translations", sa.JSON),
)


def upgrade():
    connection = op.get_bind()
    for code, text, translations in TRANSLATIONS:
        connection.execute(
            requirement.update()
            .where(requirement.c.code == code, requirement.c.text == text)
            .values(translations=translations)
        )


def downgrade():
    connection = op.get_bind()
    for code, text, _translations in TRANSLATIONS:
        connection.execute(
            requirement.update()
            .where(requirement.c.code == code, requirement.c.text == text)
            .values(translations={})
        )
