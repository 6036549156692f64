"""SAML 2.0 sign-in through SWAMID in a real browser (issue 13): chromium goes from the portal to
the pysaml2 identity provider on 127.0.0.1 (tests/idp_saml), whose page POSTs the signed answer
back to the portal (a different site: localhost vs 127.0.0.1, so djangosaml2's SameSite=None
session cookie is what carries the request id across). RESP-1/RES-2: the person the portal logs
in is the one KI's identity provider vouches for, with the roles its entitlements map to."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from org import roles
from org.models import ExternalIdentity, User
from tests.e2e.a11y import page_problems
from tests.idp_saml import fixtures as saml_fixtures

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

saml_idp = saml_fixtures.saml_idp

TESTER = {
    "eduPersonPrincipalName": ["sso.tester@ki.se"],
    "mail": ["sso.tester@ki.se"],
    "givenName": ["Siv"],
    "sn": ["Samlsson"],
    "preferredLanguage": ["sv"],
    "eduPersonEntitlement": ["urn:mace:ki.se:kipolicy:comms"],
}


@pytest.fixture
def saml_portal(demo, saml_idp, settings):
    """The demo portal (live server) with SAML on, registered with the identity provider."""
    saml_fixtures.enable_saml(settings, saml_idp, demo.url)
    saml_idp.user = {key: list(values) for key, values in TESTER.items()}
    return demo


def test_a_person_logs_in_through_the_identity_provider_and_lands_on_the_inventory_as_comms(saml_portal, page):
    """The SWAMID login goes to the identity provider and back, creates the person with the comms
    role SSO_ROLE_MAP gives their entitlement, and lands on the inventory, where comms sees every
    account."""
    page.goto(saml_portal.url + reverse("saml2_login"))
    # The identity provider's page submits itself (its own static script) to the portal's ACS.
    page.wait_for_url(saml_portal.url + reverse("accounts:inventory"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("header")).to_contain_text("Siv Samlsson")
    user = User.objects.get(username="sso.tester@ki.se")
    assert user.groups.filter(name=roles.COMMS).exists()
    assert ExternalIdentity.objects.get(user=user).provider == "saml"
    # Comms sees the whole inventory: the count above the table is every account's.
    from accounts.models import SocialAccount

    expect(page.locator("main p[role=status]")).to_contain_text(str(SocialAccount.objects.count()))
    cookie_names = {cookie["name"] for cookie in page.context.cookies()}
    assert {"__Host-sessionid", "__Host-saml_session"} <= cookie_names


@pytest.mark.parametrize(("mode", "reason"), [("expired", "expired"), ("wrong-audience", "wrong-audience")])
def test_a_hostile_answer_ends_on_the_refused_page_and_creates_nobody(saml_portal, saml_idp, page, mode, reason):
    from axe_playwright_python.sync_playwright import Axe

    saml_idp.mode = mode
    users = User.objects.count()
    page.goto(saml_portal.url + reverse("saml2_login"))
    page.wait_for_url(saml_portal.url + reverse("saml2_acs"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen nekades")
    expect(page.get_by_role("link", name="Tillbaka till inloggningssidan")).to_be_visible()
    assert page_problems(Axe(), page, "refused") == []
    assert [e.after["reason"] for e in AuditEvent.objects.filter(action="login.sso_refused")] == [reason]
    assert User.objects.count() == users
    assert not ExternalIdentity.objects.exists()


def test_the_answer_submitted_again_with_the_back_button_is_refused_as_replayed(saml_portal, saml_idp, page):
    """Back to the identity provider's page after logging in: its form posts the same answer
    again, and the portal refuses it."""
    page.goto(saml_portal.url + reverse("saml2_login"))
    page.wait_for_url(saml_portal.url + reverse("accounts:inventory"))
    page.set_content(saml_idp.post_form(saml_portal.url + reverse("saml2_acs"), saml_idp.responses[-1]))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen nekades")
    expect(page.get_by_role("alert")).to_contain_text("Det här inloggningssvaret har redan använts.")
    assert [e.after["reason"] for e in AuditEvent.objects.filter(action="login.sso_refused")] == ["replayed"]
    assert User.objects.filter(username="sso.tester@ki.se").count() == 1
