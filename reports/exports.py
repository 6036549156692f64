"""The inventory export and the audit-trail export (issue: "Inventory and audit-trail exports").

- **Inventory:** the accounts of the inventory page, with the same selector
  (`accounts.selectors.social_account_list`, scoped to the user) and the same `InventoryFilter`
  fed with the page's query string, so a file never holds an account its maker cannot see.
- **Audit trail:** who did what, when, with the fields before and after, for a period of
  Stockholm calendar days and a scope: a unit and everything below it, or everything.
  Auditors and the communications department may export any scope; a responsible manager the
  subtrees of their units (RESP-1); nobody else.

Both read the database in chunks (`.values().iterator(chunk_size=…)`, server-side cursors on
PostgreSQL) and compute owner, deputy and responsible manager without a query per row, so
time grows linearly and memory stays flat (bench/exports.py). Every export writes exactly one
audit event when it is made (REC-1, `reports.jobs.export_record`); CSV always streams within
the request; XLSX does too when small, and otherwise becomes an `ExportJob`.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_selectors import latest_review, publisher_names
from accounts.choices import AccountStatus, Classification, Role
from accounts.filters import InventoryFilter
from accounts.models import Assignment, SocialAccount
from accounts.selectors import social_account_list
from audit.labels import ACTION_LABELS
from audit.models import AuditEvent
from core.exceptions import NotAllowed
from org.calendar import day_start
from org.models import PATH_SEPARATOR, Unit
from reports import permissions, registry, writers
from reports.choices import ExportFormat
from reports.writers import Column, Table

CHUNK_SIZE = 2000
# An audit-trail export over more events than this is made as a job when XLSX (CSV streams).
AUDIT_INLINE_MAX_EVENTS = 20_000
# The longest period of one audit-trail export.
AUDIT_MAX_YEARS = 3

INVENTORY = "inventory"
AUDIT_TRAIL = "audit_trail"


# --------------------------------------------------------------------------- shared


def _delimiter(fmt: str) -> str:
    return ";" if fmt == ExportFormat.CSV_SEMICOLON else ","


def file_name(plural: str, fmt: str, *, now: datetime.datetime | None = None) -> str:
    """kipolicy_<plural>_<date>.<ext> (STYLE.md §6)."""
    day = timezone.localdate(now or timezone.now())
    ext = "xlsx" if fmt == ExportFormat.XLSX else "csv"
    return f"kipolicy_{plural}_{day:%Y-%m-%d}.{ext}"


def _counting(rows: Iterable[dict], progress: Callable | None, total: int) -> Iterator[dict]:
    done = 0
    if progress is not None:
        progress(0, total)
    for row in rows:
        yield row
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done, total)
    if progress is not None:
        progress(done, max(total, done))


def write_file(table: Table, fmt: str, fileobj, *, cover=None, progress=None, total: int = 0) -> None:
    """Write one table in the given format to a binary file (for export jobs)."""
    table = Table(table.title, table.columns, _counting(table.rows, progress, total))
    if fmt == ExportFormat.XLSX:
        writers.xlsx_write([table], fileobj, cover=cover)
    else:
        writers.csv_write(table, fileobj, delimiter=_delimiter(fmt))


def _person_name(prefix: str = ""):
    """A user's name as User.__str__ gives it (full name, else username), as an SQL expression."""
    full = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=CharField()))
    return Coalesce(NullIf(full, Value("")), f"{prefix}username", output_field=CharField())


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value)) if value else ""


# --------------------------------------------------------------------------- inventory

INVENTORY_FILTER_KEYS = ("q", "unit", "platform", "status", "classification", "person", "sort")

INVENTORY_COLUMNS = [
    Column("id", gettext_lazy("ID"), "int", width=8),
    Column("name", gettext_lazy("Account name"), width=36),
    Column("platform", gettext_lazy("Platform"), width=14),
    Column("handle", gettext_lazy("Handle"), width=24),
    Column("url", gettext_lazy("Profile address"), width=40),
    Column("unit", gettext_lazy("Unit"), width=36),
    Column("classification", gettext_lazy("Classification"), width=24),
    Column("status", gettext_lazy("Status"), width=20),
    Column("owner", gettext_lazy("Account owner"), width=26),
    Column("deputy", gettext_lazy("Deputy"), width=26),
    # RESP-1: the unit's manager, or the nearest manager above it.
    Column("manager", gettext_lazy("Responsible manager"), width=26),
    Column("active_since", gettext_lazy("Active since"), "date"),
    # START-1 (issue 15): the confirmed publishers, for those who may see the account's evidence,
    # and when the owner last reviewed who has access.
    Column("publishers", gettext_lazy("People with access"), width=40),
    Column("access_reviewed", gettext_lazy("Access reviewed"), "datetime"),
    Column("updated_at", gettext_lazy("Last changed"), "datetime"),
]


def inventory_filters(query) -> dict:
    """The inventory filters of a query string (a QueryDict or a dict), without paging or noise,
    as JSON: what the export uses, records in the audit event and keeps in a job."""
    if isinstance(query, QueryDict):
        items = {key: query.get(key, "") for key in INVENTORY_FILTER_KEYS}
    else:
        items = {key: (query or {}).get(key, "") for key in INVENTORY_FILTER_KEYS}
    return {key: str(value) for key, value in items.items() if value not in ("", None)}


def inventory_queryset(*, user, filters: dict):
    """The accounts of the inventory page for this user and filters, in the page's order.
    An invalid filter gives no accounts, as on the page."""
    qs = social_account_list(user=user).order_by("name", "id")
    if not filters:
        return qs
    query = QueryDict(mutable=True)
    query.update(filters)
    filterset = InventoryFilter(query, queryset=qs)
    return filterset.qs if filterset.is_valid() else qs.none()


def responsible_managers() -> dict[int, tuple[str, str, str]]:
    """{unit id: (name, English name, responsible manager's name)} for every unit, in one query:
    the unit's own manager or the nearest one above it (RESP-1). Units are few (hundreds to a few
    thousand) against up to 100 000 accounts, so this beats a subquery per account."""
    rows = (
        Unit.objects.order_by("path")
        .annotate(manager_name=_person_name("manager__"))
        .values_list("pk", "path", "name", "name_en", "manager_id", "manager_name")
    )
    by_path: dict[str, str] = {}
    result = {}
    for pk, path, name, name_en, manager_id, manager_name in rows.iterator(chunk_size=CHUNK_SIZE):
        if manager_id:
            manager = manager_name
        else:
            parent = path[: path.rstrip(PATH_SEPARATOR).rfind(PATH_SEPARATOR) + 1]
            manager = by_path.get(parent, "")
        by_path[path] = manager
        result[pk] = (name, name_en, manager)
    return result


def inventory_rows(qs, *, user=None, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """The export's rows for an inventory queryset, read in chunks. Owner and deputy are
    subqueries in the same statement; the manager comes from `responsible_managers()`; the
    publishers are one query per chunk (accounts.access_selectors.publisher_names): the number of
    queries does not depend on the number of accounts."""

    def current(role):
        return Subquery(
            Assignment.objects.filter(account=OuterRef("pk"), role=role, ended_at__isnull=True)
            .order_by()
            .values(name=_person_name("person__"))[:1]
        )

    units = responsible_managers()
    english = (translation.get_language() or "").startswith("en")
    statuses, classifications = dict(AccountStatus.choices), dict(Classification.choices)
    values = (
        qs.select_related(None)
        .prefetch_related(None)
        .annotate(owner_name=current(Role.OWNER), deputy_name=current(Role.DEPUTY), access_reviewed=latest_review())
        .values(
            "pk",
            "name",
            "platform__name",
            "handle",
            "url",
            "unit_id",
            "classification",
            "status",
            "owner_name",
            "deputy_name",
            "activated_at",
            "access_reviewed",
            "updated_at",
        )
    )
    for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
        publishers = publisher_names(user=user, account_ids=[row["pk"] for row in chunk]) if user else {}
        for row in chunk:
            yield _inventory_row(row, units, english, statuses, classifications, publishers)


def _chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _inventory_row(row, units, english, statuses, classifications, publishers) -> dict:
    unit_name, unit_name_en, manager = units.get(row["unit_id"], ("", "", ""))
    return {
        "id": row["pk"],
        "name": row["name"],
        "platform": row["platform__name"],
        "handle": row["handle"],
        "url": row["url"],
        "unit": (unit_name_en if english and unit_name_en else unit_name),
        "classification": _label(classifications, row["classification"]),
        "status": _label(statuses, row["status"]),
        "owner": row["owner_name"],
        "deputy": row["deputy_name"],
        "manager": manager,
        "active_since": row["activated_at"],
        "publishers": publishers.get(row["pk"], ""),
        "access_reviewed": row["access_reviewed"],
        "updated_at": row["updated_at"],
    }


def inventory_table(qs, *, user=None) -> Table:
    return Table(gettext_lazy("Accounts"), INVENTORY_COLUMNS, inventory_rows(qs, user=user))


def _cover(title, user, items: list[tuple]) -> list[tuple]:
    return [
        (_("Report"), title),
        (_("Made"), timezone.now()),
        (_("Made by"), f"{user} ({user.username})"),
        *items,
    ]


def inventory_cover(user, filters: dict, count: int) -> list[tuple]:
    described = ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or _("none")
    return _cover(_("Inventory of social media accounts"), user, [(_("Filters"), described), (_("Accounts"), count)])


def produce_inventory(job, user, params, fmt, fileobj, progress) -> str:
    """Export-job producer of the inventory (registered in ReportsConfig.ready)."""
    filters = params.get("filters", {})
    qs = inventory_queryset(user=user, filters=filters)
    total = qs.count()
    cover = inventory_cover(user, filters, total) if fmt == ExportFormat.XLSX else None
    write_file(inventory_table(qs, user=user), fmt, fileobj, cover=cover, progress=progress, total=total)
    return file_name("accounts", fmt)


# --------------------------------------------------------------------------- audit trail

AUDIT_COLUMNS = [
    Column("when", gettext_lazy("When"), "datetime"),
    Column("who", gettext_lazy("Who"), width=30),
    Column("action", gettext_lazy("What"), width=30),
    Column("action_code", gettext_lazy("Action code"), width=22),
    Column("object_type", gettext_lazy("Object type"), width=22),
    Column("object_id", gettext_lazy("Object ID"), width=10),
    Column("object", gettext_lazy("Object"), width=36),
    Column("before", gettext_lazy("Before"), width=40),
    Column("after", gettext_lazy("After"), width=40),
    Column("note", gettext_lazy("Note"), width=30),
    Column("request_id", gettext_lazy("Request ID"), width=34),
]


def audit_trail_authorize(user, params: dict) -> None:
    """Raises NotAllowed unless the user may export the audit trail of this scope (REC-1)."""
    unit_id = params.get("unit")
    if unit_id is None:
        if not permissions.can_export_audit_trail(user, None):
            raise NotAllowed(_("Only auditors and the communications department may export the whole audit trail."))
        return
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not permissions.can_export_audit_trail(user, unit):
        raise NotAllowed(_("You may export the audit trail only of the units you are responsible for."))


def audit_trail_params(*, date_from: datetime.date, date_to: datetime.date, unit: Unit | None) -> dict:
    """The JSON parameters of an audit-trail export (recorded in the audit event and the job)."""
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "unit": unit.pk if unit else None,
        "unit_name": unit.name if unit else "",
    }


def audit_trail_queryset(*, user, params: dict):
    """The audit events of the period (whole Stockholm days, `from` to `to` inclusive) and scope,
    oldest first. The scope of a unit: events about its accounts and the accounts of every unit
    below it, and about those units themselves. Checks the user's right first."""
    audit_trail_authorize(user, params)
    date_from = datetime.date.fromisoformat(params["from"])
    date_to = datetime.date.fromisoformat(params["to"])
    qs = AuditEvent.objects.filter(
        created_at__gte=day_start(date_from), created_at__lt=day_start(date_to + datetime.timedelta(days=1))
    )
    if params.get("unit") is not None:
        unit = Unit.objects.get(pk=params["unit"])
        as_text = {"pk_text": Cast("pk", output_field=CharField())}
        accounts = SocialAccount.objects.in_unit(unit).order_by().annotate(**as_text).values("pk_text")
        units = Unit.objects.subtree(unit).order_by().annotate(**as_text).values("pk_text")
        qs = qs.filter(
            Q(content_type=ContentType.objects.get_for_model(SocialAccount), object_id__in=accounts)
            | Q(content_type=ContentType.objects.get_for_model(Unit), object_id__in=units)
        )
    return qs.order_by("created_at", "id")


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) if value else ""


def audit_trail_rows(qs, *, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    values = qs.values(
        "created_at",
        "actor_repr",
        "action",
        "content_type_id",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
        "request_id",
    )
    type_names: dict[int, str] = {}
    for row in values.iterator(chunk_size=chunk_size):
        ct_id = row["content_type_id"]
        if ct_id not in type_names:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            type_names[ct_id] = str(model._meta.verbose_name) if model else str(ct_id)
        yield {
            "when": row["created_at"],
            "who": row["actor_repr"],
            "action": str(ACTION_LABELS.get(row["action"], row["action"])),
            "action_code": row["action"],
            "object_type": type_names[ct_id],
            "object_id": row["object_id"],
            "object": row["object_repr"],
            "before": _compact(row["before"]),
            "after": _compact(row["after"]),
            "note": row["note"],
            "request_id": row["request_id"],
        }


def audit_trail_table(qs) -> Table:
    return Table(gettext_lazy("Audit trail"), AUDIT_COLUMNS, audit_trail_rows(qs))


def audit_trail_cover(user, params: dict, count: int) -> list[tuple]:
    return _cover(
        _("Audit trail"),
        user,
        [
            (_("From"), datetime.date.fromisoformat(params["from"])),
            (_("To"), datetime.date.fromisoformat(params["to"])),
            (_("Scope"), params.get("unit_name") or _("Everything")),
            (_("Events"), count),
        ],
    )


def produce_audit_trail(job, user, params, fmt, fileobj, progress) -> str:
    """Export-job producer of the audit trail (registered in ReportsConfig.ready)."""
    qs = audit_trail_queryset(user=user, params=params)
    total = qs.count()
    cover = audit_trail_cover(user, params, total) if fmt == ExportFormat.XLSX else None
    write_file(audit_trail_table(qs), fmt, fileobj, cover=cover, progress=progress, total=total)
    return file_name("audit_events", fmt)


def register() -> None:
    """Register both producers with the job registry (called from ReportsConfig.ready)."""
    registry.register(INVENTORY, produce_inventory, label=gettext_lazy("Inventory"))
    registry.register(
        AUDIT_TRAIL, produce_audit_trail, authorize=audit_trail_authorize, label=gettext_lazy("Audit trail")
    )


# --------------------------------------------------------------------------- what the views call


def inline_limit(kind: str) -> int:
    return settings.REPORTS_INLINE_MAX_ACCOUNTS if kind == INVENTORY else AUDIT_INLINE_MAX_EVENTS
