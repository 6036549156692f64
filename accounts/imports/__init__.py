"""Import the accounts KI already has from a spreadsheet (CSV or XLSX), by the communications department.

Three steps, each usable on its own, each in its own module:

1. :func:`parse_table` (reading) reads an uploaded file into rows (dicts keyed by the column
   names), or raises :class:`ImportFileError` with one message about the whole file.
2. :func:`plan_import` (planning) is the dry run: it decides, row by row, whether the row would
   create an account (perhaps with warnings: no deputy, a person who is not a user yet), is a
   duplicate or is invalid, and why. It only reads, in a fixed number of queries.
3. :func:`import_apply` (applying) adds the pending people and writes the rows the plan would
   create, all or nothing.

Between the dry run and the confirmation the uploaded file is kept in the default storage (kept).

Imported accounts are active, with origin "import", so they await a retroactive approval by
their manager (START-1). The columns, encodings and limits are documented in docs/import.md.
"""

from accounts.imports.applying import import_apply
from accounts.imports.kept import (
    IMPORT_DIR,
    import_file_delete,
    import_file_name_ok,
    import_file_open,
    import_file_store,
    import_files_purge,
)
from accounts.imports.planning import ImportPlan, ImportRow, PendingPerson, RowNote, RowOutcome, plan_import
from accounts.imports.reading import COLUMNS, MAX_BYTES, MAX_ROWS, ImportFileError, Table, parse_table

__all__ = [
    "COLUMNS",
    "IMPORT_DIR",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportFileError",
    "ImportPlan",
    "ImportRow",
    "PendingPerson",
    "RowNote",
    "RowOutcome",
    "Table",
    "import_apply",
    "import_file_delete",
    "import_file_name_ok",
    "import_file_open",
    "import_file_store",
    "import_files_purge",
    "parse_table",
    "plan_import",
]
