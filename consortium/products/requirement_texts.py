"""Danish, German and Czech texts of the default maturity requirements.

Keyed by requirement code, one entry for every code in
``consortium.products.requirements.DEFAULT_REQUIREMENTS``. Each text translates the English one
in the same style: lower-case start, no final full stop.
"""

from __future__ import annotations

REQUIREMENT_TRANSLATIONS: dict[str, dict[str, str]] = {
    # Sandbox
    "R1": {
        "da": "produktet skaber dokumenterbar lokal værdi for mindst ét medlem",
        "de": "das Produkt schafft nachweisbaren lokalen Nutzen für mindestens ein Mitglied",
        "cs": "produkt přináší prokazatelný místní přínos alespoň jednomu členovi",
    },
    "F1": {
        "da": "koden udvikles åbent i et af foreningens kodearkiver",
        "de": "der Code wird offen in einem Repository des Vereins entwickelt",
        "cs": "kód se vyvíjí otevřeně v repozitáři sdružení",
    },
    "F2": {
        "da": "en OSI-godkendt licens (som standard MPL-2.0)",
        "de": "eine OSI-anerkannte Lizenz (standardmäßig MPL-2.0)",
        "cs": "licence schválená OSI (standardně MPL-2.0)",
    },
    "F3": {
        "da": "der er taget stilling til udbudsret og lovlighed i øvrigt",
        "de": "das Vergaberecht und die allgemeine Rechtmäßigkeit wurden berücksichtigt",
        "cs": "byla zohledněna pravidla zadávání veřejných zakázek a obecná zákonnost",
    },
    "F4": {
        "da": "der er taget stilling til sikkerhed",
        "de": "die Sicherheit wurde berücksichtigt",
        "cs": "byla zohledněna bezpečnost",
    },
    "F5": {
        "da": "formål og værdi er beskrevet (en README)",
        "de": "der Zweck und der Nutzen sind beschrieben (eine README-Datei)",
        "cs": "účel a přínos jsou popsány (soubor README)",
    },
    # N1
    "F6": {
        "da": "koden er juridisk overdraget til foreningen",
        "de": "der Code wurde rechtlich auf den Verein übertragen",
        "cs": "kód byl právně převeden na sdružení",
    },
    "F7": {
        "da": "dokumentationen følger foreningens skabelon",
        "de": "die Dokumentation folgt der Vorlage des Vereins",
        "cs": "dokumentace odpovídá šabloně sdružení",
    },
    "F10": {
        "da": "foreningens kanaler bruges (hjemmeside, nyheder)",
        "de": "die Kanäle des Vereins werden genutzt (Website, Neuigkeiten)",
        "cs": "využívají se komunikační kanály sdružení (web, novinky)",
    },
    "F11": {
        "da": "fejl og ønsker (issues) registreres offentligt",
        "de": "die Issues werden öffentlich nachverfolgt",
        "cs": "chyby a požadavky (issues) se evidují veřejně",
    },
    "S1": {
        "da": "produktet er knyttet til foreningens strategi",
        "de": "das Produkt ist mit der Strategie des Vereins verknüpft",
        "cs": "produkt navazuje na strategii sdružení",
    },
    "S2": {
        "da": "produktet understøtter innovation og open source",
        "de": "das Produkt fördert Innovation und Open Source",
        "cs": "produkt podporuje inovace a open source",
    },
    "G1": {
        "da": "produktet indgår i foreningens porteføljestyring",
        "de": "das Produkt ist Teil des Portfoliomanagements des Vereins",
        "cs": "produkt je zařazen do řízení portfolia sdružení",
    },
    "G2": {
        "da": "der er løbende kontakt med sekretariatet",
        "de": "es besteht laufender Kontakt zur Geschäftsstelle",
        "cs": "probíhá průběžný kontakt se sekretariátem",
    },
    "G3": {
        "da": "der er udpeget en projektleder eller kontaktperson",
        "de": "eine Projektleitung oder Ansprechperson ist benannt",
        "cs": "je určen vedoucí projektu nebo kontaktní osoba",
    },
    "G4": {
        "da": "bestyrelsen er orienteret",
        "de": "der Vorstand wurde informiert",
        "cs": "představenstvo bylo informováno",
    },
    # N2
    "R2": {
        "da": "linjeledelsen hos de deltagende medlemmer accepterer produktet",
        "de": "das Linienmanagement der beteiligten Mitglieder akzeptiert das Produkt",
        "cs": "liniové vedení zúčastněných členů produkt přijímá",
    },
    "R3": {
        "da": "produktet har potentiale på tværs af offentlige myndigheder",
        "de": "das Produkt hat Potenzial für mehrere öffentliche Stellen",
        "cs": "produkt má potenciál pro více veřejných institucí",
    },
    "F12": {
        "da": "der er én fælles kodebase for kernen",
        "de": "es gibt eine einzige gemeinsame Kern-Codebasis",
        "cs": "existuje jediná společná základní kódová báze",
    },
    "F13": {
        "da": "der findes præsentationsmateriale",
        "de": "es gibt Präsentationsmaterial",
        "cs": "existují prezentační materiály",
    },
    "F14": {
        "da": "der er strategisk kommunikation på plads",
        "de": "eine strategische Kommunikation ist etabliert",
        "cs": "je zajištěna strategická komunikace",
    },
    "F15": {
        "da": "best practice for implementering er beskrevet",
        "de": "bewährte Vorgehensweisen für die Einführung sind beschrieben",
        "cs": "jsou popsány osvědčené postupy pro zavedení",
    },
    "F16": {
        "da": "kodestandarder overholdes",
        "de": "die Programmierstandards werden eingehalten",
        "cs": "dodržují se standardy kódování",
    },
    "F17": {
        "da": "drift og vedligeholdelse er etableret",
        "de": "der Betrieb und die Wartung sind eingerichtet",
        "cs": "provoz a údržba jsou zajištěny",
    },
    "F18": {
        "da": "referencearkitekturen følges",
        "de": "die Referenzarchitektur wird eingehalten",
        "cs": "dodržuje se referenční architektura",
    },
    "F19": {
        "da": "produktet kan køre i containere",
        "de": "das Produkt kann in Containern betrieben werden",
        "cs": "produkt lze provozovat v kontejnerech",
    },
    "F20": {
        "da": "der findes undervisningsmateriale",
        "de": "es gibt Schulungsmaterial",
        "cs": "existují školicí materiály",
    },
    "S3": {
        "da": "sammenhængen med foreningens mission er beskrevet",
        "de": "der Bezug zur Mission des Vereins ist beschrieben",
        "cs": "je popsána vazba na poslání sdružení",
    },
    "S4": {
        "da": "der findes en produktvision og -strategi",
        "de": "eine Produktvision und -strategie liegen vor",
        "cs": "existuje vize a strategie produktu",
    },
    "G5": {
        "da": "bestyrelsen har godkendt produktet",
        "de": "der Vorstand hat das Produkt genehmigt",
        "cs": "představenstvo produkt schválilo",
    },
    "G6": {
        "da": "der er nedsat en styregruppe",
        "de": "ein Lenkungsausschuss ist eingerichtet",
        "cs": "je ustaven řídicí výbor",
    },
    "G7": {
        "da": "der er nedsat en koordinationsgruppe",
        "de": "eine Koordinierungsgruppe ist eingerichtet",
        "cs": "je ustavena koordinační skupina",
    },
    "G8": {
        "da": "der anvendes en projektmodel",
        "de": "ein Projektmodell wird angewendet",
        "cs": "používá se projektový model",
    },
    "G9": {
        "da": "koden er gennemgået af en tredjepart",
        "de": "ein Code-Review durch Dritte wurde durchgeführt",
        "cs": "proběhla revize kódu třetí stranou",
    },
    "G10": {
        "da": "der anvendes en tilslutningsaftale",
        "de": "eine Beteiligungsvereinbarung wird verwendet",
        "cs": "používá se smlouva o účasti",
    },
    # N3
    "R4": {
        "da": "produktet er knyttet til nationale strategier",
        "de": "das Produkt ist mit nationalen Strategien verknüpft",
        "cs": "produkt navazuje na národní strategie",
    },
    "F21": {
        "da": "der er politisk kommunikation på plads",
        "de": "eine politische Kommunikation ist etabliert",
        "cs": "je zajištěna politická komunikace",
    },
    "F22": {
        "da": "der er en procesplan for driften",
        "de": "es gibt einen Prozessplan für den Betrieb",
        "cs": "existuje procesní plán provozu",
    },
    "S5": {
        "da": "produktet er i tråd med foreningens vision",
        "de": "das Produkt steht im Einklang mit der Vision des Vereins",
        "cs": "produkt je v souladu s vizí sdružení",
    },
    "G11": {
        "da": "bestyrelsen har godkendt styregruppen",
        "de": "der Vorstand hat den Lenkungsausschuss genehmigt",
        "cs": "představenstvo schválilo řídicí výbor",
    },
    "G12": {
        "da": "et bestyrelsesmedlem sidder i styregruppen",
        "de": "ein Vorstandsmitglied gehört dem Lenkungsausschuss an",
        "cs": "člen představenstva zasedá v řídicím výboru",
    },
    "G13": {
        "da": "aftalen finansierer koordinering og udvikling",
        "de": "die Vereinbarung finanziert Koordinierung und Entwicklung",
        "cs": "smlouva financuje koordinaci a vývoj",
    },
    "G14": {
        "da": "der er et fagligt fællesskab (brugerklub, forum)",
        "de": "es gibt eine fachliche Community (Anwenderkreis, Forum)",
        "cs": "existuje odborná komunita (uživatelský klub, fórum)",
    },
}
