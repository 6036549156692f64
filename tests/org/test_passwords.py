"""Weak passwords are refused for real users (issue 11, defect 10): Django's validators with a
12-character minimum, and org.passwords refusing the published demo password and the portal's name."""

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

STRONG = "Ljus-Tornado-Fika-42"


def refusals(password: str, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("kipolicy-demo", "password_demo"),
        ("KIPOLICY-DEMO", "password_demo"),
        ("Sommar-Kipolicy-2026", "password_portal_name"),
        ("Kort-lösen1", "password_too_short"),  # 11 characters
        ("password1234", "password_too_common"),
        ("394857203948", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in refusals(password)


def test_a_password_like_the_username_is_refused():
    user = factories.UserFactory(username="olivia.agare", first_name="Olivia", last_name="Ägare")

    assert "password_too_similar" in refusals("olivia.agare1", user)


def test_a_strong_password_passes():
    assert refusals(STRONG) == []


def test_the_messages_are_in_swedish_and_english():
    with translation.override("sv"):
        assert password_validation.password_validators_help_texts()[-1] == (
            "Ditt lösenord får inte vara demolösenordet eller innehålla portalens namn (kipolicy)."
        )
        with pytest.raises(ValidationError, match="demodatans publicerade lösenord"):
            password_validation.validate_password(settings.DEMO_PASSWORD)
    with translation.override("en"), pytest.raises(ValidationError, match="cannot contain the portal's name"):
        password_validation.validate_password("Sommar-Kipolicy-2026")


def test_the_admin_add_user_form_refuses_the_demo_password_and_accepts_a_strong_one(superuser_client):
    url = reverse("admin:org_user_add")
    form = {"username": "new.person", "usable_password": "true"}

    weak = superuser_client.post(url, {**form, "password1": "kipolicy-demo", "password2": "kipolicy-demo"})

    assert weak.status_code == 200
    assert "This is the demo data&#x27;s published password. Choose another." in weak.content.decode()
    assert not get_user_model().objects.filter(username="new.person").exists()

    strong = superuser_client.post(url, {**form, "password1": STRONG, "password2": STRONG})

    assert strong.status_code == 302
    assert get_user_model().objects.get(username="new.person").check_password(STRONG)


def test_the_admin_set_password_form_refuses_the_demo_password_and_accepts_a_strong_one(superuser_client):
    user = factories.UserFactory(username="someone")
    user.set_password("Gammal-Nyckel-Host-17")
    user.save()
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    weak = superuser_client.post(url, {"password1": "kipolicy-demo", "password2": "kipolicy-demo"})

    assert weak.status_code == 200
    assert "This is the demo data&#x27;s published password. Choose another." in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password("Gammal-Nyckel-Host-17")

    strong = superuser_client.post(url, {"password1": STRONG, "password2": STRONG})

    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_the_demo_seed_still_sets_the_published_password():
    """The validators guard forms; the demo seed sets its users' password directly, so the demo
    users still log in with the password the README publishes."""
    call_command("seed_demo", force=True, verbosity=0)

    # django-axes asks for the request of a login attempt.
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="owner", password=settings.DEMO_PASSWORD) is not None
