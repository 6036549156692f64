"""Comms choose each platform's collector in the catalogue (issue 17); a token setting may only
name a setting made for it, never another secret of the portal."""

import pytest
from django.urls import reverse

from accounts.models import Platform
from audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def post(client, platform, **changes):
    form = client.get(reverse("platforms:update", args=[platform.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "tos_reviewed_by"}
    data.update(domains="\n".join(platform.domains), tos_reviewed_on="", reviewed_on="", **changes)
    for flag in ("allowed_for_new", "has_description", "content_retrievable", "can_disable_comments"):
        data[flag] = "on" if getattr(platform, flag) else ""
    return client.post(reverse("platforms:update", args=[platform.pk]), data)


def test_comms_set_a_collector_and_a_token_setting(client, comms):
    client.force_login(comms)
    x = Platform.objects.get(slug="x")
    response = post(client, x, collector="reachable", token_setting="WATCHING_TOKEN_X2")
    assert response.status_code == 302, response.context["form"].errors
    x.refresh_from_db()
    assert (x.collector, x.token_setting) == ("reachable", "WATCHING_TOKEN_X2")
    assert AuditEvent.objects.get(action="platform.update").after["collector"] == "reachable"


def test_a_token_setting_naming_another_secret_is_refused(client, comms):
    client.force_login(comms)
    x = Platform.objects.get(slug="x")
    response = post(client, x, collector="manual", token_setting="SECRET_KEY")
    assert response.status_code == 200
    assert "WATCHING_TOKEN_" in str(response.context["form"].errors["token_setting"])
    x.refresh_from_db()
    assert x.token_setting == "WATCHING_TOKEN_X"
