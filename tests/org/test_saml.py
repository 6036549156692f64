"""SAML 2.0 sign-in through SWAMID (issue 13), against a real pysaml2 identity provider on 127.0.0.1."""

from audit.models import AuditEvent
from tests.idp_saml.fixtures import saml_idp, saml_login, saml_sp  # noqa: F401


def test_smoke(saml_sp, client):
    response = saml_login(client)
    print(response.status_code, response.headers, response.content[:3000])
    print(list(AuditEvent.objects.values_list("action", "after")))
    assert response.status_code == 302
