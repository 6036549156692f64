"""The CSV and XLSX writers (reports/writers.py): encoding, quoting, the injection guard, typed
XLSX cells, frozen header and auto filter. No database."""

import csv
import datetime
import decimal
import io
import os
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reports.writers import Column, Table, csv_lines, csv_response, sheet_title, xlsx_response, xlsx_write

UTC = datetime.UTC
COLUMNS = [
    Column("name", "Name"),
    Column("count", "Count", "int"),
    Column("share", "Share", "percent"),
    Column("hours", "Hours", "decimal"),
    Column("day", "Day", "date"),
    Column("at", "When", "datetime"),
]
ROW = {
    "name": "Instagram",
    "count": 3,
    "share": 0.975,
    "hours": decimal.Decimal("2.5"),
    "day": datetime.date(2024, 3, 10),
    # 23:30 UTC on 9 March is 00:30 on 10 March in Stockholm (winter time, UTC+1).
    "at": datetime.datetime(2024, 3, 9, 23, 30, tzinfo=UTC),
}


def text(table, **kwargs) -> str:
    return "".join(csv_lines(table, **kwargs))


def parse(data: str, delimiter=",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.removeprefix("\ufeff")), delimiter=delimiter))


def test_csv_starts_with_the_byte_order_mark_then_the_header():
    data = text(Table("t", COLUMNS, [ROW]))
    assert data.startswith("\ufeffName,Count,Share (%),Hours,Day,When\r\n")


def test_csv_writes_typed_values_as_text():
    rows = parse(text(Table("t", COLUMNS, [ROW])))
    assert rows[1] == ["Instagram", "3", "97.5", "2.5", "2024-03-10", "2024-03-10 00:30"]


def test_semicolon_csv_uses_a_decimal_comma_for_numbers():
    data = text(Table("t", COLUMNS, [ROW]), delimiter=";")
    assert data.splitlines()[1] == "Instagram;3;97,5;2,5;2024-03-10;2024-03-10 00:30"


def test_missing_and_none_values_are_empty_cells():
    rows = parse(text(Table("t", COLUMNS, [{"name": None}])))
    assert rows[1] == ["", "", "", "", "", ""]


@pytest.mark.parametrize("value", ["a;b", "two\nlines", 'say "hi"', "a,b"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_delimiters_newlines_and_quotes_are_quoted(value, delimiter):
    data = text(Table("t", [Column("v", "V")], [{"v": value}]), delimiter=delimiter)
    assert parse(data, delimiter)[1] == [value]


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_prefixed_with_a_quote(value):
    """OWASP CSV injection: a cell starting with = + - @ tab or CR is a formula to Excel."""
    assert parse(text(Table("t", [Column("v", "V")], [{"v": value}])))[1] == ["'" + value]


def test_negative_numbers_are_not_treated_as_formulas():
    assert parse(text(Table("t", [Column("v", "V", "int")], [{"v": -3}])))[1] == ["-3"]


def test_rows_are_read_lazily():
    """A generator of rows is read one row at a time, never all at once."""
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield {"name": str(n)}

    lines = csv_lines(Table("t", [Column("name", "N")], rows()))
    next(lines)  # the header
    next(lines)
    assert read == [0]


def test_csv_response_streams_an_attachment():
    response = csv_response("kipolicy_accounts_2024-03-10.csv", Table("t", COLUMNS, iter([ROW])))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kipolicy_accounts_2024-03-10.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffName")


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "X", "money")


# XLSX


def workbook(tables, **kwargs):
    handle = io.BytesIO()
    xlsx_write(tables, handle, **kwargs)
    handle.seek(0)
    return load_workbook(handle)


def test_xlsx_has_typed_cells():
    sheet = workbook([Table("Accounts", COLUMNS, iter([ROW]))])["Accounts"]
    name, count, share, hours, day, at = sheet[2]
    assert name.value == "Instagram" and name.data_type == "s"
    assert count.value == 3 and count.data_type == "n"
    assert share.value == pytest.approx(0.975) and share.data_type == "n" and share.number_format == "0.0%"
    assert hours.value == pytest.approx(2.5) and hours.data_type == "n"
    assert day.is_date and day.value.date() == datetime.date(2024, 3, 10) and day.number_format == "yyyy-mm-dd"
    # Stockholm local time, as a naive datetime cell.
    assert at.is_date and at.value == datetime.datetime(2024, 3, 10, 0, 30)
    assert at.number_format == "yyyy-mm-dd hh:mm"


def test_xlsx_header_is_bold_frozen_and_filtered():
    sheet = workbook([Table("Accounts", COLUMNS, iter([ROW, ROW, ROW]))])["Accounts"]
    assert [c.value for c in sheet[1]] == ["Name", "Count", "Share", "Hours", "Day", "When"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet.column_dimensions["A"].width > 0


def test_xlsx_text_starting_with_equals_is_text_not_a_formula():
    sheet = workbook([Table("t", [Column("v", "V")], [{"v": "=1+1"}])])["t"]
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"


def test_xlsx_has_one_sheet_per_table_after_the_cover():
    book = workbook(
        [Table("Accounts", COLUMNS, []), Table("Units", [Column("n", "N")], [{"n": "x"}])],
        cover=[("Report", "Inventory"), ("Made", datetime.datetime(2024, 3, 9, 23, 30, tzinfo=UTC))],
    )
    assert book.sheetnames == ["cover", "Accounts", "Units"]
    cover = book["cover"]
    assert cover["A1"].value == "Report" and cover["B1"].value == "Inventory"
    assert cover["B2"].is_date
    assert book["Accounts"].auto_filter.ref == "A1:F1"


def test_sheet_titles_are_made_valid_and_unique():
    used = set()
    assert sheet_title("Q1: [draft] a/b\\c*?", used) == "Q1 draft a b c"
    long = "x" * 40
    assert sheet_title(long, used) == "x" * 31
    assert sheet_title(long, used) == "x" * 27 + " (2)"
    assert sheet_title("", used) == "Sheet"


def test_xlsx_response_is_a_file_download():
    response = xlsx_response("kipolicy_accounts_2024-03-10.xlsx", [Table("Accounts", COLUMNS, iter([ROW]))])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="kipolicy_accounts_2024-03-10.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["Accounts"]["A2"].value == "Instagram"
    # The workbook was made in a temporary file, which goes when the response closes it.
    handle = response.file_to_stream
    path = handle.name
    assert os.path.exists(path)
    handle.close()
    assert not os.path.exists(path)


def test_datetime_in_summer_time_is_shown_in_stockholm_time():
    summer = datetime.datetime(2024, 7, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    rows = parse(text(Table("t", [Column("at", "At", "datetime")], [{"at": summer}])))
    assert rows[1] == ["2024-07-01 12:00"]
