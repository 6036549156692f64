"""Personal API tokens: the services that create and revoke them, and the selector that lists them.

The model is org.ApiToken and the authentication class org.authentication. A token acts as its
user: it sees and may do what the user sees and may do in the portal, nothing more.
"""

import datetime
import secrets

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from org.models import API_TOKEN_PREFIX, ApiToken

# The secret's first characters, kept in clear so that the user can tell their tokens apart.
PREFIX_LENGTH = len(API_TOKEN_PREFIX) + 6
# A user with more usable tokens than this has lost track of them.
MAX_USABLE_TOKENS = 20


def api_token_list(*, user):
    """The user's own tokens (never anyone else's): those still usable first, so that the first
    page shows them however many revoked and expired ones follow, then newest first."""
    # Never NULL (a token that does not expire is not unusable): PostgreSQL sorts NULL last.
    unusable = Q(revoked_at__isnull=False) | Q(expires_at__isnull=False, expires_at__lte=timezone.now())
    return (
        ApiToken.objects.filter(user=user)
        .alias(unusable=ExpressionWrapper(unusable, output_field=BooleanField()))
        .order_by("unusable", "-created_at", "-id")
    )


def api_token_get(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's."""
    return get_object_or_404(api_token_list(user=user), pk=pk)


@transaction.atomic
def api_token_create(
    *, actor, name: str, expires_at: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the actor. Returns the token and its secret: the secret exists only in
    this return value (the database keeps its SHA-256), so the caller shows it once."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAllowed(_("Log in to create an API token."))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."))
    if expires_at is not None and expires_at <= now:
        raise ApplicationError(_("The expiry date must be in the future."))
    if ApiToken.objects.filter(user=actor).usable(now).count() >= MAX_USABLE_TOKENS:
        raise ApplicationError(
            _("You already have %(count)s tokens in use. Revoke one you no longer need first.")
            % {"count": MAX_USABLE_TOKENS}
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=ApiToken.digest_of(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        target=token,
        action="api_token.create",
        after={"name": name, "prefix": token.prefix, "expires_at": expires_at},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token_id: int, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens: from now on it answers 401. Revoking a revoked token
    changes nothing. Only the token's user may revoke it (an administrator deactivates the user)."""
    now = now or timezone.now()
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or token.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("You can revoke only your own API tokens."))
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor, target=token, action="api_token.revoke", before={"revoked_at": None}, after={"revoked_at": now}
        )
    return token
