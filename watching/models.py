"""What the collectors saw of each public profile (issue 17): the latest (Observation) and the
history by day (ObservationDay)."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SEEN = "seen", _("Seen")
    NOT_MODIFIED = "not-modified", _("Not changed since last time")
    GONE = "gone", _("Profile gone (404/410)")
    UNREACHABLE = "unreachable", _("Not reachable")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Could not be read")
    MANUAL = "manual", _("Manual: the platform needs a token")


class Observation(models.Model):
    """The latest observation of one account's public profile, rewritten by each collection run
    (set-based: watching.collect). What was seen (post, name, bio) is only replaced by a run that
    read the source; a refused or failed run records its reason and keeps what was seen before,
    with its own time `seen_at`."""

    account = models.OneToOneField(
        "accounts.SocialAccount", on_delete=models.CASCADE, related_name="observation", verbose_name=_("account")
    )
    collector = models.CharField(_("collector"), max_length=20)
    checked_at = models.DateTimeField(_("checked at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    http_status = models.PositiveSmallIntegerField(_("HTTP answer"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Since when no answer reached us (network failure, timeout, 5xx); cleared by any answer.
    unreachable_since = models.DateTimeField(_("unreachable since"), null=True, blank=True)
    # -- What was seen (the last run that read the source) --
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    latest_post_on = models.DateField(_("latest post seen"), null=True, blank=True)
    latest_post_url = models.URLField(_("link to the latest post"), max_length=500, blank=True)
    display_name = models.CharField(_("display name as seen"), max_length=200, blank=True)
    bio = models.TextField(_("bio as seen"), blank=True)
    # SEND-1/SEND-2: whether the bio names KI or links ki.se; None when no bio was seen.
    bio_names_ki = models.BooleanField(_("bio names KI"), null=True)
    # -- Conditional requests (per account and source) --
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [models.Index(fields=["latest_post_on"], name="watching_obs_post")]

    def __str__(self):
        return f"{self.account_id} {self.outcome} {self.checked_at:%Y-%m-%d}"


def bio_digest(bio: str) -> str:
    """A short fingerprint of a bio as seen (the history keeps when it changed, not 400 copies)."""
    return hashlib.sha256(bio.encode()).hexdigest()[:16] if bio else ""


class ObservationDay(models.Model):
    """The history of what the collectors saw (issue 17): one row per account and Stockholm day
    on which a run looked at it, written with the day's (last) Observation in the same set-based
    upsert (watching.collect) and never changed on a later day. What was seen (post, name, bio)
    is as known after that day's look; `outcome` says whether the source was read that day.
    Kept WATCHING_HISTORY_DAYS days (pruned by the collect task). profile-unreachable counts its
    days without an answer (watching.rules); the account page shows the last 30."""

    account = models.ForeignKey(
        "accounts.SocialAccount",
        on_delete=models.CASCADE,
        related_name="observation_days",
        verbose_name=_("account"),
    )
    day = models.DateField(_("day"))
    checked_at = models.DateTimeField(_("checked at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    # None: no answer reached us (outcome unreachable), or we did not ask (refused, manual).
    http_status = models.PositiveSmallIntegerField(_("HTTP answer"), null=True, blank=True)
    latest_post_on = models.DateField(_("latest post seen"), null=True, blank=True)
    display_name = models.CharField(_("display name as seen"), max_length=200, blank=True)
    bio_digest = models.CharField(_("bio fingerprint"), max_length=16, blank=True)
    bio_names_ki = models.BooleanField(_("bio names KI"), null=True)

    class Meta:
        verbose_name = _("observation of a day")
        verbose_name_plural = _("observations by day")
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="watching_obsday_once")]
        indexes = [models.Index(fields=["day"], name="watching_obsday_day")]  # the pruning

    def __str__(self):
        return f"{self.account_id} {self.day} {self.outcome}"


# The start-page captures live in their own module; Django finds them here.
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger  # noqa: E402, F401
