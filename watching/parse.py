"""Reading what a public source answered (issue 17): feeds (RSS 2.0, Atom, YouTube's channel feed),
profile pages (title, description, the feed they announce) and API JSON. XML only through
defusedxml: a DTD with entities (billion laughs), external entities and the like are refused.
Every failure is ParseError with a translated reason; nothing half-read is returned."""

import datetime
import email.utils
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
# SEND-1, SEND-2: the bio names KI or links ki.se.
NAMES_KI = re.compile(r"\bKI\b|Karolinska|\bki\.se\b", re.IGNORECASE)


class ParseError(Exception):
    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = str(reason)


@dataclass
class Seen:
    display_name: str = ""
    bio: str = ""
    latest_post_at: datetime.datetime | None = None
    latest_post_url: str = ""


def names_ki(bio: str) -> bool | None:
    """SEND-1/SEND-2: True if the bio names KI or links ki.se, None when there is no bio."""
    return bool(NAMES_KI.search(bio)) if bio.strip() else None


def _date(text: str | None) -> datetime.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None:
        try:
            value = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _clean(text: str | None, limit: int) -> str:
    return re.sub(r"\s+", " ", _strip_tags(text or "")).strip()[:limit]


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)


def looks_like_feed(body: bytes, content_type: str) -> bool:
    head = body[:500].lstrip().lower()
    return "xml" in content_type or head.startswith((b"<?xml", b"<rss", b"<feed"))


def feed(body: bytes) -> Seen:
    """The latest entry of an RSS 2.0 or Atom feed, and the feed's title and description."""
    try:
        root = SafeET.fromstring(body)
    except DefusedXmlException:
        raise ParseError(_("The feed declares entities or a DTD; refused (defusedxml).")) from None
    except SafeET.ParseError:
        raise ParseError(_("The feed is not well-formed XML.")) from None
    entries = []
    if root.tag == f"{ATOM}feed":
        seen = Seen(_clean(root.findtext(f"{ATOM}title"), 200), _clean(root.findtext(f"{ATOM}subtitle"), 2000))
        if not seen.display_name:
            seen.display_name = _clean(root.findtext(f"{ATOM}author/{ATOM}name"), 200)
        for entry in root.iter(f"{ATOM}entry"):
            link = next(
                (el.get("href", "") for el in entry.iter(f"{ATOM}link") if el.get("rel", "alternate") == "alternate"),
                "",
            )
            entries.append((_date(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")), link))
    elif root.tag == "rss" and root.find("channel") is not None:
        channel = root.find("channel")
        seen = Seen(_clean(channel.findtext("title"), 200), _clean(channel.findtext("description"), 2000))
        for item in channel.iter("item"):
            entries.append((_date(item.findtext("pubDate")), (item.findtext("link") or "").strip()))
    else:
        raise ParseError(_("The answer is neither an RSS nor an Atom feed."))
    dated = [entry for entry in entries if entry[0]]
    if dated:
        seen.latest_post_at, seen.latest_post_url = max(dated, key=lambda entry: entry[0])
    return seen


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta, self.feeds, self.title, self._in_title = {}, [], "", False

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key and key not in self.meta:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link" and "alternate" in attrs.get("rel", "").lower().split():
            if attrs.get("type", "").lower() in ("application/rss+xml", "application/atom+xml") and attrs.get("href"):
                self.feeds.append(attrs["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page(body: bytes) -> tuple[Seen, list[str]]:
    """A profile page's name and description (Open Graph, else <title> and meta description) and
    the feeds it announces (<link rel="alternate">)."""
    parser = _Page()
    parser.feed(body.decode("utf-8", errors="replace"))
    meta = parser.meta
    seen = Seen(
        _clean(meta.get("og:title") or parser.title, 200),
        _clean(meta.get("og:description") or meta.get("description"), 2000),
    )
    return seen, parser.feeds


def json_body(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ParseError(_("The answer is not valid JSON.")) from None


def field(data, *path, kind=str):
    """data[path...] checked to be of `kind`; ParseError if the answer has another shape."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            raise ParseError(_("The answer lacks %(field)s.") % {"field": ".".join(map(str, path))}) from None
    if not isinstance(data, kind):
        raise ParseError(_("The answer lacks %(field)s.") % {"field": ".".join(map(str, path))})
    return data


def date(text) -> datetime.datetime | None:
    return _date(text if isinstance(text, str) else None)


# -- The platforms' APIs that need a token (watching.api_collectors). Each parser names the
# documentation page whose response shape it follows; fixtures in watching/fixtures/ copy them. --


def _with_link(bio, link) -> str:
    """The bio, and the profile's own link when the platform keeps it apart (SEND-2: "links ki.se")."""
    bio, link = _clean(bio if isinstance(bio, str) else "", 2000), link if isinstance(link, str) else ""
    link = link.strip()[:300]
    return f"{bio} {link}".strip()[:2000] if link and link not in bio else bio


def epoch_ms(value) -> datetime.datetime | None:
    """LinkedIn's times: milliseconds since the epoch."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    try:
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def x_not_found(data) -> str:
    """X API v2 answers an unknown user with HTTP 200 and an `errors` entry titled "Not Found
    Error", type .../problems/resource-not-found (the v2 response structure, docs.x.com "Important
    resources": data, includes, meta, errors): its detail, else ""."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if "data" in (data or {}) or not isinstance(errors, list):
        return ""
    for error in errors:
        if isinstance(error, dict) and (
            "Not Found" in str(error.get("title", "")) or str(error.get("type", "")).endswith("/resource-not-found")
        ):
            return _clean(str(error.get("detail") or error.get("title")), 200)
    return ""


def x_user(data) -> tuple[str, Seen]:
    """GET /2/users/by/username/:username?user.fields=name,description,url,entities
    (docs.x.com/x-api/users/lookup/introduction, "By username"): {"data": {"id", "name", "username",
    "description", "url", "entities": {"url": {"urls": [{"expanded_url"}]}}}}."""
    user = field(data, "data", kind=dict)
    entities = user.get("entities") if isinstance(user.get("entities"), dict) else {}
    urls = entities.get("url", {}).get("urls") if isinstance(entities.get("url"), dict) else None
    link = urls[0].get("expanded_url") if isinstance(urls, list) and urls and isinstance(urls[0], dict) else None
    seen = Seen(_clean(user.get("name"), 200), _with_link(user.get("description"), link or user.get("url")))
    return field(user, "id"), seen


def x_latest(data, handle: str):
    """GET /2/users/:id/tweets?tweet.fields=created_at (docs.x.com/x-api/posts/timelines/introduction, "User posts"):
    {"data": [{"id", "text", "created_at"}], "meta": {"result_count"}}; no `data` when there are
    none. The newest (date, https://x.com/<handle>/status/<id>), or None."""
    if not isinstance(data, dict):
        raise ParseError(_("The answer lacks %(field)s.") % {"field": "data"})
    posts = []
    for post in data.get("data") or []:
        created = date(post.get("created_at")) if isinstance(post, dict) else None
        if created and isinstance(post.get("id"), str) and post["id"].isdigit():
            posts.append((created, f"https://x.com/{handle}/status/{post['id']}"))
    return max(posts) if posts else None


def graph_error(data) -> tuple[int | None, int | None, str] | None:
    """Meta Graph API's error object (developers.facebook.com/docs/graph-api/guides/error-handling):
    {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}: (code, subcode, message)."""
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    code, subcode = error.get("code"), error.get("error_subcode")
    return (
        code if isinstance(code, int) else None,
        subcode if isinstance(subcode, int) else None,
        _clean(str(error.get("message") or ""), 200),
    )


def _graph_latest(edge, date_key: str, link_key: str):
    items = edge.get("data") if isinstance(edge, dict) else None
    dated = [
        (date(item.get(date_key)), str(item.get(link_key) or "")[:500])
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
    ]
    dated = [item for item in dated if item[0]]
    return max(dated) if dated else None


def facebook_page(data) -> Seen:
    """GET /<page>?fields=name,about,link,website,posts.limit(1){created_time,permalink_url}
    (developers.facebook.com/docs/graph-api/reference/page, the Page `posts` edge):
    {"name", "about", "link", "website", "posts": {"data": [{"created_time", "permalink_url", "id"}]}, "id"}."""
    seen = Seen(_clean(field(data, "name"), 200), _with_link(data.get("about"), data.get("website")))
    latest = _graph_latest(data.get("posts"), "created_time", "permalink_url")
    if latest:
        seen.latest_post_at, seen.latest_post_url = latest
    return seen


def instagram_account(data) -> Seen:
    """GET /<ig-user-id>?fields=business_discovery.username(<name>){username,name,biography,website,
    media.limit(1){timestamp,permalink}} (developers.facebook.com/docs/instagram-platform/
    instagram-graph-api/reference/ig-user/business_discovery): {"business_discovery": {"username",
    "name", "biography", "website", "media": {"data": [{"timestamp", "permalink", "id"}]}, "id"}, "id"}."""
    account = field(data, "business_discovery", kind=dict)
    seen = Seen(
        _clean(account.get("name") or field(account, "username"), 200),
        _with_link(account.get("biography"), account.get("website")),
    )
    latest = _graph_latest(account.get("media"), "timestamp", "permalink")
    if latest:
        seen.latest_post_at, seen.latest_post_url = latest
    return seen


def linkedin_organization(data) -> tuple[int, Seen] | None:
    """GET /rest/organizations?q=vanityName&vanityName=<name> (learn.microsoft.com/linkedin/
    marketing/community-management/organizations/organization-lookup-api, "Find Organization by
    Vanity Name"): {"elements": [{"id", "vanityName", "localizedName", "localizedDescription",
    "localizedWebsite"}], "paging"}. None when no organization has that name."""
    elements = field(data, "elements", kind=list)
    if not elements:
        return None
    organization = field(elements, 0, kind=dict)
    organization_id = organization.get("id")
    if isinstance(organization_id, bool) or not isinstance(organization_id, int):
        raise ParseError(_("The answer lacks %(field)s.") % {"field": "elements.0.id"})
    seen = Seen(
        _clean(field(organization, "localizedName"), 200),
        _with_link(organization.get("localizedDescription"), organization.get("localizedWebsite")),
    )
    return organization_id, seen


def linkedin_latest(data):
    """GET /rest/posts?author=<urn>&q=author&count=1&sortBy=CREATED (learn.microsoft.com/linkedin/
    marketing/community-management/shares/posts-api, "Find Posts by Authors"): {"elements": [{"id":
    "urn:li:share:…", "author", "createdAt", "publishedAt", "lifecycleState"}]}. The newest
    (date, https://www.linkedin.com/feed/update/<urn>/), or None."""
    posts = []
    for post in field(data, "elements", kind=list):
        if not isinstance(post, dict) or not re.fullmatch(r"urn:li:(share|ugcPost):\d+", str(post.get("id"))):
            continue
        created = epoch_ms(post.get("publishedAt")) or epoch_ms(post.get("createdAt"))
        if created:
            posts.append((created, f"https://www.linkedin.com/feed/update/{post['id']}/"))
    return max(posts) if posts else None
