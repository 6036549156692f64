"""Create or update the portal's client and the test users (idempotent: run again to add a
redirect address, e.g. the live server's, or a user)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", action="append", default=[])
        parser.add_argument("--user", action="append", default=[], help="username:password")

    def handle(self, *args, client_id, client_secret, redirect_uri, user, **options):
        app = Application.objects.filter(client_id=client_id).first()
        uris = set(app.redirect_uris.split()) if app else set()
        uris.update(redirect_uri)
        if app is None:
            app = Application(client_id=client_id, client_secret=client_secret)
        app.name = "KI social media portal (tests)"
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.algorithm = Application.RS256_ALGORITHM
        app.skip_authorization = True
        app.redirect_uris = " ".join(sorted(uris))
        app.save()
        User = get_user_model()
        for pair in user:
            username, _colon, password = pair.partition(":")
            account = User.objects.filter(username=username).first() or User(username=username)
            account.set_password(password)
            account.save()
