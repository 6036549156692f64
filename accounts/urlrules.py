"""The per-platform rules of accounts.urlparse: which path of a platform's address is a profile,
what its normalised handle is, and the canonical address of a handle.

Each platform has one small path rule registered in ``RULES`` (and, where needed, a canonical URL
builder in ``URL_BUILDERS``). accounts.urlparse does the rest (validating the address, finding
the platform from the host) and is the API the rest of the portal uses. Pure Python; the only
Django dependency is the translation of user-facing messages.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from django.utils.translation import gettext_lazy as _


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


# User-facing messages (translated lazily; rendered when shown).
MSG_INVALID = _("Enter the address of the account's profile page, starting with https://.")
MSG_TOO_LONG = _("This address is too long to be a profile address.")
MSG_CREDENTIALS = _("The address must not contain a user name or password.")
MSG_UNKNOWN = _("This is not a profile address on a platform we know.")
MSG_NOT_PROFILE = _("This address does not lead to an account's profile page.")
MSG_POST = _("This looks like a link to a post, not to the account's profile page.")
MSG_BAD_CHARS = _("The account name in this address contains characters that are not allowed.")


# --------------------------------------------------------------------------
# Parsing helpers
# --------------------------------------------------------------------------


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


# One account-name path segment: word characters, dots and dashes, at least
# one letter or digit (so "." and ".." are not names).
_NAME_RE = re.compile(r"(?=[^A-Za-z0-9]*[A-Za-z0-9])[A-Za-z0-9._\-]+")
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+")


@dataclass(frozen=True)
class Parts:
    """What a path rule gets to see."""

    segments: tuple[str, ...]  # percent-decoded, non-empty path segments
    query: str  # raw query string; only Facebook's profile.php uses it


def _name(segment: str) -> str:
    """Validate one account-name segment and return it lowercased."""
    if not _NAME_RE.fullmatch(segment):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return segment.lower()


def _first_segment(
    parts: Parts,
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


def _second(parts: Parts) -> str:
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

RULES: dict[str, Callable[[Parts], str]] = {}


def _rule(slug: str):
    def register(func: Callable[[Parts], str]) -> Callable[[Parts], str]:
        RULES[slug] = func
        return func

    return register


_FACEBOOK_POSTS = words(
    "watch reel reels story.php permalink.php photo photo.php photos video.php videos posts events live"
)
_FACEBOOK_RESERVED = words(
    "sharer sharer.php share share.php dialog plugins login login.php logout.php "
    "signup r.php recover checkpoint home.php l.php help policies privacy legal "
    "settings messages notifications marketplace gaming hashtag search stories "
    "friends bookmarks saved fundraisers business ads public about careers media "
    "tr"
)


@_rule("facebook")
def _facebook(parts: Parts) -> str:
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


_INSTAGRAM_POSTS = words("p reel reels tv stories")
_INSTAGRAM_RESERVED = words(
    "explore accounts direct about legal developer web emails challenge oauth privacy session static"
)


@_rule("instagram")
def _instagram(parts: Parts) -> str:
    if parts.segments and parts.segments[0] == "_u":  # app deep link /_u/<name>
        parts = Parts(parts.segments[1:], parts.query)
    return _first_segment(parts, _INSTAGRAM_RESERVED, _INSTAGRAM_POSTS)


_LINKEDIN_KINDS = words("company school showcase in")
_LINKEDIN_POSTS = words("posts feed pulse events")


@_rule("linkedin")
def _linkedin(parts: Parts) -> str:
    kind = parts.segments[0].lower() if parts.segments else ""
    if kind in _LINKEDIN_POSTS:
        raise UnrecognisedURL(MSG_POST)
    if kind not in _LINKEDIN_KINDS:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return f"{kind}/{_name(_second(parts))}"


_X_RESERVED = words(
    "home i intent search hashtag explore notifications messages settings login "
    "logout signup share compose tos privacy account"
)


@_rule("x")
def _x(parts: Parts) -> str:
    # /<user>/status/<n> is a post, but it names the profile, so accept it.
    if parts.segments and parts.segments[0].startswith("@"):
        parts = Parts((parts.segments[0][1:], *parts.segments[1:]), parts.query)
    return _first_segment(parts, _X_RESERVED)


_YOUTUBE_POSTS = words("watch shorts live embed playlist clip v post")
_YOUTUBE_RESERVED = words(
    "results feed account signin logout premium gaming about t howyoutubeworks "
    "creators kids redirect attribution_link hashtag"
)
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_\-]{22}")


@_rule("youtube")
def _youtube(parts: Parts) -> str:
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
def _tiktok(parts: Parts) -> str:
    # /@user/video/<n> still names the profile.
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return _at_name(parts.segments[0])


@_rule("threads")
def _threads(parts: Parts) -> str:
    # /@user/post/<id> still names the profile.
    if not parts.segments:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return _at_name(parts.segments[0])


_BLUESKY_ACTOR = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)+|did:[a-z]+:[a-z0-9._:\-]+")


@_rule("bluesky")
def _bluesky(parts: Parts) -> str:
    if not parts.segments or parts.segments[0].lower() != "profile":
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    actor = _second(parts).lower().removeprefix("@")
    if not _BLUESKY_ACTOR.fullmatch(actor):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return actor


_VIMEO_RESERVED = words(
    "channels groups album showcase ondemand categories search upload features "
    "blog help log_in join manage settings home about stock create watch"
)


@_rule("vimeo")
def _vimeo(parts: Parts) -> str:
    if parts.segments and parts.segments[0].isdigit():
        raise UnrecognisedURL(MSG_POST)  # vimeo.com/<digits> is a video
    return _first_segment(parts, _VIMEO_RESERVED, words("video event"))


_FLICKR_NSID = re.compile(r"(\d+)@n(\d+)")
_FLICKR_RESERVED = words("tags upload organize friends me search")


@_rule("flickr")
def _flickr(parts: Parts) -> str:
    if not parts.segments or parts.segments[0].lower() not in ("photos", "people"):
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    account = _second(parts)
    if account.lower() in _FLICKR_RESERVED:
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    nsid = _FLICKR_NSID.fullmatch(account.lower())
    if nsid:  # numeric user ids look like 12345678@N02
        return f"{nsid[1]}@N{nsid[2]}"
    return _name(account)


_PINTEREST_RESERVED = words("search ideas today explore business login settings categories topics _")


@_rule("pinterest")
def _pinterest(parts: Parts) -> str:
    return _first_segment(parts, _PINTEREST_RESERVED, words("pin"))


@_rule("snapchat")
def _snapchat(parts: Parts) -> str:
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
def _spotify(parts: Parts) -> str:
    segments = parts.segments
    if segments and _SPOTIFY_LOCALE.fullmatch(segments[0]):  # /intl-sv/show/<id>
        segments = segments[1:]
    kind = segments[0].lower() if segments else ""
    if kind in ("episode", "track"):
        raise UnrecognisedURL(MSG_POST)
    if kind != "show" or len(segments) < 2 or not _SPOTIFY_ID.fullmatch(segments[1]):
        raise UnrecognisedURL(MSG_NOT_PROFILE)
    return "show/" + segments[1]  # Spotify ids are case-sensitive


_SOUNDCLOUD_RESERVED = words(
    "discover stream search upload you charts pages terms-of-use settings "
    "messages notifications signin mobile people tags stations jobs imprint"
)


@_rule("soundcloud")
def _soundcloud(parts: Parts) -> str:
    return _first_segment(parts, _SOUNDCLOUD_RESERVED)


@_rule("reddit")
def _reddit(parts: Parts) -> str:
    # /r/<name>/comments/... still names the subreddit.
    kind = parts.segments[0].lower() if parts.segments else ""
    if kind == "r":
        return "r/" + _name(_second(parts))
    if kind in ("u", "user"):
        return "u/" + _name(_second(parts))
    raise UnrecognisedURL(MSG_NOT_PROFILE)


_GITHUB_RESERVED = words(
    "login join about features pricing settings marketplace explore topics search "
    "sponsors notifications new issues pulls apps enterprise collections trending "
    "events codespaces organizations site security customer-stories readme team "
    "contact dashboard"
)


@_rule("github")
def _github(parts: Parts) -> str:
    if parts.segments and parts.segments[0].lower() == "orgs":  # /orgs/<name>/people
        return _name(_second(parts))
    return _first_segment(parts, _GITHUB_RESERVED)


_WEIBO_RESERVED = words("login signup hot search p n newlogin home")


@_rule("weibo")
def _weibo(parts: Parts) -> str:
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


def mastodon_handle(host: str, segments: tuple[str, ...]) -> str:
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
    if not _MASTODON_USER.fullmatch(user) or not is_public_host(home):
        raise UnrecognisedURL(MSG_BAD_CHARS)
    return f"{user}@{home}"


# --------------------------------------------------------------------------
# Canonical URLs
# --------------------------------------------------------------------------


def is_public_host(host: str) -> bool:
    """A plausible public DNS name: dotted, valid labels, not an IP address."""
    if not _HOST_RE.fullmatch(host):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return not host.rsplit(".", 1)[1].isdigit()
    return False


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


URL_BUILDERS: dict[str, Callable[[str], str]] = {
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
