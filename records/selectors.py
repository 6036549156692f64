"""Reads for removed posts and questions: the account's records as the user may see them, and the
response-time figures of ANS-1.

Records are evidence (CONT-2, REC-4): like screenshots, they are shown only to those who may see
the account's screenshots (accounts.snapshots.can_see_snapshots), never to a user who sees the
account only because it is public.
"""

import datetime
import statistics

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Prefetch, Q
from django.utils import timezone

from accounts.models import Snapshot, SocialAccount
from accounts.snapshots import snapshot_account_get
from org.models import Unit
from records.models import Incident, Inquiry

HOUR = datetime.timedelta(hours=1)


def records_account_get(*, user, pk: int) -> SocialAccount:
    """The account, if the user may see its moderation records; 404 otherwise.

    404 both for an account the user cannot see at all and for one they see only because it is
    public: the records are evidence and never public, seen by exactly those who see its
    screenshots."""
    return snapshot_account_get(user=user, pk=pk)


def incident_list(*, account: SocialAccount):
    """The account's removed posts, newest removal first, with their screenshots (one query each
    for the rows and the screenshots, whatever the number of rows)."""
    # The post before KI's reply ("removed_post" sorts after "ki_reply").
    evidence = Snapshot.objects.order_by("-kind", "pk")
    return (
        Incident.objects.filter(account=account)
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("-removed_at", "-pk")
    )


def inquiry_list(*, account: SocialAccount):
    """The account's questions and comments, newest first, with whom they were routed to, who
    answered and their screenshots (REC-3, REC-4; one query for those of a page)."""
    return (
        Inquiry.objects.filter(account=account)
        .select_related("routed_to", "answered_by")
        .prefetch_related(Prefetch("evidence", queryset=Snapshot.objects.order_by("kind", "pk")))
        .order_by("-received_at", "-pk")
    )


def unit_inquiries(*, user, unit: Unit):
    """The questions and comments of every account in the unit's subtree that the user may see.
    Call it only after records.permissions.can_see_unit_figures: then every such account's records
    are the user's to see, so the accounts are the subtree's without the visibility test (an OR
    that made PostgreSQL read every account: issue 12)."""
    return Inquiry.objects.filter(account__in=SocialAccount.objects.in_unit(unit).values("pk"))


def figures_from_rows(rows, now: datetime.datetime) -> dict:
    """ANS-1 figures from (received_at, answered_at, due_at) rows."""
    answered = [(received, answered, due) for received, answered, due in rows if answered is not None]
    open_due = [due for _received, answered, due in rows if answered is None]
    hours = [(answered - received) / HOUR for received, answered, _due in answered]
    within = sum(1 for _received, answered, due in answered if answered <= due)
    return {
        "answered": len(answered),
        "within_rule_share": within / len(answered) if answered else None,
        "median_hours": statistics.median(hours) if hours else None,
        "open": len(open_due),
        "overdue": sum(1 for due in open_due if due < now),
    }


class _Median(Aggregate):
    """PostgreSQL's median (PERCENTILE_CONT(0.5): the mean of the middle two for an even count,
    as statistics.median)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _figure_aggregates(now: datetime.datetime) -> dict:
    answered = Q(answered_at__isnull=False)
    unanswered = Q(answered_at__isnull=True)
    time_to_answer = ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField())
    return {
        "answered": Count("pk", filter=answered),
        "within": Count("pk", filter=answered & Q(answered_at__lte=F("due_at"))),
        "open": Count("pk", filter=unanswered),
        "overdue": Count("pk", filter=unanswered & Q(due_at__lt=now)),
        "median": _Median(time_to_answer, filter=answered, output_field=DurationField()),
    }


def _figures(row: dict) -> dict:
    return {
        "answered": row["answered"],
        "within_rule_share": row["within"] / row["answered"] if row["answered"] else None,
        "median_hours": row["median"] / HOUR if row["median"] is not None else None,
        "open": row["open"],
        "overdue": row["overdue"],
    }


def _counted_by_database() -> bool:
    """PostgreSQL computes the figures, median included, however many inquiries there are;
    SQLite has no median, so there the rows are read and counted in Python (figures_from_rows)."""
    return connection.vendor == "postgresql"


def response_figures(inquiries_qs, *, now: datetime.datetime | None = None) -> dict:
    """Response times of ANS-1 over a queryset of inquiries, in one query:

    - answered: how many were answered;
    - within_rule_share: the share of those answered by their due time (0..1), None if none was;
    - median_hours: the median time from received to answered, in hours, None if none was answered;
    - open: how many are unanswered; overdue: how many of those are past their due time at `now`."""
    now = now or timezone.now()
    qs = inquiries_qs.order_by()
    if _counted_by_database():
        return _figures(qs.aggregate(**_figure_aggregates(now)))
    return figures_from_rows(list(qs.values_list("received_at", "answered_at", "due_at")), now)


def response_figures_by_account(inquiries_qs, *, now: datetime.datetime | None = None) -> dict[int, dict]:
    """response_figures for each account in the queryset, {account id: figures}, in one query."""
    now = now or timezone.now()
    qs = inquiries_qs.order_by()
    if _counted_by_database():
        rows = qs.values("account_id").annotate(**_figure_aggregates(now))
        return {row["account_id"]: _figures(row) for row in rows}
    grouped: dict[int, list] = {}
    for account_id, *row in qs.values_list("account_id", "received_at", "answered_at", "due_at"):
        grouped.setdefault(account_id, []).append(row)
    return {account_id: figures_from_rows(rows, now) for account_id, rows in grouped.items()}


def moderation_summary(*, account: SocialAccount, now: datetime.datetime | None = None) -> dict:
    """For the account page: removed posts not yet handed off, open and overdue questions (two queries)."""
    now = now or timezone.now()
    inquiries = Inquiry.objects.filter(account=account).aggregate(
        open=Count("pk", filter=Q(answered_at__isnull=True)),
        overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lt=now)),
    )
    return {
        "pending_incidents": Incident.objects.filter(account=account, hand_off="").count(),
        "open_inquiries": inquiries["open"],
        "overdue_inquiries": inquiries["overdue"],
    }
