"""OpenID Connect sign-in (issue 13): mozilla-django-oidc, ending in ``org.sso.sign_in``.

mozilla-django-oidc runs the authorization code flow (state, nonce and PKCE kept in the session)
and this module verifies the provider's answer and hands it to ``org.sso``:

- ``OIDCBackend`` checks the id_token itself: its RS256 signature against the provider's JWKS,
  ``aud`` (this client), ``iss`` (the provider), ``exp``/``iat`` (OIDC_CLOCK_SKEW_SECONDS of
  leeway) and the nonce of this login, and that the userinfo answer is about the same ``sub``.
  The claims then go to ``org.sso.sign_in`` (find, link by e-mail, create, update, roles: the
  provisioning is org.sso's, not the library's filter/create/update). Every failure is refused
  through ``org.sso.refuse`` with its own reason (``bad-signature``, ``wrong-audience``,
  ``expired``, ``nonce-mismatch``, ``wrong-issuer``, ``subject-mismatch``, ``token-error``,
  ``provider-unreachable``…), which writes ``login.sso_refused`` before anything else happens.
- ``OIDCCallbackView`` turns any refusal, and the library's own failures (a state this browser
  did not start, an error from the provider, an incomplete answer), into the one refused page of
  ``org.sso.refused_response`` (403). Nothing is created by a refused login.
- The provider's addresses come from the settings or, when those are empty, from its discovery
  document (OIDC_OP_DISCOVERY_URL), read at the first login and kept for DISCOVERY_MAX_AGE.

The views answer 404 while OIDC_ENABLED is off, so /oidc/ can be routed whatever the settings.
"""

import time

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from org.sso import Claims, SignInRefused, refuse, refused_response, sign_in

PROVIDER = "oidc"
DISCOVERY_MAX_AGE = 3600  # seconds
# Setting → the discovery document's name for it.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_ISSUER": "issuer",
}
_discovery: dict[str, tuple[float, dict]] = {}


def discovery() -> dict:
    """The provider's discovery document (OIDC_OP_DISCOVERY_URL), fetched once an hour at most."""
    url = getattr(settings, "OIDC_OP_DISCOVERY_URL", "")
    if not url:
        return {}
    cached = _discovery.get(url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 10))
    response.raise_for_status()
    document = response.json()
    _discovery[url] = (time.monotonic() + DISCOVERY_MAX_AGE, document)
    return document


def oidc_setting(attr, *default):
    """A setting for mozilla-django-oidc; an empty provider address is taken from discovery."""
    value = getattr(settings, attr, None)
    if not value and attr in DISCOVERED and getattr(settings, "OIDC_OP_DISCOVERY_URL", ""):
        value = discovery().get(DISCOVERED[attr]) or value
    if value is None:
        return import_from_settings(attr, *default)
    return value


def _unreachable(exc: Exception):
    refuse(
        provider=PROVIDER,
        reason="provider-unreachable",
        message=_("The identity provider could not be reached. Try again later, or contact %(contact)s.")
        % {"contact": settings.COMMS_EMAIL},
        details={"error": str(exc)[:200]},
    )


def _protocol_refusal(reason: str, *, subject: str = "", error: str = ""):
    refuse(
        provider=PROVIDER,
        reason=reason,
        subject=subject,
        message=_(
            "The identity provider's answer could not be verified, so you were not logged in. "
            "Try again; if it happens again, contact %(contact)s."
        )
        % {"contact": settings.COMMS_EMAIL},
        details={"error": error[:200]} if error else None,
    )


def _entitlements(value) -> frozenset[str]:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        return frozenset()
    return frozenset(str(item) for item in value)


def claims_from(info: dict) -> Claims:
    """The portal's Claims from the provider's (OIDC_CLAIM_* name the non-standard ones)."""
    return Claims(
        provider=PROVIDER,
        subject=str(info.get("sub") or ""),
        email=str(info.get("email") or ""),
        first_name=str(info.get("given_name") or ""),
        last_name=str(info.get("family_name") or ""),
        language=str(info.get(settings.OIDC_CLAIM_LANGUAGE) or ""),
        unit_code=str(info.get(settings.OIDC_CLAIM_UNIT) or ""),
        entitlements=_entitlements(info.get(settings.OIDC_CLAIM_ENTITLEMENTS)),
        affiliations=(
            _entitlements(info[settings.OIDC_CLAIM_AFFILIATIONS]) if settings.OIDC_CLAIM_AFFILIATIONS in info else None
        ),
    )


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, verifying the id_token in full and provisioning via org.sso."""

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every authenticate() call, password logins included: read
        # no provider address here (discovery would reach the network), only when a code is
        # being exchanged.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT", None))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback view (which passes the nonce) exchanges a code: a password login
        # posted to an address with ?code=…&state=… never reaches the provider.
        if request is None or "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        if not kwargs.get("nonce"):
            _protocol_refusal("nonce-missing")
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            _unreachable(exc)
        except SuspiciousOperation as exc:
            _protocol_refusal("invalid-token", error=str(exc))

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except requests.HTTPError as exc:
            # The provider refused the code (spent, expired, PKCE verifier wrong): not reachability.
            if exc.response is not None and exc.response.status_code < 500:
                _protocol_refusal("token-error", error=exc.response.text)
            raise

    def verify_token(self, token, **kwargs):
        """The id_token's signature, audience, issuer, lifetime and nonce; its claims."""
        if not token:
            _protocol_refusal("no-id-token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            _protocol_refusal("invalid-token", error=str(exc))
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            _protocol_refusal("wrong-algorithm", error=str(header.get("alg")))
        key = self.retrieve_matching_jwk(token)
        issuer = oidc_setting("OIDC_OP_ISSUER", "") or None
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_iss": issuer is not None},
            )
        except jwt.InvalidSignatureError as exc:
            _protocol_refusal("bad-signature", error=str(exc))
        except jwt.ExpiredSignatureError as exc:
            _protocol_refusal("expired", error=str(exc))
        except jwt.InvalidAudienceError as exc:
            _protocol_refusal("wrong-audience", error=str(exc))
        except jwt.InvalidIssuerError as exc:
            _protocol_refusal("wrong-issuer", error=str(exc))
        except jwt.PyJWTError as exc:
            _protocol_refusal("invalid-token", error=str(exc))
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            _protocol_refusal("wrong-audience", subject=str(payload["sub"]), error="azp")
        # The id_token carries this login's nonce (a signed userinfo answer has none to check).
        if "nonce" in kwargs and (not kwargs["nonce"] or payload.get("nonce") != kwargs["nonce"]):
            _protocol_refusal("nonce-mismatch", subject=str(payload["sub"]))
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """org.sso.sign_in with the id_token's claims completed by the userinfo answer."""
        info = self.get_userinfo(access_token, id_token, payload)
        if str(info.get("sub")) != str(payload["sub"]):
            _protocol_refusal("subject-mismatch", subject=str(payload["sub"]))
        return sign_in(claims_from({**payload, **info}))

    def get_user(self, user_id):
        """The session's user, while they may still log in (not deactivated, not left)."""
        user = self.UserModel.objects.filter(pk=user_id).first()
        if user is None or not user.is_active or user.has_left:
            return None
        return user


class OIDCRequestView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: the redirect to the provider (404 while OIDC is off)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            try:
                self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            except (requests.RequestException, ValueError) as exc:  # discovery: no answer, or not JSON
                _unreachable(exc)
            return super().get(request)
        except SignInRefused as refusal:
            return refused_response(request, refusal)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: the provider's answer; every refusal ends on the refused page (403)."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            if request.GET.get("error"):
                # As the library does: forget the state (no replay) and log out whoever was in.
                states = request.session.get("oidc_states", {})
                if states.pop(request.GET.get("state", ""), None) is not None:
                    request.session["oidc_states"] = states
                if request.user.is_authenticated:
                    auth.logout(request)
                refuse(
                    provider=PROVIDER,
                    reason="provider-error",
                    message=_("The identity provider did not log you in. Try again, or contact %(contact)s.")
                    % {"contact": settings.COMMS_EMAIL},
                    details={"error": request.GET["error"][:100]},
                )
            state = request.GET.get("state")
            if "code" in request.GET and state is not None and state not in request.session.get("oidc_states", {}):
                # A state this browser did not start, or one already used (a replayed answer).
                _protocol_refusal("state-mismatch")
            return super().get(request)
        except SignInRefused as refusal:
            return refused_response(request, refusal)

    def login_failure(self):
        _protocol_refusal("incomplete-response")
