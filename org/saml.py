"""SAML 2.0 sign-in through SWAMID (issue 13): djangosaml2/pysaml2 verify, ``org.sso`` provisions.

The flow: the login page's "Log in through SWAMID" button opens ``/saml2/login/``, which sends
a signed AuthnRequest to the identity provider (HTTP-Redirect binding) and remembers its id in
djangosaml2's own session (``OutstandingQueriesCache``). The identity provider POSTs its
Response to ``/saml2/acs/``; pysaml2 checks the signature on the assertion
(``want_assertions_signed``), the audience (our entity id), the validity window (with
``SAML_CLOCK_SKEW`` seconds of slack) and that it answers a request this browser made
(``allow_unsolicited`` off). Only then does ``SamlBackend`` turn the attributes into
``org.sso.Claims`` and call ``org.sso.sign_in``, which finds, links or creates the person and
applies SSO_ROLE_MAP; provisioning is never done here.

Refusals, each audited as ``login.sso_refused`` (``org.sso.refuse``) with its reason and shown
on the one refused page (``org.sso.refused_response``, 403), with nothing created:

==================  =========================================================================
reason              when
==================  =========================================================================
wrong-audience      the assertion's AudienceRestriction names another service provider
expired             NotOnOrAfter has passed (or NotBefore is still ahead: ``not-yet-valid``)
unsigned            the assertion carries no signature although we require one
bad-signature       a signature that does not verify against the identity provider's metadata
replayed            an assertion (or an answer to a request) that was already used to log in
unsolicited         an answer to a request this browser's session never made
idp-error           the identity provider answered with an error status
invalid-response    anything else pysaml2 refuses
==================  =========================================================================

Replay protection, decided: two layers. (1) djangosaml2 deletes the request id from the
session's outstanding queries once its answer was accepted, so the same Response POSTed again
in that session, or in any other session, is an answer to no outstanding request and pysaml2
refuses it. (2) Every accepted assertion id is also recorded in Django's cache
(``cache.add``: only the first of two concurrent POSTs wins) until its NotOnOrAfter has passed
plus the clock skew; after that pysaml2 refuses it as expired anyway. The cache is shared by all
web processes (the file cache under VAR_DIR on one host, Redis with CACHE_URL), so an assertion
id used once is refused everywhere, even when an identity provider issued it for a new request;
the record of answered request ids lets the refusal say "replayed" instead of "unsolicited".
A table would survive a cache flush too, but the window is minutes and needs no migration.
"""

import base64
import calendar
import time

from defusedxml import ElementTree
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend
from saml2.response import StatusError, UnsolicitedResponse
from saml2.sigver import MissingKey, SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from org.choices import IdentityProvider
from org.sso import Claims, SignInRefused, refuse, refused_response, sign_in

PROVIDER = IdentityProvider.SAML
SAML_NS = "{urn:oasis:names:tc:SAML:2.0:assertion}"
ASSERTION_KEY = "saml2:assertion:{}"
REQUEST_KEY = "saml2:answered:{}"
MAX_RECORD_SECONDS = 24 * 3600


def _messages() -> dict[str, str]:
    return {
        "wrong-audience": _(
            "The identity provider's answer was meant for another service, so the portal cannot use it. "
            "Contact %(contact)s if this happens again."
        ),
        "expired": _("The identity provider's answer has expired. Log in again from the login page."),
        "not-yet-valid": _(
            "The identity provider's answer is not valid yet (the clocks disagree). Log in again in a minute."
        ),
        "unsigned": _(
            "The identity provider's answer was not signed, so the portal cannot trust it. Contact %(contact)s."
        ),
        "bad-signature": _(
            "The signature on the identity provider's answer could not be verified. Contact %(contact)s."
        ),
        "replayed": _("This login answer has already been used. Log in again from the login page."),
        "unsolicited": _(
            "The portal did not ask for this login answer (perhaps it was started in another browser). "
            "Log in again from the login page."
        ),
        "idp-error": _("The identity provider did not log you in. Log in again from the login page."),
        "invalid-response": _("The identity provider's answer could not be verified. Contact %(contact)s."),
    }


def _answer_ids(request) -> tuple[str, str]:
    """InResponseTo and the assertion id of the POSTed Response, read without verifying it: only
    to name the reason of a refusal, never to accept anything."""
    try:
        root = ElementTree.fromstring(base64.b64decode(request.POST.get("SAMLResponse", "")))
    except Exception:  # not base64, not XML: there is nothing to name
        return "", ""
    assertion = root.find(f"{SAML_NS}Assertion")
    return root.get("InResponseTo", ""), (assertion.get("ID", "") if assertion is not None else "")


def _is_replay(in_response_to: str, assertion_id: str) -> bool:
    return bool(
        (in_response_to and cache.get(REQUEST_KEY.format(in_response_to)))
        or (assertion_id and cache.get(ASSERTION_KEY.format(assertion_id)))
    )


def refusal_reason(request, exception) -> str:
    """The reason code (module docstring) of the exception djangosaml2 caught for this POST."""
    if isinstance(exception, UnsolicitedResponse):
        return "replayed" if _is_replay(*_answer_ids(request)) else "unsolicited"
    if isinstance(exception, ResponseLifetimeExceed):
        return "expired"
    if isinstance(exception, ToEarly):
        return "not-yet-valid"
    if isinstance(exception, SignatureError):
        return "unsigned" if "missing" in str(exception).lower() else "bad-signature"
    if isinstance(exception, MissingKey):
        return "bad-signature"
    if isinstance(exception, StatusError):
        return "idp-error"
    # pysaml2 raises a bare Exception for a failed AudienceRestriction.
    if "audiencerestriction" in str(exception).lower():
        return "wrong-audience"
    return "invalid-response"


def acs_failure(request, exception=None, status=403, **kwargs):
    """SAML_ACS_FAILURE_RESPONSE_FUNCTION: every answer djangosaml2 refuses is audited with its
    reason and ends on the refused page."""
    reason = refusal_reason(request, exception)
    try:
        refuse(
            provider=PROVIDER,
            reason=reason,
            message=_messages()[reason] % {"contact": settings.COMMS_EMAIL},
            details={"error": type(exception).__name__ if exception else ""},
        )
    except SignInRefused as refusal:
        return refused_response(request, refusal)


def _record_seconds(not_on_or_after: str | None) -> int:
    """How long an assertion id stays recorded: until pysaml2 refuses it as expired anyway."""
    skew = int(settings.SAML_CONFIG.get("accepted_time_diff") or 0)
    if not not_on_or_after:
        return MAX_RECORD_SECONDS
    remaining = calendar.timegm(str_to_time(not_on_or_after)) - time.time()
    return int(min(MAX_RECORD_SECONDS, max(60, remaining + skew + 60)))


class SamlEnabledMixin:
    """The /saml2/ URLs exist only while SAML_ENABLED is on."""

    def dispatch(self, request, *args, **kwargs):
        if not getattr(settings, "SAML_ENABLED", False):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class LoginView(SamlEnabledMixin, saml_views.LoginView):
    pass


class MetadataView(SamlEnabledMixin, saml_views.MetadataView):
    """The SP metadata to register with SWAMID (entity id, ACS URL, signing certificate)."""


class LogoutInitView(SamlEnabledMixin, saml_views.LogoutInitView):
    pass


class LogoutView(SamlEnabledMixin, saml_views.LogoutView):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class AssertionConsumerServiceView(SamlEnabledMixin, saml_views.AssertionConsumerServiceView):
    """djangosaml2's ACS, plus the portal's replay record and its refused page for people
    ``org.sso.sign_in`` refuses (left, inactive, unknown with SSO_CREATE_USERS off, …).

    CSRF-exempt like djangosaml2's own (SamlEnabledMixin's dispatch would otherwise drop the
    mark): the identity provider's page POSTs here from another site, and the signed answer to a
    request this browser's session made is what protects the login, not a CSRF token."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except SignInRefused as refusal:
            return refused_response(request, refusal)

    def custom_validation(self, response):
        # Called once pysaml2 accepted the response: keep the request id it answers.
        self.in_response_to = response.in_response_to or ""

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        assertion_id = (assertion_info or {}).get("assertion_id") or ""
        seconds = _record_seconds((assertion_info or {}).get("not_on_or_after"))
        if getattr(self, "in_response_to", ""):
            cache.set(REQUEST_KEY.format(self.in_response_to), 1, seconds)
        # cache.add is atomic: of two POSTs of one assertion, only the first records it.
        if not assertion_id or not cache.add(ASSERTION_KEY.format(assertion_id), 1, seconds):
            refuse(
                provider=PROVIDER,
                reason="replayed",
                message=_messages()["replayed"],
                details={"error": "assertion id already used" if assertion_id else "no assertion id"},
            )
        return super().authenticate_user(request, session_info, attribute_mapping, create_unknown_user, assertion_info)


def claims_from(ava: dict) -> Claims:
    """org.sso.Claims from the attributes pysaml2 verified (friendly name → list of values),
    named by SAML_ATTRIBUTES."""
    names = settings.SAML_ATTRIBUTES

    def first(key: str) -> str:
        values = ava.get(names.get(key) or "", []) if names.get(key) else []
        return str(values[0]).strip() if values else ""

    entitlements = ava.get(names.get("entitlements") or "", []) if names.get("entitlements") else []
    return Claims(
        provider=PROVIDER,
        subject=first("subject"),
        email=first("email"),
        first_name=first("first_name"),
        last_name=first("last_name"),
        language=first("language"),
        unit_code=first("unit_code"),
        entitlements=frozenset(str(value) for value in entitlements),
        affiliations=frozenset(str(v) for v in ava[names["affiliations"]])
        if names.get("affiliations") and names["affiliations"] in ava
        else None,
    )


class SamlBackend(Saml2Backend):
    """djangosaml2's backend with the portal's provisioning: the verified attributes go to
    ``org.sso.sign_in``, which raises SignInRefused (already audited) when it refuses."""

    def authenticate(self, request, session_info=None, attribute_mapping=None, create_unknown_user=True, **kwargs):
        if session_info is None or "ava" not in session_info:
            return None  # a password login passing through the backends
        user = sign_in(claims_from(session_info["ava"]))
        return user if self.user_can_authenticate(user) else None
