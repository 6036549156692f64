"""Keeping an uploaded import file between the dry run and the confirmation: core.kept, shared
with the unit tree import (org)."""

from core.kept import (
    IMPORT_DIR,
    import_file_delete,
    import_file_name_ok,
    import_file_open,
    import_file_store,
    import_files_purge,
)

__all__ = [
    "IMPORT_DIR",
    "import_file_delete",
    "import_file_name_ok",
    "import_file_open",
    "import_file_store",
    "import_files_purge",
]
