"""LOCAL_LOGIN (issue 13): who may log in with a username and password. Enforced where the
password is checked (org.logins_local.LocalPasswordBackend), so a POST without the form, and the
admin's login, are refused like the form; the login page says so in words."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from org import roles
from tests import factories

PASSWORD = "pw"  # tests.factories.UserFactory


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client) -> bool:
    return client.get(reverse("accounts:inventory")).status_code == 200


@pytest.fixture
def administrator(db):
    user = factories.UserFactory(username="admin-person")
    user.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    return user


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_default_is_all_everyone_logs_in_with_a_password(client, owner, settings):
    assert settings.LOCAL_LOGIN == "all"
    assert log_in(client, "owner").status_code == 302
    assert logged_in(client)


def test_admins_refuses_a_non_administrator_with_the_right_password(client, owner, settings):
    """Break-glass only: the form answers that only administrators may use it, nobody is logged
    in, and the refusal is a failed login (audited, counted by django-axes)."""
    settings.LOCAL_LOGIN = "admins"
    response = log_in(client, "owner")
    assert response.status_code == 200
    assert "Endast administratörer får logga in med lösenord" in response.content.decode()  # Swedish, the default
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="login.failed", actor=owner).exists()


def test_admins_lets_administrators_and_superusers_in(administrator, superuser, settings):
    settings.LOCAL_LOGIN = "admins"
    for user in (administrator, superuser):
        client = Client()
        assert log_in(client, user.username).status_code == 302
        assert logged_in(client)


def test_off_refuses_everyone_even_a_superuser_posting_without_the_form(client, superuser, settings):
    """No form on the page, and a hand-made POST is refused before any password is checked."""
    settings.LOCAL_LOGIN = "off"
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    response = log_in(client, "root")
    assert response.status_code == 200
    assert "Inloggning med användarnamn och lösenord är avstängd" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize("policy", ["admins", "off"])
def test_the_admin_login_obeys_local_login_too(client, owner, settings, policy):
    """The admin's own login form goes through the same backend."""
    owner.is_staff = True
    owner.save()
    settings.LOCAL_LOGIN = policy
    client.post(reverse("admin:login"), {"username": "owner", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_password_session_ends_when_local_login_no_longer_allows_it(client, owner, settings):
    assert log_in(client, "owner").status_code == 302
    settings.LOCAL_LOGIN = "admins"
    assert not logged_in(client)


def test_the_login_page_shows_the_password_form_only_when_allowed(client, db, settings):
    settings.LOCAL_LOGIN = "admins"
    assert 'name="password"' in client.get(reverse("login")).content.decode()
    settings.LOCAL_LOGIN = "off"
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert "mailto:" in page  # no way in is switched on: whom to contact
