"""A page never shows a link or button its user cannot follow.

On the demo data, every demo user, in Swedish and in English, starts where the navigation starts
(``/``) and follows, breadth-first, every same-site link the pages show: ``<a href>``, htmx's
``hx-get``, the stylesheets, scripts and images (``<link href>``, ``<script src>``, ``<img src>``)
and every form. A GET form is requested with its default values; a POST form is submitted with its
own default values (hidden inputs, selected options, checked boxes, text areas), once for each
named submit button, inside a transaction that is rolled back, so that the crawl does not change
the demo. Every request, GET too, runs in such a transaction, so no page the crawl opens can change
what the next one shows. A GET that redirects is followed to where it leads; a POST's redirect is
not, since what it points to was rolled back with it.

Each URL is requested once per user and language (a POST once per action and values). A link or
form is broken when it answers 4xx (403, 404, and 401, 405 too) or fails with an exception; a
validation answer that shows the form again (200) is not. A page's downloads (CSV, XLSX, PDF,
files) count as links and must answer 200 like any page; to keep the crawl within a few minutes, a
download is fetched once per path: the variants of its query string (the compliance report as CSV,
XLSX or PDF, of one table or another, with another separator) are the same view behind the same
check, and the report's PDF alone takes seconds.
"""

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client

pytestmark = pytest.mark.django_db

DEMO_USERS = ["owner", "deputy", "manager", "comms", "auditor", "registrar"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
START = "/"

# Not followed, because following them is not visiting a page: logging out ends the crawl's own
# session, and the language switch changes the language the crawl is testing (both are plain POST
# forms in the navigation bar of every page; test_i18n.py tests the switch).
NOT_PAGES = {"/logout/", "/i18n/setlang/"}


# Where a page names another URL it shows or uses; htmx's hx-get on any element.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src"}


@dataclass
class Form:
    method: str
    action: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)
    submitters: list[tuple[str, str]] = field(default_factory=list)


class PageParser(HTMLParser):
    """The links, resources and forms of one HTML page, with each form's default values as a
    browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in (LINK_ATTRIBUTES.get(tag), "hx-get"):
            if name and attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form":
            self._form = Form(method=(attrs.get("method") or "get").lower(), action=attrs.get("action"))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                if name:
                    form.submitters.append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if name and "checked" in attrs:
                    form.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("button", "reset", "file") and name:
                form.fields.append((name, attrs.get("value", "")))
        elif tag == "button":
            if (attrs.get("type") or "submit").lower() == "submit" and name:
                form.submitters.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._options = []
        elif tag == "option" and self._select:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": []}
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
            self._options.append((value, option["selected"]))
            self._option = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def same_site(page_url: str, link: str) -> str | None:
    """The link as a path with its query, or None when it is not a page of this site."""
    url, _fragment = urldefrag(urljoin(f"http://testserver{page_url}", link.strip()))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None  # mailto:, tel:, javascript:, another host
    return parts.path + (f"?{parts.query}" if parts.query else "")


def request(client: Client, method: str, url: str, data: list[tuple[str, str]]):
    """One request, in a transaction that is rolled back: the crawl changes nothing."""
    with transaction.atomic():
        if method == "post":
            payload: dict[str, list[str]] = {}
            for name, value in data:
                payload.setdefault(name, []).append(value)
            response = client.post(url, payload)
        else:
            response = client.get(url)
        if response.streaming:
            # Read a streamed download to its end, inside the transaction; the test client then
            # closes it (closing it by hand would close PostgreSQL's connection mid-test).
            response.getvalue()
        transaction.set_rollback(True)
    return response


def crawl(client: Client) -> tuple[list[str], int]:
    """Every broken (page → link → status) reachable from START, and the number of requests."""
    broken: list[str] = []
    seen: set = set()
    queue: deque = deque()

    def offer(page: str, method: str, url: str | None, data: list[tuple[str, str]] = ()):
        if url is None or urlsplit(url).path in NOT_PAGES:
            return
        data = tuple(data)
        key = (method, url, tuple(sorted(data))) if method == "post" else (method, url)
        if key not in seen:
            seen.add(key)
            queue.append((page, method, url, data))

    requested = 0
    downloaded: set[str] = set()  # the paths of downloads already fetched (see the module's docstring)

    offer("(start)", "get", START)
    while queue:
        page, method, url, data = queue.popleft()
        path = urlsplit(url).path
        if method == "get" and path in downloaded:
            continue
        requested += 1
        try:
            response = request(client, method, url, list(data))
        except Exception as error:  # a crash is a broken link too; the list names it
            broken.append(f"{page} → {method.upper()} {url} → {type(error).__name__}: {error}")
            continue
        if response.status_code >= 400:
            broken.append(f"{page} → {method.upper()} {url} → {response.status_code}")
            continue
        if method == "get" and response.status_code in (301, 302, 303, 307, 308):
            offer(url, "get", same_site(url, response["Location"]))
            continue
        if method == "post":
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            downloaded.add(path)
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        for link in parser.links:
            offer(url, "get", same_site(url, link))
        for form in parser.forms:
            action = same_site(url, form.action or url)
            if form.method == "get":
                if action is not None:
                    action_path, _, _query = action.partition("?")  # a GET form replaces the action's query
                    query = urlencode(form.fields)
                    offer(url, "get", f"{action_path}?{query}" if query else action_path)
            else:
                for submitter in form.submitters or [None]:
                    offer(url, "post", action, [*form.fields, *([submitter] if submitter else [])])
    return broken, requested


@pytest.fixture
def demo(settings):
    settings.DEBUG = False  # the command refuses with DEBUG off unless forced, as tests/demo does
    call_command("seed_demo", force=True, verbosity=0)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_link_and_form_a_page_shows_can_be_followed(demo, username, language):
    """Every link, download and form the demo user is shown answers without 403/404 (or any 4xx)."""
    client = Client()
    # Through the login form, as a person does (django-axes refuses client.login() without a request).
    login = client.post("/login/", {"username": username, "password": settings.DEMO_PASSWORD})
    assert login.status_code == 302, "the demo user could not log in"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert f'<html lang="{language}">' in client.get(START, follow=True).content.decode()

    broken, visited = crawl(client)

    print(f"{username}/{language}: {visited} requests")
    assert visited > 20, "the crawl found hardly any page: is the demo seeded and the user logged in?"
    assert broken == [], f"{username} ({language}) is shown {len(broken)} broken links:\n" + "\n".join(broken)
