"""Recognise social media profile addresses and derive a normalised handle.

KI registers its official social media accounts. When someone pastes a
profile address, :func:`recognise` works out which platform it belongs to and
derives a normalised *handle*, so that the same platform + handle pair can be
registered only once, however the address was written (``http://``, ``www.``,
``m.``, tracking parameters, trailing slashes, upper case, ...).

The design is table-driven: each platform has one small path rule registered
in ``RULES`` (and, where needed, a canonical URL builder in ``URL_BUILDERS``
and allowed subdomains in ``_SUBDOMAINS``). This module is pure Python; the
only Django dependency is translation of user-facing messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

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
    "PLATFORMS",
    "PLATFORM_BY_SLUG",
    "PlatformSpec",
    "Recognised",
    "UnrecognisedURL",
    "canonical_url",
    "recognise",
]

MAX_URL_LENGTH = 2048


# --------------------------------------------------------------------------
# Platforms
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformSpec:
    """Static facts about one social media platform."""

    slug: str
    name: str
    # Bare registrable hosts; a platform owns these and their subdomains.
    domains: tuple[str, ...]
    can_disable_comments: bool
    has_description: bool


PLATFORMS: tuple[PlatformSpec, ...] = (
    PlatformSpec("facebook", "Facebook", ("facebook.com", "fb.com"), True, True),
    PlatformSpec("instagram", "Instagram", ("instagram.com",), True, True),
    PlatformSpec("linkedin", "LinkedIn", ("linkedin.com",), True, True),
    # X cannot switch replies off entirely, but can limit who may reply.
    PlatformSpec("x", "X", ("x.com", "twitter.com"), True, True),
    # youtu.be only carries video links, never profiles, so it is not listed.
    PlatformSpec("youtube", "YouTube", ("youtube.com",), True, True),
    PlatformSpec("tiktok", "TikTok", ("tiktok.com",), True, True),
    # Bluesky threadgates let the author restrict or switch off replies.
    PlatformSpec("bluesky", "Bluesky", ("bsky.app",), True, True),
    # Any host: recognised by a /@user path when no other platform matched.
    PlatformSpec("mastodon", "Mastodon", (), False, True),
    PlatformSpec("threads", "Threads", ("threads.com", "threads.net"), True, True),
    PlatformSpec("vimeo", "Vimeo", ("vimeo.com",), True, True),
    # Flickr can restrict who may comment, but not switch comments off.
    PlatformSpec("flickr", "Flickr", ("flickr.com",), False, True),
    PlatformSpec("pinterest", "Pinterest", ("pinterest.com", "pinterest.se"), True, True),
    # Uncertain: only Spotlight comments can be switched off, per post.
    PlatformSpec("snapchat", "Snapchat", ("snapchat.com",), True, True),
    # Uncertain: podcast comments are newer and can be switched off per show.
    PlatformSpec("spotify", "Spotify", ("spotify.com",), True, True),
    PlatformSpec("soundcloud", "SoundCloud", ("soundcloud.com",), True, True),
    # Moderators can lock posts, which switches comments off.
    PlatformSpec("reddit", "Reddit", ("reddit.com",), True, True),
    # Uncertain: "comments" means issues/discussions, which can be locked or off.
    PlatformSpec("github", "GitHub", ("github.com",), True, True),
    PlatformSpec("weibo", "Weibo", ("weibo.com", "weibo.cn"), True, True),
    # No URL recognition: WeChat official accounts have no public profile URL.
    PlatformSpec("wechat", "WeChat", (), True, True),
)

PLATFORM_BY_SLUG: dict[str, PlatformSpec] = {p.slug: p for p in PLATFORMS}

_PLATFORM_BY_DOMAIN: dict[str, str] = {d: p.slug for p in PLATFORMS for d in p.domains}


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
def _mismatch(found: str, expected: str) -> UnrecognisedURL:
    return UnrecognisedURL(
        gettext("This address belongs to %(found)s, not %(expected)s.")
        % {
            "found": PLATFORM_BY_SLUG[found].name,
            "expected": PLATFORM_BY_SLUG[expected].name,
        }
    )


def _no_url(platform: str) -> UnrecognisedURL:
    return UnrecognisedURL(
        gettext("Accounts on %(platform)s cannot be recognised from an address.")
        % {"platform": PLATFORM_BY_SLUG[platform].name}
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


def canonical_url(platform: str, handle: str) -> str:
    """The canonical profile URL for a platform slug and normalised handle.

    Returns ``""`` for platforms without profile addresses (WeChat). Raises
    ``ValueError`` for an unknown platform slug.
    """
    if platform not in PLATFORM_BY_SLUG:
        raise ValueError(f"Unknown platform: {platform!r}")
    builder = URL_BUILDERS.get(platform)
    return builder(handle) if builder else ""


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


def _match_platform(host: str) -> str | None:
    """The slug of the platform owning ``host``, or None."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        slug = _PLATFORM_BY_DOMAIN.get(domain)
        if slug is None:
            continue
        extra = labels[:i]
        while extra and extra[0] in _GENERIC_PREFIXES:
            extra.pop(0)
        if extra:
            allowed = _SUBDOMAINS.get(slug)
            if len(extra) > 1 or allowed is None or not allowed.fullmatch(extra[0]):
                # e.g. business.facebook.com, music.youtube.com, vm.tiktok.com
                raise UnrecognisedURL(MSG_NOT_PROFILE)
        return slug
    return None


def recognise(url: str, platform: str | None = None) -> Recognised:
    """Recognise a profile address and derive its normalised handle.

    If ``platform`` (a slug) is given, the address must belong to it.
    Raises :class:`UnrecognisedURL` with a user-facing message otherwise.
    """
    if platform is not None:
        if platform not in PLATFORM_BY_SLUG:
            raise ValueError(f"Unknown platform: {platform!r}")
        if platform not in RULES and platform != "mastodon":
            raise _no_url(platform)

    host, path, query = _split(url)
    segments = tuple(s for s in path.split("/") if s)

    slug = _match_platform(host)
    if slug is not None:
        handle = RULES[slug](Parts(segments, query))
    elif _is_under(host, _NOT_MASTODON):
        raise UnrecognisedURL(MSG_UNKNOWN)
    else:
        slug = "mastodon"
        handle = mastodon_handle(host.removeprefix("www."), segments)

    if not _HANDLE_RE.fullmatch(handle):  # safety net; rules validate too
        raise UnrecognisedURL(MSG_BAD_CHARS)
    if platform is not None and slug != platform:
        raise _mismatch(slug, platform)
    return Recognised(platform=slug, handle=handle, url=canonical_url(slug, handle))
