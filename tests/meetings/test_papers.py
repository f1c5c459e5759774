"""Papers are PDFs or office documents, told by their content, and not too large."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from consortium.extensions import db
from consortium.meetings import services
from consortium.meetings.models import Paper
from consortium.meetings.papers import MAX_PAPER_BYTES
from consortium.meetings.services import MeetingError

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MACRO_WORD = "application/vnd.ms-word.document.macroEnabled"


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ooxml(main_type: str, part: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{main_type}.main+xml"/>'
            "</Types>",
        )
        archive.writestr(part, "<document/>")
    return out.getvalue()


def odf(media_type: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), media_type)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not an office document")
    return out.getvalue()


def bomb() -> bytes:
    """A zip whose content-types part unpacks to 50 MB of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", " " * (50 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("Budget 2028.pdf", pdf(), "application/pdf"),
        ("Roadmap.docx", ooxml(WORD), WORD),
        ("Figures.XLSX", ooxml(EXCEL, "xl/workbook.xml"), EXCEL),
        (
            "Notes.odt",
            odf("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "Plan.ods",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_a_paper_is_kept_with_its_type_told_by_its_content(
    meeting, secretary, filename, content, media_type
):
    item = services.add_agenda_item(meeting, title="Budget")
    paper = services.attach_paper(
        meeting, filename, content, agenda_item=item, uploaded_by=secretary
    )
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Paper, paper.id)
    assert kept.content == content
    assert kept.media_type == media_type
    assert kept.filename == filename
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert kept.agenda_item.title == "Budget"
    assert [each.filename for each in kept.meeting.papers] == [filename]


@pytest.mark.parametrize(
    ("filename", "content", "code", "words"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "paper_content", "not a PDF"),
        ("report.docx", plain_zip(), "paper_content", "not a PDF"),
        ("report.docx", bomb(), "paper_content", "report.docx"),
        ("macro.docx", ooxml(MACRO_WORD), "paper_content", "macro.docx"),
        ("figures.docx", ooxml(EXCEL, "xl/workbook.xml"), "paper_mismatch", "XLSX"),
        ("budget.odt", pdf(), "paper_mismatch", "PDF"),
        ("setup.exe", b"MZ\x90\x00", "paper_extension", "setup.exe"),
        ("no-extension", pdf(), "paper_extension", "no-extension"),
        ("empty.pdf", b"", "paper_empty", "empty.pdf"),
        ("broken.pdf.docx", b"PK\x03\x04garbage", "paper_content", "broken.pdf.docx"),
    ],
)
def test_a_file_that_is_no_paper_is_refused_saying_what_is_wrong(
    meeting, filename, content, code, words
):
    with pytest.raises(MeetingError) as refused:
        services.attach_paper(meeting, filename, content)
    assert refused.value.code == code
    assert words in refused.value.message
    assert meeting.papers == []


def test_a_paper_over_20_mb_is_refused(meeting):
    content = b"%PDF-1.7\n" + b"0" * MAX_PAPER_BYTES
    with pytest.raises(MeetingError) as refused:
        services.attach_paper(meeting, "scan.pdf", content)
    assert refused.value.code == "paper_too_large"
    assert "20 MB" in refused.value.message


def test_a_paper_name_keeps_only_its_last_part_without_control_characters(meeting):
    paper = services.attach_paper(meeting, "C:\\Users\\me\\Bud\x00get.pdf", pdf())
    assert paper.filename == "Budget.pdf"


def test_a_paper_on_another_meetings_item_is_refused(meeting, committee):
    from datetime import date, time

    other = services.plan_meeting(
        committee, title="Other", day=date(2027, 5, 1), starts=time(9), ends=time(10)
    )
    item = services.add_agenda_item(other, title="Elsewhere")
    with pytest.raises(MeetingError) as refused:
        services.attach_paper(meeting, "x.pdf", pdf(), agenda_item=item)
    assert refused.value.code == "not_this_meeting"


def test_removing_an_agenda_item_removes_its_papers(meeting):
    item = services.add_agenda_item(meeting, title="Budget")
    services.attach_paper(meeting, "Budget.pdf", pdf(), agenda_item=item)
    services.remove_agenda_item(item)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Paper)) == 0
