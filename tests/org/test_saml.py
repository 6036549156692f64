"""SAML 2.0 sign-in through SWAMID (issue 13), against a real pysaml2 identity provider on
127.0.0.1 (tests/idp_saml): the portal's AuthnRequest goes to it over HTTP, its signed Response
comes back through the ACS. Who is logged in is who KI's identity provider says (RESP-1: the
responsibility for an account follows KI's own decisions, so the named owner and deputy of RES-2
must be the real people); every refused answer is in the audit trail and creates nobody."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from org import roles
from org.models import ExternalIdentity, User
from org.sso import login_choices
from tests.idp_saml import fixtures as saml_fixtures
from tests.idp_saml.fixtures import idp_answer, saml_login

saml_idp = saml_fixtures.saml_idp
saml_sp = saml_fixtures.saml_sp


def refusal_reasons() -> list[str]:
    return [event.after["reason"] for event in AuditEvent.objects.filter(action="login.sso_refused")]


def assert_refused(response, reason: str) -> None:
    """The refused page (403), one login.sso_refused audit row with ``reason``, and nobody
    created, linked or logged in."""
    assert response.status_code == 403
    assert "registration/sso_refused.html" in [t.name for t in response.templates]
    assert refusal_reasons() == [reason]
    event = AuditEvent.objects.get(action="login.sso_refused")
    assert (event.actor_id, event.after["provider"]) == (None, "saml")
    assert User.objects.count() == 0
    assert ExternalIdentity.objects.count() == 0
    assert "_auth_user_id" not in response.wsgi_request.session


# --- the metadata, the switch ---------------------------------------------------------------------


def test_the_sp_metadata_names_the_entity_id_the_acs_and_the_signing_certificate(saml_sp, client):
    """What comms registers with SWAMID: /saml2/metadata/."""
    response = client.get("/saml2/metadata/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'entityID="http://testserver/saml2/metadata/"' in body
    assert 'Location="http://testserver/saml2/acs/"' in body
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in body
    assert 'use="signing"' in body and "X509Certificate" in body
    assert 'WantAssertionsSigned="true"' in body


@pytest.mark.parametrize("url", ["/saml2/login/", "/saml2/metadata/", "/saml2/acs/"])
def test_the_saml_urls_do_not_exist_while_saml_is_off(client, db, url):
    assert client.get(url).status_code == 404


def test_the_login_choices_offer_swamid_at_the_saml_login_url_when_saml_is_on(saml_sp):
    """org.sso.login_choices (what the login page shows) names the URL this module provides."""
    assert [(c["provider"], c["url"]) for c in login_choices()] == [("saml", "/saml2/login/")]


def test_the_login_starts_with_a_signed_authn_request_to_the_identity_provider(saml_sp, client):
    response = client.get("/saml2/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{saml_sp.base_url}/sso/redirect?SAMLRequest=")
    assert "Signature=" in response["Location"]


def test_the_acs_takes_the_identity_providers_post_without_a_csrf_token(saml_sp, db):
    """The answer comes from the identity provider's site: no CSRF token, another Origin."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/saml2/acs/", idp_answer(browser), headers={"Origin": saml_sp.base_url})
    assert response.status_code == 302
    assert User.objects.count() == 1


# --- a good login ------------------------------------------------------------------------------------


def test_a_first_login_creates_the_person_from_the_attributes_with_the_mapped_role(saml_sp, client):
    response = saml_login(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    user = User.objects.get()
    assert (user.username, user.get_full_name(), user.email, user.language) == (
        "anna.svensson@ki.se",
        "Anna Svensson",
        "anna.svensson@ki.se",
        "en",
    )
    assert user.groups.filter(name=roles.COMMS).exists()
    assert ExternalIdentity.objects.get(provider="saml").subject == "anna.svensson@ki.se"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"user.create", "role.grant"}
    assert client.get("/accounts/").status_code == 200


def test_a_returning_person_is_updated_and_loses_a_role_the_idp_no_longer_grants(saml_sp, client):
    saml_login(client)
    client.logout()
    saml_sp.user.update(sn=["Berg"], eduPersonEntitlement=[])
    assert saml_login(client).status_code == 302
    user = User.objects.get()
    assert user.last_name == "Berg"
    assert not user.groups.filter(name=roles.COMMS).exists()
    assert AuditEvent.objects.filter(action="role.revoke", actor_repr="system:sso").count() == 1
    assert ExternalIdentity.objects.count() == 1


def test_a_pending_person_is_linked_by_e_mail(saml_sp, client):
    from tests import factories

    pending = factories.UserFactory(username="imported-anna", email="anna.svensson@ki.se", last_login=None)
    saml_login(client)
    assert User.objects.get().pk == pending.pk
    assert ExternalIdentity.objects.get().user == pending


def test_the_unit_code_attribute_sets_the_home_unit_when_configured(saml_sp, client, settings):
    from tests import factories

    unit = factories.UnitFactory(code="C1-ABC")
    settings.SAML_ATTRIBUTES = {**settings.SAML_ATTRIBUTES, "unit_code": "departmentNumber"}
    settings.SAML_CONFIG = saml_sp.sp_settings("http://testserver", attributes=settings.SAML_ATTRIBUTES)
    saml_sp.user["departmentNumber"] = ["C1-ABC"]
    saml_login(client)
    assert User.objects.get().unit == unit


# --- people org.sso refuses -------------------------------------------------------------------------


def test_an_unknown_person_is_refused_when_auto_create_is_off(saml_sp, client, settings):
    settings.SSO_CREATE_USERS = False
    assert_refused(saml_login(client), "unknown-user")


def test_a_leaver_is_refused(saml_sp, client):
    import datetime

    from tests import factories

    factories.UserFactory(username="anna", email="anna.svensson@ki.se", left_on=datetime.date(2026, 1, 31))
    response = saml_login(client)
    assert response.status_code == 403
    assert refusal_reasons() == ["left"]
    assert ExternalIdentity.objects.count() == 0


# --- hostile answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong-audience", "wrong-audience"),
        ("expired", "expired"),
        ("unsigned", "unsigned"),
        ("unsolicited", "unsolicited"),
        ("tampered", "bad-signature"),
    ],
)
def test_a_hostile_answer_is_refused_audited_and_creates_nobody(saml_sp, client, mode, reason):
    saml_sp.mode = mode
    assert_refused(saml_login(client), reason)


def test_a_response_posted_twice_is_refused_as_replayed(saml_sp, client):
    answer = idp_answer(client)
    assert client.post("/saml2/acs/", answer).status_code == 302
    client.logout()
    created, events = User.objects.get(), AuditEvent.objects.count()
    response = client.post("/saml2/acs/", answer)
    assert response.status_code == 403
    assert refusal_reasons() == ["replayed"]
    assert AuditEvent.objects.count() == events + 1
    assert User.objects.get() == created
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_captured_response_posted_from_another_browser_is_refused_as_replayed(saml_sp, client):
    """The attacker's browser started a login of its own (so it has an outstanding request), then
    posts the victim's captured answer."""
    answer = idp_answer(client)
    assert client.post("/saml2/acs/", answer).status_code == 302
    attacker = Client()
    assert attacker.get("/saml2/login/").status_code == 302
    response = attacker.post("/saml2/acs/", answer)
    assert response.status_code == 403
    assert refusal_reasons() == ["replayed"]
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_captured_response_posted_before_the_victim_uses_it_is_refused(saml_sp, client):
    """An answer stolen on its way to the portal is useless in another browser: it answers no
    request that browser made."""
    answer = idp_answer(client)
    response = Client().post("/saml2/acs/", answer)
    assert_refused(response, "unsolicited")


def test_a_response_that_is_not_saml_is_refused(saml_sp, client):
    client.get("/saml2/login/")
    assert_refused(client.post("/saml2/acs/", {"SAMLResponse": "bm90IHhtbA=="}), "invalid-response")
