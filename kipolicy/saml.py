"""The pysaml2 configuration of the portal as a SAML 2.0 service provider (issue 13, SWAMID).

``sp_config`` turns the ``SAML_*`` settings into the ``SAML_CONFIG`` dict djangosaml2 hands to
pysaml2. It is a function, not a literal in settings.py, so that the test suite builds the very
same configuration for its own identity provider on 127.0.0.1 (tests/idp_saml/).
"""

import saml2
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

# The SWAMID attribute names (friendly names of pysaml2's "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
# map) the portal reads: the subject, then the profile, then the entitlements that SSO_ROLE_MAP maps.
DEFAULT_ATTRIBUTES = {
    "subject": "eduPersonPrincipalName",
    "email": "mail",
    "first_name": "givenName",
    "last_name": "sn",
    "language": "preferredLanguage",
    "entitlements": "eduPersonEntitlement",
    "unit_code": "",  # KI's organisation code, when the identity provider releases one
}


def sp_config(
    *,
    site_url: str,
    entity_id: str,
    metadata_file: str = "",
    metadata_url: str = "",
    metadata_cert: str = "",
    key_file: str,
    cert_file: str,
    want_assertions_signed: bool = True,
    want_response_signed: bool = False,
    clock_skew: int = 60,
    attributes: dict | None = None,
    xmlsec_binary: str = "/usr/bin/xmlsec1",
) -> dict:
    """The pysaml2 SP configuration: one identity provider (metadata file or URL), responses
    only to requests this browser made (``allow_unsolicited`` off), signed assertions, signed
    AuthnRequests, and the attributes the portal requests."""
    site_url = site_url.rstrip("/")
    attributes = {**DEFAULT_ATTRIBUTES, **(attributes or {})}
    metadata = {}
    if metadata_file:
        metadata["local"] = [metadata_file]
    if metadata_url:
        metadata["remote"] = [{"url": metadata_url, **({"cert": metadata_cert} if metadata_cert else {})}]
    return {
        "entityid": entity_id,
        "xmlsec_binary": xmlsec_binary,
        "debug": 0,
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "metadata": metadata,
        "accepted_time_diff": clock_skew,
        "service": {
            "sp": {
                "name": "KI social media register",
                "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                "endpoints": {
                    "assertion_consumer_service": [(f"{site_url}/saml2/acs/", saml2.BINDING_HTTP_POST)],
                },
                # Only answers to an AuthnRequest this browser's session sent (replay and
                # login-CSRF protection); see org/saml.py.
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": want_assertions_signed,
                "want_response_signed": want_response_signed,
                "required_attributes": [attributes["subject"]],
                "optional_attributes": [name for key, name in attributes.items() if name and key != "subject"],
            },
        },
    }
