"""Reading and writing the CSV files a secretariat exchanges with spreadsheets, for every domain.

Reading accepts what Excel writes: UTF-8 with or without a byte-order mark, and the Windows
code pages of Western (1252) and Central European (1250) Excel, told apart by the letters they
produce; anything else is refused rather than imported with garbled letters. The separator is
a comma or a semicolon (Excel in Danish, German and Czech writes semicolons).

Writing neutralises cells a spreadsheet would run as a formula, and reading strips that again.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from babel import UnknownLocaleError
from babel.numbers import get_decimal_symbol

from consortium.text import control_character_at

UTF8_BOM = b"\xef\xbb\xbf"
# Countries whose Windows Excel saves "CSV" in the Central European code page.
CENTRAL_EUROPE = {"CZ", "SK", "PL", "HU", "SI", "HR", "RO", "AL", "BA", "RS"}
# Letters each code page is expected to produce in names and addresses of its countries.
_WESTERN_LETTERS = set("æøåÆØÅäöüÄÖÜßéÉèÈêÊëËïÏíÍîÎóÓòÒôÔúÚùÙûÛáÁàÀâÂçÇñÑýÝœŒ")
_CENTRAL_LETTERS = set("áÁčČďĎéÉěĚíÍňŇóÓřŘšŠťŤúÚůŮýÝžŽäÄöÖüÜßľĽĺĹôÔŕŔ")
_PUNCTUATION = set("–—‘’‚“”„…€§°«»·\u00a0")
# What spreadsheets may run as a formula (OWASP: also a leading tab or carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
# The most a file may hold: more than any register has, few enough to check it in a request.
MAX_ROWS = 20_000
MAX_COLUMNS = 50


class CsvError(ValueError):
    """A file that cannot be read as CSV; ``code`` names the reason for the page to translate."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Table:
    """A CSV file's header and rows, each row with its line number in the file."""

    encoding: str
    delimiter: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read(
    data: bytes, countries: Iterable[str] = (), multiline_columns: Collection[str] = ()
) -> Table:
    """Decode and split a CSV file; ``countries`` hint at the code page of a non-UTF-8 file.

    Cells of ``multiline_columns`` (such as an address) may run over several lines and hold
    tabs, as a form's text area may; every other cell holds one line, as a form's text field.
    """
    text, encoding = decode(data, countries)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise CsvError("empty")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            _refuse_control_characters(cells, header, reader.line_num, multiline_columns)
            if header is None:
                if not any(cell.strip() for cell in cells):
                    continue
                header = [cell.strip().lower() for cell in cells]
                if len(header) > MAX_COLUMNS:
                    raise CsvError("too_many_columns", line=reader.line_num, limit=MAX_COLUMNS)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise CsvError("too_many_cells", line=reader.line_num)
            if len(rows) == MAX_ROWS:
                raise CsvError("too_many_rows", line=reader.line_num, limit=MAX_ROWS)
            values = {
                column: unneutralise(cell.strip())
                for column, cell in zip(header, cells, strict=False)
                if column
            }
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise CsvError("malformed", line=reader.line_num) from exc
    return Table(encoding, delimiter, header or [], rows)


def _refuse_control_characters(
    cells: list[str], header: list[str] | None, line: int, multiline_columns: Collection[str]
) -> None:
    """A cell holds no control character; one of a multi-line column may run over several
    lines and hold tabs.

    ``line`` is the record's last line; the error names the line the character is on.
    """
    for position, cell in enumerate(cells):
        named = header[position] if header and position < len(header) else ""
        at = control_character_at(cell, multiline=named in multiline_columns)
        if at is not None:
            lines_after = cell[at:].count("\n") + sum(
                later.count("\n") for later in cells[position + 1 :]
            )
            raise CsvError(
                "control_character", line=line - lines_after, column=named or str(position + 1)
            )


def decode(data: bytes, countries: Iterable[str] = ()) -> tuple[str, str]:
    """The file's text and the encoding it was read with, or CsvError("encoding")."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CsvError("encoding") from exc
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8"), "utf-8"
    if b"\x00" in data:  # UTF-16, as Excel's "Unicode text"
        raise CsvError("encoding")
    hinted = {country.strip().upper() for country in countries if country}
    pages: list[tuple[str, set[str]]] = []
    if not hinted or hinted - CENTRAL_EUROPE:
        pages.append(("cp1252", _WESTERN_LETTERS))
    if hinted & CENTRAL_EUROPE or not hinted:
        pages.append(("cp1250", _CENTRAL_LETTERS))
    for encoding, letters in pages:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        unusual = {char for char in text if ord(char) > 127} - letters - _PUNCTUATION
        if not unusual:
            return text, encoding
    raise CsvError("encoding")


def sniff_countries(data: bytes, column: str = "country") -> set[str]:
    """The values of a column, read without knowing the encoding (country codes are ASCII)."""
    text = data.decode("latin-1")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower().lstrip("\ufeff").lstrip("ï»¿") for cell in next(reader)]
        position = header.index(column)
        return {cells[position].strip().upper() for cells in reader if len(cells) > position}
    except (StopIteration, ValueError, csv.Error):
        return set()


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets an apostrophe.

    A plain number such as -12.50 or -1234,56 stays a number: a spreadsheet runs nothing in it.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def delimiter_for(language: str) -> str:
    """The separator Excel expects in the reader's language: ; where the decimal mark is a comma
    (Danish, German, Czech), a comma elsewhere (English)."""
    try:
        mark = get_decimal_symbol(language or "en")
    except (UnknownLocaleError, ValueError):  # not a language Babel knows
        mark = "."
    return ";" if mark == "," else ","


def decimal_mark_for(delimiter: str) -> str:
    """The decimal mark of the spreadsheet that wrote a file with this separator: Excel writes
    semicolons where numbers have a decimal comma, commas where they have a decimal point."""
    return "," if delimiter == ";" else "."


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on a cell read back from a file."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> bytes:
    """A UTF-8 CSV file with a byte-order mark, so Excel shows æ, ø, ř as they are."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return UTF8_BOM + buffer.getvalue().encode("utf-8")
