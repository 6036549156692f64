"""Personal API tokens in the REST API (settings.REST_FRAMEWORK). A module of its own because DRF
loads authentication classes while its views are imported: this one must not import views."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from org.models import ApiToken

# last_used_at is written at most this often per token: a busy script costs no write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <secret>` (or `Token <secret>`): the request acts as the token's user.

    An unknown, revoked or expired token, or one whose user is deactivated, is refused with 401 and
    a message saying which; a request without such a header is left to the next authenticator.
    """

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, with no spaces in it."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_secret(secret)

    def authenticate_secret(self, secret: str):
        token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is deactivated."))
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            # Conditional, so that concurrent requests write once and never move the time backwards.
            ApiToken.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge) rather than 403 to an unauthenticated request.
        return 'Bearer realm="api"'
