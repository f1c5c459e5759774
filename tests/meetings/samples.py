"""A steering committee's meeting as its agenda and minutes show it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from consortium.meetings.pdf import (
    ActionItemView,
    AgendaItemView,
    AgendaView,
    AttendanceRow,
    DecisionView,
    MinutesItemView,
    MinutesView,
)

CPH = ZoneInfo("Europe/Copenhagen")

MEETING = AgendaView(
    group_name="OS2forms styregruppe",
    title="Styregruppemøde april 2027",
    start=datetime(2027, 4, 2, 10, 0, tzinfo=CPH),
    end=datetime(2027, 4, 2, 12, 30, tzinfo=CPH),
    timezone="Europe/Copenhagen",
    place="Aarhus Rådhus, mødelokale 3",
    video_link="https://meet.example.org/os2forms-styregruppe",
    items=(
        AgendaItemView(1, "Godkendelse af dagsorden", "Søren Ørsted", 5),
        AgendaItemView(
            2,
            "Budget 2028 og fordelingsnøgle",
            "Jiří Dvořák",
            40,
            ("budget-2028.pdf", "fordelingsnøgle.xlsx"),
        ),
        AgendaItemView(3, "Leverandørens statusrapport", "", None, ("status-q1.docx",)),
        AgendaItemView(4, "Eventuelt"),
    ),
)

MINUTES_TEXT = """Styregruppen gennemgik **budgettet** for 2028. Punkter:

- Ærø og Fanø kommuner deltager fra 1. januar.
- Udgifterne fordeles efter indbyggertal; se [fordelingsnøglen](https://example.org/nøgle).

<script>alert("x")</script>
"""

MINUTES = MinutesView(
    meeting=MEETING,
    attendance=(
        AttendanceRow("Søren Ørsted", "chair", "present"),
        AttendanceRow("Mette Hansen", "secretary", "present"),
        AttendanceRow("Jiří Dvořák", "member", "present"),
        AttendanceRow("Anna Müller", "member", "excused"),
        AttendanceRow("Peter Kjær", "observer", "absent"),
    ),
    guests=("Lars Leverandør (Magenta ApS)",),
    items=(
        MinutesItemView(
            1, "Godkendelse af dagsorden", "Søren Ørsted", "Dagsordenen blev godkendt."
        ),
        MinutesItemView(
            2,
            "Budget 2028 og fordelingsnøgle",
            "Jiří Dvořák",
            MINUTES_TEXT,
            decisions=(
                DecisionView(
                    "OS2FORMS-SC-2027-04", "Budgettet for 2028 godkendes med 1,2 mio. kr."
                ),
                DecisionView("OS2FORMS-SC-2027-05", "Fordelingsnøglen følger indbyggertallet."),
            ),
            action_items=(
                ActionItemView(
                    "Send budgettet til kommunerne", "Mette Hansen", date(2027, 4, 16), "open"
                ),
                ActionItemView("Opdatere fordelingsnøglen", "Jiří Dvořák", None, "done"),
            ),
        ),
        MinutesItemView(3, "Eventuelt"),
    ),
    version=2,
    approved_by="Søren Ørsted",
    approved_on=date(2027, 4, 20),
)
