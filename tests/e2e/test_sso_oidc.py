"""OpenID Connect sign-in in a real browser (issue 13): the portal's login page, the test
provider's own login page (tests/idp_oidc, django-oauth-toolkit on 127.0.0.1), back to the portal.
A demo person is linked by e-mail and lands on the inventory with the role their entitlement maps
to; an expired id_token ends on the refused page with nothing created."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from org import roles
from org.models import ExternalIdentity, User
from tests.e2e.a11y import page_problems
from tests.oidc_provider import PASSWORD, oidc, oidc_provider  # noqa: F401 (fixtures)

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

COMMS = {
    "sub": "ki-7f3a",
    "email": "comms@demo.ki.se",
    "given_name": "Cecilia",
    "family_name": "Kommunikatör",
    "locale": "sv",
    "eduperson_entitlement": ["urn:ki:portal:comms", "urn:ki:portal:auditor"],
}


def through_the_provider(page, demo, provider, username):
    """From the portal's login page through the provider's login page (keyboard: Enter)."""
    page.goto(demo.url + reverse("login"))
    page.get_by_role("link", name="Logga in med ditt KI-konto").click()
    page.wait_for_url(f"{provider.url}/accounts/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(url=f"{demo.url}/**"):
        page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


@pytest.fixture
def provider(oidc, demo, settings):  # noqa: F811
    """The test provider, with the live server's callback address registered at it."""
    oidc.setup(redirect_uris=[f"{demo.url}/oidc/callback/"], users=["demo-comms"])
    settings.SSO_ROLE_MAP = {"urn:ki:portal:comms": roles.COMMS, "urn:ki:portal:auditor": roles.AUDITOR}
    return oidc


def test_a_demo_person_logs_in_through_the_provider_and_lands_on_the_inventory(demo, page, provider):
    """Linked by e-mail (one user, the demo's), roles from the entitlements, the inventory."""
    from axe_playwright_python.sync_playwright import Axe

    provider.set(users={"demo-comms": COMMS})
    page.goto(demo.url + reverse("login"))
    problems = page_problems(Axe(), page, "login page with single sign-on")

    through_the_provider(page, demo, provider, "demo-comms")

    expect(page).to_have_url(demo.url + reverse("accounts:inventory"))
    expect(page.locator("h1")).to_be_visible()
    comms = User.objects.get(username="comms")
    assert ExternalIdentity.objects.get(provider="oidc", subject="ki-7f3a").user == comms
    assert set(comms.groups.values_list("name", flat=True)) >= {roles.COMMS, roles.AUDITOR}
    assert comms.last_name == "Kommunikatör"
    assert problems == []


@pytest.mark.parametrize(
    ("mode", "reason", "says"),
    [
        ("expired", "expired", "kunde inte verifieras"),
        ("wrong-audience", "wrong-audience", "kunde inte verifieras"),
        ("wrong-nonce", "nonce-mismatch", "kunde inte verifieras"),
        ("forged", "bad-signature", "kunde inte verifieras"),
        ("", "unknown-user", None),
    ],
)
def test_a_hostile_or_unknown_login_ends_on_the_refused_page_with_nothing_created(
    demo, page, provider, settings, mode, reason, says
):
    """Real signed tokens that are wrong (expired, another audience, another nonce, claims
    changed after signing), and a person the portal does not know with SSO_CREATE_USERS off:
    the refused page in Swedish (axe-clean), the audit event with its reason, nothing created."""
    from axe_playwright_python.sync_playwright import Axe

    claims = COMMS if mode else {**COMMS, "sub": "ki-new", "email": "new.person@ki.se"}
    settings.SSO_CREATE_USERS = bool(mode)
    provider.set(users={"demo-comms": claims}, mode=mode)
    users = User.objects.count()

    through_the_provider(page, demo, provider, "demo-comms")

    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen nekades")
    if says:
        expect(page.get_by_role("alert")).to_contain_text(says)
    assert page_problems(Axe(), page, f"refused page ({reason})") == []
    assert User.objects.count() == users
    assert not ExternalIdentity.objects.exists()
    event = AuditEvent.objects.get(action="login.sso_refused")
    assert (event.after["provider"], event.after["reason"]) == ("oidc", reason)
    page.get_by_role("link", name="Tillbaka till inloggningssidan").click()
    expect(page).to_have_url(demo.url + reverse("login"))
