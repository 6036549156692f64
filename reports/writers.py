"""Table writers for every export: CSV that streams and XLSX in openpyxl's write-only mode.

A `Table` is a title, its `Column`s and its rows. **Rows are dicts keyed by `Column.key`** (a
missing key is an empty cell); they may be a generator and are read exactly once, one row at a
time, so memory does not grow with the number of rows. Feed them from `.iterator(chunk_size=…)`
or `.values()` querysets, never from lists built in advance.

Cell kinds (CSV | XLSX):

- text: as is; a cell starting with = + - @ tab or CR gets a leading ' (OWASP CSV injection)
  | a string cell, never a formula;
- int: 1234 | a number;
- decimal: 12.5 (12,5 with ";") | a number;
- percent, a fraction 0..1: the percentage with 1 decimal, 97.5 (97,5 with ";"), and the header
  gets " (%)" | the fraction, format 0.0 %;
- date: yyyy-mm-dd | a date cell, format yyyy-mm-dd;
- datetime, aware: Stockholm local time yyyy-mm-dd HH:MM | a naive Stockholm local datetime
  cell, format yyyy-mm-dd hh:mm.

`None` is an empty cell in every kind. The `;` variant is for Excel with Swedish regional
settings, which expects `;` between fields and a decimal comma.
"""

import csv
import datetime
import decimal
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.formulas import FORMULA_START, guard_formula
from org.calendar import STOCKHOLM

KINDS = frozenset({"text", "int", "decimal", "percent", "date", "datetime"})
BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_XLSX_FORMATS = {"percent": "0.0%", "decimal": "0.0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
_XLSX_WIDTHS = {"int": 10, "decimal": 12, "percent": 10, "date": 12, "datetime": 17}


@dataclass(frozen=True)
class Column:
    """One column: the row key it reads, its header (may be a lazy translation) and its kind.
    `width` is an optional XLSX width in characters (a guess from the kind and header otherwise)."""

    key: str
    label: Any
    kind: str = "text"
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")


@dataclass
class Table:
    """A title (the XLSX sheet name), columns, and rows: dicts keyed by Column.key, read once."""

    title: Any
    columns: list[Column]
    rows: Iterable[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def local_datetime(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime as naive Stockholm local time (naive input is taken as local already)."""
    if value.tzinfo is not None:
        value = value.astimezone(STOCKHOLM).replace(tzinfo=None)
    return value


def _number_text(value, *, decimal_comma: bool) -> str:
    if isinstance(value, decimal.Decimal):
        text = format(value, "f")
    elif isinstance(value, float):
        text = repr(value) if value != int(value) else str(int(value))
    else:
        text = str(value)
    return text.replace(".", ",") if decimal_comma else text


def csv_cell(value, kind: str, *, decimal_comma: bool = False) -> str:
    """One value as CSV text (before quoting)."""
    if value is None or value == "":
        return ""
    if kind == "text":
        return guard_formula(str(value))
    if kind == "int":
        return str(int(value))
    if kind == "decimal":
        return _number_text(value, decimal_comma=decimal_comma)
    if kind == "percent":
        percent = (decimal.Decimal(str(value)) * 100).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
        return _number_text(percent, decimal_comma=decimal_comma)
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = local_datetime(value).date()
        return value.isoformat()
    # datetime
    return local_datetime(value).strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- CSV


class _Line:
    """A file-like object for csv.writer that hands back what was written (the Django docs' Echo)."""

    def write(self, value: str) -> str:
        return value


def csv_header(column: Column) -> str:
    label = str(column.label)
    return f"{label} (%)" if column.kind == "percent" else label


def csv_lines(table: Table, *, delimiter: str = ",") -> Iterator[str]:
    """The table as CSV lines: the UTF-8 byte-order mark first (so that Excel reads UTF-8), then the
    header, then one line per row. With delimiter ";" numbers get a decimal comma (Swedish Excel).
    Quoting is csv's minimal quoting: fields containing the delimiter, quotes or newlines."""
    if delimiter not in (",", ";"):
        raise ValueError("delimiter must be ',' or ';'")
    decimal_comma = delimiter == ";"
    writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\r\n")
    columns = list(table.columns)
    yield BOM + writer.writerow([csv_header(c) for c in columns])
    for row in table.rows:
        yield writer.writerow([csv_cell(row.get(c.key), c.kind, decimal_comma=decimal_comma) for c in columns])


def csv_write(table: Table, fileobj: IO[bytes], *, delimiter: str = ",") -> None:
    """Write the CSV to a binary file, line by line."""
    for line in csv_lines(table, delimiter=delimiter):
        fileobj.write(line.encode("utf-8"))


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Kept by no cache: exports hold personal data.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def in_language(iterable: Iterable, language: str | None) -> Iterator:
    """Iterate with `language` active for each step. A streaming response is iterated after the
    view has returned, when the request's language may no longer be the active one."""
    iterator = iter(iterable)
    while True:
        with translation.override(language):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def csv_response(filename: str, table: Table, *, delimiter: str = ",") -> StreamingHttpResponse:
    """Stream the table as a CSV download; rows are read while the response is sent, in the
    language active now (headers and labels)."""
    language = translation.get_language()
    lines = (line.encode("utf-8") for line in in_language(csv_lines(table, delimiter=delimiter), language))
    return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


# --------------------------------------------------------------------------- XLSX


def sheet_title(title, used: set[str] | None = None) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters, not empty."""
    text = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip().strip("'") or "Sheet"
    text = " ".join(text.split())[:31]
    if used is not None:
        candidate, n = text, 2
        while candidate.lower() in used:
            suffix = f" ({n})"
            candidate = text[: 31 - len(suffix)] + suffix
            n += 1
        used.add(candidate.lower())
        text = candidate
    return text


def _xlsx_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "text":
        return str(value)
    if kind == "int":
        return int(value)
    if kind in ("decimal", "percent"):
        return value if isinstance(value, int | float | decimal.Decimal) else decimal.Decimal(str(value))
    if kind == "date":
        return local_datetime(value).date() if isinstance(value, datetime.datetime) else value
    return local_datetime(value)


def _width(column: Column) -> float:
    if column.width:
        return column.width
    label = len(str(column.label)) + 3
    return max(label, _XLSX_WIDTHS.get(column.kind, 24))


def _write_table(wb: Workbook, table: Table, used: set[str], on_row: Callable[[], None] | None) -> None:
    ws = wb.create_sheet(sheet_title(table.title, used))
    columns = list(table.columns)
    # Column widths and the frozen header must be set before the first row is written.
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.label))
        cell.font = bold
        header.append(cell)
    ws.append(header)

    # One styled cell per formatted column, reused for every row: openpyxl copies the value and
    # style out as it writes the row, so the cells need not be new objects.
    templates: list[WriteOnlyCell | None] = []
    for column in columns:
        fmt = _XLSX_FORMATS.get(column.kind)
        if fmt:
            cell = WriteOnlyCell(ws)
            cell.number_format = fmt
            templates.append(cell)
        else:
            templates.append(None)

    n = 0
    for row in table.rows:
        values = []
        for column, template in zip(columns, templates, strict=True):
            value = _xlsx_value(row.get(column.key), column.kind)
            if value is None:
                values.append(None)
            elif template is not None:
                template.value = value
                values.append(template)
            elif column.kind == "text" and value.startswith(FORMULA_START):
                # openpyxl would store "=…" as a formula: force a plain string cell instead.
                text_cell = WriteOnlyCell(ws, value=value)
                text_cell.data_type = "s"
                values.append(text_cell)
            else:
                values.append(value)
        ws.append(values)
        n += 1
        if on_row is not None:
            on_row()
    # Write-only sheets write the auto filter after the rows, at save: set it to the final range.
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{n + 1}"


def _cover_value(ws, value) -> WriteOnlyCell:
    """A cover sheet value: dates as date cells, everything else as plain text (never a formula)."""
    if isinstance(value, datetime.date):
        kind = "datetime" if isinstance(value, datetime.datetime) else "date"
        cell = WriteOnlyCell(ws, value=_xlsx_value(value, kind))
        cell.number_format = _XLSX_FORMATS[kind]
        return cell
    cell = WriteOnlyCell(ws, value=None if value is None else str(value))
    if value is not None:
        cell.data_type = "s"
    return cell


def xlsx_write(
    tables: Sequence[Table],
    fileobj: IO[bytes],
    *,
    cover: list[tuple[Any, Any]] | None = None,
    on_row: Callable[[], None] | None = None,
) -> None:
    """Write an XLSX workbook to a binary file: an optional first sheet "cover" of (label, value)
    pairs, then one sheet per table with a bold, frozen header row, an auto filter over the rows,
    typed cells and column widths. Write-only mode: each sheet's rows go to a temporary file as
    they are read, so memory stays flat however many rows there are. `on_row` is called after
    each data row (for progress)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    if cover:
        ws = wb.create_sheet(sheet_title("cover", used))
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 60
        bold = Font(bold=True)
        for label, value in cover:
            label_cell = WriteOnlyCell(ws, value=str(label))
            label_cell.font = bold
            ws.append([label_cell, _cover_value(ws, value)])
    for table in tables:
        _write_table(wb, table, used, on_row)
    if not tables and not cover:
        wb.create_sheet("Sheet")
    wb.save(fileobj)


def xlsx_response(filename: str, tables: Sequence[Table], cover: list[tuple[Any, Any]] | None = None) -> FileResponse:
    """Make the workbook in a temporary file (not in memory) and send it as a download. The file
    is removed when the response is closed."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        xlsx_write(tables, handle, cover=cover)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)
