"""One collection run (issue 17): every governed account whose platform has a collector is looked
at once, its Observation rewritten and its ObservationDay of today written. Set-based: per batch
of WATCHING_BATCH accounts, one query for the accounts, one for their previous observations and
two upserts (INSERT … ON CONFLICT DO UPDATE) for all of them, one into each table, whatever
happens on the network. Idempotent: running it twice leaves one observation per account, the
second run's, and one history row per account and day, the day's last. `history_prune` deletes
the history older than WATCHING_HISTORY_DAYS in one statement.

Observations are what the portal saw, not decisions: no audit event per account (100 000 a day
would drown the trail). What they lead to goes through the compliance sweep (findings, their
audit events and notifications: monitoring.services), whose rules are watching.rules.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.choices import AccountStatus
from accounts.models import Platform, SocialAccount
from org.calendar import local_day
from watching.collectors import collect_one
from watching.fetch import Fetcher
from watching.models import Observation, ObservationDay, Outcome, bio_digest
from watching.parse import names_ki

WRITTEN = [
    "collector",
    "checked_at",
    "outcome",
    "http_status",
    "reason",
    "unreachable_since",
    "seen_at",
    "latest_post_on",
    "latest_post_url",
    "display_name",
    "bio",
    "bio_names_ki",
    "etag",
    "last_modified",
]
DAY_WRITTEN = ["checked_at", "outcome", "http_status", "latest_post_on", "display_name", "bio_digest", "bio_names_ki"]


@dataclass
class RunStats:
    accounts: int = 0
    requests: int = 0
    seconds: float = 0.0
    outcomes: dict = field(default_factory=dict)


def watched_accounts():
    """The accounts a run looks at: active, with a profile address, on a platform with a collector."""
    return (
        SocialAccount.objects.filter(status=AccountStatus.ACTIVE, platform__collector__gt="")
        .exclude(url="")
        .order_by("pk")
    )


def observation(account_id, platform, result, previous, now) -> Observation:
    """The account's new observation: the run's outcome, and what it saw (or what was seen before)."""
    obs = Observation(account_id=account_id, collector=platform.collector, checked_at=now)
    if previous:
        for name in ("seen_at", "latest_post_on", "latest_post_url", "display_name", "bio", "bio_names_ki"):
            setattr(obs, name, getattr(previous, name))
        obs.etag, obs.last_modified, obs.unreachable_since = (
            previous.etag,
            previous.last_modified,
            previous.unreachable_since,
        )
    obs.outcome, obs.http_status, obs.reason = result.outcome, result.http_status, result.reason
    if result.outcome == Outcome.UNREACHABLE:
        obs.unreachable_since = obs.unreachable_since or now
    elif result.outcome != Outcome.MANUAL and result.http_status is not None:
        obs.unreachable_since = None  # it answered
    if result.outcome in (Outcome.SEEN, Outcome.NOT_MODIFIED):
        obs.seen_at = now
        obs.etag, obs.last_modified = result.etag, result.last_modified
    if result.seen is not None:
        seen = result.seen
        obs.display_name, obs.bio, obs.bio_names_ki = seen.display_name, seen.bio, names_ki(seen.bio)
        if seen.latest_post_at:
            obs.latest_post_on = timezone.localdate(seen.latest_post_at)
            obs.latest_post_url = (
                seen.latest_post_url if seen.latest_post_url.startswith(("http://", "https://")) else ""
            )
    if result.outcome == Outcome.GONE:
        obs.etag = obs.last_modified = ""
    return obs


def observation_day(obs: Observation, day: datetime.date) -> ObservationDay:
    """The history row of the day: the observation as it stands after the day's look."""
    return ObservationDay(
        account_id=obs.account_id,
        day=day,
        checked_at=obs.checked_at,
        outcome=obs.outcome,
        http_status=obs.http_status,
        latest_post_on=obs.latest_post_on,
        display_name=obs.display_name,
        bio_digest=bio_digest(obs.bio),
        bio_names_ki=obs.bio_names_ki,
    )


def history_prune(now: datetime.datetime | None = None) -> int:
    """Delete the history rows older than WATCHING_HISTORY_DAYS: one DELETE on the day index (no
    row refers to them and no signal listens, so Django deletes without loading them)."""
    cutoff = local_day(now or timezone.now()) - datetime.timedelta(days=settings.WATCHING_HISTORY_DAYS)
    deleted, _per_model = ObservationDay.objects.filter(day__lt=cutoff).delete()
    return deleted


def due_accounts(now):
    """The watched accounts not looked at within WATCHING_INTERVAL_HOURS (or never)."""
    recent = Observation.objects.filter(
        account=OuterRef("pk"), checked_at__gt=now - datetime.timedelta(hours=settings.WATCHING_INTERVAL_HOURS)
    )
    return watched_accounts().exclude(Exists(recent))


def collect_profiles(
    *, now: datetime.datetime | None = None, account_ids=None, due_only=False, seconds: float | None = None
) -> RunStats:
    """One collection run over the watched accounts (or the given ones among them; with `due_only`
    those not looked at within WATCHING_INTERVAL_HOURS). With `seconds` it stops after that long,
    having written what it saw: the periodic task works through the accounts in slices that fit
    Celery's time limit, each slice taking the accounts the previous ones did not reach."""
    now = now or timezone.now()
    today = local_day(now)
    stats, started = RunStats(), time.monotonic()
    platforms = {p.pk: p for p in Platform.objects.all()}
    accounts = due_accounts(now) if due_only else watched_accounts()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    out_of_time = False
    last = 0
    with Fetcher() as fetcher:
        while True:
            batch = list(
                accounts.filter(pk__gt=last).values_list("pk", "platform_id", "url")[: settings.WATCHING_BATCH]
            )
            if not batch:
                break
            last = batch[-1][0]
            previous = Observation.objects.in_bulk([pk for pk, _p, _u in batch], field_name="account_id")
            rows = []
            for pk, platform_id, url in batch:
                # At least one account a run, so that every run makes progress.
                if seconds is not None and (rows or stats.accounts) and time.monotonic() - started > seconds:
                    out_of_time = True
                    break
                platform = platforms[platform_id]
                result = collect_one(fetcher, platform, url, previous.get(pk))
                rows.append(observation(pk, platform, result, previous.get(pk), now))
                stats.outcomes[result.outcome] = stats.outcomes.get(result.outcome, 0) + 1
            if rows:
                with transaction.atomic():  # the latest and the day's history: both or neither
                    Observation.objects.bulk_create(
                        rows, update_conflicts=True, unique_fields=["account"], update_fields=WRITTEN, batch_size=None
                    )
                    ObservationDay.objects.bulk_create(
                        [observation_day(obs, today) for obs in rows],
                        update_conflicts=True,
                        unique_fields=["account", "day"],
                        update_fields=DAY_WRITTEN,
                        batch_size=None,
                    )
            stats.accounts += len(rows)
            if out_of_time:
                break
        stats.requests = fetcher.requests_made
    stats.seconds = time.monotonic() - started
    return stats
