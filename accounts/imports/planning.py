"""The dry run of an import (step 2 of accounts.imports): :func:`plan_import` decides, row by
row, whether the row would create an account, is a duplicate or is invalid, and why. It only
reads, in a fixed number of queries whatever the number of rows.

The real inventory is incomplete (issue 13): a row without a deputy, or naming by e-mail someone
who is not a user yet, is imported with a *warning* (the compliance sweep then reports the
missing deputy; the person is added as a pending person). Only a row that cannot be understood
is refused, each reason naming its column."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Classification
from accounts.imports.reading import CLASSIFICATIONS, COLUMN_KEYS, COLUMNS, header_key
from accounts.models import Platform, SocialAccount
from accounts.urlparse import UnrecognisedURL, recognise
from core.exceptions import NotAllowed
from org import roles
from org.models import Unit


class RowOutcome(models.TextChoices):
    CREATE = "create", gettext_lazy("Will be created")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate")
    INVALID = "invalid", gettext_lazy("Invalid")


@dataclass
class PendingPerson:
    """Someone a row names by e-mail who is not a user yet: created once, however many rows
    name them, by org.services.person_create when the import is applied."""

    email: str
    first_name: str
    last_name: str

    @property
    def key(self) -> str:
        return self.email.lower()

    def __str__(self) -> str:
        return " ".join(n for n in (self.first_name, self.last_name) if n) or self.email


@dataclass(frozen=True)
class RowNote:
    """One reason on a row: the column it is about (a key of COLUMNS, or "" for the whole row)
    and the message."""

    column: str
    message: str

    @property
    def column_label(self) -> str:
        return str(_COLUMN_LABELS.get(self.column, ""))


_COLUMN_LABELS = {c.key: str(c) for c in COLUMNS}


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
    # Refusals (what makes the row invalid) and warnings (imported anyway), each with its column.
    refusals: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    # Owner or deputy who are not users yet, by role ("owner", "deputy").
    pending: dict[str, PendingPerson] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.cells["name"]

    def get_outcome_display(self) -> str:
        return RowOutcome(self.outcome).label

    def invalid(self, message: str, column: str = "") -> None:
        self.outcome = RowOutcome.INVALID
        self.messages.append(message)
        self.refusals.append(RowNote(column, message))

    def warn(self, message: str, column: str = "") -> None:
        self.warnings.append(RowNote(column, message))

    @property
    def notes(self) -> list[RowNote]:
        """What the dry run says about the row: the refusals of an invalid row, the warnings of
        a row to create, the reason of a duplicate."""
        if self.outcome == RowOutcome.INVALID:
            return self.refusals
        if self.outcome == RowOutcome.DUPLICATE:
            return [RowNote("url", m) for m in self.messages]
        return self.warnings

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

    @property
    def with_warnings(self) -> list[ImportRow]:
        """Rows to create that carry a warning (no deputy, a pending person)."""
        return [r for r in self.to_create if r.warnings]

    @property
    def pending_people(self) -> list[PendingPerson]:
        """The people the import will add, once each, in the order the file names them."""
        found: dict[str, PendingPerson] = {}
        for row in self.to_create:
            for person in row.pending.values():
                found.setdefault(person.key, person)
        return list(found.values())


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
        # Every e-mail address a user has, active or not: a pending person cannot take one.
        self.emails_taken: set[str] = set()
        # Pending people by e-mail (lower case), one per address for the whole file.
        self.pending: dict[str, PendingPerson] = {}
        if wanted:
            users = (
                get_user_model()
                .objects.annotate(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(models.Q(username_lower__in=wanted) | models.Q(email_lower__in=wanted))
            )
            for user in users:
                if user.email:
                    self.emails_taken.add(user.email.lower())
                if not user.is_active:
                    continue
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
        row.invalid(_("The unit is missing."), "unit")
        return
    units = directory.units_by_name.get(_fold(raw), [])
    if len(units) > 1:
        row.invalid(
            _("Several units are called “%(unit)s”; write the unit's number (from its page in the portal) instead.")
            % {"unit": raw},
            "unit",
        )
    elif units:
        row.unit = units[0]
    elif raw in directory.units_by_pk:
        row.unit = directory.units_by_pk[raw]
    else:
        row.invalid(_("There is no unit called “%(unit)s”.") % {"unit": raw}, "unit")


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _split_name(text: str, email: str) -> tuple[str, str]:
    """(first name, last name) from a name cell ("Anna Maria Svensson" or "Svensson, Anna"), or
    from the e-mail address when the cell is empty (anna.svensson@ki.se: Anna, Svensson)."""
    text = " ".join(text.split())
    if "," in text:
        last, _sep, first = text.partition(",")
        return first.strip(), last.strip()
    if text:
        first, _sep, last = text.rpartition(" ")
        return (first, last) if first else (last, "")
    parts = [p for p in email.split("@", 1)[0].replace("_", ".").replace("-", ".").split(".") if p]
    if not parts:
        return "", ""
    return " ".join(p.capitalize() for p in parts[:-1]) or parts[-1].capitalize(), (
        parts[-1].capitalize() if len(parts) > 1 else ""
    )


def _resolve_person(row: ImportRow, directory: _Directory, role: str):
    """The user the owner or deputy cell names, or None: a missing deputy and someone who is not
    a user yet (named by e-mail) are warnings; anything else not understood refuses the row."""
    raw = row.cells[role]
    if not raw:
        if role == "owner":
            row.invalid(_("The account owner is missing (RES-2)."), role)
        else:
            row.warn(
                _(
                    "No deputy: the account is imported without one, and the compliance check reports it "
                    "until one is named (RES-2)."
                ),
                role,
            )
        return None
    key = raw.lower()
    if key in directory.users_by_username:
        return directory.users_by_username[key]
    matches = directory.users_by_email.get(key, [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        row.invalid(
            _("Several people have the e-mail address “%(person)s”; write the user name instead.") % {"person": raw},
            role,
        )
    elif _is_email(raw) and key not in directory.emails_taken:
        person = directory.pending.get(key)
        if person is None:
            first, last = _split_name(row.cells[f"{role}_name"], raw)
            person = directory.pending[key] = PendingPerson(email=raw, first_name=first, last_name=last)
        row.pending[role] = person
        row.warn(
            _(
                "%(person)s (%(email)s) is not a user of the portal yet: they will be added as a pending person, "
                "who receives e-mail until their first login."
            )
            % {"person": person, "email": person.email},
            role,
        )
    else:
        row.invalid(_("No active user has the user name or e-mail address “%(person)s”.") % {"person": raw}, role)
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
                row.invalid(f"{label}: {error}", name if name in _COLUMN_LABELS else "")


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
            row.invalid(found, "url")
        else:
            slug, row.handle, row.url = found
            row.platform = directory.platforms.get(slug)
            if row.platform is None:
                row.invalid(_("This platform is not in the registry yet."), "url")
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
            row.invalid(_("The account name is missing."), "name")
        _resolve_unit(row, directory)
        row.owner = _resolve_person(row, directory, "owner")
        row.deputy = _resolve_person(row, directory, "deputy")
        same_user = row.owner is not None and row.deputy is not None and row.owner.pk == row.deputy.pk
        owner_p, deputy_p = row.pending.get("owner"), row.pending.get("deputy")
        if same_user or (owner_p is not None and owner_p is deputy_p):
            row.invalid(_("The deputy cannot be the account owner (RES-2)."), "deputy")
        if not row.cells["purpose"]:
            row.invalid(_("The purpose is missing; every account needs a clear purpose (PURP-1)."), "purpose")
        classification = CLASSIFICATIONS.get(header_key(row.cells["classification"]))
        if classification is None:
            row.invalid(
                _("Unknown classification “%(value)s”; write official or student_ambassador.")
                % {"value": row.cells["classification"]},
                "classification",
            )
        else:
            row.classification = classification
        _check_fields(row)
    return plan


# --------------------------------------------------------------------------
