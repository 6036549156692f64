"""One collector per kind of public source (issue 17), chosen per platform in the catalogue
(accounts.Platform.collector). A collector reads one account's public profile through the safe
fetcher and returns a Result: what was seen, or why nothing was."""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.choices import CollectorKind
from watching import parse
from watching.fetch import Answer, Fetcher, FetchError
from watching.models import Outcome

FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/html;q=0.5"


@dataclass
class Result:
    outcome: str
    http_status: int | None = None
    reason: str = ""
    seen: parse.Seen | None = None  # only when the source was read
    etag: str = ""
    last_modified: str = ""
    extra: dict = field(default_factory=dict)


class Gone(Exception):
    """The profile does not exist (any more): HTTP 404/410, or an API saying so in its own words
    (`reason`; recorded as 404, the answer profile-unreachable looks for)."""

    def __init__(self, answer: Answer, reason: str = ""):
        self.answer, self.reason = answer, reason
        self.status = answer.status if answer.status in (404, 410) else 404


def checked(answer: Answer) -> Answer:
    """An answer to read, or the exception that says what it means for the profile."""
    if answer.status in (404, 410):
        raise Gone(answer)
    if answer.status == 304 or 200 <= answer.status < 300:
        return answer
    unreachable = answer.status >= 500 and answer.status != 503
    raise FetchError(
        _("The server answered HTTP %(status)d.") % {"status": answer.status}, answer.status, unreachable=unreachable
    )


def _from_feed_answer(answer: Answer) -> Result:
    if answer.not_modified:
        return Result(Outcome.NOT_MODIFIED, 304, etag=answer.etag, last_modified=answer.last_modified)
    return Result(
        Outcome.SEEN, answer.status, seen=parse.feed(answer.body), etag=answer.etag, last_modified=answer.last_modified
    )


def collect_feed(fetcher: Fetcher, url: str, previous) -> Result:
    """RSS/Atom (blogs, podcasts) and YouTube: the address is the feed, or a page announcing it
    (<link rel="alternate">), whose name and description are kept when the feed has none."""
    validators = {"etag": previous.etag, "last_modified": previous.last_modified} if previous else {}
    answer = checked(fetcher.get(url, accept=FEED_ACCEPT, **validators))
    if answer.not_modified or parse.looks_like_feed(answer.body, answer.content_type):
        return _from_feed_answer(answer)
    page_seen, feeds = parse.page(answer.body)
    if not feeds:
        raise parse.ParseError(_("The page announces no RSS or Atom feed."))
    result = _from_feed_answer(checked(fetcher.get(urljoin(answer.url, feeds[0]), accept=FEED_ACCEPT)))
    result.etag = result.last_modified = ""  # the page's validators would not describe the feed
    if result.seen:
        result.seen.display_name = result.seen.display_name or page_seen.display_name
        result.seen.bio = page_seen.bio or result.seen.bio
    return result


def collect_youtube(fetcher, url, previous) -> Result:
    """YouTube's channel feed: direct for a /channel/UC… address, else announced by the channel page."""
    match = re.search(r"/channel/(UC[\w-]{10,})", url)
    if match:
        parts = urlsplit(url)
        url = f"{parts.scheme}://{parts.netloc}/feeds/videos.xml?channel_id={match.group(1)}"
    return collect_feed(fetcher, url, previous)


def collect_mastodon(fetcher, url, previous) -> Result:
    """Mastodon's public API on the account's own server: accounts/lookup, then the latest status."""
    parts = urlsplit(url)
    match = re.match(r"^/@([\w.-]+)", parts.path)
    if not match:
        raise parse.ParseError(_("The address names no Mastodon account (/@name)."))
    base = f"{parts.scheme}://{parts.netloc}"
    account = parse.json_body(
        checked(
            fetcher.get(f"{base}/api/v1/accounts/lookup?acct={quote(match.group(1))}", accept="application/json")
        ).body
    )
    account_id = parse.field(account, "id")
    seen = parse.Seen(parse._clean(account.get("display_name"), 200), parse._clean(account.get("note"), 2000))
    statuses = parse.json_body(
        checked(
            fetcher.get(
                f"{base}/api/v1/accounts/{quote(account_id)}/statuses?limit=1&exclude_replies=true&exclude_reblogs=true",
                accept="application/json",
            )
        ).body
    )
    if not isinstance(statuses, list):
        raise parse.ParseError(_("The answer lacks %(field)s.") % {"field": "statuses"})
    if statuses:
        seen.latest_post_at = parse.date(parse.field(statuses, 0, "created_at"))
        seen.latest_post_url = str(statuses[0].get("url") or "")[:500]
    return Result(Outcome.SEEN, 200, seen=seen)


def collect_bluesky(fetcher, url, previous) -> Result:
    """Bluesky's public AppView: app.bsky.actor.getProfile, then app.bsky.feed.getAuthorFeed."""
    match = re.match(r"^/profile/([\w.:-]+)", urlsplit(url).path)
    if not match:
        raise parse.ParseError(_("The address names no Bluesky profile (/profile/handle)."))
    handle, api = match.group(1), settings.WATCHING_BLUESKY_API.rstrip("/")
    profile = parse.json_body(
        checked(
            fetcher.get(f"{api}/xrpc/app.bsky.actor.getProfile?actor={quote(handle)}", accept="application/json")
        ).body
    )
    seen = parse.Seen(
        parse._clean(parse.field(profile, "handle") and profile.get("displayName"), 200),
        parse._clean(profile.get("description"), 2000),
    )
    feed = parse.json_body(
        checked(
            fetcher.get(
                f"{api}/xrpc/app.bsky.feed.getAuthorFeed?actor={quote(handle)}&limit=5&filter=posts_no_replies",
                accept="application/json",
            )
        ).body
    )
    posts = []
    for item in parse.field(feed, "feed", kind=list):
        if isinstance(item, dict) and "reason" not in item:  # not a repost or a pin
            created = parse.date(parse.field(item, "post", "record", "createdAt"))
            rkey = str(parse.field(item, "post", "uri")).rsplit("/", 1)[-1]
            if created:
                posts.append((created, f"https://bsky.app/profile/{handle}/post/{rkey}"))
    if posts:
        seen.latest_post_at, seen.latest_post_url = max(posts)
    return Result(Outcome.SEEN, 200, seen=seen)


def collect_reachable(fetcher, url, previous) -> Result:
    """The profile page answers (and its name and description as the page gives them)."""
    validators = {"etag": previous.etag, "last_modified": previous.last_modified} if previous else {}
    answer = checked(fetcher.get(url, accept="text/html", **validators))
    if answer.not_modified:
        return Result(Outcome.NOT_MODIFIED, 304, etag=answer.etag, last_modified=answer.last_modified)
    seen, _feeds = parse.page(answer.body)
    return Result(Outcome.SEEN, answer.status, seen=seen, etag=answer.etag, last_modified=answer.last_modified)


COLLECTORS = {
    CollectorKind.YOUTUBE: collect_youtube,
    CollectorKind.MASTODON: collect_mastodon,
    CollectorKind.BLUESKY: collect_bluesky,
    CollectorKind.FEED: collect_feed,
    CollectorKind.REACHABLE: collect_reachable,
}


def token_for(platform) -> str:
    """The platform's access token, from the setting (or environment variable) it names."""
    name = platform.token_setting
    return (getattr(settings, name, "") or os.environ.get(name, "")) if name else ""


def _api():
    # The API collectors import this module's Result, Gone and checked: imported when needed.
    from watching import api_collectors

    return api_collectors


def manual_reason(platform, token: str) -> str:
    """Why the platform is watched by hand ("" if it is not): a collector that needs a token
    without one, or the API's other setting missing."""
    kind = platform.collector
    if (kind == CollectorKind.MANUAL or kind in _api().API_COLLECTORS) and not token:
        return _("%(platform)s needs an access token; watched by hand.") % {"platform": platform.name}
    return _api().missing_setting(platform) if kind in _api().API_COLLECTORS else ""


def is_manual(platform) -> bool:
    return bool(manual_reason(platform, token_for(platform)))


def watched_through(platform) -> str:
    """What the account page says about an API source ("Watched through the X API."), or ""."""
    return "" if is_manual(platform) else str(_api().WATCHED_THROUGH.get(platform.collector, ""))


def allowed_hosts(platform, url: str) -> "Hosts":
    """The hosts a collector may ask for this account: the platform's catalogue hosts and their
    subdomains, the account's own host (Mastodon servers are anyone's), the Bluesky AppView, the
    platform's API (X, Graph, LinkedIn)."""
    hosts = set(platform.domains or ())
    hosts.add((urlsplit(url).hostname or "").lower())
    if platform.collector == CollectorKind.BLUESKY:
        hosts.add((urlsplit(settings.WATCHING_BLUESKY_API).hostname or "").lower())
    hosts.update(host for host, _port in _api().api_hosts(platform.collector))
    return Hosts(hosts - {""})


class Hosts(frozenset):
    """A host is allowed if it is one of the names or a subdomain of one."""

    def __contains__(self, host):
        return any(host == name or host.endswith("." + name) for name in self)


def collect_one(fetcher: Fetcher, platform, url: str, previous) -> Result:
    """Run the platform's collector for one account; every failure becomes a Result with a reason."""
    kind = platform.collector
    token = token_for(platform)
    manual = manual_reason(platform, token)
    if manual:
        return Result(Outcome.MANUAL, reason=manual)
    collector = COLLECTORS.get(kind) or _api().API_COLLECTORS.get(kind, collect_reachable)
    fetcher.allowed_hosts, fetcher.token = allowed_hosts(platform, url), token or None
    # The token goes to the platform's API only: a manual platform's reachable check never sends it.
    fetcher.token_hosts = frozenset(_api().api_hosts(kind))
    return _without(token, _collect(collector, fetcher, url, previous, token))


def _without(token: str, result: Result) -> Result:
    """The token never reaches an observation, even if an API echoed it in an error or a bio."""
    if token and result.seen:
        for name in ("display_name", "bio", "latest_post_url"):
            setattr(result.seen, name, getattr(result.seen, name).replace(token, "[token]"))
    return result


def _collect(collector, fetcher, url, previous, token) -> Result:
    def reason(text):  # the token taken out before the reason is cut to its field's length
        return (text.replace(token, "[token]") if token else text)[:300]

    try:
        return collector(fetcher, url, previous)
    except Gone as gone:
        return Result(
            Outcome.GONE,
            gone.status,
            reason(gone.reason or _("The profile answers HTTP %(status)d.") % {"status": gone.status}),
        )
    except FetchError as error:
        outcome = (
            Outcome.UNREACHABLE if error.unreachable else Outcome.REFUSED if error.status is None else Outcome.FAILED
        )
        return Result(outcome, error.status, reason(error.reason))
    except parse.ParseError as error:
        return Result(Outcome.FAILED, 200, reason(error.reason))
