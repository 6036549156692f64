"""Import the accounts KI already has from a spreadsheet (CSV or XLSX), by the communications department.

Three steps, each usable on its own:

1. :func:`parse_table` reads an uploaded file into rows (dicts keyed by the column names below),
   or raises :class:`ImportFileError` with one message about the whole file.
2. :func:`plan_import` is the dry run: it decides, row by row, whether the row would create an
   account, is a duplicate or is invalid, and why. It only reads, in a fixed number of queries.
3. :func:`import_apply` writes the rows the plan would create, all or nothing.

Imported accounts are active, with origin "import", so they await a retroactive approval by
their manager (START-1). The columns, encodings and limits are documented in docs/import.md.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.choices import Classification, Origin
from accounts.models import Platform, SocialAccount
from accounts.urlparse import UnrecognisedURL, recognise
from core.exceptions import ApplicationError, NotAllowed
from org import roles
from org.models import Unit

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportFileError",
    "ImportPlan",
    "ImportRow",
    "RowOutcome",
    "Table",
    "import_apply",
    "import_dir",
    "import_file_store",
    "import_files_purge",
    "parse_table",
    "plan_import",
]

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
    Column("deputy", "deputy", "ersättare", True),
    Column("classification", "classification", "klassificering", False),
    Column("purpose", "purpose", "syfte", True),
    Column("goal", "goal", "mål", False),
    Column("target_audiences", "target_audiences", "målgrupper", False),
    Column("operational_benefit", "operational_benefit", "verksamhetsnytta", False),
    Column("audience_benefit", "audience_benefit", "målgruppsnytta", False),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def _header_key(text: str) -> str:
    """A header cell as it is matched: NFC, trimmed, case-folded, spaces and dashes as "_"."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return "_".join(text.replace("-", " ").split())


_COLUMN_BY_HEADER: dict[str, Column] = {_header_key(n): c for c in COLUMNS for n in c.names}

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
        return sum(_header_key(cell) in _COLUMN_BY_HEADER for cell in cells)

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
        column = _COLUMN_BY_HEADER.get(_header_key(header))
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


class RowOutcome(models.TextChoices):
    CREATE = "create", gettext_lazy("Will be created")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate")
    INVALID = "invalid", gettext_lazy("Invalid")


@dataclass
class ImportRow:
    """What the dry run decided for one row, and the values it resolved."""

    row: int
    cells: dict[str, str]
    outcome: str = RowOutcome.CREATE
    messages: list[str] = field(default_factory=list)
    platform: Platform | None = None
    handle: str = ""
    url: str = ""
    unit: Unit | None = None
    owner: models.Model | None = None
    deputy: models.Model | None = None
    classification: str = Classification.OFFICIAL
    duplicate_of: SocialAccount | None = None
    duplicate_of_row: int | None = None

    @property
    def name(self) -> str:
        return self.cells["name"]

    def get_outcome_display(self) -> str:
        return RowOutcome(self.outcome).label

    def invalid(self, message: str) -> None:
        self.outcome = RowOutcome.INVALID
        self.messages.append(message)

    def account_fields(self) -> dict:
        """The fields accounts.services.social_account_create takes (besides owner and deputy)."""
        return {
            "name": self.cells["name"],
            "platform": self.platform,
            "handle": self.handle,
            "url": self.url,
            "unit": self.unit,
            "classification": self.classification,
            "purpose": self.cells["purpose"],
            "goal": self.cells["goal"],
            "target_audiences": self.cells["target_audiences"],
            "operational_benefit": self.cells["operational_benefit"],
            "audience_benefit": self.cells["audience_benefit"],
        }


@dataclass
class ImportPlan:
    """The dry run of a whole file: one ImportRow per non-blank row, in file order."""

    rows: list[ImportRow]

    def _with(self, outcome: str) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == outcome]

    @property
    def to_create(self) -> list[ImportRow]:
        return self._with(RowOutcome.CREATE)

    @property
    def duplicates(self) -> list[ImportRow]:
        return self._with(RowOutcome.DUPLICATE)

    @property
    def invalid(self) -> list[ImportRow]:
        return self._with(RowOutcome.INVALID)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowOutcome.values, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


class _Directory:
    """Units, people, platforms and registered accounts for the rows of one file, each loaded in
    one query, so that the dry run costs the same number of queries for 10 rows or 5 000."""

    def __init__(self, rows: list[dict], addresses: dict[int, tuple[str, str]]):
        self.platforms = {p.slug: p for p in Platform.objects.all()}

        # Units are few (hundreds); compared in Python because SQLite's lower() ignores "ÅÄÖ".
        self.units_by_name: dict[str, list[Unit]] = {}
        self.units_by_pk: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            self.units_by_pk[str(unit.pk)] = unit
            for name in {_fold(unit.name), _fold(unit.name_en)} - {""}:
                self.units_by_name.setdefault(name, []).append(unit)

        wanted = {r[k].lower() for r in rows for k in ("owner", "deputy") if r[k]}
        self.users_by_username: dict[str, models.Model] = {}
        self.users_by_email: dict[str, list[models.Model]] = {}
        if wanted:
            users = (
                get_user_model()
                .objects.filter(is_active=True)
                .annotate(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(models.Q(username_lower__in=wanted) | models.Q(email_lower__in=wanted))
            )
            for user in users:
                self.users_by_username[user.username.lower()] = user
                if user.email:
                    self.users_by_email.setdefault(user.email.lower(), []).append(user)

        handles = {handle for _slug, handle in addresses.values()}
        self.accounts: dict[tuple[int, str], SocialAccount] = {}
        if handles:
            for account in SocialAccount.objects.filter(handle__in=handles).only("pk", "name", "platform", "handle"):
                self.accounts[(account.platform_id, account.handle)] = account


def _recognise(raw: str) -> tuple[str, str, str] | str:
    """(platform slug, handle, canonical url), or the message saying why the address is refused."""
    if not raw:
        return _("The address of the account's profile page is missing.")
    try:
        found = recognise(raw)
    except UnrecognisedURL as exc:
        return str(exc)
    return found.platform, found.handle, found.url


def _resolve_unit(row: ImportRow, directory: _Directory) -> None:
    raw = row.cells["unit"]
    if not raw:
        row.invalid(_("The unit is missing."))
        return
    units = directory.units_by_name.get(_fold(raw), [])
    if len(units) > 1:
        row.invalid(
            _("Several units are called “%(unit)s”; write the unit's number (from its page in the portal) instead.")
            % {"unit": raw}
        )
    elif units:
        row.unit = units[0]
    elif raw in directory.units_by_pk:
        row.unit = directory.units_by_pk[raw]
    else:
        row.invalid(_("There is no unit called “%(unit)s”.") % {"unit": raw})


def _resolve_person(row: ImportRow, directory: _Directory, role: str):
    raw = row.cells[role]
    if not raw:
        message = _("The account owner is missing (RES-2).") if role == "owner" else _("The deputy is missing (RES-2).")
        row.invalid(message)
        return None
    key = raw.lower()
    if key in directory.users_by_username:
        return directory.users_by_username[key]
    matches = directory.users_by_email.get(key, [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        row.invalid(
            _("Several people have the e-mail address “%(person)s”; write the user name instead.") % {"person": raw}
        )
    else:
        row.invalid(_("No active user has the user name or e-mail address “%(person)s”.") % {"person": raw})
    return None


def _check_fields(row: ImportRow) -> None:
    """The model's own field rules (lengths, URL form), without queries: clean_fields on an
    unsaved account, leaving out the fields the dry run checks itself."""
    account = SocialAccount(**row.account_fields())
    exclude = {"platform", "unit", "classification", "status", "origin"}
    if not row.cells["name"]:
        exclude.add("name")
    if not row.cells["purpose"]:
        exclude.add("purpose")
    if not row.url:
        exclude.update({"url", "handle"})
    try:
        account.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            label = capfirst(SocialAccount._meta.get_field(name).verbose_name)
            for error in errors:
                row.invalid(f"{label}: {error}")


def plan_import(rows: list[dict], *, actor) -> ImportPlan:
    """The dry run: decide for every row whether it would create an account, is a duplicate or
    is invalid, and say why. Reads only; a fixed number of queries whatever the number of rows.

    Only the communications department may run it: duplicates name accounts that others may not see.
    """
    if not roles.can_edit_registry(actor):
        raise NotAllowed(_("Only the communications department may import accounts."))
    recognised = {i: _recognise(r["url"]) for i, r in enumerate(rows)}
    addresses = {i: (found[0], found[1]) for i, found in recognised.items() if isinstance(found, tuple)}
    directory = _Directory(rows, addresses)

    first_row_of: dict[tuple[str, str], int] = {}
    plan = ImportPlan(rows=[])
    for i, cells in enumerate(rows):
        row = ImportRow(row=cells["row"], cells={k: cells.get(k, "") for k in COLUMN_KEYS})
        plan.rows.append(row)

        # 1. The address: unrecognised is invalid; registered already, or earlier in the file, is a
        #    duplicate, and nothing else about a duplicate matters since it will not be imported.
        found = recognised[i]
        if isinstance(found, str):
            row.invalid(found)
        else:
            slug, row.handle, row.url = found
            row.platform = directory.platforms.get(slug)
            if row.platform is None:
                row.invalid(_("This platform is not in the registry yet."))
            else:
                existing = directory.accounts.get((row.platform.pk, row.handle))
                if existing is not None:
                    row.outcome, row.duplicate_of = RowOutcome.DUPLICATE, existing
                    row.messages.append(
                        _("This account is already registered as “%(name)s” (number %(pk)s).")
                        % {"name": existing.name, "pk": existing.pk}
                    )
                    continue
                earlier = first_row_of.setdefault((slug, row.handle), row.row)
                if earlier != row.row:
                    row.outcome, row.duplicate_of_row = RowOutcome.DUPLICATE, earlier
                    row.messages.append(_("Same account as row %(row)s.") % {"row": earlier})
                    continue

        # 2. Everything else, all reported at once so that the file can be fixed in one go.
        if not row.cells["name"]:
            row.invalid(_("The account name is missing."))
        _resolve_unit(row, directory)
        row.owner = _resolve_person(row, directory, "owner")
        row.deputy = _resolve_person(row, directory, "deputy")
        if row.owner is not None and row.deputy is not None and row.owner.pk == row.deputy.pk:
            row.invalid(_("The deputy cannot be the account owner (RES-2)."))
        if not row.cells["purpose"]:
            row.invalid(_("The purpose is missing; every account needs a clear purpose (PURP-1)."))
        classification = CLASSIFICATIONS.get(_header_key(row.cells["classification"]))
        if classification is None:
            row.invalid(
                _("Unknown classification “%(value)s”; write official or student_ambassador.")
                % {"value": row.cells["classification"]}
            )
        else:
            row.classification = classification
        _check_fields(row)
    return plan


# --------------------------------------------------------------------------
# 3. The import
# --------------------------------------------------------------------------


@transaction.atomic
def import_apply(*, actor, plan: ImportPlan) -> list[SocialAccount]:
    """Create every account the dry run would create: active, origin "import" (awaiting a
    retroactive approval, START-1), with owner and deputy (RES-2) and audit events.

    All or nothing: if a row became a duplicate since the dry run, or fails the service's
    checks, nothing is written and ApplicationError says which row.
    """
    if not roles.can_edit_registry(actor):
        raise NotAllowed(_("Only the communications department may import accounts."))
    rows = plan.to_create
    if not rows:
        raise ApplicationError(_("The file has no accounts to create."))

    # Someone may have registered one of these accounts since the dry run. The unique constraint
    # would stop it anyway; checking first names the row and the account.
    wanted = {(r.platform.pk, r.handle): r for r in rows}
    taken = SocialAccount.objects.filter(handle__in={r.handle for r in rows}).only("pk", "name", "platform", "handle")
    for account in taken:
        row = wanted.get((account.platform_id, account.handle))
        if row is not None:
            raise ApplicationError(
                _(
                    "Row %(row)s was registered as “%(name)s” (number %(pk)s) after the dry run. "
                    "Nothing was imported; check the file again."
                )
                % {"row": row.row, "name": account.name, "pk": account.pk}
            )

    created = []
    for row in rows:
        try:
            created.append(
                services.social_account_create(
                    actor=actor, owner=row.owner, deputy=row.deputy, origin=Origin.IMPORT, **row.account_fields()
                )
            )
        except NotAllowed:
            raise
        except ApplicationError as exc:
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": exc.message}
            ) from exc
        except ValidationError as exc:
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": " ".join(exc.messages)}
            ) from exc
    return created


# --------------------------------------------------------------------------
# Keeping the uploaded file between the dry run and the confirmation
# --------------------------------------------------------------------------


def import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def import_file_store(uploaded_file, *, kind: str) -> tuple[str, Path]:
    """Keep the uploaded file for the confirmation: (token, path). The token is unguessable."""
    token = uuid.uuid4().hex
    folder = import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.{kind}"
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    with path.open("wb") as out:
        for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]:
            out.write(chunk)
    return token, path


def import_files_purge(*, now: datetime, max_age: timedelta) -> int:
    """Delete kept files older than max_age (never confirmed): they hold names and e-mail addresses."""
    folder = import_dir()
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < (now - max_age).timestamp():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
