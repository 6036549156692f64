"""The public directory's Atom 1.0 feed (issue 14, docs/directory.md): the official and student-
ambassador accounts that went live or were decommissioned, newest first, for other KI systems and
anyone who follows the directory. Public like the directory (no login, rate-limited per client IP
with the directory's scope, cacheable) and as careful with what it shows: only the columns the
directory publishes (name, platform, handle, address, unit), read from the accounts' own dates
(activated_at, decommissioned_at), which only the lifecycle services write.

A decommissioned account is not in the directory's list any longer; that it was closed is news
the feed exists to tell. An account that never went live (a draft, a request, a rejection)
never appears."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountStatus
from accounts.directory import DIRECTORY_CLASSIFICATIONS
from accounts.models import SocialAccount

FEED_ENTRIES = 50
LIVE, DECOMMISSIONED = "live", "decommissioned"
# Statuses an account that went live can be in (it stays "went live" in the feed when closed).
_WENT_LIVE = (AccountStatus.ACTIVE, AccountStatus.DECOMMISSIONING, AccountStatus.DECOMMISSIONED)
_COLUMNS = ("pk", "name", "handle", "url")
_NAMES = {"platform_name": F("platform__name"), "unit_name": F("unit__name")}


@dataclass(frozen=True)
class FeedEvent:
    """An account going live or being decommissioned, as the public may read it."""

    kind: str
    at: datetime
    pk: int
    name: str
    handle: str
    url: str
    platform_name: str
    unit_name: str


def directory_feed_events(limit: int = FEED_ENTRIES) -> list[FeedEvent]:
    """The newest `limit` events, newest first: two queries (each a walk of its date's index,
    LIMIT `limit`), however many accounts there are."""
    accounts = SocialAccount.objects.filter(classification__in=DIRECTORY_CLASSIFICATIONS)
    live = (
        accounts.filter(status__in=_WENT_LIVE, activated_at__isnull=False)
        .order_by("-activated_at", "-pk")
        .values(*_COLUMNS, at=F("activated_at"), **_NAMES)[:limit]
    )
    closed = (
        accounts.filter(status=AccountStatus.DECOMMISSIONED, decommissioned_at__isnull=False)
        .order_by("-decommissioned_at", "-pk")
        .values(*_COLUMNS, at=F("decommissioned_at"), **_NAMES)[:limit]
    )
    events = [FeedEvent(kind=LIVE, **row) for row in live] + [FeedEvent(kind=DECOMMISSIONED, **row) for row in closed]
    return sorted(events, key=lambda e: (e.at, e.pk), reverse=True)[:limit]


class DirectoryFeed(Feed):
    """GET /directory/feed.atom: Atom 1.0 (django.contrib.syndication's Atom1Feed)."""

    feed_type = Atom1Feed
    title = _("KI's official social media accounts: new and closed")
    subtitle = _("Official Karolinska Institutet accounts that went live or were decommissioned.")
    author_name = "Karolinska Institutet"  # Atom 1.0 asks for an author of the feed or of every entry

    def __call__(self, request, *args, **kwargs):
        self.directory_url = request.build_absolute_uri(reverse("directory:index"))
        response = super().__call__(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=300"
        return response

    def link(self):
        return reverse("directory:index")

    def feed_url(self):
        return reverse("directory:feed")

    def feed_guid(self):
        return self.directory_url + "#feed"

    def items(self):
        return directory_feed_events()

    def item_title(self, event: FeedEvent) -> str:
        if event.kind == LIVE:
            return gettext("Went live: %(name)s (%(platform)s)") % {"name": event.name, "platform": event.platform_name}
        return gettext("Decommissioned: %(name)s (%(platform)s)") % {
            "name": event.name,
            "platform": event.platform_name,
        }

    def item_description(self, event: FeedEvent) -> str:
        return f"{event.platform_name} · {event.handle or event.url} · {event.unit_name}"

    def item_link(self, event: FeedEvent) -> str:
        return event.url

    def item_guid(self, event: FeedEvent) -> str:
        # Stable per event: the same account going live again (never, today) would be a new entry.
        return f"{self.directory_url}#{event.kind}-{event.pk}-{int(event.at.timestamp())}"

    item_guid_is_permalink = False

    def item_pubdate(self, event: FeedEvent) -> datetime:
        return event.at

    def item_updateddate(self, event: FeedEvent) -> datetime:
        return event.at
