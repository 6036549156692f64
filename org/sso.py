"""Single sign-on: from an identity provider's claims to a portal user (issue 13).

OIDC (mozilla-django-oidc) and SAML (djangosaml2) each verify their protocol (signature,
audience, expiry, replay) and then hand what the provider said about the person to
``sign_in``, as ``Claims``. Everything after that is the same for both and lives here:

1. the person is found by their stable subject (OIDC ``sub``, SAML ``eduPersonPrincipalName``)
   at that provider (``ExternalIdentity``);
2. else, on a first login, a person with the same e-mail address and no identity at that
   provider is linked: a pending person named by an import or by comms, or a local user of
   the demo (``SSO_LINK_BY_EMAIL``, on by default; KI's identity provider vouches for the
   address);
3. else a user is created when ``SSO_CREATE_USERS`` is on; when it is off, the login is refused;
4. a person who has left KI or is inactive is refused; when ``SSO_STAFF_AFFILIATIONS`` is set and
   the provider's affiliations hold none of them (the person is no longer employed), a known
   person is marked as left through ``org.services.person_leave`` (actor ``system:sso``, so their
   accounts' owners and managers are told) and refused, and an unknown one is not created;
5. name, e-mail, language and unit (by organisation code) are updated from the claims, audited
   as ``user.update`` when they changed;
6. when ``SSO_ROLE_MAP`` maps entitlements (or groups) to roles, the identity provider decides
   those roles: a role it maps is granted when the person holds one of its entitlements and
   revoked when they no longer do (``role.grant``/``role.revoke``, actor ``system:sso``). Roles
   the map does not name are left to the People page.

Every refusal raises ``SignInRefused`` with a reason code, after writing ``login.sso_refused``
to the audit trail in a transaction of its own, so it is kept although nothing else is.
"""

import dataclasses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError
from org.choices import Language
from org.models import ExternalIdentity, Unit

SYSTEM_ACTOR = "system:sso"
PROFILE_FIELDS = ("first_name", "last_name", "email", "language", "unit")


@dataclasses.dataclass(frozen=True)
class Claims:
    """What an identity provider asserted about the person, in the portal's terms."""

    provider: str  # org.choices.IdentityProvider
    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    language: str = ""
    unit_code: str = ""
    entitlements: frozenset[str] = frozenset()
    # eduPersonAffiliation values (employee, staff, member, student …); None: the provider sent none
    affiliations: frozenset[str] | None = None


class SignInRefused(ApplicationError):
    """The identity provider's answer was valid but the portal refuses the person, or the answer
    itself was refused by the protocol layer. ``reason`` is a short code kept in the audit trail."""

    def __init__(self, message, *, reason: str):
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


def role_map() -> dict[str, str]:
    """SSO_ROLE_MAP: entitlement or group value → role name (org.roles.ROLE_GROUPS)."""
    return dict(getattr(settings, "SSO_ROLE_MAP", {}) or {})


def roles_from_idp() -> frozenset[str]:
    """The roles the identity provider decides (the People page does not offer to change them)."""
    return frozenset(role_map().values())


def refuse(*, provider: str, reason: str, message: str, subject: str = "", details: dict | None = None):
    """Record a refused single sign-on and raise SignInRefused. The audit event is written in its
    own transaction: whatever the caller rolls back, the refusal stays recorded."""
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_repr=f"{provider}:{subject}"[:200] if subject else f"{provider}: (no subject)",
            target=ContentType.objects.get_for_model(get_user_model()),
            action="login.sso_refused",
            after={"provider": provider, "reason": reason, **(details or {})},
        )
    raise SignInRefused(message, reason=reason)


class _Refusal(Exception):
    """Raised inside sign_in's transaction; refused (and audited) once it is rolled back."""

    def __init__(self, reason: str, message: str, details: dict | None = None):
        super().__init__(reason)
        self.reason, self.message, self.details = reason, message, details or {}


def _no_longer_staff(claims: Claims) -> bool:
    """SSO_STAFF_AFFILIATIONS is set, the provider sent affiliations, and none of them is staff.
    A provider that sends no affiliation at all decides nothing (it may simply not release it)."""
    wanted = frozenset(getattr(settings, "SSO_STAFF_AFFILIATIONS", ()) or ())
    if not wanted or claims.affiliations is None:
        return False
    held = {value.split("@", 1)[0].lower() for value in claims.affiliations}  # scoped: employee@ki.se
    return not (held & wanted)


def _find_or_create(claims: Claims):
    from org.services import free_username  # org.services imports this module

    User = get_user_model()
    identity = ExternalIdentity.objects.select_related("user").filter(provider=claims.provider, subject=claims.subject)
    identity = identity.first()
    if identity is not None:
        return identity.user, identity, False
    user = None
    if claims.email and getattr(settings, "SSO_LINK_BY_EMAIL", True):
        candidates = list(
            User.objects.filter(email__iexact=claims.email).exclude(identities__provider=claims.provider)[:2]
        )
        if len(candidates) == 1:
            user = candidates[0]
        elif len(candidates) > 1:
            raise _Refusal(
                "ambiguous-email",
                _("More than one person in the portal has your e-mail address. Contact %(contact)s."),
            )
    created = False
    if user is None:
        if not getattr(settings, "SSO_CREATE_USERS", True):
            raise _Refusal(
                "unknown-user",
                _("You have no account in the portal yet. Contact %(contact)s to be added."),
                {"email": claims.email},
            )
        user = User(username=free_username(claims.subject), email=claims.email)
        user.set_unusable_password()
        user.save()
        created = True
    identity = ExternalIdentity.objects.create(user=user, provider=claims.provider, subject=claims.subject)
    return user, identity, created


def _update_profile(user, claims: Claims, *, created: bool) -> None:
    before = snapshot(user, PROFILE_FIELDS)
    if claims.first_name:
        user.first_name = claims.first_name[:150]
    if claims.last_name:
        user.last_name = claims.last_name[:150]
    if claims.email:
        user.email = claims.email
    language = (claims.language or "")[:2].lower()
    if language in Language.values:
        user.language = language
    if claims.unit_code:
        unit = Unit.objects.filter(code=claims.unit_code).first()
        if unit is not None:
            user.unit = unit
    after = snapshot(user, PROFILE_FIELDS)
    if created:
        user.save()
        audit_record(actor=None, actor_repr=SYSTEM_ACTOR, target=user, action="user.create", after=after)
        return
    before, after = diff(before, after)
    if after:
        user.save()
        audit_record(actor=None, actor_repr=SYSTEM_ACTOR, target=user, action="user.update", before=before, after=after)


def _sync_roles(user, claims: Claims) -> None:
    from org.services import role_grant, role_revoke

    mapping = role_map()
    if not mapping:
        return
    held = {role for value, role in mapping.items() if value in claims.entitlements}
    for role in sorted(set(mapping.values())):
        change = role_grant if role in held else role_revoke
        change(
            actor=None,
            actor_repr=SYSTEM_ACTOR,
            person=user,
            role=role,
            reason=_("Single sign-on: the identity provider's entitlements."),
        )


def sign_in(claims: Claims):
    """The user these verified claims belong to, created, linked and updated as the module
    docstring says; raises SignInRefused (already audited) when the portal refuses them."""
    if not claims.subject:
        refuse(
            provider=claims.provider,
            reason="no-subject",
            message=_("The identity provider did not say who you are. Contact %(contact)s.")
            % {"contact": settings.COMMS_EMAIL},
        )
    if _no_longer_staff(claims):
        _leaver_refuse(claims)
    try:
        with transaction.atomic():
            user, identity, created = _find_or_create(claims)
            if user.left_on is not None or not user.is_active:
                raise _Refusal(
                    "left" if user.left_on is not None else "inactive",
                    _("Your account in the portal is closed. Contact %(contact)s."),
                    {"user": user.pk},
                )
    except _Refusal as refusal:
        refuse(
            provider=claims.provider,
            subject=claims.subject,
            reason=refusal.reason,
            message=refusal.message % {"contact": settings.COMMS_EMAIL},
            details=refusal.details,
        )
    with transaction.atomic():
        _update_profile(user, claims, created=created)
        _sync_roles(user, claims)
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at", "updated_at"])
    roles_cache_clear(user)
    return user


def _leaver_refuse(claims: Claims):
    """The provider says the person is no longer staff: a person the portal knows (by subject, or
    by e-mail address) is marked as left at once, then the login is refused."""
    from org.services import person_leave

    identity = ExternalIdentity.objects.filter(provider=claims.provider, subject=claims.subject).first()
    user = identity.user if identity else None
    if user is None and claims.email:
        matches = list(get_user_model().objects.filter(email__iexact=claims.email)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is not None and user.left_on is None:
        person_leave(
            actor=None,
            actor_repr=SYSTEM_ACTOR,
            person=user,
            left_on=timezone.localdate(),
            reason=_("Single sign-on: the identity provider no longer names the person as staff."),
        )
    refuse(
        provider=claims.provider,
        subject=claims.subject,
        reason="not-staff",
        message=_("The identity provider no longer names you as KI staff. Contact %(contact)s.")
        % {"contact": settings.COMMS_EMAIL},
        details={"affiliations": sorted(claims.affiliations or ()), "user": user.pk if user else None},
    )


def roles_cache_clear(user) -> None:
    for name in ("_kipolicy_groups", "_kipolicy_managed_paths"):
        user.__dict__.pop(name, None)


def refused_response(request, refusal: SignInRefused, *, status: int = 403):
    """The page both protocols show for a refused login: what happened, in the user's language,
    and whom to contact. The refusal is already in the audit trail (``refuse``)."""
    from django.shortcuts import render

    context = {"message": refusal.message, "reason": refusal.reason, "contact": settings.COMMS_EMAIL}
    return render(request, "registration/sso_refused.html", context, status=status)


def login_choices() -> list[dict]:
    """The single sign-on buttons of the login page, one per protocol switched on by settings
    (OIDC_ENABLED, SAML_ENABLED), each with the address that starts it."""
    from django.urls import reverse

    choices = []
    if getattr(settings, "OIDC_ENABLED", False):
        choices.append(
            {"provider": "oidc", "label": _("Log in with your KI account"), "url": reverse("oidc_authentication_init")}
        )
    if getattr(settings, "SAML_ENABLED", False):
        choices.append({"provider": "saml", "label": _("Log in through SWAMID"), "url": reverse("saml2_login")})
    return choices
