"""The Django admin's "add user" (issue 13 reported a 500; issue 11 defect 8 had fixed the cause,
tests/audit/test_admin_pages.py): adding a person there names them and gives their e-mail address."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from org.models import User

pytestmark = pytest.mark.django_db

STRONG = "Ett-langt-Losenord-42!"


def test_the_admin_adds_a_user_with_name_and_email(superuser_client):
    """The add form answers 200, the post creates the user with name and e-mail address and is
    audited without any password."""
    url = reverse("admin:org_user_add")
    assert superuser_client.get(url).status_code == 200

    response = superuser_client.post(
        url,
        {
            "username": "nyperson",
            "first_name": "Ny",
            "last_name": "Person",
            "email": "ny.person@ki.se",
            "password1": STRONG,
            "password2": STRONG,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="nyperson")
    assert (user.get_full_name(), user.email, user.has_usable_password()) == ("Ny Person", "ny.person@ki.se", True)
    event = AuditEvent.objects.get(action="admin.add", object_id=str(user.pk))
    assert event.after == {
        "username": "nyperson",
        "first_name": "Ny",
        "last_name": "Person",
        "email": "ny.person@ki.se",
    }


def test_the_admin_adds_a_pending_user_without_a_password(superuser_client):
    """A person who will log in by single sign-on: no usable password."""
    response = superuser_client.post(
        reverse("admin:org_user_add"),
        {"username": "sso.person", "email": "sso.person@ki.se", "usable_password": "false"},
    )

    assert response.status_code == 302
    user = User.objects.get(username="sso.person")
    assert not user.has_usable_password() and user.is_pending
