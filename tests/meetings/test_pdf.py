"""The agenda and the minutes as a member prints them: labels, dates and times in their own
language and the meeting's time zone, what the group wrote as written, attendance, decisions and
action items, and the group, the meeting and "Page 1 of 2" on every page."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from consortium.meetings.pdf import (
    AgendaItemView,
    DecisionView,
    MinutesItemView,
    agenda_pdf,
    minutes_pdf,
)
from tests.meetings.samples import MEETING, MINUTES


def _pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        re.sub(r"\s+", " ", re.sub(r"-\n", "", re.sub(r"[\u00a0\u202f]", " ", page.extract_text())))
        for page in reader.pages
    ]


def _text(pdf: bytes) -> str:
    return " ".join(_pages(pdf))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "da",
            [
                "Dagsorden: Styregruppemøde april 2027",
                "fredag den 2. april 2027, 10.00–12.30",
                "Sted: Aarhus Rådhus, mødelokale 3",
                "Oplægsholder: Jiří Dvořák · 40 min. · Bilag: budget-2028.pdf, fordelingsnøgle.xlsx",
                "Side 1 af 1",
            ],
        ),
        (
            "cs",
            [
                "Program: Styregruppemøde april 2027",
                "pátek 2. dubna 2027, 10:00–12:30",
                "Místo: Aarhus Rådhus, mødelokale 3",
                "Předkládá: Jiří Dvořák · 40 min. · Podklady: budget-2028.pdf, fordelingsnøgle.xlsx",
                "Strana 1 z 1",
            ],
        ),
    ],
)
def test_the_agenda_in_the_readers_language(app, language, words):
    text = _text(agenda_pdf(MEETING, language))
    for expected in words:
        assert expected in text
    assert "OS2forms styregruppe" in text
    assert "https://meet.example.org/os2forms-styregruppe" in text
    for item in MEETING.items:
        assert item.title in text


def test_the_agenda_shows_the_time_in_the_meeting_zone(app):
    """A meeting given in UTC is printed at the hour the members meet in Copenhagen."""
    from datetime import UTC

    in_utc = dataclasses.replace(
        MEETING, start=MEETING.start.astimezone(UTC), end=MEETING.end.astimezone(UTC)
    )
    assert "Friday, April 2, 2027, 10:00 AM–12:30 PM (Central European Summer Time)" in _text(
        agenda_pdf(in_utc, "en")
    )


def test_the_agenda_links_the_video_meeting(app):
    reader = PdfReader(io.BytesIO(agenda_pdf(MEETING, "en")))
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0].get("/Annots", [])
        if annotation.get_object().get("/A")
    ]
    assert links == ["https://meet.example.org/os2forms-styregruppe"]
    # A link that is no web address is printed, not linked.
    odd = dataclasses.replace(MEETING, video_link="javascript:alert(1)")
    pdf = agenda_pdf(odd, "en")
    assert "javascript:alert(1)" in _text(pdf)
    assert "/Annots" not in PdfReader(io.BytesIO(pdf)).pages[0]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "da",
            [
                "Referat: Styregruppemøde april 2027",
                "Version 2 · Godkendt af Søren Ørsted den 20. april 2027",
                "Til stede: Søren Ørsted (Formand), Mette Hansen (Sekretær), Jiří Dvořák",
                "Afbud: Anna Müller",
                "Fraværende: Peter Kjær (Observatør)",
                "Gæster: Lars Leverandør (Magenta ApS)",
                "Beslutning OS2FORMS-SC-2027-04: Budgettet for 2028 godkendes med 1,2 mio. kr.",
                "Send budgettet til kommunerne Ansvarlig: Mette Hansen · frist 16. april 2027 · Åben",
                "Opdatere fordelingsnøglen Ansvarlig: Jiří Dvořák · Udført",
            ],
        ),
        (
            "de",
            [
                "Protokoll: Styregruppemøde april 2027",
                "Version 2 · Genehmigt von Søren Ørsted am 20. April 2027",
                "Anwesend: Søren Ørsted (Vorsitz), Mette Hansen (Schriftführung), Jiří Dvořák",
                "Entschuldigt: Anna Müller",
                "Abwesend: Peter Kjær (Beobachter)",
                "Gäste: Lars Leverandør (Magenta ApS)",
                "Beschluss OS2FORMS-SC-2027-04: Budgettet for 2028 godkendes med 1,2 mio. kr.",
                "Send budgettet til kommunerne Verantwortlich: Mette Hansen · fällig am 16. April 2027 · Offen",
                "Opdatere fordelingsnøglen Verantwortlich: Jiří Dvořák · Erledigt",
            ],
        ),
    ],
)
def test_the_minutes_in_the_readers_language_with_the_text_as_written(app, language, words):
    text = _text(minutes_pdf(MINUTES, language))
    for expected in words:
        assert expected in text, expected
    # The minutes' text as the secretary wrote it, Markdown rendered, in any language.
    assert "Styregruppen gennemgik budgettet for 2028. Punkter:" in text
    assert "Ærø og Fanø kommuner deltager fra 1. januar." in text
    # Raw HTML in the minutes is printed as the text it is, never taken as markup.
    assert '<script>alert("x")</script>' in text


def test_every_page_of_long_minutes_names_the_meeting_and_counts_pages(app):
    long_item = MinutesItemView(
        2,
        "Budget 2028",
        minutes_markdown="\n\n".join(
            f"Afsnit {n}: " + "tekst om budgettet " * 40 for n in range(30)
        ),
        decisions=tuple(DecisionView(f"OS2FORMS-SC-2027-{n:02d}", "Godkendt.") for n in range(10)),
    )
    pages = _pages(minutes_pdf(dataclasses.replace(MINUTES, items=(long_item,)), "da"))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} af {len(pages)}" in page
        assert "Referat: Styregruppemøde april 2027 · Version 2" in page
        if number > 1:
            assert "OS2forms styregruppe" in page
    assert "OS2FORMS-SC-2027-09" in pages[-1] or any("OS2FORMS-SC-2027-09" in p for p in pages)


def test_draft_minutes_say_so(app):
    draft = dataclasses.replace(MINUTES, version=1, approved_by="", approved_on=None)
    assert "Version 1 · Udkast, ikke godkendt" in _text(minutes_pdf(draft, "da"))


def test_minutes_are_archivable_and_tagged(app):
    pdf = minutes_pdf(MINUTES, "en")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged for screen readers
    assert root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfaid:part(>|=")2[<"]', xmp)  # PDF/A-2
    assert reader.metadata.title == "Minutes: Styregruppemøde april 2027"
    assert root["/Lang"] == "en"


def test_hostile_text_is_printed_not_obeyed(app):
    hostile = "Punkt <b>fed</b> & </h2><script>alert(1)</script>\x00\x07 slut"
    meeting = dataclasses.replace(
        MEETING,
        title=hostile,
        group_name="Gruppe\r\nX",
        place="}{ content: 'x' ; @page",
        items=(AgendaItemView(1, hostile, hostile, 10, (hostile,)),),
    )
    minutes = dataclasses.replace(
        MINUTES,
        meeting=meeting,
        items=(
            MinutesItemView(
                1,
                hostile,
                minutes_markdown="[klik](javascript:alert(1)) <img src=x onerror=alert(1)>\x00",
                decisions=(DecisionView("X\x00-1", hostile),),
            ),
        ),
    )
    agenda_text = _text(agenda_pdf(meeting, "en"))
    assert "Punkt<b>fed</b>&</h2><script>alert(1)</script>slut" in agenda_text.replace(" ", "")
    assert "Gruppe X Agenda: Punkt" in agenda_text
    pdf = minutes_pdf(minutes, "en")
    text = _text(pdf)
    assert "Decision X-1: Punkt <b>fed</b>" in text
    assert "javascript" not in str(
        [
            a.get_object()
            for page in PdfReader(io.BytesIO(pdf)).pages
            for a in page.get("/Annots", [])
        ]
    )


def test_an_empty_agenda_and_empty_minutes_print(app):
    empty = dataclasses.replace(MEETING, items=(), place="", video_link="")
    assert "The agenda has no items yet." in _text(agenda_pdf(empty, "en"))
    bare = dataclasses.replace(MINUTES, meeting=empty, attendance=(), guests=(), items=())
    assert "Minutes: Styregruppemøde april 2027" in _text(minutes_pdf(bare, "en"))


def test_a_meeting_over_two_days_names_both(app):
    from datetime import timedelta

    two_days = dataclasses.replace(MEETING, end=MEETING.start + timedelta(days=1, hours=6))
    text = _text(agenda_pdf(two_days, "en"))
    assert "Friday, April 2, 2027, 10:00 AM – Saturday, April 3, 2027, 4:00 PM" in text


@pytest.mark.parametrize("zone", ["Nowhere/Else", "", "../../etc/passwd", "Mars/Base\x00"])
def test_an_unknown_time_zone_prints_the_times_as_given(app, zone):
    from datetime import UTC, timedelta, timezone

    for tz in (UTC, timezone(timedelta(hours=2))):
        meeting = dataclasses.replace(
            MEETING,
            timezone=zone,
            start=MEETING.start.astimezone(tz),
            end=MEETING.end.astimezone(tz),
        )
        hours = "8:00 AM–10:30 AM" if tz is UTC else "10:00 AM–12:30 PM"
        assert hours in _text(agenda_pdf(meeting, "en"))
