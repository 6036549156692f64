"""Registers and queues across accounts (issue 14): one page per kind of record over every account
the user may see, and the queues that are a register with one state chosen.

The floors above add their registers and queues here without accounts importing them (as they add
panels through accounts.extensions): records registers removed posts, questions, blocks, media
consents and requests for public records; approvals registers the decision records. Each register
is one FilterSet over one scoped selector, and the page (accounts.views_registers), the API
(records.api, approvals.api) and the export (reports.registers) all go through `filtered`, so the
three never disagree about what a filter selects.

- `Register`: the kind's slug (its URL), title, FilterSet, the selector scoped to the user, who may
  open it at all, the template of its table, and, for registry records, how a reference number is
  entered in place (a predicate and a service).
- `Queue`: a register with fixed filter values (``{"state": "overdue"}``) for a role: its count
  is one COUNT query of the same FilterSet, never cached (docs/registers.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.fields import AccountField
from accounts.filters import PlatformChoiceField, UnitChoiceField, UnitChoiceFilter
from accounts.models import Platform, SocialAccount
from core.api import IdFilter, NoBlankParameters
from core.pagination import bounded_count
from core.widgets import DateInput, SearchSelect, Select
from org.calendar import day_start
from org.models import Unit

# --------------------------------------------------------------------------- the shared filters


@extend_schema_field(OpenApiTypes.INT)
class AccountFilter(django_filters.ModelChoiceFilter):
    """One account, chosen by search (accounts.fields.AccountField) among those the user may see;
    in the API, the account's id."""

    field_class = AccountField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


class _IdOnly:
    """A model choice field that refuses, as an invalid choice, anything but an id a bigint can
    hold, before the database sees it (SQLite cannot even compare a larger number)."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text and not (text.isdigit() and len(text) <= 18):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _UnitIdField(_IdOnly, UnitChoiceField):
    pass


class _PlatformIdField(_IdOnly, PlatformChoiceField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class _UnitFilter(UnitChoiceFilter):
    """The unit filter, documented as the unit id it takes."""

    field_class = _UnitIdField


@extend_schema_field(OpenApiTypes.INT)
class _PlatformFilter(django_filters.ModelChoiceFilter):
    """The platform filter, documented as the platform id it takes."""

    field_class = _PlatformIdField


class RecordFilter(django_filters.FilterSet):
    """What every register filters by: the unit with everything below it, the account, the
    platform and the period (Stockholm calendar days, inclusive) of the kind's `date_field`.
    Subclasses add state, category and sort. `account_path` is the lookup from the record to its
    account ("account" for most; a records request has several)."""

    account_path = "account"
    date_field = "created_at"
    date_is_datetime = True

    unit = _UnitFilter(
        label=_("Unit (including units below it)"), queryset=Unit.objects.open(), method="in_unit", widget=Select
    )
    account = AccountFilter(label=_("Account"), queryset=SocialAccount.objects.none(), method="of_account")
    platform = _PlatformFilter(
        label=_("Platform"), queryset=Platform.objects.all(), method="on_platform", widget=Select
    )
    date_from = django_filters.DateFilter(label=_("From"), method="period_from", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("To (inclusive)"), method="period_to", widget=DateInput)

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        user = user or getattr(self.request, "user", None)
        # The account filter accepts, and names back, only accounts the user may see.
        self.filters["account"].queryset = (
            SocialAccount.objects.visible_to(user) if user is not None else SocialAccount.objects.none()
        )
        self.form.fields["account"].queryset = self.filters["account"].queryset
        for form_field in self.form.fields.values():
            is_select = hasattr(form_field, "choices") and not isinstance(form_field.widget, SearchSelect)
            form_field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def filter_queryset(self, queryset):
        # The unit, account and platform filters gather their conditions on the account, applied
        # as one subquery after the others (issue 12: a subquery each made PostgreSQL join the
        # accounts twice).
        self._on_accounts = {}
        try:
            queryset = super().filter_queryset(queryset)
            on_accounts = self._on_accounts
        finally:
            self._on_accounts = None
        return self._accounts(queryset, on_accounts) if on_accounts else queryset

    def _accounts(self, queryset, condition: dict):
        pending = getattr(self, "_on_accounts", None)
        if pending is not None:
            pending.update(condition)
            return queryset
        # A subquery on the accounts: one condition for a record with one account or several.
        accounts = SocialAccount.objects.filter(**condition).values("pk")
        if self.account_path == "account":
            return queryset.filter(account__in=accounts)
        return queryset.filter(pk__in=queryset.model.objects.filter(**{f"{self.account_path}__in": accounts}))

    def in_unit(self, queryset, name, value):
        return self._accounts(queryset, {"unit__path__startswith": value.path}) if value else queryset

    def of_account(self, queryset, name, value):
        return self._accounts(queryset, {"pk": value.pk}) if value else queryset

    def on_platform(self, queryset, name, value):
        return self._accounts(queryset, {"platform": value}) if value else queryset

    # The API's id filters (without_sort): the records are the user's already (the register's
    # selector), so an id of another's account, or of nothing, matches nothing.
    def in_unit_id(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).first()
        return self.in_unit(queryset, name, unit) if unit else queryset.none()

    def of_account_id(self, queryset, name, value):
        return self._accounts(queryset, {"pk": value})

    def on_platform_id(self, queryset, name, value):
        return self._accounts(queryset, {"platform_id": value})

    def _bound(self, day: datetime.date, *, end: bool):
        if not self.date_is_datetime:
            return day
        return day_start(day + datetime.timedelta(days=1) if end else day)

    def period_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": self._bound(value, end=False)}) if value else queryset

    def period_to(self, queryset, name, value):
        if not value:
            return queryset
        lookup = "lt" if self.date_is_datetime else "lte"
        return queryset.filter(**{f"{self.date_field}__{lookup}": self._bound(value, end=True)})


def without_sort(filterset_class):
    """The API's FilterSet of a register: its filters without the sort (cursor pagination fixes
    the API's order, newest first), as accounts.api.AccountApiFilter does for the inventory. As
    there, unit, account and platform are ids (core.api.IdFilter: a whole number from 1) and one
    that names nothing the user may use matches nothing; a parameter given empty answers 400
    (NoBlankParameters): what the OpenAPI schema says (issue 14, the API's contract)."""
    base = RecordFilter.base_filters
    return type(
        f"{filterset_class.__name__}Api",
        (NoBlankParameters, filterset_class),
        {
            "sort": None,
            "unit": IdFilter(label=base["unit"].label, method="in_unit_id"),
            "account": IdFilter(label=base["account"].label, method="of_account_id"),
            "platform": IdFilter(label=base["platform"].label, method="on_platform_id"),
        },
    )


# --------------------------------------------------------------------------- registers and queues


def _always(user) -> bool:
    return user.is_authenticated


@dataclass(frozen=True)
class Register:
    """One kind of record across accounts (see the module's docstring)."""

    slug: str
    title: object
    filterset: type[RecordFilter]
    selector: Callable  # selector(user) -> the records the user may see, in the register's order
    table_template: str
    description: object = ""
    may_see: Callable = _always
    # Reference number entered in place (REC-4): may_set_reference(user, record) and
    # set_reference(actor=, record_id=, reference=); None for registers without one.
    may_set_reference: Callable | None = None
    set_reference: Callable | None = None

    def url(self, query: dict | None = None) -> str:
        url = reverse("registers:register", args=[self.slug])
        if query:
            q = QueryDict(mutable=True)
            q.update(query)
            url += f"?{q.urlencode()}"
        return url


@dataclass(frozen=True)
class Queue:
    """A register with fixed filter values, for the users `for_user` picks (a role)."""

    slug: str
    title: object
    register: str
    query: dict = field(default_factory=dict)
    for_user: Callable = _always

    def url(self) -> str:
        return REGISTERS[self.register].url({**self.query, "queue": self.slug})


REGISTERS: dict[str, Register] = {}
QUEUES: dict[str, Queue] = {}


def register_add(register: Register) -> Register:
    """Add (or, on a module reload in tests, replace) a register."""
    REGISTERS[register.slug] = register
    return register


def queue_add(queue: Queue) -> Queue:
    QUEUES[queue.slug] = queue
    return queue


def register_get(*, user, slug: str) -> Register:
    """The register, if it exists and the user may open it; 404 otherwise."""
    register = REGISTERS.get(slug)
    if register is None or not register.may_see(user):
        raise Http404
    return register


def registers_for(user) -> list[Register]:
    return [r for r in REGISTERS.values() if r.may_see(user)]


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES.values() if q.for_user(user) and REGISTERS[q.register].may_see(user)]


def filtered(register: Register, *, user, data=None, request=None):
    """(filterset, records): the register's records the user may see with the filters of `data`
    (a QueryDict or a dict). An invalid filter gives no records, never the unfiltered register.
    The order is the register's (the sort filter's, ties broken by id)."""
    qs = register.selector(user)
    filterset = register.filterset(data or None, queryset=qs, request=request, user=user)
    if not filterset.is_bound:
        return filterset, qs
    if not filterset.is_valid():
        return filterset, qs.none()
    qs = filterset.qs
    return filterset, qs if "id" in qs.query.order_by else qs.order_by(*qs.query.order_by, "id")


# A queue's badge counts at most this many records, then says "more than 99" (issue 12: the
# navigation counts the comms queues on every page; at 100 000 accounts the exact counts of
# thousands of waiting records were 100 to 200 ms of each comms page).
QUEUE_COUNT_LIMIT = 99


def queue_count(queue: Queue, *, user, limit: int | None = None) -> int:
    """How many records wait in the queue for this user, counted up to `limit` + 1 when given:
    one COUNT query, of the register's records the user may see with the queue's filters
    applied (what ``filtered`` selects with ``queue.query``)."""
    qs = REGISTERS[queue.register].selector(user)
    for queue_filter, value in _queue_filters(queue, qs):
        qs = queue_filter.filter(qs, value)
    return bounded_count(qs, limit) if limit is not None else qs.order_by().count()


# The queue's filters with their cleaned values, by queue slug, with the Queue they were made for.
_prepared: dict[str, tuple[Queue, list]] = {}


def _queue_filters(queue: Queue, qs) -> list:
    """[(filter, cleaned value)] of the queue's query, worked out once per process. The counts
    are in the navigation of every page of a user with queues, and building and validating the
    register's FilterSet and its form there (a deep copy of every filter, a form field each) for
    a query that never changes was a fifth of the comms inventory's CPU time (issue 12, third
    pass). The filters keep no state of a request: each filters the queryset it is given; the
    state filters read the time when they filter. The FilterSet is made without a user (``qs``
    only gives it the model), so a queue cannot filter by an account (the account filter accepts
    none without a user). A query the form refuses selects nothing, as in ``filtered``."""
    kept = _prepared.get(queue.slug)
    if kept is not None and kept[0] is queue:
        return kept[1]
    filterset = REGISTERS[queue.register].filterset(queue.query, queryset=qs, user=None)
    if filterset.is_valid():
        cleaned = filterset.form.cleaned_data
        filters = [(filterset.filters[name], cleaned[name]) for name in queue.query]
    else:
        filters = [(_NOTHING, True)]
    _prepared[queue.slug] = (queue, filters)
    return filters


class _Nothing:
    def filter(self, qs, value):
        return qs.none()


_NOTHING = _Nothing()


def queue_counts(user) -> list[tuple[Queue, int | str]]:
    """Each of the user's queues with its count for a badge: one COUNT query per queue, whatever
    the data, reading at most QUEUE_COUNT_LIMIT + 1 records ("more than 99" past it)."""
    counts = [(queue, queue_count(queue, user=user, limit=QUEUE_COUNT_LIMIT)) for queue in queues_for(user)]
    more = gettext("more than %(count)s") % {"count": QUEUE_COUNT_LIMIT}
    return [(queue, n if n <= QUEUE_COUNT_LIMIT else more) for queue, n in counts]
