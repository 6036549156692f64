"""Reads about who has access to an account besides its owner and deputy (START-1, issue 15).

The two conditions the rules access-review-overdue and access-not-removed test (monitoring.
access_rules) are written here once, as querysets, so that the owner's to-do list, the account page
and the rules agree."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import CURRENT_PUBLISHER_STATUSES, LIVE_STATUSES, PublisherStatus, Role
from accounts.models import AccessReview, Assignment, Publisher, SocialAccount
from accounts.permissions import can_decide_publisher, can_record_removal, manages
from accounts.selectors import social_account_within_reach
from org.calendar import local_day
from org.models import Unit


def review_cutoff(now: datetime.datetime) -> datetime.datetime:
    """An access review before this moment is too old (13 months by default)."""
    return now - datetime.timedelta(days=settings.MONITORING_ACCESS_REVIEW_INTERVAL_DAYS)


def review_overdue_condition(now: datetime.datetime) -> Q:
    """START-1: the account's people with access were not reviewed within the interval, counted
    from the last review or, if there was none, from go-live (a condition on the account)."""
    cutoff = review_cutoff(now)
    recent = AccessReview.objects.filter(account=OuterRef("pk"), reviewed_at__gt=cutoff)
    return Q(activated_at__lt=cutoff) & ~Exists(recent)


def review_overdue(accounts, now: datetime.datetime):
    """The accounts whose access review is overdue (rule access-review-overdue)."""
    return accounts.filter(review_overdue_condition(now))


def stale_publishers(today: datetime.date):
    """Publishers who still have access but should not: the person left KI (left_on) or their user
    account is deactivated, or the end date of temporary access has passed."""
    return Publisher.objects.filter(
        Q(ends_on__lt=today) | Q(person__left_on__isnull=False) | Q(person__is_active=False),
        status__in=CURRENT_PUBLISHER_STATUSES,
    )


def removal_due_condition(now: datetime.datetime) -> Exists:
    """START-1: someone who should have lost access to the account still has it."""
    return Exists(stale_publishers(local_day(now)).filter(account=OuterRef("pk")))


def removal_due(accounts, now: datetime.datetime):
    """The accounts with access to remove (rule access-not-removed)."""
    return accounts.filter(removal_due_condition(now))


def review_due_on(account: SocialAccount, latest=None) -> datetime.date | None:
    """The day the next access review is due (None before go-live); `latest` is the latest
    AccessReview when the caller has it (no query then)."""
    if latest is None:
        latest = account.access_reviews.order_by("-reviewed_at").first()
    start = latest.reviewed_at if latest else account.activated_at
    if start is None:
        return None
    return local_day(start + datetime.timedelta(days=settings.MONITORING_ACCESS_REVIEW_INTERVAL_DAYS))


def latest_review():
    """The moment of the account's latest access review, as a subquery of an account queryset."""
    return Subquery(
        AccessReview.objects.filter(account=OuterRef("pk")).order_by("-reviewed_at").values("reviewed_at")[:1]
    )


def publisher_names(*, user, account_ids: list[int]) -> dict[int, str]:
    """{account id: "Name (role), ..."} of the confirmed publishers of those of the accounts whose
    evidence the user may see (the inventory export), in one query."""
    rows = (
        Publisher.objects.filter(
            account_id__in=account_ids,
            status=PublisherStatus.CONFIRMED,
            account__in=SocialAccount.objects.with_evidence_for(user).order_by().values("pk"),
        )
        .select_related("person")
        .order_by("account_id", "id")
    )
    names: dict[int, list[str]] = {}
    for p in rows:
        names.setdefault(p.account_id, []).append(f"{p.name} ({p.get_platform_role_display()})")
    return {pk: ", ".join(items) for pk, items in names.items()}


def publishers_prefetch(*, user) -> Prefetch:
    """The confirmed publishers of a page of accounts as `evidence_publishers`, in one query, for
    the accounts whose evidence the user may see (the others get an empty list): the API."""
    return Prefetch(
        "publishers",
        queryset=Publisher.objects.filter(
            status=PublisherStatus.CONFIRMED,
            account__in=SocialAccount.objects.with_evidence_for(user).order_by().values("pk"),
        )
        .select_related("person")
        .order_by("id"),
        to_attr="evidence_publishers",
    )


def publishers_current(account: SocialAccount):
    """The account's publishers who have, or wait for, access: a handful per account."""
    return (
        Publisher.objects.filter(account=account, status__in=CURRENT_PUBLISHER_STATUSES)
        .select_related("person", "added_by")
        .order_by("status", "id")
    )


def publishers_all(account: SocialAccount):
    """Every publisher the account ever had, the newest first (the access page, paginated)."""
    return Publisher.objects.filter(account=account).select_related("person", "added_by").order_by("-created_at", "-id")


def needs_removal(publisher: Publisher, today: datetime.date) -> bool:
    """The publisher still has access but should not: the row-by-row twin of stale_publishers (the
    rule's query), for the pages and the review service."""
    if publisher.status not in CURRENT_PUBLISHER_STATUSES:
        return False
    if publisher.ends_on is not None and publisher.ends_on < today:
        return True
    person = publisher.person
    return person is not None and (person.left_on is not None or not person.is_active)


def publisher_rows(user, account: SocialAccount, publishers, *, today: datetime.date | None = None) -> list[dict]:
    """The account's publishers as a table shows them, with what the user may do with each (never a
    dead button). What depends on the account only is asked once, not per row."""
    today = today or timezone.localdate()
    may_remove = can_record_removal(user, account)
    # Asked once whatever the rows (the roles are cached on the user): the page's queries do not
    # depend on whether a pending publisher is among them.
    may_confirm = manages(user, account)
    rows = []
    for p in publishers:
        p.account = account  # the rows are the account's: no query per row for it
        current = p.status in CURRENT_PUBLISHER_STATUSES
        rows.append(
            {
                "publisher": p,
                "stale": needs_removal(p, today),
                "may_decide": may_confirm and p.status == PublisherStatus.PENDING and can_decide_publisher(user, p),
                "may_remove": current and may_remove,
            }
        )
    return rows


# The owner's and the manager's to-do sections (accounts.extensions.todo_providers).


def todo_access(user):
    """To-do section of an owner: their live accounts whose access review is due, or where someone
    who left KI or whose access ended still has access (START-1)."""
    now = timezone.now()
    # The rules' two conditions, on the owner's live accounts only (a handful), not on every account;
    # the user's own accounts are within what they may see: no visibility test (issue 12).
    accounts = (
        social_account_within_reach(user=user)
        .filter(
            status__in=LIVE_STATUSES,
            pk__in=Assignment.objects.current().filter(person=user, role=Role.OWNER).values("account"),
        )
        .filter(review_overdue_condition(now) | removal_due_condition(now))
        .order_by("name", "id")
    )
    return "access_review", _("People with access to review or remove (START-1)"), accounts, "accounts:access"


def todo_publishers_to_confirm(user):
    """To-do section of a responsible manager: accounts of their units with publishers waiting for
    their confirmation (START-1, PRIV-2). The unit is tested on the account, not through a join of
    the publishers to the accounts: the page's count (to 99) then walks the pending publishers'
    partial index against the accounts' primary key and stops at the hundredth (issue 12)."""
    waiting = (
        Publisher.objects.filter(status=PublisherStatus.PENDING)
        .exclude(added_by=user)
        .exclude(person=user)
        .values("account")
    )
    # Accounts of the managed units: within what the manager may see (issue 12).
    accounts = (
        social_account_within_reach(user=user)
        .filter(unit__in=Unit.objects.managed_by(user), pk__in=waiting)
        .order_by("name", "id")
    )
    return "publishers", _("Publishers for you to confirm (START-1, PRIV-2)"), accounts, "accounts:access"
