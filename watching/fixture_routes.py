"""The fixture servers' answers (issue 17): each public source's formats, filled from the files in
watching/fixtures, for the test suite and `manage.py serve_watch_fixtures`. Placeholders are
{name} and replaced literally (the JSON keeps its own braces)."""

import datetime
import email.utils
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
Route = tuple  # (status, headers, body): watching.fixture_servers


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


# -- The platforms' APIs that need a token (watching.api_collectors), in their documented shapes --

GRAPH_VERSION = "/v19.0"  # tests and the demo set WATCHING_GRAPH_API to <server>/v19.0


def x_api(
    handle: str,
    latest: datetime.date,
    *,
    user_id="2244994945",
    name="Karolinska Institutet",
    description="Official account of Karolinska Institutet, a medical university in Stockholm.",
    website="https://ki.se",
) -> dict:
    """X API v2: the user by username and their latest posts."""
    values = {"handle": handle, "id": user_id, "name": name, "description": description, "website": website}
    posts = fill("x_tweets.json", latest=latest, older=latest - datetime.timedelta(days=20))
    return {
        f"/2/users/by/username/{handle}": (200, JSON, fill("x_user.json", **values)),
        f"/2/users/{user_id}/tweets": (200, JSON, posts),
    }


def x_api_unknown(handle: str) -> dict:
    """X API v2 answers an unknown username with HTTP 200 and a "Not Found Error"."""
    return {f"/2/users/by/username/{handle}": (200, JSON, fill("x_user_not_found.json", handle=handle))}


def facebook_page(
    page: str,
    latest: datetime.date,
    *,
    name="Karolinska Institutet",
    about="Karolinska Institutet, a medical university.",
    website="https://ki.se",
) -> dict:
    values = {"page": page, "latest": latest, "name": name, "about": about, "website": website}
    return {f"{GRAPH_VERSION}/{page}": (200, JSON, fill("facebook_page.json", **values))}


def instagram_discovery(
    owner: str, username: str, latest: datetime.date, *, name="Karolinska Institutet", biography="KI, ki.se"
) -> dict:
    values = {"owner": owner, "username": username, "latest": latest, "name": name, "biography": biography}
    return {
        f"{GRAPH_VERSION}/{owner}": (200, JSON, fill("instagram_discovery.json", website="https://ki.se", **values))
    }


def graph_error(code: int, subcode: int | None = None, message="Unsupported get request.", status=400) -> Route:
    """Meta Graph API's error object, as its error-handling guide shows it."""
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AKiFixtureTrace"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return (status, JSON, json.dumps({"error": error}))


def linkedin_paths(vanity: str, organization_id: int) -> tuple[str, str]:
    """The two addresses the LinkedIn collector asks, as it encodes them (Rest.li 2.0)."""
    return (
        f"/rest/organizations?q=vanityName&vanityName={vanity}",
        f"/rest/posts?author=urn%3Ali%3Aorganization%3A{organization_id}&q=author&count=1&sortBy=CREATED",
    )


def linkedin(
    vanity: str,
    latest: datetime.date,
    *,
    organization_id=5515715,
    name="Karolinska Institutet",
    description="Karolinska Institutet is one of the world's leading medical universities.",
    website="https://ki.se",
) -> dict:
    created = datetime.datetime.combine(latest, datetime.time(10), tzinfo=datetime.UTC)
    values = {"vanity": vanity, "id": organization_id, "name": name, "description": description, "website": website}
    organizations, posts = linkedin_paths(vanity, organization_id)
    return {
        organizations: (200, JSON, fill("linkedin_organizations.json", **values)),
        posts: (200, JSON, fill("linkedin_posts.json", id=organization_id, created_ms=int(created.timestamp() * 1000))),
    }


def hostile() -> dict:
    """Answers a collector must refuse: a billion-laughs feed, malformed XML and JSON."""
    return {
        "/laughs.xml": (200, RSS, (FIXTURES / "billion_laughs.xml").read_text()),
        "/broken.xml": (200, RSS, '<?xml version="1.0"?><rss version="2.0"><channel><title>broken'),
        "/api/v1/accounts/lookup": (200, JSON, '{"id": "1", "display_name": '),
    }
