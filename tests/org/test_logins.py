"""Brute-force protection of the login (django-axes, issue 11), with the production settings: 5
failed logins for one username from one IP lock that pair out for 15 minutes, with a page that
says so in the user's language (status 429, Retry-After); every failure, refusal and lockout is
an audit event without the password; an administrator can lift the lock; the API's token and
session authentication keep working."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from org.api_tokens import api_token_create

WRONG = "not-the-password-1234"
RIGHT = "pw"  # tests.factories.UserFactory
OTHER_IP = "192.0.2.50"


def log_in(client, username, password, ip="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="127.0.0.1"):
    for _ in range(times):
        response = log_in(client, username, WRONG, ip)
    return response


def logged_in(client) -> bool:
    return client.get(reverse("accounts:inventory")).status_code == 200


def test_the_production_settings_lock_after_five_failures_for_fifteen_minutes():
    """The issue's figures: 5 failures per username and IP, 15 minutes."""
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_then_the_right_password_logs_in(client, owner):
    """Below the limit a person who mistyped still gets in (and the count starts over)."""
    assert fail(client, "owner", 4).status_code == 200
    assert log_in(client, "owner", RIGHT).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_five_failures_lock_out_even_the_right_password(client, owner):
    """The 5th wrong password answers the lockout page (429); the right password then is refused
    too, with the same page in Swedish saying how long and whom to contact, and logs nobody in."""
    assert fail(client, "owner", 4).status_code == 200
    assert fail(client, "owner", 1).status_code == 429

    response = log_in(client, "owner", RIGHT)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15 * 60
    page = response.content.decode()
    assert "Inloggningen är spärrad" in page
    assert "15 minuter" in page
    assert settings.COMMS_EMAIL in page
    assert not logged_in(client)


def test_the_lockout_page_is_in_english_for_english_visitors(client, owner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, "owner", 5)
    page = log_in(client, "owner", RIGHT).content.decode()
    assert "Login locked" in page
    assert "locked for 15 minutes" in page


def test_the_right_password_works_again_after_the_cool_off(client, owner):
    """The lock lasts 15 minutes from the failure that set it: at 14 minutes still refused, after
    15 the right password logs in."""
    fail(client, "owner", 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=14))
    assert log_in(client, "owner", RIGHT).status_code == 429

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=2))
    assert log_in(client, "owner", RIGHT).status_code == 302
    assert logged_in(client)


def test_attempts_during_the_lock_do_not_extend_it(client, owner):
    """Trying again while locked is refused without moving the end of the lock."""
    fail(client, "owner", 5)
    locked_at = AccessAttempt.objects.get().attempt_time
    log_in(client, "owner", WRONG)
    log_in(client, "owner", RIGHT)
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_failures_are_counted_per_username(client, owner, deputy):
    """From one address, 4 failures for each of two usernames lock neither: each still logs in."""
    fail(client, "owner", 4)
    fail(client, "deputy", 4)
    assert log_in(Client(), "owner", RIGHT).status_code == 302
    assert log_in(Client(), "deputy", RIGHT).status_code == 302


def test_a_lock_holds_only_for_the_address_it_came_from(client, owner, deputy):
    """Someone else guessing owner's password from another address does not lock her out, and a
    locked address may still log in as another user."""
    fail(client, "owner", 5, ip=OTHER_IP)
    assert log_in(Client(), "owner", RIGHT).status_code == 302
    assert log_in(Client(), "deputy", RIGHT, ip=OTHER_IP).status_code == 302


def test_every_failure_and_the_lockout_are_audit_events_without_the_password(client, owner):
    """Five login.failed events and one login.locked_out, by and about the user whose name was
    tried, with the address; the refused right password is login.refused. The password is stored
    nowhere: not in the audit trail, not in axes' records."""
    fail(client, "owner", 5)
    log_in(client, "owner", RIGHT)

    events = list(AuditEvent.objects.filter(action__startswith="login.").order_by("id"))
    # axes signals the lockout while it handles the 5th failure, so its event comes first.
    assert [e.action for e in events] == ["login.failed"] * 4 + ["login.locked_out", "login.failed", "login.refused"]
    assert [e.after["failures"] for e in events] == [1, 2, 3, 4, 5, 5, None]
    for event in events:
        assert event.actor == owner
        assert (event.content_type.model, event.object_id) == ("user", str(owner.pk))
        assert event.after["ip_address"] == "127.0.0.1"
    assert events[4].after["locked_until"]
    stored = [str(vars(e)) for e in events] + [str(vars(a)) for a in AccessAttempt.objects.all()]
    assert not any(WRONG in text or f"password={RIGHT}" in text for text in stored)


def test_failures_for_a_username_that_does_not_exist_are_recorded_with_that_name(client, db):
    """No user to point at: the tried username is kept as the actor's text and the target is
    axes' record of the attempts."""
    fail(client, "nobody-here", 5)

    events = AuditEvent.objects.filter(action__startswith="login.")
    assert events.count() == 6
    event = events.get(action="login.locked_out")
    assert event.actor is None
    assert "nobody-here" in event.actor_repr
    assert (event.content_type.app_label, event.content_type.model) == ("axes", "accessattempt")


def test_an_administrator_lifts_the_lock_with_axes_reset_username(client, owner):
    """docs/deployment.md: manage.py axes_reset_username <username> unlocks at once."""
    fail(client, "owner", 5)
    call_command("axes_reset_username", "owner", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert log_in(client, "owner", RIGHT).status_code == 302


def test_an_administrator_sees_and_deletes_locks_in_the_admin(client, owner, django_user_model):
    """The admin lists axes' access attempts; deleting one lifts the lock."""
    fail(client, "owner", 5)
    admin = django_user_model.objects.create_superuser("admin", "admin@ki.se", "x")
    admin_client = Client()
    admin_client.force_login(admin)
    attempt = AccessAttempt.objects.get()
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200

    response = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert log_in(client, "owner", RIGHT).status_code == 302


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_api_tokens_still_authenticate(outsider, scheme):
    """axes' backend sits in AUTHENTICATION_BACKENDS only: a personal token still works."""
    _token, secret = api_token_create(actor=outsider, name="script")
    response = Client(headers={"Authorization": f"{scheme} {secret}"}).get(reverse("api:unit-list"))
    assert response.status_code == 200


def test_the_api_accepts_the_session_of_a_login_through_the_form(client, owner):
    """DRF's session authentication after a real login (through axes' backend)."""
    assert log_in(client, "owner", RIGHT).status_code == 302
    assert client.get(reverse("api:unit-list")).status_code == 200
