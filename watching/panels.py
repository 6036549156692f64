"""The account page's "Seen on the platform" panel (issue 17), added through accounts.extensions."""

import datetime

from django.utils import timezone

from org.calendar import local_day
from watching.collectors import is_manual, watched_through
from watching.models import Observation, ObservationDay

HISTORY_DAYS = 30


def observation_panel(request, account):
    """What the collector last saw of the public profile, and day by day over the last
    HISTORY_DAYS days (ObservationDay), or that the platform is watched by hand. The account page
    itself is scoped to its user: whoever sees the account sees the panel. Two queries."""
    platform = account.platform
    if not platform.collector:
        return None
    observation = Observation.objects.filter(account=account).first()
    manual = is_manual(platform)  # a collector that needs a token (or a setting) it does not have
    since = local_day(timezone.now()) - datetime.timedelta(days=HISTORY_DAYS - 1)
    days = list(ObservationDay.objects.filter(account=account, day__gte=since).order_by("-day")) if observation else []
    # Whether the bio changed since the previous day shown (its fingerprint, not the text).
    for day, before in zip(days, days[1:], strict=False):
        day.bio_changed = day.bio_digest != before.bio_digest
    return "watching/includes/_observation_panel.html", {
        "observation": observation,
        "manual": manual,
        "platform": platform,
        "watched_through": watched_through(platform),  # "Watched through the X API." (issue 17)
        "days": days,
        "history_days": HISTORY_DAYS,
    }
