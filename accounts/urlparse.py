"""Recognise social media profile addresses and derive a normalised handle.

KI registers its official social media accounts. When someone pastes a
profile address, :func:`recognise` works out which platform it belongs to and
derives a normalised *handle*, so that the same platform + handle pair can be
registered only once, however the address was written (``http://``, ``www.``,
``m.``, tracking parameters, trailing slashes, upper case, ...).

The design is table-driven: each platform has one small path rule registered
in ``_RULES`` (and, where needed, a canonical URL builder in ``_URL_BUILDERS``
and allowed subdomains in ``_SUBDOMAINS``). This module is pure Python; the
only Django dependency is translation of user-facing messages.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
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
# Public result and error types
# --------------------------------------------------------------------------


class UnrecognisedURL(ValueError):
    """The address could not be turned into a platform + handle.

    ``message`` is user-facing and may be a lazy translation; ``str(exc)``
    renders it in the active language.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Recognised:
    """A recognised profile: platform slug, normalised handle, canonical URL."""

    platform: str
    handle: str
    url: str


# User-facing messages (translated lazily; rendered when shown).
MSG_INVALID = _("Enter the address of the account's profile page, starting with https://.")
MSG_TOO_LONG = _("This address is too long to be a profile address.")
MSG_CREDENTIALS = _("The address must not contain a user name or password.")
MSG_UNKNOWN = _("This is not a profile address on a platform we know.")
MSG_NOT_PROFILE = _("This address does not lead to an account's profile page.")
MSG_POST = _("This looks like a link to a post, not to the account's profile page.")
MSG_BAD_CHARS = _("The account name in this address contains characters that are not allowed.")


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
# Parsing helpers
# --------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


# Characters a final handle may consist of (after percent-decoding).
_HANDLE_RE = re.compile(r"[A-Za-z0-9._\-@:/?=]+")
# One account-name path segment: word characters, dots and dashes, at least
# one letter or digit (so "." and ".." are not names).
_NAME_RE = re.compile(r"(?=[^A-Za-z0-9]*[A-Za-z0-9])[A-Za-z0-9._\-]+")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+")
# Leading labels that are just alternative front-ends of the same site.
_GENERIC_PREFIXES = _words("www m mobile web")
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


@dataclass(frozen=True)
class _Parts:
    """What a path rule gets to see."""

    segments: tuple[str, ...]  # percent-decoded, non-empty path segments
    query: str  # raw query string; only Facebook's profile.php uses it


def _name(segment: str) -> str:
    """Validate one account-name segment and return it lowercased."""
    if not _NAME_RE.fullmatch(segment):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return segment.lower()


def _first_segment(
    parts: _Parts,
    reserved: frozenset[str] = frozenset(),
    posts: frozenset[str] = frozenset(),
) -> str:
    """The common rule: the first path segment is the account name.

    Deeper paths (``/<name>/videos``) still identify the account.
    """
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    first = parts.segments[0].lower()
    if first in posts:
        raise UnrecognisedURL(MSG_POST)
    if first in reserved:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return _name(parts.segments[0])


def _second(parts: _Parts) -> str:
    """The segment after the first one, e.g. <name> in /company/<name>."""
    if len(parts.segments) < 2:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return parts.segments[1]


def _at_name(segment: str) -> str:
    """A ``@user`` segment (TikTok, Threads, YouTube): returns ``@user``."""
    if not segment.startswith("@"):
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return "@" + _name(segment[1:])


# --------------------------------------------------------------------------
# Per-platform path rules
# --------------------------------------------------------------------------

_RULES: dict[str, Callable[[_Parts], str]] = {}


def _rule(slug: str):
    def register(func: Callable[[_Parts], str]) -> Callable[[_Parts], str]:
        _RULES[slug] = func
        return func

    return register


_FACEBOOK_POSTS = _words(
    "watch reel reels story.php permalink.php photo photo.php photos video.php videos posts events live"
)
_FACEBOOK_RESERVED = _words(
    "sharer sharer.php share share.php dialog plugins login login.php logout.php "
    "signup r.php recover checkpoint home.php l.php help policies privacy legal "
    "settings messages notifications marketplace gaming hashtag search stories "
    "friends bookmarks saved fundraisers business ads public about careers media "
    "tr"
)


@_rule("facebook")
def _facebook(parts: _Parts) -> str:
    first = parts.segments[0].lower() if parts.segments else ""
    if first == "profile.php":
        # The one place where a query parameter is the identity.
        ids = parse_qs(parts.query).get("id", [])
        if len(ids) == 1 and ids[0].isascii() and ids[0].isdigit():
            return "id:" + ids[0]
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    if first in ("pages", "people"):
        # /pages/<Name>/<id>, /pages/category/<Category>/<Name>/<id>, /people/<Name>/<id>
        numeric = [s for s in parts.segments[1:] if s.isascii() and s.isdigit()]
        if not numeric:
            raise UnrecognisedURL(MSG_NOT_PROFILE)
        return "id:" + numeric[-1]
    if first == "groups":
        return "groups/" + _name(_second(parts))
    return _first_segment(parts, _FACEBOOK_RESERVED, _FACEBOOK_POSTS)


_INSTAGRAM_POSTS = _words("p reel reels tv stories")
_INSTAGRAM_RESERVED = _words(
    "explore accounts direct about legal developer web emails challenge oauth privacy session static"
)


@_rule("instagram")
def _instagram(parts: _Parts) -> str:
    if parts.segments and parts.segments[0] == "_u":  # app deep link /_u/<name>
        parts = _Parts(parts.segments[1:], parts.query)
    return _first_segment(parts, _INSTAGRAM_RESERVED, _INSTAGRAM_POSTS)


_LINKEDIN_KINDS = _words("company school showcase in")
_LINKEDIN_POSTS = _words("posts feed pulse events")


@_rule("linkedin")
def _linkedin(parts: _Parts) -> str:
    kind = parts.segments[0].lower() if parts.segments else ""
    if kind in _LINKEDIN_POSTS:
        raise UnrecognisedURL(MSG_POST)
    if kind not in _LINKEDIN_KINDS:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return f"{kind}/{_name(_second(parts))}"


_X_RESERVED = _words(
    "home i intent search hashtag explore notifications messages settings login "
    "logout signup share compose tos privacy account"
)


@_rule("x")
def _x(parts: _Parts) -> str:
    # /<user>/status/<n> is a post, but it names the profile, so accept it.
    if parts.segments and parts.segments[0].startswith("@"):
        parts = _Parts((parts.segments[0][1:], *parts.segments[1:]), parts.query)
    return _first_segment(parts, _X_RESERVED)


_YOUTUBE_POSTS = _words("watch shorts live embed playlist clip v post")
_YOUTUBE_RESERVED = _words(
    "results feed account signin logout premium gaming about t howyoutubeworks "
    "creators kids redirect attribution_link hashtag"
)
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_\-]{22}")


@_rule("youtube")
def _youtube(parts: _Parts) -> str:
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    first = parts.segments[0]
    kind = first.lower()
    if first.startswith("@"):
        return _at_name(first)
    if kind == "channel":
        channel_id = _second(parts)
        if not _YOUTUBE_CHANNEL_ID.fullmatch(channel_id):
            raise UnrecognisedURL(MSG_NOT_PROFILE)
        return "channel/" + channel_id  # channel ids are case-sensitive
    if kind in ("c", "user"):
        return f"{kind}/{_name(_second(parts))}"
    # Legacy custom URL: youtube.com/<name> is the same as youtube.com/c/<name>.
    return "c/" + _first_segment(parts, _YOUTUBE_RESERVED, _YOUTUBE_POSTS)


@_rule("tiktok")
def _tiktok(parts: _Parts) -> str:
    # /@user/video/<n> still names the profile.
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return _at_name(parts.segments[0])


@_rule("threads")
def _threads(parts: _Parts) -> str:
    # /@user/post/<id> still names the profile.
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return _at_name(parts.segments[0])


_BLUESKY_ACTOR = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)+|did:[a-z]+:[a-z0-9._:\-]+")


@_rule("bluesky")
def _bluesky(parts: _Parts) -> str:
    if not parts.segments or parts.segments[0].lower() != "profile":
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    actor = _second(parts).lower().removeprefix("@")
    if not _BLUESKY_ACTOR.fullmatch(actor):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return actor


_VIMEO_RESERVED = _words(
    "channels groups album showcase ondemand categories search upload features "
    "blog help log_in join manage settings home about stock create watch"
)


@_rule("vimeo")
def _vimeo(parts: _Parts) -> str:
    if parts.segments and parts.segments[0].isdigit():
        raise UnrecognisedURL(MSG_POST)  # vimeo.com/<digits> is a video
    return _first_segment(parts, _VIMEO_RESERVED, _words("video event"))


_FLICKR_NSID = re.compile(r"(\d+)@n(\d+)")
_FLICKR_RESERVED = _words("tags upload organize friends me search")


@_rule("flickr")
def _flickr(parts: _Parts) -> str:
    if not parts.segments or parts.segments[0].lower() not in ("photos", "people"):
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    account = _second(parts)
    if account.lower() in _FLICKR_RESERVED:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    nsid = _FLICKR_NSID.fullmatch(account.lower())
    if nsid:  # numeric user ids look like 12345678@N02
        return f"{nsid[1]}@N{nsid[2]}"
    return _name(account)


_PINTEREST_RESERVED = _words("search ideas today explore business login settings categories topics _")


@_rule("pinterest")
def _pinterest(parts: _Parts) -> str:
    return _first_segment(parts, _PINTEREST_RESERVED, _words("pin"))


@_rule("snapchat")
def _snapchat(parts: _Parts) -> str:
    # snapchat.com/add/<user> (classic) and snapchat.com/@<user> (public profiles).
    if parts.segments and parts.segments[0].startswith("@"):
        return _name(parts.segments[0][1:])
    if parts.segments and parts.segments[0].lower() == "add":
        return _name(_second(parts))
    if parts.segments and parts.segments[0].lower() == "spotlight":
        raise UnrecognisedURL(MSG_POST)
    raise UnrecognisedURL(MSG_NOT_PROFILE)


_SPOTIFY_LOCALE = re.compile(r"intl-[a-z]{2}(?:-[a-z]{2,})?", re.IGNORECASE)
_SPOTIFY_ID = re.compile(r"[A-Za-z0-9]{22}")


@_rule("spotify")
def _spotify(parts: _Parts) -> str:
    segments = parts.segments
    if segments and _SPOTIFY_LOCALE.fullmatch(segments[0]):  # /intl-sv/show/<id>
        segments = segments[1:]
    kind = segments[0].lower() if segments else ""
    if kind in ("episode", "track"):
        raise UnrecognisedURL(MSG_POST)
    if kind != "show" or len(segments) < 2 or not _SPOTIFY_ID.fullmatch(segments[1]):
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return "show/" + segments[1]  # Spotify ids are case-sensitive


_SOUNDCLOUD_RESERVED = _words(
    "discover stream search upload you charts pages terms-of-use settings "
    "messages notifications signin mobile people tags stations jobs imprint"
)


@_rule("soundcloud")
def _soundcloud(parts: _Parts) -> str:
    return _first_segment(parts, _SOUNDCLOUD_RESERVED)


@_rule("reddit")
def _reddit(parts: _Parts) -> str:
    # /r/<name>/comments/... still names the subreddit.
    kind = parts.segments[0].lower() if parts.segments else ""
    if kind == "r":
        return "r/" + _name(_second(parts))
    if kind in ("u", "user"):
        return "u/" + _name(_second(parts))
    raise UnrecognisedURL(MSG_NOT_PROFILE)


_GITHUB_RESERVED = _words(
    "login join about features pricing settings marketplace explore topics search "
    "sponsors notifications new issues pulls apps enterprise collections trending "
    "events codespaces organizations site security customer-stories readme team "
    "contact dashboard"
)


@_rule("github")
def _github(parts: _Parts) -> str:
    if parts.segments and parts.segments[0].lower() == "orgs":  # /orgs/<name>/people
        return _name(_second(parts))
    return _first_segment(parts, _GITHUB_RESERVED)


_WEIBO_RESERVED = _words("login signup hot search p n newlogin home")


@_rule("weibo")
def _weibo(parts: _Parts) -> str:
    kind = parts.segments[0].lower() if parts.segments else ""
    if kind in ("u", "profile"):  # weibo.com/u/<uid>, m.weibo.cn/profile/<uid>
        uid = _second(parts)
        if not (uid.isascii() and uid.isdigit()):
            raise UnrecognisedURL(MSG_NOT_PROFILE)
        return "u/" + uid
    if kind.isascii() and kind.isdigit():  # weibo.com/<uid> is the same profile
        return "u/" + kind
    return _first_segment(parts, _WEIBO_RESERVED)


_MASTODON_USER = re.compile(r"[a-z0-9_](?:[a-z0-9_.\-]*[a-z0-9_])?")


def _mastodon(host: str, segments: tuple[str, ...]) -> str:
    """``https://host/@user`` (optionally ``/@user/<post id>``) -> ``user@host``."""
    if not segments or not segments[0].startswith("@") or len(segments) > 2:
        raise UnrecognisedURL(MSG_UNKNOWN)
    if len(segments) == 2 and not segments[1].isdigit():
        raise UnrecognisedURL(MSG_UNKNOWN)
    account = segments[0][1:].lower()
    if not account:
        raise UnrecognisedURL(MSG_UNKNOWN)
    # A remote account viewed through another server: /@user@home.server
    user, _sep, home = account.partition("@")
    home = home or host
    if not _MASTODON_USER.fullmatch(user) or not _is_public_host(home):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return f"{user}@{home}"


# --------------------------------------------------------------------------
# Canonical URLs
# --------------------------------------------------------------------------


def _facebook_url(handle: str) -> str:
    if handle.startswith("id:"):
        # A numeric id is only reachable through this query parameter.
        return "https://facebook.com/profile.php?id=" + handle[3:]
    return "https://facebook.com/" + handle


def _reddit_url(handle: str) -> str:
    kind, _sep, name = handle.partition("/")
    return f"https://reddit.com/{'r' if kind == 'r' else 'user'}/{name}"


def _weibo_url(handle: str) -> str:
    return "https://weibo.com/" + handle


def _mastodon_url(handle: str) -> str:
    user, _sep, host = handle.partition("@")
    return f"https://{host}/@{user}"


_URL_BUILDERS: dict[str, Callable[[str], str]] = {
    "facebook": _facebook_url,
    "instagram": "https://instagram.com/{}".format,
    "linkedin": "https://linkedin.com/{}".format,
    "x": "https://x.com/{}".format,
    "youtube": "https://youtube.com/{}".format,
    "tiktok": "https://tiktok.com/{}".format,
    "bluesky": "https://bsky.app/profile/{}".format,
    "mastodon": _mastodon_url,
    "threads": "https://threads.com/{}".format,
    "vimeo": "https://vimeo.com/{}".format,
    "flickr": "https://flickr.com/photos/{}".format,
    "pinterest": "https://pinterest.com/{}".format,
    "snapchat": "https://snapchat.com/add/{}".format,
    "spotify": "https://open.spotify.com/{}".format,
    "soundcloud": "https://soundcloud.com/{}".format,
    "reddit": _reddit_url,
    "github": "https://github.com/{}".format,
    "weibo": _weibo_url,
}


def canonical_url(platform: str, handle: str) -> str:
    """The canonical profile URL for a platform slug and normalised handle.

    Returns ``""`` for platforms without profile addresses (WeChat). Raises
    ``ValueError`` for an unknown platform slug.
    """
    if platform not in PLATFORM_BY_SLUG:
        raise ValueError(f"Unknown platform: {platform!r}")
    builder = _URL_BUILDERS.get(platform)
    return builder(handle) if builder else ""


# --------------------------------------------------------------------------
# recognise()
# --------------------------------------------------------------------------


def _is_public_host(host: str) -> bool:
    """A plausible public DNS name: dotted, valid labels, not an IP address."""
    if not _HOST_RE.fullmatch(host):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return not host.rsplit(".", 1)[1].isdigit()
    return False


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
    if not _is_public_host(host):
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
        if platform not in _RULES and platform != "mastodon":
            raise _no_url(platform)

    host, path, query = _split(url)
    segments = tuple(s for s in path.split("/") if s)

    slug = _match_platform(host)
    if slug is not None:
        handle = _RULES[slug](_Parts(segments, query))
    elif _is_under(host, _NOT_MASTODON):
        raise UnrecognisedURL(MSG_UNKNOWN)
    else:
        slug = "mastodon"
        handle = _mastodon(host.removeprefix("www."), segments)

    if not _HANDLE_RE.fullmatch(handle):  # safety net; rules validate too
        raise UnrecognisedURL(MSG_BAD_CHARS)
    if platform is not None and slug != platform:
        raise _mismatch(slug, platform)
    return Recognised(platform=slug, handle=handle, url=canonical_url(slug, handle))
