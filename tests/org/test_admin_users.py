"""The Django admin's user pages (issue 13: "add user" answered 500)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from org.models import User

pytestmark = pytest.mark.django_db


def test_admin_adds_a_user(superuser_client):
    """An administrator adds a user in the Django admin: the user exists and the addition is audited
    (issue 13 reported a 500 here)."""
    response = superuser_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "nyperson",
            "password1": "Ett-langt-Losenord-42!",
            "password2": "Ett-langt-Losenord-42!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="nyperson")
    assert user.has_usable_password()
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(user.pk)).exists()
