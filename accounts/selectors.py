from typing import NamedTuple

from django.db.models import Model, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from accounts.choices import AccountStatus, HandoverStatus, Role
from accounts.history import LIFECYCLE_ACTIONS
from accounts.models import Assignment, Handover, SocialAccount
from accounts.permissions import can_see_whole_history
from audit.models import AuditEvent
from core.pagination import BoundedCount
from core.search import best_first, first_matches, text_search
from org import roles
from org.models import Unit, ancestor_paths, person_name

# Accounts whose owner can no longer change.
CLOSED_STATUSES = (AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED)


def _with_people(qs):
    """Platform, unit, the unit's manager and the current owner and deputy, in a fixed number of queries."""
    return qs.select_related("platform", "unit", "unit__manager").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.current().select_related("person"),
            to_attr="current_assignments",
        )
    )


# What a row of the account tables (accounts.tables.account_rows) shows, and nothing else: the
# account's name, handle, classification and status, its platform's name, its unit's names and the
# names of its current owner and deputy. Issue 12: leaving out the request's long texts and the
# unit's manager saved a tenth of the inventory's time (second pass); reading only these columns,
# and only the people's names instead of whole user rows, saved another (third pass: fewer values
# to convert, above all the timestamps of every account, assignment and user).
TABLE_COLUMNS = (
    "name",
    "handle",
    "classification",
    "status",
    "platform",
    "platform__name",
    "unit",
    "unit__name",
    "unit__name_en",
)


def table_rows(accounts):
    """These accounts (from social_account_list) as the account tables show them: platform and
    unit, and only the columns the tables show. Give the page's accounts their current owner
    and deputy with table_keepers."""
    return accounts.select_related(None).select_related("platform", "unit").only(*TABLE_COLUMNS).prefetch_related(None)


class Keeper(NamedTuple):
    """A current owner or deputy as the account tables show them: the role and the person's name."""

    role: str
    person: str


def table_keepers(accounts) -> list:
    """These accounts (a page of table_rows) as a list, each with ``current_assignments``: its
    current owner and deputy as Keepers, in one query of five columns, or none for no accounts.
    Issue 12, third pass: prefetching whole assignments and users for this (an instance of each,
    and the prefetch's own work) was a third of the time to read a table's page."""
    accounts = list(accounts)
    by_account: dict[int, list[Keeper]] = {a.pk: [] for a in accounts}
    if accounts:
        rows = (
            Assignment.objects.current()
            .filter(account_id__in=list(by_account))
            .order_by("account", "role", "-started_at")
            .values_list("account_id", "role", "person__first_name", "person__last_name", "person__username")
        )
        for account_id, role, first_name, last_name, username in rows:
            by_account[account_id].append(Keeper(role, person_name(first_name, last_name, username)))
    for account in accounts:
        account.current_assignments = by_account[account.pk]
    return accounts


def social_account_list(*, user):
    """The inventory as this user may see it (404 for anything outside it)."""
    return _with_people(SocialAccount.objects.visible_to(user))


ACCOUNT_SEARCH_LIMIT = 20


def _account_number(word: str) -> Q:
    return Q(pk=int(word)) if word.isdigit() and len(word) <= 18 else Q()


def social_account_matching(*, user, words: list[str], fragments=("name", "handle")):
    """The accounts this user may see matching every word: the name by words (full-text search on
    PostgreSQL, core.search.text_search), the `fragments` columns anywhere, or the number. The
    account pickers and the search across everything (accounts.search) share it."""
    return text_search(
        SocialAccount.objects.visible_to(user), words, text=("name",), fragments=fragments, also=_account_number
    )


def social_account_exact(query: str) -> Q:
    """An account that the whole query names exactly: its handle (with or without "@"), its name
    or its number. The pickers and the search page show these first."""
    query = query.strip()
    handle = query.removeprefix("@")
    return (Q(handle__iexact=handle) if handle else Q()) | Q(name__iexact=query) | _account_number(query)


def social_account_search(*, user, query: str, limit: int = ACCOUNT_SEARCH_LIMIT):
    """The accounts this user may see whose name or handle contains every word of ``query``, or
    whose number it is; at most ``limit`` (the account pickers, core.fields): those the query
    names exactly first, then by name. Issue 12: only the first ``limit`` matches are read
    (core.search.first_matches), however many match; two queries."""
    if len(query.strip()) < 2 and not query.strip().isdigit():
        return SocialAccount.objects.none()
    accounts = social_account_matching(user=user, words=query.split()[:5])
    exact = social_account_exact(query)
    ids = first_matches(accounts, limit, exact=exact)
    return best_first(accounts.select_related("platform").order_by("name", "pk"), ids, exact=exact)


def social_account_counts_below(*, user, units, limit: int) -> dict[int, int]:
    """How many accounts this user may see in each of these units and the units below it, by
    unit id, each counted up to ``limit`` + 1 (a value over ``limit`` means "more than"): one
    query, whose cost follows the number of units, not of accounts (issue 12: counting every
    account below KI's root was most of its unit page at 100 000 accounts)."""
    if not units:
        return {}
    accounts = SocialAccount.objects.all()
    if not all(user.is_authenticated and roles.manages_unit(user, unit) for unit in units):
        accounts = accounts.visible_to(user)  # a manager sees the whole subtree (visible_in_unit)
    below = accounts.filter(unit__path__startswith=OuterRef("path"))
    return dict(
        Unit.objects.filter(pk__in=[unit.pk for unit in units])
        .annotate(n=BoundedCount(below, limit))
        .values_list("pk", "n")
    )


def social_account_within_reach(*, user):
    """Every account, with social_account_list's columns and people, but WITHOUT the visibility
    test: only for a caller that narrows it to one of visible_to's own parts (the user's requests,
    the accounts they hold, the units they manage; comms everything), where visible ∧ part = part.
    At 100 000 accounts the test, an OR that most of the table passes, was most of a manager's
    to-do (issue 12). approvals.selectors.todo_for uses it; its tests compare it with visible_to."""
    return _with_people(SocialAccount.objects.all())


def social_account_mine(*, user):
    """Accounts where the user is the current owner or deputy."""
    return _with_people(SocialAccount.objects.held_by(user))


def assignments_held_by(*, user, person):
    """The person's current owner and deputy assignments (RES-2) on the accounts ``user`` may see,
    with account, platform and unit, by account name (the People pages' person page, issue 13)."""
    return (
        Assignment.objects.current()
        .filter(person=person, account__in=SocialAccount.objects.visible_to(user).values("pk"))
        .select_related("account", "account__platform", "account__unit")
        .order_by("account__name", "account_id", "role")
    )


def social_account_get(*, user, pk: int) -> SocialAccount:
    return get_object_or_404(social_account_list(user=user), pk=pk)


def social_account_history(*, account: SocialAccount):
    """Who held each role, and when, the most recent first (pages cut it: the id breaks ties)."""
    return account.assignments.select_related("person").order_by("-started_at", "-pk")


def social_account_audit(*, user, account: SocialAccount):
    """The account's audit trail as this user may see it: every event for those who may see its
    evidence, its lifecycle events (accounts.history.LIFECYCLE_ACTIONS) for everyone else."""
    events = AuditEvent.objects.for_object(account).select_related("actor")
    if can_see_whole_history(user, account):
        return events
    return events.filter(action__in=LIFECYCLE_ACTIONS)


class Keepers(NamedTuple):
    """The account's current owner and deputy (RES-2); either may be None."""

    owner: Model | None
    deputy: Model | None


def current_assignments(account: SocialAccount) -> dict[str, Assignment]:
    """The current assignments by role, from the list pages' prefetch when the account has it
    (an empty prefetch is an answer too), otherwise in one query."""
    assignments = getattr(account, "current_assignments", None)
    if assignments is None:
        assignments = account.assignments.current().select_related("person")
    return {a.role: a for a in assignments}


def current_keepers(account: SocialAccount) -> Keepers:
    """The one place that gathers who holds the account now."""
    by_role = current_assignments(account)
    owner, deputy = by_role.get(Role.OWNER), by_role.get(Role.DEPUTY)
    return Keepers(owner=owner.person if owner else None, deputy=deputy.person if deputy else None)


def people_of(account: SocialAccount) -> dict:
    """current_keepers as {"owner": user|None, "deputy": user|None} (a form's initial data)."""
    return current_keepers(account)._asdict()


def registry_email_for(account: SocialAccount) -> str:
    """The registry of the unit where the account is established: the unit's own, or the nearest
    unit above that has one (a division registers with its department)."""
    units = Unit.objects.ancestors_of(account.unit).exclude(registry_email="").order_by("-depth")
    return units.values_list("registry_email", flat=True).first() or ""


def leaver_assignments(*, user, person):
    """The leaver's current assignments (owner or deputy) on the accounts this user may hand over
    (issue 13, the bulk handover page): every open account for the communications department,
    those of the units they manage for a responsible manager (RESP-1), none for anyone else
    (auditors never write). Each account comes with its current owner and deputy and its pending
    handover, prefetched: the page runs the same queries for 2 accounts or 50."""
    qs = Assignment.objects.current().filter(person=person).exclude(account__status__in=CLOSED_STATUSES)
    if not roles.is_comms(user):
        qs = qs.filter(account__unit__in=Unit.objects.managed_by(user))
    return (
        qs.select_related("account__platform", "account__unit")
        .prefetch_related(
            Prefetch(
                "account__assignments",
                queryset=Assignment.objects.current().select_related("person"),
                to_attr="current_assignments",
            ),
            Prefetch(
                "account__handovers",
                queryset=Handover.objects.filter(status=HandoverStatus.PENDING).select_related("to_person"),
                to_attr="pending_handovers",
            ),
        )
        .order_by("account__name", "account_id")
    )


def leaver_managers(*, person, accounts) -> list:
    """The responsible managers who hand over the leaver's accounts: for each account's unit the
    nearest unit up the tree with an active manager (the delegation order, RESP-1), in one query;
    never the leaver themself."""
    unit_paths = {a.unit.path for a in accounts}
    candidates = {p for path in unit_paths for p in ancestor_paths(path)}
    by_path = {
        u.path: u.manager
        for u in Unit.objects.filter(path__in=candidates, manager__is_active=True)
        .exclude(manager=person)
        .select_related("manager")
    }
    managers = {}
    for path in unit_paths:
        nearest = next((by_path[p] for p in reversed(ancestor_paths(path)) if p in by_path), None)
        if nearest is not None:
            managers[nearest.pk] = nearest
    return list(managers.values())
