"""pytest fixtures for the SAML identity provider (tests/idp_saml): import them into a
conftest.py or a test module (``from tests.idp_saml.fixtures import saml_idp, saml_sp``)."""

import re
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache

from tests.idp_saml import SamlIdP

# The test person as KI's identity provider releases them through SWAMID.
ANNA = {
    "eduPersonPrincipalName": ["anna.svensson@ki.se"],
    "mail": ["anna.svensson@ki.se"],
    "givenName": ["Anna"],
    "sn": ["Svensson"],
    "preferredLanguage": ["en"],
    "eduPersonEntitlement": ["urn:mace:ki.se:kipolicy:comms"],
}


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """One identity provider on 127.0.0.1 for the whole session."""
    idp = SamlIdP.start(tmp_path_factory.mktemp("saml-idp"))
    yield idp
    idp.stop()


def enable_saml(settings, idp: SamlIdP, site_url: str) -> None:
    """Switch SAML on for the portal at ``site_url``, as the SAML_* environment would."""
    settings.SAML_ENABLED = True
    settings.SAML_CONFIG = idp.sp_settings(site_url)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "org.saml.SamlBackend"]
    settings.SSO_ROLE_MAP = {"urn:mace:ki.se:kipolicy:comms": "comms"}
    idp.mode, idp.user = "normal", {key: list(values) for key, values in ANNA.items()}
    cache.clear()


@pytest.fixture
def saml_sp(settings, saml_idp, db):
    """The portal (Django's test client, http://testserver) as the identity provider's service provider."""
    enable_saml(settings, saml_idp, "http://testserver")
    return saml_idp


HIDDEN = re.compile(r"name='(SAMLResponse|RelayState)' value='([^']*)'")


def idp_answer(client) -> dict:
    """Start a login at the portal and let the identity provider answer: the form fields it
    would POST to the portal's ACS."""
    start = client.get("/saml2/login/")
    assert start.status_code == 302, start.content
    try:
        with urllib.request.urlopen(start["Location"], timeout=10) as page:
            return dict(HIDDEN.findall(page.read().decode()))
    except urllib.error.HTTPError as error:  # the identity provider says why
        raise AssertionError(f"the identity provider answered {error.code}: {error.read().decode()}") from None


def saml_login(client):
    """The whole login: the portal's answer to the identity provider's POST."""
    return client.post("/saml2/acs/", idp_answer(client))
