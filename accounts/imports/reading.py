"""Reading an import file (step 1 of accounts.imports): the columns, the limits, and
:func:`parse_table`, which turns an uploaded CSV or XLSX file into rows or refuses the whole file
with one :class:`ImportFileError`. docs/import.md describes the columns, encodings and limits."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.choices import Classification
from core.exceptions import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

XLSX_MAGIC = b"PK\x03\x04"
# The old binary Excel format (.xls) is an OLE2 compound file.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = (";", ",", "\t")
# Swedish Excel writes ";"-separated files; it is also the fallback when nothing else fits.
DEFAULT_DELIMITER = ";"


@dataclass(frozen=True)
class Column:
    """One column of the import file: its key, its English and Swedish header names."""

    key: str
    english: str
    swedish: str
    required: bool

    @property
    def names(self) -> tuple[str, str]:
        return (self.english, self.swedish)

    def __str__(self) -> str:
        return f"{self.english}/{self.swedish}"


COLUMNS: tuple[Column, ...] = (
    Column("name", "name", "namn", True),
    Column("url", "url", "adress", True),
    Column("unit", "unit", "enhet", True),
    Column("owner", "owner", "kontoansvarig", True),
    # Optional: the real inventory has accounts without one; imported with a warning (issue 13).
    Column("deputy", "deputy", "ersättare", False),
    Column("classification", "classification", "klassificering", False),
    Column("purpose", "purpose", "syfte", True),
    Column("goal", "goal", "mål", False),
    Column("target_audiences", "target_audiences", "målgrupper", False),
    Column("operational_benefit", "operational_benefit", "verksamhetsnytta", False),
    Column("audience_benefit", "audience_benefit", "målgruppsnytta", False),
    # The names of people who are not users yet (pending people), beside their e-mail address.
    Column("owner_name", "owner_name", "kontoansvarig_namn", False),
    Column("deputy_name", "deputy_name", "ersättare_namn", False),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def header_key(text: str) -> str:
    """A header cell as it is matched: NFC, trimmed, case-folded, spaces and dashes as "_"."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return "_".join(text.replace("-", " ").split())


_COLUMN_BY_HEADER: dict[str, Column] = {header_key(n): c for c in COLUMNS for n in c.names}

CLASSIFICATIONS: dict[str, str] = {
    "": Classification.OFFICIAL,
    "official": Classification.OFFICIAL,
    "officiell": Classification.OFFICIAL,
    "student_ambassador": Classification.STUDENT_AMBASSADOR,
    "studentambassadör": Classification.STUDENT_AMBASSADOR,
}


class ImportFileError(ApplicationError):
    """The file as a whole cannot be imported (size, type, encoding, columns). Nothing is read further."""


# --------------------------------------------------------------------------
# 1. Reading the file
# --------------------------------------------------------------------------


class Table(list):
    """The data rows of an import file, as dicts with every key of COLUMN_KEYS plus "row" (the row
    number the user sees in the spreadsheet; the header is row 1). Blank rows are left out.

    ``kind`` is "xlsx" or "csv"; ``ignored_columns`` are header names that are not import columns."""

    def __init__(self, rows=(), *, kind: str, ignored_columns: list[str] | None = None):
        super().__init__(rows)
        self.kind = kind
        self.ignored_columns = ignored_columns or []


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(_("The file is not a CSV or XLSX spreadsheet."))


def _text(value) -> str:
    """A cell as trimmed text in NFC (a Mac may write "ä" as "a" + a combining diaeresis)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _read(uploaded_file) -> bytes:
    """The file's bytes, refusing more than MAX_BYTES without reading them all."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    return data


def _xlsx_rows(data: bytes) -> list[list]:
    """The cells of the first worksheet. Anything openpyxl cannot read is not a spreadsheet."""
    # A .docx, a plain zip or a damaged workbook all start with the zip signature, and openpyxl
    # fails on them with many kinds of exception (BadZipFile, KeyError, InvalidFileException,
    # XML parse errors...): any failure to read means "not a spreadsheet".
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _not_a_spreadsheet() from None
    try:
        sheets = workbook.worksheets
        return [list(row) for row in sheets[0].iter_rows(values_only=True)] if sheets else []
    except Exception:
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text)


def _decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte order mark; binary data is not a spreadsheet."""
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Text in another encoding (Excel's "CSV (semicolon separated)" writes Windows-1252)
        # deserves a message that says how to fix it; anything else is binary.
        if _has_control_characters(data.decode("cp1252", errors="replace")):
            raise _not_a_spreadsheet() from None
        raise ImportFileError(
            _("The file is not UTF-8 encoded. In Excel, save it as “CSV UTF-8”, or upload it as XLSX.")
        ) from None
    if _has_control_characters(text):
        raise _not_a_spreadsheet()
    return text


def _delimiter(text: str) -> tuple[str, str]:
    """(delimiter, text): Excel's "sep=;" first line if present, else the delimiter that makes
    the most import column names of the first line, else csv.Sniffer's guess, else ";"."""
    first_line, _newline, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    hint = first_line.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5 and hint[4] in CSV_DELIMITERS:
        return hint[4], rest

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(header_key(cell) in _COLUMN_BY_HEADER for cell in cells)

    scores = {d: known(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: scores[d])
    if scores[best]:
        return best, text
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters="".join(CSV_DELIMITERS)).delimiter, text
    except csv.Error:
        return DEFAULT_DELIMITER, text


def _csv_rows(data: bytes) -> list[list]:
    delimiter, text = _delimiter(_decode(data))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise _not_a_spreadsheet() from None


def _table(cells: list[list], kind: str) -> Table:
    """Map the header row to columns and the other rows to dicts (see Table)."""
    if not cells or not any(_text(c) for c in cells[0]):
        raise ImportFileError(
            _("The first row must hold the column names. Required columns: %(columns)s.")
            % {"columns": ", ".join(str(c) for c in COLUMNS if c.required)}
        )
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(cells[0]):
        header = _text(cell)
        column = _COLUMN_BY_HEADER.get(header_key(header))
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column.key in positions:
            raise ImportFileError(_("The column %(column)s appears more than once.") % {"column": column})
        positions[column.key] = index
    missing = [str(c) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("The file lacks these required columns: %(columns)s. The first row must hold the column names.")
            % {"columns": ", ".join(missing)}
        )

    table = Table(kind=kind, ignored_columns=ignored)
    for number, row in enumerate(cells[1:], start=2):
        values = {key: _text(row[i]) if i < len(row) else "" for key, i in positions.items()}
        if not any(values.values()):
            continue
        if len(table) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": number_format(MAX_ROWS, force_grouping=True)}
            )
        table.append({**dict.fromkeys(COLUMN_KEYS, ""), **values, "row": number})
    if not table:
        raise ImportFileError(_("The file has no rows below the column names."))
    return table


def parse_table(uploaded_file) -> Table:
    """Read an uploaded CSV or XLSX file into rows (see Table), or raise ImportFileError.

    The type is decided by the content, not by the name: a zip that openpyxl opens is XLSX;
    anything else must be UTF-8 text (a byte order mark is allowed) separated by ";", "," or tab.
    """
    data = _read(uploaded_file)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _table(_xlsx_rows(data), "xlsx")
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read. Save the file as XLSX or as CSV UTF-8."))
    return _table(_csv_rows(data), "csv")


# --------------------------------------------------------------------------
# 2. The dry run
# --------------------------------------------------------------------------
