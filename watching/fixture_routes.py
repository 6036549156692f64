"""The fixture servers' answers (issue 17): each public source's formats, filled from the files in
watching/fixtures, for the test suite and `manage.py serve_watch_fixtures`. Placeholders are
{name} and replaced literally (the JSON keeps its own braces)."""

import datetime
import email.utils
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def fill(fixture: str, **values) -> str:
    text = (FIXTURES / fixture).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _rfc(day: datetime.date) -> str:
    return email.utils.format_datetime(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC))


def youtube(latest: datetime.date, older: datetime.date | None = None, *, etag='"yt-1"') -> dict:
    """A channel page at /@karolinska announcing its feed, and the feed."""
    older = older or latest - datetime.timedelta(days=30)
    return {
        "/@karolinska": (200, HTML, fill("channel_page.html")),
        "/feeds/videos.xml": (200, {**ATOM, "ETag": etag}, fill("youtube_feed.xml", latest=latest, older=older)),
    }


def blog(latest: datetime.date, path="/feed.xml") -> dict:
    older = latest - datetime.timedelta(days=40)
    return {path: (200, RSS, fill("blog_feed.xml", latest_rfc=_rfc(latest), older_rfc=_rfc(older)))}


def mastodon(base: str, user: str, latest: datetime.date, *, name="Karolinska Institutet", note="KI, ki.se") -> dict:
    values = {"base": base, "user": user, "latest": latest, "name": name, "note": note}
    return {
        "/api/v1/accounts/lookup": (200, JSON, fill("mastodon_lookup.json", **values)),
        "/api/v1/accounts/109000000000000001/statuses": (200, JSON, fill("mastodon_statuses.json", **values)),
    }


def bluesky(
    handle: str, latest: datetime.date, *, name="Karolinska Institutet", description="Karolinska Institutet ki.se"
):
    older = latest - datetime.timedelta(days=10)
    return {
        "/xrpc/app.bsky.actor.getProfile": (
            200,
            JSON,
            fill("bluesky_profile.json", handle=handle, name=name, description=description),
        ),
        "/xrpc/app.bsky.feed.getAuthorFeed": (200, JSON, fill("bluesky_feed.json", latest=latest, older=older)),
    }


def profile_page(path: str, *, name="Karolinska Institutet", description="Karolinska Institutet, ki.se") -> dict:
    return {path: (200, HTML, fill("profile_page.html", name=name, description=description))}


def hostile() -> dict:
    """Answers a collector must refuse: a billion-laughs feed, malformed XML and JSON."""
    return {
        "/laughs.xml": (200, RSS, (FIXTURES / "billion_laughs.xml").read_text()),
        "/broken.xml": (200, RSS, '<?xml version="1.0"?><rss version="2.0"><channel><title>broken'),
        "/api/v1/accounts/lookup": (200, JSON, '{"id": "1", "display_name": '),
    }
