"""Importing KI's unit tree from a spreadsheet (CSV or XLSX), by the communications department
(issue 13). The columns and their meaning are in docs/units.md.

Like the account import (accounts.imports), in three steps:

1. :func:`parse_units` reads the file with core.tables (the checked upload every import shares);
2. :func:`plan_unit_import` is the dry run: row by row, whether the unit would be created,
   changed (and which fields), is unchanged, or is refused and why (row, column, reason). It only
   reads, in a fixed number of queries whatever the number of rows;
3. :func:`unit_import_apply` writes the plan through org.services (unit_create, unit_update and
   person_create for a manager who is not yet a user), each change audited, all or nothing.

Units are matched by their organisation code (``Unit.code``), so a re-import updates them and a
file imported twice changes nothing the second time. Rows may come in any order: parents are
found by code, in the file or in the portal. Units of the portal that the file does not name are
reported, never deleted. An empty optional cell (English name, kind, manager, registry) leaves
the unit's value as it is; an empty parent code puts the unit at the top of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import tables
from core.exceptions import ApplicationError, NotAllowed
from core.tables import Column, header_key
from org import permissions, services
from org.choices import UnitKind
from org.models import Unit

COLUMNS: tuple[Column, ...] = (
    Column("code", "code", "kod", True),
    Column("name", "name", "namn", True),
    Column("name_en", "name_en", "namn_en", False),
    Column("parent", "parent_code", "överordnad_kod", False),
    Column("kind", "kind", "typ", False),
    Column("manager", "manager_email", "chef_e-post", False),
    Column("registry_email", "registry_email", "diarie_e-post", False),
)

# The kind as written in the file: the stored value, or its English or Swedish word.
KINDS: dict[str, str] = {
    **{value: value for value in UnitKind.values},
    "university_administration": UnitKind.UNIVERSITY_ADMINISTRATION,
    "universitetsförvaltning": UnitKind.UNIVERSITY_ADMINISTRATION,
    "förvaltning": UnitKind.UNIVERSITY_ADMINISTRATION,
    "kontor": UnitKind.OFFICE,
    "institution": UnitKind.DEPARTMENT,
    "avdelning": UnitKind.DIVISION,
    "center": UnitKind.CENTRE,
    "centrum": UnitKind.CENTRE,
    "centrumbildning": UnitKind.CENTRE,
    "research_group": UnitKind.RESEARCH_GROUP,
    "forskargrupp": UnitKind.RESEARCH_GROUP,
}

CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX = Unit._meta.get_field("name").max_length


class Action(models.TextChoices):
    CREATE = "create", gettext_lazy("Will be created")
    UPDATE = "update", gettext_lazy("Will be changed")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    INVALID = "invalid", gettext_lazy("Refused")


@dataclass
class Problem:
    """Why a row is refused: the column (its header name in the file) and the reason."""

    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}" if self.column else self.reason


@dataclass
class UnitRow:
    """What the dry run decided for one row of the file."""

    row: int
    cells: dict[str, str]
    action: str = Action.UNCHANGED
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unit: Unit | None = None  # the unit of the portal with this code, if any
    kind: str = ""
    manager: models.Model | None = None
    new_manager_email: str = ""  # not a user yet: a pending person is added
    changes: dict = field(default_factory=dict)  # field -> new value (parent as a code)
    depth: int = 0

    @property
    def code(self) -> str:
        return self.cells["code"]

    @property
    def parent_code(self) -> str:
        return self.cells["parent"]

    def get_action_display(self) -> str:
        return Action(self.action).label

    def refuse(self, column: str, reason: str) -> None:
        self.action = Action.INVALID
        self.problems.append(Problem(column, reason))

    @property
    def changed_fields(self) -> list[str]:
        return [str(Unit._meta.get_field(name).verbose_name) for name in self.changes]


@dataclass
class UnitPlan:
    """The dry run of a whole file: one UnitRow per non-blank row, in file order, and the units
    of the portal the file does not name (kept as they are)."""

    rows: list[UnitRow]
    missing: list[Unit] = field(default_factory=list)

    def _with(self, action: str) -> list[UnitRow]:
        return [r for r in self.rows if r.action == action]

    @property
    def to_write(self) -> list[UnitRow]:
        return [r for r in self.rows if r.action in (Action.CREATE, Action.UPDATE)]

    @property
    def invalid(self) -> list[UnitRow]:
        return self._with(Action.INVALID)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.values, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def signature(self) -> list[list]:
        """What the user confirms: each row's outcome and changes. The confirmation refuses to
        write if the file would now do something else (the portal changed since the dry run)."""
        return [[r.row, r.action, sorted(r.changes)] for r in self.rows]


def _header(key: str) -> str:
    return next(c.english for c in COLUMNS if c.key == key)


def parse_units(uploaded_file) -> tables.Table:
    """Read an uploaded CSV or XLSX file of units (core.tables), or raise ImportFileError."""
    return tables.parse_table(uploaded_file, COLUMNS)


class _Directory:
    """The units (all of them: hundreds) and the managers named in the file, each in one query."""

    def __init__(self, rows: list[dict]):
        self.units = list(Unit.objects.select_related("manager"))
        self.by_code = {u.code: u for u in self.units if u.code}
        self.by_pk = {u.pk: u for u in self.units}
        wanted = {r["manager"].lower() for r in rows if r["manager"]}
        self.people: dict[str, list] = {}
        if wanted:
            User = get_user_model()
            for person in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted):
                self.people.setdefault(person.email.lower(), []).append(person)

    def code_of(self, pk: int | None) -> str:
        unit = self.by_pk.get(pk) if pk else None
        return (unit.code or "") if unit else ""


def _check_cells(row: UnitRow, directory: _Directory) -> None:
    """Each cell on its own: code, name, kind, e-mail addresses."""
    code = row.code
    if not code:
        row.refuse(_header("code"), _("The organisation code is missing."))
    elif len(code) > CODE_MAX:
        row.refuse(_header("code"), _("At most %(max)s characters.") % {"max": CODE_MAX})
    name = row.cells["name"]
    if not name:
        row.refuse(_header("name"), _("The name is missing."))
    elif len(name) > NAME_MAX:
        row.refuse(_header("name"), _("At most %(max)s characters.") % {"max": NAME_MAX})
    if len(row.cells["name_en"]) > NAME_MAX:
        row.refuse(_header("name_en"), _("At most %(max)s characters.") % {"max": NAME_MAX})
    raw_kind = row.cells["kind"]
    if raw_kind:
        row.kind = KINDS.get(header_key(raw_kind), "")
        if not row.kind:
            row.refuse(
                _header("kind"),
                _("Unknown kind “%(value)s”; write one of %(kinds)s.")
                % {"value": raw_kind, "kinds": ", ".join(UnitKind.values)},
            )
    for key in ("manager", "registry_email"):
        if row.cells[key]:
            try:
                validate_email(row.cells[key])
            except ValidationError:
                row.refuse(_header(key), _("“%(value)s” is not an e-mail address.") % {"value": row.cells[key]})
    if row.cells["manager"] and not any(p.column == _header("manager") for p in row.problems):
        matches = directory.people.get(row.cells["manager"].lower(), [])
        if len(matches) > 1:
            row.refuse(_header("manager"), _("Several people have this e-mail address."))
        elif matches and (not matches[0].is_active or matches[0].has_left):
            row.refuse(_header("manager"), _("The person with this e-mail address has left KI."))
        elif matches:
            row.manager = matches[0]
        else:
            row.new_manager_email = row.cells["manager"]
            row.warnings.append(
                _("%(email)s is not in the portal yet: added as a pending person.") % {"email": row.cells["manager"]}
            )


def _resolve_tree(rows: list[UnitRow], directory: _Directory) -> None:
    """Parents by code (in the file or the portal); refuse unknown parents, closed units and
    cycles, naming the rows; give each row its depth in the new tree (parents are written first)."""
    by_code: dict[str, UnitRow] = {}
    for row in rows:
        if not row.code:
            continue
        earlier = by_code.setdefault(row.code, row)
        if earlier is not row:
            row.refuse(_header("code"), _("The same code as row %(row)s.") % {"row": earlier.row})

    def parent_of(code: str) -> str:
        """The parent code a unit will have: the file's, else the portal's."""
        if code in by_code:
            return by_code[code].parent_code
        unit = directory.by_code.get(code)
        return directory.code_of(unit.parent_id) if unit else ""

    for row in rows:
        if row.action == Action.INVALID and not row.code:
            continue
        row.unit = directory.by_code.get(row.code)
        if row.unit is not None and row.unit.is_closed:
            row.refuse(
                _header("code"),
                _("The unit with this code was closed on %(day)s; its successor is %(successor)s.")
                % {"day": row.unit.closed_on.isoformat(), "successor": row.unit.successor or "–"},
            )
        parent = row.parent_code
        if not parent:
            continue
        if parent == row.code:
            row.refuse(_header("parent"), _("A unit cannot be its own parent."))
            continue
        if parent not in by_code and parent not in directory.by_code:
            message = _("No unit has the code “%(code)s”, in the file or the portal.") % {"code": parent}
            row.refuse(_header("parent"), message)
            continue
        if parent not in by_code and directory.by_code[parent].is_closed:
            row.refuse(_header("parent"), _("The unit with the code “%(code)s” is closed.") % {"code": parent})
            continue
        # Follow the chain of parents upwards; meeting the row again is a cycle.
        seen, chain, code = {row.code}, [row], parent
        while code:
            if code in seen and code != row.code:
                break  # a cycle further up, not through this row: its rows are refused, and so this one
            if code in seen:
                in_file = sorted({r.row for r in chain if r.row})
                row.refuse(
                    _header("parent"),
                    _("The parent codes make a cycle (rows %(rows)s).") % {"rows": ", ".join(str(n) for n in in_file)},
                )
                break
            seen.add(code)
            if code in by_code:
                chain.append(by_code[code])
            code = parent_of(code)
        row.depth = len(seen)

    # A row whose parent row is refused cannot be written either (until nothing changes).
    changed = True
    while changed:
        changed = False
        for row in rows:
            parent_row = by_code.get(row.parent_code)
            if (
                row.action != Action.INVALID
                and parent_row is not None
                and parent_row is not row
                and parent_row.action == Action.INVALID
            ):
                row.refuse(_header("parent"), _("The parent unit in row %(row)s is refused.") % {"row": parent_row.row})
                changed = True


def _decide(row: UnitRow, directory: _Directory) -> None:
    """Create, change (which fields) or leave unchanged."""
    if row.action == Action.INVALID:
        return
    cells = row.cells
    if row.unit is None:
        if not row.kind:
            row.refuse(_header("kind"), _("The kind is missing; a new unit needs one."))
            return
        row.action = Action.CREATE
        row.changes = {"name": cells["name"], "kind": row.kind, "parent": row.parent_code}
        for key in ("name_en", "registry_email"):
            if cells[key]:
                row.changes[key] = cells[key]
        if cells["manager"]:
            row.changes["manager"] = cells["manager"]
        return
    unit = row.unit
    wanted = {"name": cells["name"], "parent": row.parent_code}
    if cells["name_en"]:
        wanted["name_en"] = cells["name_en"]
    if row.kind:
        wanted["kind"] = row.kind
    if cells["registry_email"]:
        wanted["registry_email"] = cells["registry_email"]
    current = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "registry_email": unit.registry_email,
        "parent": directory.code_of(unit.parent_id),
    }
    row.changes = {k: v for k, v in wanted.items() if current[k] != v}
    if row.parent_code == "" and unit.parent_id and not directory.code_of(unit.parent_id):
        # The unit sits under a unit without a code: the file cannot name that parent, so an
        # empty parent code leaves it where it is rather than lifting it to the top.
        row.changes.pop("parent", None)
    if cells["manager"] and (row.new_manager_email or unit.manager_id != row.manager.pk):
        row.changes["manager"] = cells["manager"]
    row.action = Action.UPDATE if row.changes else Action.UNCHANGED


def plan_unit_import(rows: list[dict], *, actor) -> UnitPlan:
    """The dry run: for every row, create, change, unchanged or refused (row, column, reason);
    and the units of the portal the file leaves out. Reads only, in a fixed number of queries."""
    if actor is not None and not permissions.can_edit_units(actor):
        raise NotAllowed(_("Only the communications department may import units."))
    directory = _Directory(rows)
    plan = UnitPlan(rows=[UnitRow(row=r["row"], cells={c.key: r.get(c.key, "") for c in COLUMNS}) for r in rows])
    for row in plan.rows:
        _check_cells(row, directory)
    _resolve_tree(plan.rows, directory)
    for row in plan.rows:
        _decide(row, directory)
    named = {r.code for r in plan.rows}
    plan.missing = [u for u in directory.units if not u.is_closed and (u.code or "") not in named]
    plan.missing.sort(key=lambda u: u.path)
    return plan


def _name_parts(email: str) -> tuple[str, str]:
    """A pending manager's first and last name guessed from "anna.svensson@ki.se"."""
    local = email.split("@", 1)[0]
    parts = [p.capitalize() for p in local.replace("_", ".").split(".") if p]
    return (parts[0], " ".join(parts[1:])) if parts else ("", "")


@transaction.atomic
def unit_import_apply(*, actor, plan: UnitPlan) -> dict[str, int]:
    """Write the dry run: pending people for managers not yet in the portal (person_create), then
    the units, parents before children, through unit_create / unit_update (each audited). All or
    nothing: a row the services refuse stops the import and names the row."""
    if not permissions.can_edit_units(actor):
        raise NotAllowed(_("Only the communications department may import units."))
    rows = sorted(plan.to_write, key=lambda r: (r.depth, r.row))
    if not rows:
        raise ApplicationError(_("Nothing to change: the portal already has the units as the file has them."))
    people: dict[str, models.Model] = {}
    for row in rows:
        email = row.new_manager_email
        if email and email.lower() not in people:
            first, last = _name_parts(email)
            people[email.lower()] = services.person_create(actor=actor, first_name=first, last_name=last, email=email)
    by_code = {u.code: u for u in Unit.objects.filter(code__isnull=False)}
    counts = {"created": 0, "changed": 0, "people": len(people)}
    moved = False  # once a unit has moved, the paths of the units below it read above are stale
    for row in rows:
        fields = dict(row.changes)
        if "parent" in fields:
            parent = by_code[fields["parent"]] if fields["parent"] else None
            if parent is not None and moved:
                parent = Unit.objects.get(pk=parent.pk)
            fields["parent"] = parent
            moved = moved or row.action == Action.UPDATE
        if "manager" in fields:
            fields["manager"] = people.get(row.new_manager_email.lower()) if row.new_manager_email else row.manager
        try:
            if row.action == Action.CREATE:
                by_code[row.code] = services.unit_create(actor=actor, code=row.code, **fields)
                counts["created"] += 1
            else:
                by_code[row.code] = services.unit_update(actor=actor, unit_id=row.unit.pk, **fields)
                counts["changed"] += 1
        except ApplicationError as exc:
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": exc.message}
            ) from exc
        except ValidationError as exc:
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": " ".join(exc.messages)}
            ) from exc
    return counts
