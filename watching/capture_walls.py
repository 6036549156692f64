"""Is what the browser shows the account's start page, or a wall in front of it? (issue 17)

A capture never dismisses a wall it cannot dismiss honestly: it does not log in, and it does not
accept or refuse cookies on KI's behalf. A page behind a login or consent wall is reported on the
account page ("capture needs a manual screenshot", with the reason) and never stored as the
start page. The heuristics, cheapest first:

1. the browser was sent to a login or consent address: a known consent host, or a path that is a
   login path in general (/login, /signin, /auth…) or on the platform (PLATFORM_LOGIN_PATHS);
2. the page shows a password field;
3. the page shows a known consent manager (OneTrust, Cookiebot, Didomi, Quantcast, TrustArc,
   Usercentrics, Google's and Meta's consent dialogs) or a dialog whose text asks for cookie
   consent or a login.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

LOGIN_PATH = re.compile(
    r"(^|/)(log-?in|sign-?in|signon|auth|authwall|session|sessions/new|checkpoint|accounts/login|uas/login|"
    r"i/flow/login|oauth|sso)(/|$|\.)",
    re.IGNORECASE,
)
# Login and consent addresses of catalogue platforms, by platform slug (path prefixes).
PLATFORM_LOGIN_PATHS = {
    "facebook": ("/login", "/checkpoint", "/privacy/consent"),
    "instagram": ("/accounts/login", "/challenge", "/consent"),
    "linkedin": ("/authwall", "/uas/login", "/login", "/checkpoint"),
    "x": ("/i/flow/login", "/login", "/account/access"),
    "threads": ("/login",),
    "tiktok": ("/login",),
    "pinterest": ("/login",),
    "reddit": ("/login", "/account/login"),
}
CONSENT_HOSTS = ("consent.youtube.com", "consent.google.com", "consent.yahoo.com")

# Evaluated in the page: a visible password field, a known consent manager, a dialog asking for
# consent or a login. Returns {"password": bool, "consent": str, "dialog": str}.
PAGE_CHECK = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const password = [...document.querySelectorAll('input[type=password]')].some(visible);
  const managers = ['#onetrust-banner-sdk', '#onetrust-consent-sdk', '#CybotCookiebotDialog', '#didomi-notice',
    '#qc-cmp2-container', '#truste-consent-track', '#usercentrics-root', 'form[action*="consent."]',
    '[data-testid="cookie-policy-manage-dialog"]', '[data-cookiebanner]', '[aria-label*="cookie" i][role=dialog]'];
  const consent = managers.find((sel) => { const el = document.querySelector(sel); return el && visible(el); }) || '';
  const words = /(cookie|consent|samtyck|log in to|sign in to|logga in)/i;
  const dialogs = [...document.querySelectorAll('[role=dialog], [role=alertdialog], dialog[open], [aria-modal=true]')];
  const dialog = dialogs.find((el) => visible(el) && words.test(el.innerText || ''));
  return {password, consent, dialog: dialog ? (dialog.innerText || '').slice(0, 80) : ''};
}"""


@dataclass(frozen=True)
class Wall:
    reason: str


def wall_by_address(url: str, platform_slug: str = "") -> Wall | None:
    """A wall the address shows: a consent host, or a login path (in general or the platform's)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in CONSENT_HOSTS or host.startswith("consent."):
        return Wall(str(_("The platform sent the browser to a cookie consent page (%(host)s).") % {"host": host}))
    path = parts.path or "/"
    own = PLATFORM_LOGIN_PATHS.get(platform_slug, ())
    if any(path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in own) or LOGIN_PATH.search(path):
        return Wall(str(_("The platform sent the browser to a login page (%(path)s).") % {"path": path[:100]}))
    return None


def wall_in_page(found: dict) -> Wall | None:
    """A wall the page shows, from the result of PAGE_CHECK."""
    if found.get("password"):
        return Wall(str(_("The page asks for a password (a login wall).")))
    if found.get("consent"):
        return Wall(str(_("The page shows a cookie consent wall, which the portal does not answer on KI's behalf.")))
    if found.get("dialog"):
        return Wall(
            str(_("The page shows a dialog asking for consent or a login: “%(text)s”.") % {"text": found["dialog"]})
        )
    return None
