"""OpenID Connect sign-in against a real provider (tests/idp_oidc, django-oauth-toolkit, on
127.0.0.1): org/oidc.py verifies the answer and org.sso provisions (issue 13).

Each login is the real code flow: the portal's /oidc/authenticate/ (state, nonce, PKCE), the
person logging in on the provider's login page, the provider's redirect to /oidc/callback/, the
portal exchanging the code at the token endpoint and checking the signed id_token with the
provider's JWKS. Hostile answers are real signed tokens the provider was switched to issue."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from org import roles
from org.models import ExternalIdentity, User
from tests import factories

ANNA = {
    "sub": "anna-0001",
    "email": "anna.svensson@ki.se",
    "given_name": "Anna",
    "family_name": "Svensson",
    "locale": "en",
    "ki_unit_code": "MED-1",
    "eduperson_entitlement": ["urn:ki:portal:comms"],
}


def login(client, provider, username="anna", *, next_url=""):
    """Start at the portal, log in at the provider, come back: the portal's last response."""
    start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(provider.url)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = provider.authorize(authorize, username)
    assert back.startswith("http://testserver/oidc/callback/")
    return client.get(back)


def refused(response, reason):
    """The refused page, its audit event, and the session not logged in."""
    assert response.status_code == 403
    assert response.templates[0].name == "registration/sso_refused.html"
    event = AuditEvent.objects.filter(action="login.sso_refused").latest("created_at")
    assert event.after["provider"] == "oidc" and event.after["reason"] == reason
    assert "_auth_user_id" not in response.wsgi_request.session
    return event


@pytest.fixture
def unit(db):
    return factories.UnitFactory(code="MED-1")


def test_a_first_login_creates_the_user_with_the_mapped_roles_and_lands_on_the_inventory(client, oidc, unit, settings):
    """Issue 13: created at the first login from the claims (name, e-mail, language, unit by
    code), entitlements mapped to roles by SSO_ROLE_MAP, then the inventory."""
    settings.SSO_ROLE_MAP = {"urn:ki:portal:comms": roles.COMMS, "urn:ki:portal:auditor": roles.AUDITOR}
    oidc.set(users={"anna": ANNA})
    response = login(client, oidc)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:inventory")
    user = User.objects.get(identities__provider="oidc", identities__subject="anna-0001")
    assert (user.get_full_name(), user.email, user.language, user.unit) == (
        "Anna Svensson",
        "anna.svensson@ki.se",
        "en",
        unit,
    )
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {roles.COMMS}
    assert client.get(reverse("accounts:inventory")).context["user"] == user
    assert AuditEvent.objects.filter(action="user.create", object_id=user.pk).exists()
    assert AuditEvent.objects.filter(action="role.grant", actor_repr="system:sso").count() == 1


def test_next_is_followed_after_the_login(client, oidc, db):
    oidc.set(users={"anna": ANNA})
    response = login(client, oidc, next_url="/reports/")
    assert response["Location"] == "/reports/"


def test_a_returning_user_is_found_by_subject_and_updated(client, oidc, settings, unit):
    """A changed name, e-mail or entitlement updates the same person (audited user.update;
    a mapped role no longer held is revoked)."""
    settings.SSO_ROLE_MAP = {"urn:ki:portal:comms": roles.COMMS}
    oidc.set(users={"anna": ANNA})
    login(client, oidc)
    client.logout()
    oidc.set(users={"anna": {**ANNA, "family_name": "Berg", "email": "anna.berg@ki.se", "eduperson_entitlement": []}})
    response = login(client, oidc)
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.last_name, user.email) == ("Berg", "anna.berg@ki.se")
    assert not user.groups.filter(name=roles.COMMS).exists()
    assert AuditEvent.objects.filter(action="user.update", object_id=user.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoke", object_id=user.pk).exists()
    assert ExternalIdentity.objects.get(user=user).last_login_at is not None


def test_an_existing_demo_style_user_is_linked_by_e_mail(client, oidc, db):
    """A person already in the portal (a demo user, with a password) gets the identity linked at
    their first single sign-on: no second user."""
    existing = factories.UserFactory(username="comms", email="comms@demo.ki.se")
    existing.groups.add(Group.objects.get_or_create(name=roles.COMMS)[0])
    oidc.set(users={"anna": {"sub": "c-42", "email": "Comms@demo.ki.se", "given_name": "Cecilia"}})
    response = login(client, oidc)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert ExternalIdentity.objects.get(provider="oidc", subject="c-42").user == existing
    assert int(client.session["_auth_user_id"]) == existing.pk


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong-audience", "wrong-audience"),
        ("expired", "expired"),
        ("wrong-nonce", "nonce-mismatch"),
        ("forged", "bad-signature"),
        ("wrong-issuer", "wrong-issuer"),
    ],
)
def test_a_hostile_id_token_is_refused_and_nothing_is_created(client, oidc, db, mode, reason):
    """The provider issues a real signed id_token that is wrong: refused page (403), a
    login.sso_refused event with the protocol reason, no user, no identity, not logged in."""
    oidc.set(users={"anna": ANNA}, mode=mode)
    response = login(client, oidc)
    refused(response, reason)
    assert "verified" in response.content.decode() or "verifieras" in response.content.decode()
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_an_unknown_person_is_refused_when_auto_create_is_off(client, oidc, db, settings):
    settings.SSO_CREATE_USERS = False
    oidc.set(users={"anna": ANNA})
    event = refused(login(client, oidc), "unknown-user")
    assert event.actor_repr == "oidc:anna-0001"
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()


def test_a_leaver_is_refused(client, oidc, db):
    leaver = factories.UserFactory(username="anna", email="anna.svensson@ki.se", left_on="2026-01-31")
    oidc.set(users={"anna": ANNA})
    refused(login(client, oidc), "left")
    assert not ExternalIdentity.objects.filter(user=leaver).exists()


def test_a_replayed_answer_is_refused(client, oidc, db):
    """The provider's redirect used twice (a state already spent): the second is refused."""
    oidc.set(users={"anna": ANNA})
    response = client.get(reverse("oidc_authentication_init"))
    back = oidc.authorize(response["Location"], "anna")
    assert client.get(back).status_code == 302
    client.logout()
    refused(client.get(back), "state-mismatch")


def test_an_answer_this_browser_did_not_ask_for_is_refused(client, oidc, db):
    """A code and state from someone else's login (login CSRF): the state is not this session's."""
    oidc.set(users={"anna": ANNA})
    attacker = Client()
    back = oidc.authorize(attacker.get(reverse("oidc_authentication_init"))["Location"], "anna")
    refused(client.get(back), "state-mismatch")
    assert not User.objects.exists()


def test_an_error_from_the_provider_is_refused(client, oidc, db):
    client.get(reverse("oidc_authentication_init"))
    state = next(iter(client.session["oidc_states"]))
    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state})
    refused(response, "provider-error")
    assert state not in client.session.get("oidc_states", {})


def test_a_code_the_provider_does_not_know_is_refused(client, oidc, db):
    client.get(reverse("oidc_authentication_init"))
    state = next(iter(client.session["oidc_states"]))
    response = client.get(reverse("oidc_authentication_callback"), {"code": "made-up", "state": state})
    refused(response, "token-error")
    assert not User.objects.exists()


def test_an_unreachable_provider_is_a_refused_page_not_an_error(client, oidc, db, settings):
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    refused(client.get(reverse("oidc_authentication_init")), "provider-unreachable")


def test_the_oidc_addresses_answer_404_while_oidc_is_off(client, db, settings):
    settings.OIDC_ENABLED = False
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_a_password_login_with_code_and_state_in_the_address_never_reaches_the_provider(client, oidc, db):
    """The OIDC backend exchanges a code only for its callback view."""
    factories.UserFactory(username="owner")
    response = client.post(reverse("login") + "?code=abc&state=def", {"username": "owner", "password": "pw"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="login.sso_refused").exists()


def test_the_login_page_offers_the_ki_login_when_oidc_is_on(client, oidc, db):
    page = client.get(reverse("login") + "?next=/reports/").content.decode()
    assert 'href="/oidc/authenticate/?next=/reports/"' in page
    assert 'name="password"' in page


def test_entitlements_may_come_as_one_string_and_the_claim_names_are_settings(client, oidc, settings, db):
    """OIDC_CLAIM_ENTITLEMENTS / OIDC_CLAIM_LANGUAGE name the provider's claims; a string of
    values separated by commas or spaces is read as a list."""
    settings.SSO_ROLE_MAP = {"urn:ki:portal:auditor": roles.AUDITOR, "urn:ki:portal:registrar": roles.REGISTRAR}
    settings.OIDC_CLAIM_ENTITLEMENTS = "groups"
    settings.OIDC_CLAIM_LANGUAGE = "ui_locales"
    claims = {**ANNA, "groups": "urn:ki:portal:auditor, urn:ki:portal:registrar", "ui_locales": "sv-SE"}
    oidc.set(users={"anna": claims})
    assert login(client, oidc).status_code == 302
    user = User.objects.get()
    assert set(user.groups.values_list("name", flat=True)) == {roles.AUDITOR, roles.REGISTRAR}
    assert user.language == "sv"
