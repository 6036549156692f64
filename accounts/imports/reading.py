"""Reading an import file (step 1 of accounts.imports): the columns of the account import and
:func:`parse_table`, which turns an uploaded CSV or XLSX file into rows or refuses the whole file
with one :class:`ImportFileError`. The reading itself (encodings, delimiters, limits) is
core.tables, shared with the unit tree import; docs/import.md describes the columns."""

from __future__ import annotations

from accounts.choices import Classification
from core import tables
from core.tables import MAX_BYTES, MAX_ROWS, Column, ImportFileError, Table, header_key

__all__ = [
    "CLASSIFICATIONS",
    "COLUMNS",
    "COLUMN_KEYS",
    "MAX_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportFileError",
    "Table",
    "header_key",
    "parse_table",
]

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

CLASSIFICATIONS: dict[str, str] = {
    "": Classification.OFFICIAL,
    "official": Classification.OFFICIAL,
    "officiell": Classification.OFFICIAL,
    "student_ambassador": Classification.STUDENT_AMBASSADOR,
    "studentambassadör": Classification.STUDENT_AMBASSADOR,
}


def parse_table(uploaded_file) -> Table:
    """Read an uploaded CSV or XLSX file of accounts into rows (core.tables.Table), or raise
    ImportFileError."""
    return tables.parse_table(uploaded_file, COLUMNS)
