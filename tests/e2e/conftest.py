"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Nothing is downloaded: the browser is /usr/bin/chromium (``apt-get install chromium``), never
``playwright install``. The whole directory is skipped, with the reason, when the browser or the
Playwright package is missing.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

# Playwright's sync API runs an event loop in the main thread; the ORM calls made by the tests
# and their fixtures (seeding, look-ups) would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

if sync_playwright is None:
    SKIP_REASON = "playwright is not installed (pip install -r requirements-dev.txt)"
elif CHROMIUM is None:
    SKIP_REASON = "Debian chromium not installed (apt-get install chromium)"
else:
    SKIP_REASON = None


def pytest_collection_modifyitems(config, items):
    """Skip every test of this directory, with a clear reason, when the browser cannot run.

    The hook sees the whole session's items, so only those under tests/e2e are touched."""
    if SKIP_REASON is None:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_test_environment):
    """collectstatic once per session into STATIC_ROOT, as ``make test`` does (the portal serves
    what collectstatic wrote). The live server serves /static/ through the staticfiles finders too.

    Autouse and session-scoped so that it runs before the live server starts: WhiteNoise looks
    at STATIC_ROOT when the server's middleware is built."""
    if SKIP_REASON is not None:
        pytest.skip(SKIP_REASON)
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


@pytest.fixture(scope="session")
def serialized_db(django_db_setup):
    """The database contents the migrations wrote (the platforms), as Django serialised them.

    Read before Playwright starts: the sync API leaves an asyncio loop running in the main
    thread, and from then on asgiref hands the test code a new, context-local database
    connection that lacks Django's ``_test_serialized_contents``, so the serialised rollback of
    ``django_db_serialized_rollback`` would silently restore nothing."""
    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def browser(collected_static, serialized_db):
    """One headless Debian chromium for the whole session."""
    if SKIP_REASON is not None:
        pytest.skip(SKIP_REASON)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


# What the browser refused because of the Content-Security-Policy during the current test (Chromium
# reports each refusal on the console); ``csp_violations`` fails the test if there is any.
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message):
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture(autouse=True)
def csp_violations():
    """Fail a browser test when a page it opened broke the Content-Security-Policy (an inline
    script or style, a resource from elsewhere): the page would not work as written."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    violations = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert violations == [], "the Content-Security-Policy blocked:\n" + "\n".join(violations)


def new_context(browser):
    """A browser context as a Swedish user in Stockholm sees the portal; the console of each of
    its pages is watched for Content-Security-Policy violations."""
    ctx = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    ctx.set_default_timeout(10_000)
    ctx.on("console", _record_csp_violation)
    return ctx


@pytest.fixture
def context(browser):
    """A fresh browser context per test (own cookies, so tests stay independent), Swedish locale."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def demo(django_db_serialized_rollback, transactional_db, live_server, serialized_db, browser):
    """The demo organisation, users and about 40 accounts, committed so the live server sees them.

    ``django_db_serialized_rollback`` restores what the migrations wrote (the platforms) after
    the previous transactional test flushed the database. The first time the test code runs on
    the context-local connection (see ``serialized_db``) that connection is given the
    serialised contents, and they are restored here; later tests get Django's own restore."""
    connection = connections[DEFAULT_DB_ALIAS]
    if serialized_db is not None and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = serialized_db
        connection.creation.deserialize_db_from_string(serialized_db)
    call_command("seed_demo", force=True, verbosity=0)
    return live_server


# Django's own labels, Swedish or English; crispy-forms appends a "*" to required fields.
USERNAME_LABEL = re.compile(r"Användarnamn|Username")
PASSWORD_LABEL = re.compile(r"Lösenord|Password")


def login(page, live_server, username, password=None):
    """Log in through the login form as a demo user and wait for the inventory."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label(USERNAME_LABEL).fill(username)
    page.get_by_label(PASSWORD_LABEL).fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button").click()
    return page


@pytest.fixture
def as_user(browser, demo):
    """Log a demo user in, each in a browser context of their own (own cookies, so several people
    can be logged in at once, as in real life); every context is closed after the test.

    ``as_user("owner")`` returns the logged-in page."""
    contexts = []

    def open_as(username):
        ctx = new_context(browser)
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, demo, username)
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


class Mailbox:
    """The e-mails the portal sends, delivered on demand.

    The portal queues e-mails as outbox rows (notifications.Notification) in the transaction of
    their cause; the live server shares the database with the test, so the test delivers the
    outbox itself (``notifications_send``, as the worker would) into Django's locmem
    ``mail.outbox``. ``deliver()`` returns only the messages sent since the previous call."""

    def __init__(self):
        from django.core import mail

        self._mail = mail
        self._seen = len(mail.outbox)

    def deliver(self):
        from notifications.services import notifications_send

        notifications_send()
        new = self._mail.outbox[self._seen :]
        self._seen = len(self._mail.outbox)
        return list(new)


@pytest.fixture
def mailbox(demo):
    """A Mailbox that starts empty: what seeding queued is marked as handled by seed_demo."""
    from notifications.services import notifications_send

    notifications_send()  # nothing should be due; deliver it anyway so it is not counted later
    return Mailbox()


@pytest.fixture(autouse=True)
def e2e_media_root(settings, tmp_path_factory):
    """Uploaded files go to a temporary MEDIA_ROOT, not the project's var/media: seed_demo stores
    start-page screenshots through the checked upload, and every seeding would otherwise leave
    another copy there (the storage renames a file that exists). Autouse, so it is in place
    before ``demo`` seeds; the live server reads the same settings."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


def pick(box, typed: str, option_name):
    """Choose in a search picker (core.widgets.SearchSelect) as a keyboard user does: type into the
    combobox ``box``, ArrowDown to the option named ``option_name`` (text or pattern), Enter."""
    box.fill("")
    box.press_sequentially(typed, delay=20)
    option = box.page.get_by_role("option", name=option_name)
    option.wait_for()
    for _ in range(21):  # the search answers at most 20 matches
        box.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    box.press("Enter")
