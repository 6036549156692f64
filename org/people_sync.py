"""sync_people (issue 13): bring the portal's people in line with an HR export (CSV).

Columns (a header row; names case-insensitive, comma or semicolon separated, UTF-8 with or
without BOM): ``email`` (required), ``employee_id`` (optional, only reported), ``first_name``,
``last_name``, ``unit_code`` (an org code, Unit.code), ``end_date`` (YYYY-MM-DD; empty while
employed). Each row is matched to a person by e-mail address (case-insensitive):

- an end date today or in the past marks the person as left (org.services.person_leave, actor
  ``system:sync_people``): they are deactivated, their accounts open no-owner / no-deputy and their
  managers and comms are asked to hand them over; a later end date changes nothing yet;
- names and the home unit are updated when they differ (org.services.person_hr_update);
- a person the portal does not know is skipped (HR lists all staff, the portal only some), as are
  people missing from the file (an export may be partial).

`plan()` is the dry run: what each row would do, or why it is refused (row number and reason).
`apply()` writes the rows that were understood, each in its own transaction, so that one bad row
does not keep every leaver able to log in; the command reports the refused rows and fails.
Running the same file again changes nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from org import services
from org.models import Unit, User

SYSTEM_ACTOR = "system:sync_people"
COLUMNS = ("email", "employee_id", "first_name", "last_name", "unit_code", "end_date")
REQUIRED = ("email",)


@dataclass
class RowPlan:
    row: int  # the line number in the file (the header is line 1)
    email: str
    person: User | None = None
    leave_on: datetime.date | None = None
    changes: dict = field(default_factory=dict)
    error: str = ""
    outcome: str = ""  # leave, already_left, leaving_later, employed, not_in_portal


@dataclass
class Plan:
    rows: list[RowPlan]

    @property
    def errors(self) -> list[RowPlan]:
        return [r for r in self.rows if r.error]

    def counts(self) -> dict[str, int]:
        """Rows by what happens to the person, and how many have details to update."""
        counts = dict.fromkeys(("leave", "already_left", "leaving_later", "employed", "not_in_portal"), 0)
        for r in self.rows:
            if not r.error:
                counts[r.outcome] += 1
        counts["update"] = sum(1 for r in self.rows if r.changes and not r.error)
        counts["errors"] = len(self.errors)
        counts["rows"] = len(self.rows)
        return counts


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, {column: value}) for each data row; a ValueError if the header lacks a column."""
    text = text.lstrip("\ufeff")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(_("The file has no column %(columns)s.") % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    rows = []
    for record in reader:
        values = {k: (v or "").strip() for k, v in record.items() if k in COLUMNS}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def plan(text: str, *, today: datetime.date | None = None) -> Plan:
    """The dry run: what each row would do, in a fixed number of queries (people and units are
    looked up for the whole file at once)."""
    today = today or timezone.localdate()
    rows = read_rows(text)
    emails = {v.get("email", "").lower() for _n, v in rows} - {""}
    people: dict[str, list[User]] = {}
    for person in (
        User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails).select_related("unit")
    ):
        people.setdefault(person.email_lower, []).append(person)
    codes = {v.get("unit_code", "") for _n, v in rows} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    seen: dict[str, int] = {}
    plans = []
    for number, values in rows:
        email = values.get("email", "")
        row = RowPlan(row=number, email=email)
        plans.append(row)
        if not email or "@" not in email:
            row.error = _("Column email: “%(value)s” is not an e-mail address.") % {"value": email}
            continue
        if email.lower() in seen:
            row.error = _("Column email: %(email)s is also on row %(row)s.") % {
                "email": email,
                "row": seen[email.lower()],
            }
            continue
        seen[email.lower()] = number
        end = values.get("end_date", "")
        if end:
            try:
                row.leave_on = datetime.date.fromisoformat(end)
            except ValueError:
                row.error = _("Column end_date: “%(value)s” is not a date (YYYY-MM-DD).") % {"value": end}
                continue
        code = values.get("unit_code", "")
        if code and code not in units:
            row.error = _("Column unit_code: no unit has the code “%(code)s”.") % {"code": code}
            continue
        matches = people.get(email.lower(), [])
        if len(matches) > 1:
            row.error = _("Column email: %(count)s people in the portal have the address %(email)s.") % {
                "count": len(matches),
                "email": email,
            }
            continue
        if not matches:
            row.outcome = "not_in_portal"
            continue
        row.person = person = matches[0]
        wanted = {
            "first_name": values.get("first_name", "") or person.first_name,
            "last_name": values.get("last_name", "") or person.last_name,
            "unit": units[code] if code else person.unit,
        }
        row.changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        if row.leave_on is not None and row.leave_on <= today:
            row.outcome = "already_left" if person.has_left and not person.is_active else "leave"
        elif row.leave_on is not None:
            row.outcome = "leaving_later"
        else:
            row.outcome = "employed"
    return Plan(rows=plans)


def apply(the_plan: Plan) -> dict[str, int]:
    """Write what the dry run decided, row by row (each in its own transaction: a leaver in the
    file is deactivated even if another row is refused). Returns how many people were marked as
    left and how many had their details updated."""
    done = {"left": 0, "updated": 0}
    for row in the_plan.rows:
        if row.error or row.person is None:
            continue
        if row.changes:
            changed = services.person_hr_update(
                person=row.person,
                actor_repr=SYSTEM_ACTOR,
                first_name=row.changes.get("first_name", ""),
                last_name=row.changes.get("last_name", ""),
                unit=row.changes.get("unit"),
            )
            done["updated"] += bool(changed)
        if row.outcome == "leave":
            left = services.person_leave(
                actor=None,
                actor_repr=SYSTEM_ACTOR,
                person=row.person,
                left_on=row.leave_on,
                reason=_("End date in the HR export: %(day)s") % {"day": row.leave_on.isoformat()},
            )
            done["left"] += left
    return done
