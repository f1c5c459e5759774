"""`flask meetings`: the meetings' batch work.

flask meetings export --out DIR      every meeting's invitation as .ics (the UID and sequence
                                     that were mailed; a cancelled meeting's CANCEL) and, once
                                     approved, its minutes as PDF, named by the group's code (or
                                     its name) and the meeting's day: OS2FORMS-SC_2027-03-04.ics
flask meetings decisions --format csv|json [--group CODE] [--year 2027]
                                     the decision register on standard output
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consortium import csvio
from consortium.extensions import db
from consortium.groups.models import Group
from consortium.groups.services import GROUP_CODE
from consortium.meetings import bp, queries
from consortium.meetings.mail import invitation_file
from consortium.meetings.minutes_content import pdf_view
from consortium.meetings.models import Decision, Meeting
from consortium.meetings.pdf import minutes_pdf
from consortium.settings.services import get_settings

DECISION_COLUMNS = ("code", "group", "meeting_date", "meeting", "agenda_item", "text")
# Letters a plain ASCII file name spells out rather than drops.
_SPELLED = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "AE", "Ø": "OE", "Å": "AA", "ß": "ss"}
)


def file_stem(group: Group) -> str:
    """How a group's files are named: its code, or a slug of its name ("OS2forms styregruppe"
    → "os2forms-styregruppe")."""
    if group.code:
        return group.code
    ascii_name = (
        unicodedata.normalize("NFKD", group.name.translate(_SPELLED))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return slug or f"group-{group.id}"


@bp.cli.command("export")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder the files are written to; made when missing.",
)
def export_command(out: Path) -> None:
    """Write every meeting's invitation (.ics) and its approved minutes (PDF)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.ClickException(f"Cannot make the folder {out}: {error.strerror}") from error
    settings = get_settings()
    meetings = db.session.scalars(
        select(Meeting)
        .options(selectinload(Meeting.group), selectinload(Meeting.attendances))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    taken: Counter[str] = Counter()
    written = {"ics": 0, "pdf": 0}
    for meeting in meetings:
        name = f"{file_stem(meeting.group)}_{meeting.local_start:%Y-%m-%d}"
        taken[name] += 1
        if taken[name] > 1:  # two meetings of the group on one day
            name = f"{name}_{taken[name]}"
        ics = invitation_file(meeting, everyone=True)
        _write(out / f"{name}.ics", ics)
        written["ics"] += 1
        minutes = meeting.approved_minutes
        if minutes is not None:
            pdf = minutes_pdf(pdf_view(minutes), settings.default_language)
            _write(out / f"{name}.pdf", pdf)
            written["pdf"] += 1
    click.echo(
        f"{written['ics']} invitations and {written['pdf']} approved minutes written to {out}"
    )


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror}") from error


@bp.cli.command("decisions")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV (for a spreadsheet) or JSON.",
)
@click.option("--group", "group_code", help="Only the decisions of the group with this code.")
@click.option("--year", type=click.IntRange(1, 9999), help="Only the decisions of this year.")
def decisions_command(output_format: str, group_code: str | None, year: int | None) -> None:
    """Write the decision register to standard output, the newest first."""
    group = None
    if group_code is not None:
        wanted = group_code.strip().upper()
        # A code of another shape (a control character, a NUL) names no group: not asked.
        if GROUP_CODE.fullmatch(wanted):
            group = db.session.scalar(select(Group).where(Group.code == wanted))
        if group is None:
            raise click.BadParameter(f"no group has the code {group_code!r}", param_hint="--group")
    rows = [_decision_row(decision) for decision in queries.decisions(group, year)]
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    content = csvio.write(
        DECISION_COLUMNS, ([row[key] for key in DECISION_COLUMNS] for row in rows)
    )
    click.echo(content, nl=False)


def _decision_row(decision: Decision) -> dict[str, str]:
    meeting = decision.meeting
    return {
        "code": decision.code,
        "group": decision.group.name,
        "meeting_date": decision.taken_on.isoformat(),
        "meeting": meeting.title if meeting is not None else "",
        "agenda_item": decision.agenda_item.title if decision.agenda_item is not None else "",
        "text": decision.text,
    }
