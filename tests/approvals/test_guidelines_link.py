"""START-1: the requester confirms having read KI's guidelines when sending a request; the
portal links to the guidelines' text right there (issue 13)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_send_form_links_to_the_guidelines(client, draft, requester):
    client.force_login(requester)
    page = client.get(reverse("approvals:detail", args=[draft.pk])).content.decode()
    form = page.split(f'action="{reverse("approvals:submit", args=[draft.pk])}"')[1].split("</form>")[0]
    assert f'href="{reverse("help:guidelines")}"' in form
    assert client.get(reverse("help:guidelines")).status_code == 200
