"""Recognise social media profile addresses and derive a normalised handle.

KI registers its official social media accounts. When someone pastes a
profile address, :func:`recognise` works out which platform it belongs to and
derives a normalised *handle*, so that the same platform + handle pair can be
registered only once, however the address was written (``http://``, ``www.``,
``m.``, tracking parameters, trailing slashes, upper case, ...).

The platforms and their address rules are data (issue 14): the Platform table,
which comms edit on the platform pages. Each row names its host names and how a
handle is read from a path: a built-in rule of ``accounts.urlrules`` (the rules
the catalogue started with) or a regular expression with a named group
``handle``, matched against the whole path. The rows are read once into the
cache (:func:`catalogue`); accounts.platform_services drops it on every change,
so a new platform works at once, without a deploy.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.cache import cache
from django.utils.translation import gettext

from accounts.urlrules import (
    MSG_BAD_CHARS,
    MSG_CREDENTIALS,
    MSG_INVALID,
    MSG_NOT_PROFILE,
    MSG_POST,
    MSG_TOO_LONG,
    MSG_UNKNOWN,
    RULES,
    URL_BUILDERS,
    Parts,
    UnrecognisedURL,
    is_public_host,
    mastodon_handle,
    words,
)

__all__ = [
    "MSG_BAD_CHARS",
    "MSG_CREDENTIALS",
    "MSG_INVALID",
    "MSG_NOT_PROFILE",
    "MSG_POST",
    "MSG_TOO_LONG",
    "MSG_UNKNOWN",
    "BUILTIN_RULES",
    "Catalogue",
    "PlatformRule",
    "Recognised",
    "UnrecognisedURL",
    "canonical_url",
    "catalogue",
    "catalogue_forget",
    "recognise",
]

MAX_URL_LENGTH = 2048

# The built-in rules a platform row can name: one per platform the catalogue started with, and
# "mastodon" (any host with a /@user path that no other platform claims: the fediverse).
FEDIVERSE = "mastodon"
BUILTIN_RULES: tuple[str, ...] = (*RULES, FEDIVERSE)


# --------------------------------------------------------------------------
# The catalogue (the Platform table, cached)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformRule:
    """What recognising an address needs to know about one platform row."""

    slug: str
    name: str
    domains: tuple[str, ...] = ()
    builtin_rule: str = ""
    handle_pattern: str = ""
    url_template: str = ""

    @property
    def has_rule(self) -> bool:
        return bool(self.builtin_rule or self.handle_pattern)


@dataclass(frozen=True)
class Catalogue:
    """Every platform row by slug, and the owner of each host name."""

    platforms: dict[str, PlatformRule]

    @property
    def by_domain(self) -> dict[str, str]:
        return {d: p.slug for p in self.platforms.values() for d in p.domains}

    @property
    def fediverse(self) -> str | None:
        """The platform that takes /@user addresses on hosts no platform claims."""
        return next((p.slug for p in self.platforms.values() if p.builtin_rule == FEDIVERSE), None)

    def replace(self, rule: PlatformRule) -> Catalogue:
        """The catalogue with one platform added or changed (to check a rule before it is saved)."""
        return Catalogue({**self.platforms, rule.slug: rule})


CACHE_KEY = "accounts:platform-catalogue:1"
# A safety net only: every change drops the cached catalogue (catalogue_forget).
CACHE_SECONDS = 3600
logger = logging.getLogger(__name__)
_FIELDS = ("slug", "name", "domains", "builtin_rule", "handle_pattern", "url_template")


def catalogue() -> Catalogue:
    """The platform catalogue from the cache, or from the Platform table (one query). Without the
    cache (Redis down) every address is read with the table: the public directory and the forms
    keep working, one query slower (docs/reliability.md, R3)."""
    try:
        rows = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - any cache failure: read the table instead
        logger.warning("platform catalogue: the cache cannot be reached; reading the table", exc_info=True)
        rows, cached = None, False
    else:
        cached = True
    if rows is None:
        from accounts.models import Platform

        rows = list(Platform.objects.order_by("pk").values_list(*_FIELDS))
        if cached:
            try:
                cache.set(CACHE_KEY, rows, CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("platform catalogue: not cached, the cache cannot be reached", exc_info=True)
    return Catalogue(
        {
            slug: PlatformRule(slug, name, tuple(domains or ()), builtin, pattern, template)
            for slug, name, domains, builtin, pattern, template in rows
        }
    )


def catalogue_forget() -> None:
    """Drop the cached catalogue: the next address is read with the table as it is now. If the
    cache cannot be reached the change is saved all the same; a copy the cache still holds when it
    returns expires after CACHE_SECONDS (logged as an error, so that operations know)."""
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # noqa: BLE001
        logger.error("platform catalogue: the cached copy could not be dropped", exc_info=True)


# --------------------------------------------------------------------------
# Public result type (the error type and its messages are accounts.urlrules')
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognised:
    """A recognised profile: platform slug, normalised handle, canonical URL."""

    platform: str
    handle: str
    url: str


# Messages with placeholders are translated with gettext() and formatted at
# raise time (%-formatting a lazy string would evaluate it there anyway).
def _mismatch(found: PlatformRule, expected: PlatformRule) -> UnrecognisedURL:
    return UnrecognisedURL(
        gettext("This address belongs to %(found)s, not %(expected)s.")
        % {"found": found.name, "expected": expected.name}
    )


def _no_url(platform: PlatformRule) -> UnrecognisedURL:
    return UnrecognisedURL(
        gettext("Accounts on %(platform)s cannot be recognised from an address.") % {"platform": platform.name}
    )


# --------------------------------------------------------------------------
# Hosts
# --------------------------------------------------------------------------


# Characters a final handle may consist of (after percent-decoding).
_HANDLE_RE = re.compile(r"[A-Za-z0-9._\-@:/?=]+")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Leading labels that are just alternative front-ends of the same site.
_GENERIC_PREFIXES = words("www m mobile web")
# Locale subdomains: "se", "sv-se", "se-sv".
_LOCALE_LABEL = re.compile(r"[a-z]{2}(?:-[a-z]{2})?")

# Subdomains (after stripping _GENERIC_PREFIXES) that still show profiles.
_SUBDOMAINS: dict[str, re.Pattern[str]] = {
    "facebook": _LOCALE_LABEL,
    "linkedin": _LOCALE_LABEL,
    "pinterest": _LOCALE_LABEL,
    "spotify": re.compile(r"open"),
    "reddit": re.compile(r"old|new|np"),
    "snapchat": re.compile(r"story"),
}

# Hosts that use /@user paths but are not Mastodon (or the wider fediverse).
_NOT_MASTODON = ("medium.com", "substack.com")


def canonical_url(platform: str, handle: str, *, platforms: Catalogue | None = None) -> str:
    """The canonical profile URL for a platform slug and normalised handle.

    Returns ``""`` for platforms without profile addresses (WeChat). Raises
    ``ValueError`` for an unknown platform slug.
    """
    rule = (platforms or catalogue()).platforms.get(platform)
    if rule is None:
        raise ValueError(f"Unknown platform: {platform!r}")
    builder = URL_BUILDERS.get(rule.builtin_rule)
    if builder:
        return builder(handle)
    if rule.url_template:
        return rule.url_template.replace("{handle}", handle)
    return ""


# --------------------------------------------------------------------------
# recognise()
# --------------------------------------------------------------------------


def _split(url: str) -> tuple[str, str, str]:
    """Validate the raw input; return (host, decoded path, raw query)."""
    text = url.strip() if isinstance(url, str) else ""
    if not text or text.startswith("@"):
        raise UnrecognisedURL(MSG_INVALID)
    if len(text) > MAX_URL_LENGTH:
        raise UnrecognisedURL(MSG_TOO_LONG)
    if any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in text):
        raise UnrecognisedURL(MSG_INVALID)

    scheme = _SCHEME_RE.match(text)
    if scheme and "." not in scheme[1]:  # "instagram.com:443/x" has no scheme
        rest = text[scheme.end() :]
        if scheme[1].lower() not in ("http", "https") or not rest.startswith("//"):
            raise UnrecognisedURL(MSG_INVALID)
    elif text.startswith("//"):
        text = "https:" + text
    else:
        text = "https://" + text

    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise UnrecognisedURL(MSG_INVALID) from None
    if "@" in parts.netloc:
        raise UnrecognisedURL(MSG_CREDENTIALS)
    if port not in (None, 80, 443):
        raise UnrecognisedURL(MSG_UNKNOWN)

    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnrecognisedURL(MSG_INVALID) from None
    if not is_public_host(host):
        raise UnrecognisedURL(MSG_INVALID)

    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise UnrecognisedURL(MSG_BAD_CHARS) from None
    return host, path, parts.query


def _is_under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _match_platform(host: str, platforms: Catalogue) -> PlatformRule | None:
    """The platform owning ``host``, or None."""
    by_domain = platforms.by_domain
    labels = host.split(".")
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        slug = by_domain.get(domain)
        if slug is None:
            continue
        rule = platforms.platforms[slug]
        extra = labels[:i]
        while extra and extra[0] in _GENERIC_PREFIXES:
            extra.pop(0)
        if extra:
            allowed = _SUBDOMAINS.get(rule.builtin_rule)
            if len(extra) > 1 or allowed is None or not allowed.fullmatch(extra[0]):
                # e.g. business.facebook.com, music.youtube.com, vm.tiktok.com
                raise UnrecognisedURL(MSG_NOT_PROFILE)
        return rule
    return None


def _read_handle(rule: PlatformRule, segments: tuple[str, ...], query: str) -> str:
    """The handle in a path of the platform's own host, by its built-in rule or its pattern."""
    if rule.builtin_rule in RULES:
        return RULES[rule.builtin_rule](Parts(segments, query))
    if rule.handle_pattern:
        # The whole path, without empty segments: "/ki/" and "//ki" read as "/ki".
        found = re.fullmatch(rule.handle_pattern, "/" + "/".join(segments))
        if found is None or not found.group("handle"):
            raise UnrecognisedURL(MSG_NOT_PROFILE)
        return found.group("handle").lower()
    raise _no_url(rule)


def recognise(url: str, platform: str | None = None, *, platforms: Catalogue | None = None) -> Recognised:
    """Recognise a profile address and derive its normalised handle.

    If ``platform`` (a slug) is given, the address must belong to it.
    Raises :class:`UnrecognisedURL` with a user-facing message otherwise.
    ``platforms`` is the catalogue to use (default: the Platform table, cached).
    """
    platforms = platforms or catalogue()
    expected = None
    if platform is not None:
        expected = platforms.platforms.get(platform)
        if expected is None:
            raise ValueError(f"Unknown platform: {platform!r}")
        if not expected.has_rule:
            raise _no_url(expected)

    host, path, query = _split(url)
    segments = tuple(s for s in path.split("/") if s)

    rule = _match_platform(host, platforms)
    if rule is not None:
        handle = _read_handle(rule, segments, query)
    elif _is_under(host, _NOT_MASTODON) or platforms.fediverse is None:
        raise UnrecognisedURL(MSG_UNKNOWN)
    else:
        rule = platforms.platforms[platforms.fediverse]
        handle = mastodon_handle(host.removeprefix("www."), segments)

    if not _HANDLE_RE.fullmatch(handle):  # safety net; rules validate too
        raise UnrecognisedURL(MSG_BAD_CHARS)
    if expected is not None and rule.slug != expected.slug:
        raise _mismatch(rule, expected)
    return Recognised(platform=rule.slug, handle=handle, url=canonical_url(rule.slug, handle, platforms=platforms))
