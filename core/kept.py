"""Keeping an uploaded import file between the dry run and the confirmation (every import shares it).

The file goes to the default storage under ``imports/`` (as export files go under ``exports/``),
named by an unguessable token: ``imports/<token>.<kind>``. The view ties the token to the user in
the session; a name that is not of this form is refused, so a session entry can never point the
confirmation at another stored file. Files never confirmed hold names and e-mail addresses and
are purged once no session can use them.
"""

import re
import uuid
from datetime import datetime, timedelta

from django.core.files.storage import default_storage

IMPORT_DIR = "imports"
KINDS = ("csv", "xlsx")
_NAME = re.compile(rf"{IMPORT_DIR}/[0-9a-f]{{32}}\.(?:{'|'.join(KINDS)})")


def import_file_store(uploaded_file, *, kind: str) -> tuple[str, str]:
    """Keep the uploaded file for the confirmation: (token, storage name). The token is unguessable."""
    if kind not in KINDS:
        raise ValueError(f"unknown import file kind {kind!r}")
    token = uuid.uuid4().hex
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    name = default_storage.save(f"{IMPORT_DIR}/{token}.{kind}", uploaded_file)
    return token, name


def import_file_name_ok(name: str) -> bool:
    """A name import_file_store gives, and nothing else (no other folder, no "..")."""
    return bool(_NAME.fullmatch(name or ""))


def import_file_open(name: str):
    """The kept file, opened for reading; OSError (FileNotFoundError) once it is gone."""
    if not import_file_name_ok(name):
        raise FileNotFoundError(name)
    return default_storage.open(name, "rb")


def import_file_delete(name: str) -> None:
    if import_file_name_ok(name):
        default_storage.delete(name)


def import_files_purge(*, now: datetime, max_age: timedelta) -> int:
    """Delete kept files older than max_age (never confirmed): they hold names and e-mail addresses."""
    try:
        _folders, files = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for file_name in files:
        name = f"{IMPORT_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(name) < now - max_age:
                default_storage.delete(name)
                removed += 1
        except FileNotFoundError:
            continue  # deleted meanwhile by a confirmation or another purge
    return removed
