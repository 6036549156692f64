"""Reading a spreadsheet that someone uploads for an import (CSV or XLSX): the checked upload
every import of the portal shares (accounts, units). It knows no domain: an import names its
columns (`Column`) and gets rows back, or one :class:`ImportFileError` about the whole file.

The type is decided by the content, not the name; CSV must be UTF-8 (a byte order mark is
allowed), separated by ";", "," or tab, with Excel's "sep=" line understood. Cells are trimmed
and NFC-normalised; blank rows are left out; row numbers are those the user sees (header = 1).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import openpyxl
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    """One column of an import file: its key, its English and Swedish header names."""

    key: str
    english: str
    swedish: str
    required: bool

    @property
    def names(self) -> tuple[str, str]:
        return (self.english, self.swedish)

    def __str__(self) -> str:
        return f"{self.english}/{self.swedish}"


def header_key(text: str) -> str:
    """A header cell as it is matched: NFC, trimmed, case-folded, spaces and dashes as "_"."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return "_".join(text.replace("-", " ").split())


def _by_header(columns: Sequence[Column]) -> dict[str, Column]:
    return {header_key(n): c for c in columns for n in c.names}


class ImportFileError(ApplicationError):
    """The file as a whole cannot be imported (size, type, encoding, columns). Nothing is read further."""


class Table(list):
    """The data rows of an import file, as dicts with every column key plus "row" (the row
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


def _delimiter(text: str, columns: Sequence[Column]) -> tuple[str, str]:
    """(delimiter, text): Excel's "sep=;" first line if present, else the delimiter that makes
    the most import column names of the first line, else csv.Sniffer's guess, else ";"."""
    first_line, _newline, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    hint = first_line.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5 and hint[4] in CSV_DELIMITERS:
        return hint[4], rest
    by_header = _by_header(columns)

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(header_key(cell) in by_header for cell in cells)

    scores = {d: known(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: scores[d])
    if scores[best]:
        return best, text
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters="".join(CSV_DELIMITERS)).delimiter, text
    except csv.Error:
        return DEFAULT_DELIMITER, text


def _csv_rows(data: bytes, columns: Sequence[Column]) -> list[list]:
    delimiter, text = _delimiter(_decode(data), columns)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise _not_a_spreadsheet() from None


def _table(cells: list[list], kind: str, columns: Sequence[Column]) -> Table:
    """Map the header row to columns and the other rows to dicts (see Table)."""
    if not cells or not any(_text(c) for c in cells[0]):
        raise ImportFileError(
            _("The first row must hold the column names. Required columns: %(columns)s.")
            % {"columns": ", ".join(str(c) for c in columns if c.required)}
        )
    by_header = _by_header(columns)
    keys = [c.key for c in columns]
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(cells[0]):
        header = _text(cell)
        column = by_header.get(header_key(header))
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column.key in positions:
            raise ImportFileError(_("The column %(column)s appears more than once.") % {"column": column})
        positions[column.key] = index
    missing = [str(c) for c in columns if c.required and c.key not in positions]
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
        table.append({**dict.fromkeys(keys, ""), **values, "row": number})
    if not table:
        raise ImportFileError(_("The file has no rows below the column names."))
    return table


def parse_table(uploaded_file, columns: Sequence[Column]) -> Table:
    """Read an uploaded CSV or XLSX file into rows of these columns (see Table), or raise
    ImportFileError.

    The type is decided by the content, not by the name: a zip that openpyxl opens is XLSX;
    anything else must be UTF-8 text (a byte order mark is allowed) separated by ";", "," or tab.
    """
    data = _read(uploaded_file)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _table(_xlsx_rows(data), "xlsx", columns)
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read. Save the file as XLSX or as CSV UTF-8."))
    return _table(_csv_rows(data, columns), "csv", columns)


class TableUploadForm(forms.Form):
    """Upload a spreadsheet to import. A subclass names its `columns`; a valid form has read the
    file: cleaned_data["table"] holds its rows (Table)."""

    columns: Sequence[Column] = ()

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy(
            "At most 5 MB and 5 000 rows. The first row holds the column names; "
            "CSV files are UTF-8, separated by semicolons, commas or tabs."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.cleaned_data["table"] = parse_table(uploaded, self.columns)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message) from None
        return uploaded
