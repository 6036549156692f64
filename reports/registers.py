"""Exports of the registers across accounts (issue 14, accounts.registers): each register's records
with the page's filters, through the same FilterSet and selector as its page and API
(`accounts.registers.filtered`), so a file holds exactly what the page counts and nothing its maker
may not see. CSV streams; XLSX is made within the request up to REPORTS_INLINE_MAX_ACCOUNTS rows
and as an export job above that. Every export writes one audit event, "export.register" (REC-1),
naming the register and the filters.

The rows are read in chunks with the accounts joined (select_related), so the number of queries
does not grow with the number of records (a records request's accounts: one more query a chunk).
"""

from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import registers
from core.exceptions import NotAllowed
from reports import exports
from reports import registry as job_registry
from reports.choices import ExportFormat
from reports.writers import Column, Table

REGISTER = "register"


def _account(record):
    return record.account.name


def _platform(record):
    return record.account.platform.name


def _unit(record):
    return str(record.account.unit)


def _display(name: str) -> Callable:
    return lambda record: getattr(record, f"get_{name}_display")() if getattr(record, name) else ""


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


_ID = (Column("id", gettext_lazy("ID"), "int", width=8), lambda r: r.pk)
_ACCOUNT = [
    (Column("account_id", gettext_lazy("Account ID"), "int", width=10), lambda r: r.account_id),
    (Column("account", gettext_lazy("Account"), width=32), _account),
    (Column("platform", gettext_lazy("Platform"), width=14), _platform),
    (Column("unit", gettext_lazy("Unit"), width=32), _unit),
]
_REFERENCE = [
    (Column("hand_off", gettext_lazy("Hand-off"), width=24), _display("hand_off")),
    (Column("handed_off_at", gettext_lazy("Handed off"), "datetime"), lambda r: r.handed_off_at),
    (Column("registry_reference", gettext_lazy("Registry reference number"), width=20), lambda r: r.registry_reference),
]

# Each register's columns: (Column, value of a record).
COLUMNS: dict[str, list[tuple[Column, Callable]]] = {
    "removed-posts": [
        _ID,
        (Column("removed_at", gettext_lazy("Removed"), "datetime"), lambda r: r.removed_at),
        *_ACCOUNT,
        (Column("category", gettext_lazy("Category"), width=30), _display("category")),
        (Column("poster", gettext_lazy("Posted by"), width=12), _display("poster")),
        (Column("description", gettext_lazy("Short description"), width=40), lambda r: r.description),
        *_REFERENCE,
    ],
    "questions": [
        _ID,
        (Column("received_at", gettext_lazy("Received"), "datetime"), lambda r: r.received_at),
        *_ACCOUNT,
        (Column("kind", gettext_lazy("Kind"), width=16), _display("kind")),
        (Column("summary", gettext_lazy("Summary"), width=40), lambda r: r.summary),
        (Column("due_at", gettext_lazy("Due"), "datetime"), lambda r: r.due_at),
        (Column("answered_at", gettext_lazy("Answered"), "datetime"), lambda r: r.answered_at),
        *_REFERENCE,
    ],
    "blocks": [
        _ID,
        (Column("blocked_at", gettext_lazy("Blocked"), "datetime"), lambda r: r.blocked_at),
        *_ACCOUNT,
        (Column("visitor", gettext_lazy("Visitor"), width=24), lambda r: r.visitor),
        (Column("action", gettext_lazy("Action"), width=10), _display("action")),
        (Column("reason", gettext_lazy("Reason"), width=30), _display("reason")),
        (Column("reviewed_at", gettext_lazy("Last reviewed"), "datetime"), lambda r: r.reviewed_at),
        (Column("unblocked_at", gettext_lazy("Unblocked"), "datetime"), lambda r: r.unblocked_at),
    ],
    "media-consents": [
        _ID,
        (Column("given_on", gettext_lazy("Date"), "date"), lambda r: r.given_on),
        *_ACCOUNT,
        (Column("subject", gettext_lazy("Person or group"), width=24), lambda r: r.subject),
        (Column("form", gettext_lazy("Form of consent"), width=20), _display("form")),
        (Column("publication", gettext_lazy("Publication"), width=30), lambda r: r.publication),
        (Column("photographer", gettext_lazy("Photographer"), width=20), lambda r: r.photographer),
        (Column("credit", gettext_lazy("Credit"), width=20), lambda r: r.credit),
        (
            Column("photographer_consents", gettext_lazy("The photographer agrees"), width=12),
            lambda r: _yes_no(r.photographer_consents),
        ),
        (Column("document", gettext_lazy("Written consent stored"), width=12), lambda r: _yes_no(r.document)),
        (Column("withdrawn_on", gettext_lazy("Withdrawn"), "date"), lambda r: r.withdrawn_on),
        (Column("withdrawn_via", gettext_lazy("How it was withdrawn"), width=16), _display("withdrawn_via")),
    ],
    "records-requests": [
        _ID,
        (Column("received_at", gettext_lazy("Received"), "datetime"), lambda r: r.received_at),
        (Column("requester", gettext_lazy("Requester"), width=24), lambda r: r.requester),
        (
            Column("accounts", gettext_lazy("Accounts"), width=40),
            lambda r: ", ".join(a.name for a in r.accounts.all()),
        ),
        (Column("period_start", gettext_lazy("From"), "date"), lambda r: r.period_start),
        (Column("period_end", gettext_lazy("Until"), "date"), lambda r: r.period_end),
        (Column("status", gettext_lazy("Status"), width=10), _display("status")),
        (Column("closed_at", gettext_lazy("Closed"), "datetime"), lambda r: r.closed_at),
    ],
    "decisions": [
        _ID,
        (Column("created_at", gettext_lazy("Decided"), "datetime"), lambda r: r.created_at),
        *_ACCOUNT[:3],
        (Column("unit", gettext_lazy("Unit at the time"), width=32), lambda r: r.unit_repr),
        (Column("step", gettext_lazy("Step"), width=30), _display("step")),
        (Column("outcome", gettext_lazy("Outcome"), width=16), _display("outcome")),
        (Column("decided_by", gettext_lazy("Decided by"), width=24), lambda r: r.decided_by_repr),
        (Column("registry_email", gettext_lazy("Sent to registry"), width=28), lambda r: r.registry_email),
        (
            Column("registry_reference", gettext_lazy("Registry reference number"), width=20),
            lambda r: r.registry_reference,
        ),
    ],
}


def register_filters(register, query) -> dict:
    """The register's filters of a query string (a QueryDict or a dict), without paging, the
    queue's name or noise, as JSON: what the export uses, audits and keeps in a job."""
    keys = list(register.filterset.base_filters)
    get = query.get if query is not None else {}.get
    return {key: str(get(key, "")) for key in keys if get(key, "") not in ("", None)}


def register_queryset(*, user, register, filters: dict):
    """The records of the register page for this user and filters, in the page's order (an
    invalid filter gives none, as on the page)."""
    data = QueryDict(mutable=True)
    data.update(filters)
    _filterset, qs = registers.filtered(register, user=user, data=data)
    return qs


def register_rows(register, qs) -> Iterator[dict]:
    columns = COLUMNS[register.slug]
    for record in qs.iterator(chunk_size=exports.CHUNK_SIZE):
        yield {column.key: value(record) for column, value in columns}


def register_table(register, qs) -> Table:
    return Table(register.title, [column for column, _value in COLUMNS[register.slug]], register_rows(register, qs))


def register_cover(user, register, filters: dict, count: int) -> list[tuple]:
    described = ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or _("none")
    return exports._cover(register.title, user, [(_("Filters"), described), (_("Records"), count)])


def audit_params(register, filters: dict, count: int) -> dict:
    return {"register": register.slug, "filters": filters, "records": count}


def inline_limit() -> int:
    return settings.REPORTS_INLINE_MAX_ACCOUNTS


def _authorize(user, params: dict) -> None:
    register = registers.REGISTERS.get(params.get("register", ""))
    if register is None or not register.may_see(user):
        raise NotAllowed(_("You may not export this register."))


def produce_register(job, user, params, fmt, fileobj, progress) -> str:
    """Export-job producer of a register (registered in ReportsConfig.ready)."""
    register = registers.register_get(user=user, slug=params["register"])
    filters = params.get("filters", {})
    qs = register_queryset(user=user, register=register, filters=filters)
    total = qs.count()
    cover = register_cover(user, register, filters, total) if fmt == ExportFormat.XLSX else None
    exports.write_file(register_table(register, qs), fmt, fileobj, cover=cover, progress=progress, total=total)
    return exports.file_name(register.slug.replace("-", "_"), fmt)


def register_job_kind() -> None:
    job_registry.register(REGISTER, produce_register, authorize=_authorize, label=gettext_lazy("Register"))
