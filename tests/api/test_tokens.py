"""Personal API tokens: created with a secret shown once, stored as a digest, revocable, expiring.
A token acts as its user and nobody else; the token page is the user's own."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from org.api_tokens import api_token_create, api_token_revoke
from org.authentication import LAST_USED_RESOLUTION
from org.models import ApiToken
from tests.api.conftest import bearer_client

pytestmark = pytest.mark.django_db

PAGE = reverse("api-tokens:list")
UNITS = reverse("api:unit-list")


def revoke_url(token) -> str:
    return reverse("api-tokens:revoke", args=[token.pk])


# --- the services ------------------------------------------------------------------------------


def test_creating_a_token_stores_only_the_digest_of_the_secret(owner):
    token, secret = api_token_create(actor=owner, name="Nightly export")

    token.refresh_from_db()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > len(token.prefix) + 30
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(value) for value in row.values())
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor, event.after["name"], event.after["prefix"]) == (owner, "Nightly export", token.prefix)
    assert secret not in str(event.after)


def test_a_token_needs_a_name(owner, english):
    with pytest.raises(ApplicationError, match="name"):
        api_token_create(actor=owner, name="   ")

    assert ApiToken.objects.count() == 0


def test_revoking_someone_elses_token_is_refused_and_changes_nothing(owner, outsider):
    token, _secret = api_token_create(actor=owner, name="mine")

    with pytest.raises(NotAllowed):
        api_token_revoke(actor=outsider, token_id=token.pk)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_revoking_twice_records_one_event(owner):
    token, _secret = api_token_create(actor=owner, name="mine")

    api_token_revoke(actor=owner, token_id=token.pk)
    api_token_revoke(actor=owner, token_id=token.pk)

    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


# --- authentication ------------------------------------------------------------------------------


def test_a_token_authenticates_as_its_user(owner):
    _token, secret = api_token_create(actor=owner, name="script")

    assert bearer_client(secret).get(UNITS).status_code == 200


def test_the_token_keyword_is_accepted_too(owner):
    _token, secret = api_token_create(actor=owner, name="script")

    response = bearer_client("x").get(UNITS, headers={"Authorization": f"Token {secret}"})

    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Bearer kip_unknown", "Bearer", "Bearer a b", "Token nonsense"])
def test_a_bad_token_is_401_with_a_bearer_challenge(header, db):
    response = bearer_client("x").get(UNITS, headers={"Authorization": header})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_no_credentials_is_401(client):
    response = client.get(UNITS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(owner):
    token, secret = api_token_create(actor=owner, name="script")
    api_token_revoke(actor=owner, token_id=token.pk)

    response = bearer_client(secret, "en").get(UNITS)

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}


def test_an_expired_token_is_401(owner):
    now = timezone.now()
    token, secret = api_token_create(actor=owner, name="script", expires_at=now + datetime.timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now - datetime.timedelta(seconds=1))

    response = bearer_client(secret, "en").get(UNITS)

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired."}


def test_the_token_of_a_deactivated_user_is_401(owner):
    _token, secret = api_token_create(actor=owner, name="script")
    owner.is_active = False
    owner.save()

    assert bearer_client(secret).get(UNITS).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(owner):
    token, secret = api_token_create(actor=owner, name="script")
    client = bearer_client(secret)

    client.get(UNITS)
    token.refresh_from_db()
    first_use = token.last_used_at
    client.get(UNITS)
    token.refresh_from_db()

    assert first_use is not None
    assert token.last_used_at == first_use  # the second request, seconds later, wrote nothing
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - LAST_USED_RESOLUTION * 2)
    client.get(UNITS)
    token.refresh_from_db()
    assert token.last_used_at > first_use


# --- the page ------------------------------------------------------------------------------------


def test_the_token_page_requires_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_creating_a_token_on_the_page_shows_the_secret_once(client, owner):
    client.force_login(owner)

    response = client.post(PAGE, {"name": "Reporting script", "lifetime": "90"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert token.digest == ApiToken.digest_of(secret)
    assert secret in response.content.decode()
    assert token.expires_at is not None
    later = client.get(PAGE).content.decode()
    assert secret not in later
    assert token.prefix in later


def test_the_page_lists_only_the_users_own_tokens(client, owner, outsider):
    api_token_create(actor=outsider, name="Someone else's")
    api_token_create(actor=owner, name="My own")
    client.force_login(owner)

    content = client.get(PAGE).content.decode()

    assert "My own" in content
    assert "Someone else" not in content


def test_the_usable_tokens_come_first_however_many_revoked_ones_are_newer(client, owner):
    """Issue 12: the page is a page at a time; a token still in use is on the first page even when
    more than a page of newer tokens were revoked or have expired."""
    in_use, _secret = api_token_create(actor=owner, name="Still in use")
    for n in range(30):
        token, _secret = api_token_create(actor=owner, name=f"Old {n}")
        api_token_revoke(actor=owner, token_id=token.pk)
    expired = timezone.now() - datetime.timedelta(days=1)
    ApiToken.objects.filter(name="Old 0").update(revoked_at=None, expires_at=expired)
    client.force_login(owner)

    content = client.get(PAGE).content.decode()

    assert "Still in use" in content
    assert content.index("Still in use") < content.index("Old 29")


def test_revoking_on_the_page_asks_first_then_revokes(client, owner):
    token, secret = api_token_create(actor=owner, name="script")
    client.force_login(owner)

    confirm = client.get(revoke_url(token))
    token.refresh_from_db()
    assert confirm.status_code == 200 and token.revoked_at is None

    response = client.post(revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer_client(secret).get(UNITS).status_code == 401


def test_someone_elses_token_cannot_be_revoked_on_the_page(client, owner, outsider):
    token, secret = api_token_create(actor=owner, name="script")
    client.force_login(outsider)

    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer_client(secret).get(UNITS).status_code == 200


def test_the_page_has_labelled_fields_and_headings(client, owner):
    client.force_login(owner)

    content = client.get(PAGE).content.decode()

    assert "<h1" in content and "<h2" in content
    assert 'for="id_name"' in content and 'for="id_lifetime"' in content
