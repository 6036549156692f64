"""The watching floor's compliance rules (issue 17), added to monitoring's catalogue the way
records.rules does: they read the collectors' observations (watching.models.Observation, and
its history by day, ObservationDay)."""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from monitoring import rules as base
from monitoring.choices import Severity
from monitoring.models import CheckIn
from monitoring.rules import RULES, Rule, _ids, governed, register
from org.calendar import local_day
from watching.models import Observation, ObservationDay, Outcome


def profile_unreachable(now):
    """SEND-1, MON-1: the public profile answers 404/410 (renamed, deleted or taken over?), or no
    answer reached the collector on WATCHING_UNREACHABLE_DAYS days in a row (issue 17), counted in
    the history (ObservationDay): days on which it was looked at and got no answer (network
    failure, timeout, 5xx), with no answer on a later day. A day it was not looked at, or a
    refusal by our own safety rules, neither counts nor breaks the row: three missed looks are
    needed, not three days of calendar since one. One query."""
    gone = Observation.objects.filter(account=OuterRef("pk"), http_status__in=(404, 410))
    # An answer: any HTTP status but a 5xx (which the collectors record as unreachable).
    answered_later = ObservationDay.objects.filter(
        account=OuterRef("account"), day__gt=OuterRef("day"), http_status__isnull=False
    ).exclude(outcome=Outcome.UNREACHABLE)
    silent = (
        ObservationDay.objects.filter(outcome=Outcome.UNREACHABLE)
        .exclude(Exists(answered_later))
        .values("account")
        .annotate(days=Count("pk"))
        .filter(days__gte=settings.WATCHING_UNREACHABLE_DAYS)
        .values("account")
    )
    return _ids(governed().filter(Q(Exists(gone)) | Q(pk__in=silent)))


def sender_drift(now):
    """SEND-1, SEND-2: the bio as last seen no longer names KI or links ki.se."""
    return _ids(governed().filter(Exists(Observation.objects.filter(account=OuterRef("pk"), bio_names_ki=False))))


# The catalogue's own inactive-channel, before this module replaces it.
_typed_inactive = RULES["inactive-channel"].violators


def inactive_channel(now):
    """DECOM-1 (issue 17: the seen date counts): no post for the inactivity window. A post the
    collector saw within the window clears the account as a post date given at a check-in does;
    an account with a seen post older than the window and no newer one typed at a check-in breaks
    the rule even if it was activated since (its latest post is known to be old). Two queries."""
    cutoff_day = local_day(now) - datetime.timedelta(days=settings.MONITORING_INACTIVITY_DAYS)
    typed = _typed_inactive(now)
    recent_seen = Observation.objects.filter(account=OuterRef("pk"), latest_post_on__gte=cutoff_day)
    old_seen = Observation.objects.filter(account=OuterRef("pk"), latest_post_on__lt=cutoff_day)
    recent_typed = CheckIn.objects.filter(account=OuterRef("pk"), latest_post_on__gte=cutoff_day)
    seen_recently = _ids(governed().filter(Exists(recent_seen)))
    seen_old = _ids(governed().filter(Exists(old_seen)).exclude(Exists(recent_typed)))
    return (typed - seen_recently) | seen_old


for _rule in (
    Rule(
        "profile-unreachable",
        "SEND-1, MON-1",
        Severity.HIGH,
        _("The public profile cannot be reached"),
        _(
            "Check the profile address: correct it if the account was renamed, "
            "or report it if it is gone or taken over."
        ),
        profile_unreachable,
    ),
    Rule(
        "sender-drift",
        "SEND-1, SEND-2",
        Severity.MEDIUM,
        _("The profile's bio no longer names KI"),
        _("Make the bio name Karolinska Institutet and link ki.se again."),
        sender_drift,
    ),
    Rule(
        base.RULES["inactive-channel"].id,
        base.RULES["inactive-channel"].clauses,
        base.RULES["inactive-channel"].severity,
        base.RULES["inactive-channel"].title,
        base.RULES["inactive-channel"].fix,
        inactive_channel,
    ),
):
    register(_rule)
