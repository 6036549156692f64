"""Collectors for the platforms whose profiles are read through their own API with an access
token (issue 17): X API v2, Meta's Graph API (Facebook Pages; Instagram professional accounts
through business discovery) and LinkedIn's REST API (organization pages). Without the token the
catalogue's `token_setting` names, the platform stays manual (watching.collectors.collect_one).

Every request goes through the one safe fetcher (watching.fetch): the API's host is allowed for
the account (`api_hosts`), the token goes as `Authorization: Bearer` to that host only (never in
an address: addresses are logged), with the byte cap, timeouts, the per-host rate limit and the
backoff after 429 (Retry-After, or X's x-rate-limit-reset) or Graph's throttling codes. robots.txt
is not asked (robots=False): it governs crawling pages, not an API used under the platform's
developer terms. The response shapes are parsed in watching.parse, each parser naming the
documentation page it follows."""

import re
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import CollectorKind
from watching import parse
from watching.collectors import Gone, Result, checked
from watching.fetch import FetchError, back_off
from watching.models import Outcome

JSON = "application/json"
# The setting holding each API's base address (tests and the demo point them at local servers).
API_BASES = {
    CollectorKind.X_API: "WATCHING_X_API",
    CollectorKind.FACEBOOK_API: "WATCHING_GRAPH_API",
    CollectorKind.INSTAGRAM_API: "WATCHING_GRAPH_API",
    CollectorKind.LINKEDIN_API: "WATCHING_LINKEDIN_API",
}
# What the account page's panel says about the source (watching.panels).
WATCHED_THROUGH = {
    CollectorKind.X_API: gettext_lazy("Watched through the X API."),
    CollectorKind.FACEBOOK_API: gettext_lazy("Watched through Meta's Graph API (the Facebook Page)."),
    CollectorKind.INSTAGRAM_API: gettext_lazy("Watched through Meta's Graph API (Instagram business discovery)."),
    CollectorKind.LINKEDIN_API: gettext_lazy("Watched through the LinkedIn API."),
}
# Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling): the
# profile does not exist (803 "aliases do not exist", 100/33 "object does not exist", and for
# business discovery 110/2207013 "cannot find user": deleted, renamed or no longer professional),
# and throttling (4 app, 17 user, 32 page, 613 calls within a time window).
GRAPH_GONE = {(803, None), (100, 33), (110, 2207013)}
GRAPH_THROTTLED = {4, 17, 32, 613}


def api_base(kind) -> str:
    return getattr(settings, API_BASES[kind]).rstrip("/")


def api_hosts(kind) -> set[tuple[str, int]]:
    """The (host, port) of the kind's API: allowed for the account, and the only place its token goes."""
    if kind not in API_BASES:
        return set()
    parts = urlsplit(api_base(kind))
    return {((parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80))}


def missing_setting(platform) -> str:
    """Why a platform with its token still cannot be read through its API ("" if it can)."""
    if platform.collector == CollectorKind.INSTAGRAM_API and not settings.WATCHING_INSTAGRAM_USER_ID:
        return _(
            "%(platform)s is read through business discovery of KI's own Instagram professional account, "
            "and WATCHING_INSTAGRAM_USER_ID is not set; watched by hand."
        ) % {"platform": platform.name}
    return ""


def _name_in_path(url: str, pattern: str, message: str) -> str:
    match = re.match(pattern, urlsplit(url).path)
    if not match:
        raise parse.ParseError(message)
    return match.group(1)


def _json(fetcher, url: str, headers=None):
    """GET an API's JSON: the answer and its parsed body; 404/410 is Gone, other errors FetchError."""
    answer = checked(fetcher.get(url, accept=JSON, headers=headers, robots=False))
    return answer, parse.json_body(answer.body)


def _seen(seen: parse.Seen, latest) -> Result:
    if latest:
        seen.latest_post_at, seen.latest_post_url = latest
    return Result(Outcome.SEEN, 200, seen=seen)


# -- X API v2 --


def collect_x(fetcher, url, previous) -> Result:
    """The user by username, then their latest posts (replies and reposts left out)."""
    handle = _name_in_path(url, r"^/@?([A-Za-z0-9_]{1,15})/?$", _("The address names no X account (x.com/name)."))
    api = api_base(CollectorKind.X_API)
    answer, user = _json(fetcher, f"{api}/2/users/by/username/{handle}?user.fields=name,description,url,entities")
    not_found = parse.x_not_found(user)
    if not_found:
        raise Gone(
            answer, _("The X API knows no account @%(handle)s: %(detail)s") % {"handle": handle, "detail": not_found}
        )
    user_id, seen = parse.x_user(user)
    if not user_id.isdigit():
        raise parse.ParseError(_("The answer lacks %(field)s.") % {"field": "data.id"})
    _answer, posts = _json(
        fetcher, f"{api}/2/users/{user_id}/tweets?max_results=5&tweet.fields=created_at&exclude=replies,retweets"
    )
    return _seen(seen, parse.x_latest(posts, handle))


# -- Meta Graph API --


def _graph(fetcher, url: str):
    """A Graph API answer's JSON. Graph says what went wrong in an error object (HTTP 400/403/404):
    a profile that does not exist is Gone, throttling backs the host off, anything else fails
    with Graph's message."""
    answer = fetcher.get(url, accept=JSON, robots=False)
    if answer.status == 429 or answer.status >= 500:
        checked(answer)
    try:
        data = parse.json_body(answer.body)
    except parse.ParseError:
        checked(answer)  # an error answer that is not Graph's JSON (a proxy's 404 page) says it by its status
        raise
    error = parse.graph_error(data)
    if error is None:
        checked(answer)
        return data
    code, subcode, message = error
    if (code, subcode) in GRAPH_GONE or (code, None) in GRAPH_GONE:
        raise Gone(
            answer,
            _("Meta's Graph API knows no such profile (#%(code)s: %(message)s)") % {"code": code, "message": message},
        )
    if code in GRAPH_THROTTLED:
        for host, port in api_hosts(CollectorKind.FACEBOOK_API):
            back_off(f"{host}:{port}", None)
        raise FetchError(
            _("Meta's Graph API asks us to slow down (#%(code)s); not asked again yet.") % {"code": code}, answer.status
        )
    raise FetchError(
        _("Meta's Graph API refused (#%(code)s: %(message)s)") % {"code": code, "message": message}, answer.status
    )


def _fields(fields: str) -> str:
    return quote(fields, safe=",()._")


def collect_facebook(fetcher, url, previous) -> Result:
    """A Facebook Page by its name (facebook.com/<name>) or id (profile.php?id=…, pages/…/<id>):
    name, about, website, the latest post."""
    parts = urlsplit(url)
    page = parse_qs(parts.query).get("id", [""])[0] if parts.path.rstrip("/") == "/profile.php" else ""
    if not page:
        page = _name_in_path(
            url,
            r"^/(?:pages/[^/]+/)?([A-Za-z0-9.\-]{2,100})/?$",
            _("The address names no Facebook Page (facebook.com/name)."),
        )
    if not re.fullmatch(r"[A-Za-z0-9.\-]{1,100}", page):
        raise parse.ParseError(_("The address names no Facebook Page (facebook.com/name)."))
    fields = _fields("name,about,link,website,posts.limit(1){created_time,permalink_url}")
    data = _graph(fetcher, f"{api_base(CollectorKind.FACEBOOK_API)}/{page}?fields={fields}")
    return Result(Outcome.SEEN, 200, seen=parse.facebook_page(data))


def collect_instagram(fetcher, url, previous) -> Result:
    """An Instagram professional account, through business discovery of KI's own account
    (WATCHING_INSTAGRAM_USER_ID): name, biography, website, the latest media."""
    username = _name_in_path(
        url, r"^/([A-Za-z0-9._]{1,30})/?$", _("The address names no Instagram account (instagram.com/name).")
    )
    fields = _fields(
        f"business_discovery.username({username})"
        "{username,name,biography,website,media.limit(1){timestamp,permalink}}"
    )
    owner = quote(settings.WATCHING_INSTAGRAM_USER_ID, safe="")
    data = _graph(fetcher, f"{api_base(CollectorKind.INSTAGRAM_API)}/{owner}?fields={fields}")
    return Result(Outcome.SEEN, 200, seen=parse.instagram_account(data))


# -- LinkedIn REST API --


def collect_linkedin(fetcher, url, previous) -> Result:
    """An organization page (linkedin.com/company|school|showcase/<vanity name>) by its vanity
    name, then its latest post; LinkedIn's versioned API with Rest.li 2.0 (URNs encoded)."""
    vanity = _name_in_path(
        url,
        r"^/(?:company|school|showcase)/([A-Za-z0-9\-_.]{1,100})/?",
        _("The address names no LinkedIn organization page (linkedin.com/company/name)."),
    )
    api = api_base(CollectorKind.LINKEDIN_API)
    headers = {"LinkedIn-Version": settings.WATCHING_LINKEDIN_VERSION, "X-Restli-Protocol-Version": "2.0.0"}
    answer, data = _json(fetcher, f"{api}/rest/organizations?q=vanityName&vanityName={quote(vanity)}", headers)
    found = parse.linkedin_organization(data)
    if found is None:
        raise Gone(answer, _("LinkedIn knows no organization page %(name)s.") % {"name": vanity})
    organization_id, seen = found
    author = quote(f"urn:li:organization:{organization_id}", safe="")
    _answer, posts = _json(fetcher, f"{api}/rest/posts?author={author}&q=author&count=1&sortBy=CREATED", headers)
    return _seen(seen, parse.linkedin_latest(posts))


API_COLLECTORS = {
    CollectorKind.X_API: collect_x,
    CollectorKind.FACEBOOK_API: collect_facebook,
    CollectorKind.INSTAGRAM_API: collect_instagram,
    CollectorKind.LINKEDIN_API: collect_linkedin,
}
