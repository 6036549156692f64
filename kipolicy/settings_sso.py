"""Single sign-on settings (issue 13): what org.sso does with a verified identity, SAML 2.0 through
SWAMID (djangosaml2/pysaml2) and OpenID Connect (mozilla-django-oidc), and who may log in with a
password. Every variable is documented in docs/configuration.md.

kipolicy.settings calls ``configure(globals())``: the section reads SITE_URL and DEBUG from the
settings made so far, adds to INSTALLED_APPS, MIDDLEWARE, AUTHENTICATION_BACKENDS and LOGGING in
place, and sets its own upper-case names.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from kipolicy.envvars import _bool, _int, _secret, env


def _role_map(name: str) -> dict[str, str]:
    from org.roles import ROLE_GROUPS

    mapping = {}
    for pair in filter(None, (p.strip() for p in env.str(name, default="").split(","))):
        value, _eq, role = pair.rpartition("=")
        if not value or role not in ROLE_GROUPS:
            raise ImproperlyConfigured(f"{name}: {pair!r} must be value=role with a role of {', '.join(ROLE_GROUPS)}")
        mapping[value.strip()] = role
    return mapping


def configure(settings: dict) -> None:
    SITE_URL, DEBUG = settings["SITE_URL"], settings["DEBUG"]
    INSTALLED_APPS, MIDDLEWARE = settings["INSTALLED_APPS"], settings["MIDDLEWARE"]
    AUTHENTICATION_BACKENDS, LOGGING = settings["AUTHENTICATION_BACKENDS"], settings["LOGGING"]

    # --- Single sign-on (issue 13): what org.sso does with a verified identity -------------------
    # Users are created at their first login (off: only people already in the portal may log in);
    # a first login links a person already in the portal by e-mail address; SSO_ROLE_MAP maps the
    # identity provider's entitlement or group values to roles ("value=role,value=role"): the
    # provider then decides those roles at every login.
    SSO_CREATE_USERS = _bool("SSO_CREATE_USERS", True)
    SSO_LINK_BY_EMAIL = _bool("SSO_LINK_BY_EMAIL", True)

    SSO_ROLE_MAP = _role_map("SSO_ROLE_MAP")
    # The affiliations (eduPersonAffiliation: employee, staff, …) that make someone KI staff. When set,
    # a login whose provider sends affiliations but none of these marks the person as left and is
    # refused (org.sso). Empty: affiliations decide nothing.
    SSO_STAFF_AFFILIATIONS = frozenset(
        value.strip().lower() for value in env.str("SSO_STAFF_AFFILIATIONS", default="").split(",") if value.strip()
    )

    # --- Single sign-on: SAML 2.0 through SWAMID (issue 13; djangosaml2/pysaml2, org/saml.py) -----
    # Off by default. The app, its middleware (a second session cookie, see below) and the /saml2/
    # URLs are always installed; the views answer 404 while SAML_ENABLED is off. SAML_CONFIG is
    # built only when it is on (kipolicy/saml.py); docs/configuration.md has a worked example.
    SAML_ENABLED = _bool("SAML_ENABLED", False)
    INSTALLED_APPS += ["djangosaml2"]
    # djangosaml2 keeps its AuthnRequest ids (the replay protection) in a session of its own,
    # right after Django's session middleware.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "djangosaml2.middleware.SamlSessionMiddleware",
    )
    # The identity provider POSTs the response from its own site: a SameSite=Lax cookie would not
    # come with it, so djangosaml2's session cookie is SameSite=None, which browsers accept only
    # when Secure (DEBUG off, as everywhere else). For a trial on http://localhost it is Lax.
    SAML_SESSION_COOKIE_NAME = "saml_session" if DEBUG else "__Host-saml_session"
    SAML_SESSION_COOKIE_SAMESITE = "Lax" if DEBUG else "None"
    SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"  # no auto-submitting form, no inline JS
    SAML_CSP_HANDLER = ""  # keep the portal's strict CSP: the redirect binding needs no form-action to the IdP
    SAML_ACS_FAILURE_RESPONSE_FUNCTION = "org.saml.acs_failure"
    SAML_IGNORE_LOGOUT_ERRORS = True
    # pysaml2 and the XML schema library it loads log every step at INFO; keep their warnings.
    LOGGING.setdefault("loggers", {}).update({name: {"level": "WARNING"} for name in ("saml2", "xmlschema")})
    SAML_ATTRIBUTES = {
        "subject": env.str("SAML_ATTR_SUBJECT", default="eduPersonPrincipalName"),
        "email": env.str("SAML_ATTR_EMAIL", default="mail"),
        "first_name": env.str("SAML_ATTR_FIRST_NAME", default="givenName"),
        "last_name": env.str("SAML_ATTR_LAST_NAME", default="sn"),
        "language": env.str("SAML_ATTR_LANGUAGE", default="preferredLanguage"),
        "entitlements": env.str("SAML_ATTR_ENTITLEMENTS", default="eduPersonEntitlement"),
        "affiliations": env.str("SAML_ATTR_AFFILIATIONS", default="eduPersonScopedAffiliation"),
        "unit_code": env.str("SAML_ATTR_UNIT_CODE", default=""),
    }
    if SAML_ENABLED:
        from kipolicy.saml import sp_config

        _saml_missing = [name for name in ("SAML_KEY_FILE", "SAML_CERT_FILE") if not os.environ.get(name)]
        if not (os.environ.get("SAML_IDP_METADATA_FILE") or os.environ.get("SAML_IDP_METADATA_URL")):
            _saml_missing.append("SAML_IDP_METADATA_FILE (or SAML_IDP_METADATA_URL)")
        if _saml_missing:
            raise ImproperlyConfigured(f"SAML_ENABLED is on but {', '.join(_saml_missing)} is not set")
        SAML_CONFIG = sp_config(
            site_url=SITE_URL,
            entity_id=env.str("SAML_SP_ENTITY_ID", default=f"{SITE_URL}/saml2/metadata/"),
            metadata_file=env.str("SAML_IDP_METADATA_FILE", default=""),
            metadata_url=env.str("SAML_IDP_METADATA_URL", default=""),
            metadata_cert=env.str("SAML_IDP_METADATA_CERT", default=""),
            key_file=env.str("SAML_KEY_FILE"),
            cert_file=env.str("SAML_CERT_FILE"),
            want_assertions_signed=_bool("SAML_WANT_ASSERTIONS_SIGNED", True),
            want_response_signed=_bool("SAML_WANT_RESPONSE_SIGNED", False),
            clock_skew=_int("SAML_CLOCK_SKEW", 60),
            attributes=SAML_ATTRIBUTES,
            xmlsec_binary=env.str("SAML_XMLSEC_BINARY", default="/usr/bin/xmlsec1"),
        )
        AUTHENTICATION_BACKENDS += ["org.saml.SamlBackend"]
    # --- end of SAML -------------------------------------------------------------------------------
    # OpenID Connect (mozilla-django-oidc; org/oidc.py, docs/configuration.md "OpenID Connect"). On
    # when OIDC_ENABLED is true, or when it is unset and OIDC_RP_CLIENT_ID is set. The provider's
    # addresses come from OIDC_OP_DISCOVERY_URL, read at the first login and kept for an hour (nothing
    # is downloaded while the settings load), or each from its own OIDC_OP_* variable, which wins.
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
    OIDC_ENABLED = _bool("OIDC_ENABLED", bool(OIDC_RP_CLIENT_ID))
    OIDC_RP_CLIENT_SECRET = _secret("OIDC_RP_CLIENT_SECRET", default="")
    OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
    OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_USE_NONCE = True
    OIDC_USE_PKCE = True
    OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
    OIDC_TIMEOUT = _int("OIDC_TIMEOUT_SECONDS", 10)
    # Seconds of clock difference with the provider tolerated when checking exp and iat.
    OIDC_CLOCK_SKEW_SECONDS = _int("OIDC_CLOCK_SKEW_SECONDS", 60)
    # Which claims carry the home unit's organisation code, the entitlements (SSO_ROLE_MAP's values:
    # a list, or one string of values separated by spaces or commas) and the preferred language.
    OIDC_CLAIM_UNIT = env.str("OIDC_CLAIM_UNIT", default="ki_unit_code")
    OIDC_CLAIM_ENTITLEMENTS = env.str("OIDC_CLAIM_ENTITLEMENTS", default="eduperson_entitlement")
    OIDC_CLAIM_LANGUAGE = env.str("OIDC_CLAIM_LANGUAGE", default="locale")
    OIDC_CLAIM_AFFILIATIONS = env.str("OIDC_CLAIM_AFFILIATIONS", default="eduperson_scoped_affiliation")
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    if OIDC_ENABLED:
        if not OIDC_RP_CLIENT_ID or not (OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT):
            raise ImproperlyConfigured(
                "OIDC_ENABLED needs OIDC_RP_CLIENT_ID and OIDC_OP_DISCOVERY_URL (or the OIDC_OP_*_ENDPOINT "
                "variables); see docs/configuration.md"
            )
        INSTALLED_APPS.append("mozilla_django_oidc")
        # After axes' backend and the password backend: a password login never reaches the provider.
        AUTHENTICATION_BACKENDS.append("org.oidc.OIDCBackend")

    # Who may log in with a username and password (org/logins_local.py): "all" (the demo), "admins"
    # (administrators and superusers only: break-glass when single sign-on fails) or "off".
    LOCAL_LOGIN = env.str("LOCAL_LOGIN", default="all")
    if LOCAL_LOGIN not in {"all", "admins", "off"}:
        raise ImproperlyConfigured(f"LOCAL_LOGIN must be all, admins or off, not {LOCAL_LOGIN!r}")

    settings.update({name: value for name, value in locals().items() if name.isupper() and name != "SITE_URL"})
