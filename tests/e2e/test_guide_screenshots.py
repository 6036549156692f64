"""The user guide's screenshots (docs/guide/, issue 13), taken by the browser so they stay current.

As the demo users (owner, deputy, manager, comms, registrar, auditor), each logged in through the
login form in a browser context of their own, the test opens each page the guide shows, checks
that the page has the heading the guide names (in Swedish, as the screenshot shows it), and saves
a 1280x800 PNG of the viewport (not the full page, to keep each image small) to static/guide/,
overwriting the previous one; collectstatic serves them to /help/<role>/.

Then each guide page that uses an image is checked to name that page's heading, in its own
language (the Swedish guide the Swedish heading, the English guide the English one), and the
help pages are opened in the browser: every image shown loads, the page has one h1, and axe finds
no serious or critical violations.

Run it after changing a page the guide shows, and commit the PNGs it rewrites:
``DJANGO_SETTINGS_MODULE=kipolicy.settings_test .venv/bin/python -m pytest tests/e2e/test_guide_screenshots.py``
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.choices import AccountStatus, Role
from accounts.models import SocialAccount
from approvals.services import eligible_managers
from core.help import GUIDE_DIR, ROLES
from org.models import User
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

IMAGE_DIR = Path(settings.BASE_DIR) / "static" / "guide"
VIEWPORT = {"width": 1280, "height": 800}
MAX_BYTES = 400_000  # a viewport PNG of a text page is far smaller; a full-page capture is not


@dataclass(frozen=True)
class Shot:
    image: str  # static/guide/<image>.png
    username: str  # the demo user who takes it
    heading: str  # the msgid of a heading the page shows and the guide names
    guides: tuple[str, ...]  # the role pages of the guide that show the image

    def path(self) -> str:
        return {
            "inventory": reverse("accounts:inventory"),
            "my-accounts": reverse("accounts:mine"),
            "today": reverse("monitoring:today"),
            "account": reverse("accounts:detail", args=[owned_active_account().pk]),
            "request-form": reverse("approvals:request-create"),
            "absences": reverse("monitoring:absences"),
            "todo": reverse("approvals:todo"),
            "approval": reverse("approvals:detail", args=[request_for_manager().pk]),
            "compliance": reverse("monitoring:overview"),
            "records-requests": reverse("records:request-list"),
            "report": reverse("reports:compliance"),
        }[self.image]


SHOTS = [
    Shot("inventory", "owner", "Inventory of social media accounts", ("owner", "auditor")),
    Shot("my-accounts", "owner", "My accounts", ("owner", "deputy")),
    Shot("today", "owner", "Today", ("owner", "deputy")),
    Shot("account", "owner", "Owners and deputies over time", ("owner",)),
    Shot("request-form", "owner", "Request a new social media account", ("owner",)),
    Shot("absences", "deputy", "My absences", ("deputy",)),
    Shot("todo", "manager", "To do", ("manager", "comms")),
    Shot("approval", "manager", "Your decision as responsible manager (START-1)", ("manager",)),
    Shot("compliance", "comms", "Compliance overview", ("comms", "manager", "auditor")),
    Shot("records-requests", "registrar", "Requests for public records", ("registrar",)),
    Shot("report", "auditor", "Compliance report", ("auditor", "comms")),
]


def owned_active_account() -> SocialAccount:
    """An active account the demo owner keeps."""
    return (
        SocialAccount.objects.filter(
            status=AccountStatus.ACTIVE,
            assignments__person__username="owner",
            assignments__role=Role.OWNER,
            assignments__ended_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def request_for_manager() -> SocialAccount:
    """A request waiting for the demo manager's decision (START-1)."""
    manager = User.objects.get(username="manager")
    waiting = SocialAccount.objects.filter(status=AccountStatus.AWAITING_MANAGER).order_by("pk")
    return next(account for account in waiting if manager in eligible_managers(account))


def heading(msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def guide_text(role: str, language: str) -> str:
    return (GUIDE_DIR / language / f"{role}.md").read_text(encoding="utf-8")


def test_every_guide_image_is_taken_here():
    """No guide page shows an image this module does not take (it would go stale), and every role
    has its page in both languages."""
    taken = {f"../../../static/guide/{shot.image}.png" for shot in SHOTS}
    for role in ROLES:
        for language in ("sv", "en"):
            text = guide_text(role, language)
            shown = {part.split(")")[0] for part in text.split("](")[1:] if ".png" in part.split(")")[0]}
            assert shown <= taken, f"{language}/{role}.md shows images no test takes: {shown - taken}"


def test_the_guide_names_the_headings_of_the_pages_it_shows():
    """The guide tells the reader which page they are on by its heading: each guide page that
    shows a screenshot names that page's heading in the guide's language."""
    for shot in SHOTS:
        for role in shot.guides:
            for language in ("sv", "en"):
                text = guide_text(role, language)
                assert f"static/guide/{shot.image}.png" in text, f"{language}/{role}.md lacks {shot.image}.png"
                missing = f"{language}/{role}.md lacks the heading of {shot.image}"
                assert heading(shot.heading, language) in text, missing


def test_screenshots_of_the_pages_the_guide_shows(as_user, demo):
    """Each page, as the user the guide is for: its heading (Swedish) is on the page, and the
    viewport is saved as the guide's picture."""
    IMAGE_DIR.mkdir(parents=True, exist_ok=True)
    pages = {}
    for shot in SHOTS:
        if shot.username not in pages:
            pages[shot.username] = as_user(shot.username)
            pages[shot.username].set_viewport_size(VIEWPORT)
        page = pages[shot.username]
        response = page.goto(f"{demo.url}{shot.path()}")
        assert response.status == 200, shot.image
        expect(page.get_by_role("heading", name=heading(shot.heading, "sv")).first).to_be_visible()
        target = IMAGE_DIR / f"{shot.image}.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size < MAX_BYTES, f"{target.name} is {target.stat().st_size} bytes"


def test_the_help_pages_show_the_guide_with_its_pictures(as_user, demo):
    """The help menu leads to the guide; each role's page shows its heading and every picture
    loads; the guidelines page opens; axe finds no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    page = as_user("owner")
    page.goto(f"{demo.url}{reverse('accounts:inventory')}")
    page.get_by_role("button", name="Hjälp").click()
    page.get_by_role("link", name="Användarhandledning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Användarhandledning")
    problems += page_problems(axe, page, "/help/")
    for role in ROLES:
        page.goto(f"{demo.url}{reverse('help:role', args=[role])}")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        for image in page.locator("main img").all():
            loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert loaded, f"/help/{role}/: {image.get_attribute('src')} did not load"
        problems += page_problems(axe, page, f"/help/{role}/")
    page.get_by_role("button", name="Hjälp").click()
    page.get_by_role("link", name="Riktlinjer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riktlinjer för sociala medier")
    problems += page_problems(axe, page, "/help/guidelines/")
    assert problems == [], "\n".join(problems)
