"""The dry run of an import (step 2 of accounts.imports): :func:`plan_import` decides, row by
row, whether the row would create an account, is a duplicate or is invalid, and why. It only
reads, in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Classification
from accounts.imports.reading import CLASSIFICATIONS, COLUMN_KEYS, header_key
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
        classification = CLASSIFICATIONS.get(header_key(row.cells["classification"]))
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
