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
