"""The Django admin as a superuser: adding a user (issue 11, defect 8: it answered 500) and every
registered model's add and change page."""

import datetime
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import SocialAccount
from audit.models import AuditEvent
from records.models import Retention, WeedingDecision

STRONG = "Ljus-Tornado-Fika-42"


def test_a_superuser_adds_a_user_through_the_admin_and_the_audit_event_holds_no_password(superuser_client):
    """Defect 8: the audit mixin read the form's password1 as a model field and the admin answered
    500. Now the user is created, and the event records the username but no password value."""
    url = reverse("admin:org_user_add")
    assert superuser_client.get(url).status_code == 200

    response = superuser_client.post(
        url, {"username": "new.person", "password1": STRONG, "password2": STRONG, "usable_password": "true"}
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.person")
    assert user.check_password(STRONG)
    event = AuditEvent.objects.get(action="admin.add")
    assert (event.object_id, event.actor_repr.endswith("(root)")) == (str(user.pk), True)
    assert event.after == {"username": "new.person"}
    recorded = json.dumps([event.before, event.after, event.note])
    assert STRONG not in recorded and "password" not in recorded and user.password not in recorded


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, so that every model has a row to open; seeded once for the module inside a
    transaction that is rolled back at its end (each test's own transaction is a savepoint in it).
    The demo weeds nothing and marks no account's retention, so one row of each is added here."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, verbosity=0)
        account = SocialAccount.objects.order_by("pk").first()
        Retention.objects.create(account=account, research_value=True)
        WeedingDecision.objects.create(
            account=account,
            period_start=datetime.date(2020, 1, 1),
            period_end=datetime.date(2020, 6, 30),
            basis="RA-MS 2021:6",
            decided_by_repr="comms",
        )
        # One failed login, so that django-axes' admin pages have a row to open.
        failure = {"username": "nobody", "ip_address": "127.0.0.1", "user_agent": "test", "path_info": "/login/"}
        AccessAttempt.objects.create(**failure, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
        AccessFailureLog.objects.create(**failure, http_accept="*/*", locked_out=False)
        yield
        transaction.set_rollback(True)


MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])
def test_every_admin_add_and_change_page_answers_for_a_superuser(demo_data, superuser_client, model):
    """No admin page of a registered model fails: the add page answers 200 (403 where the admin
    allows no adding, e.g. the append-only audit trail) and the change page of a row 200."""
    model_admin = admin.site._registry[model]
    info = model._meta.app_label, model._meta.model_name
    request = superuser_client.get(reverse("admin:index")).wsgi_request

    add = superuser_client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)

    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"the demo data has no {model._meta.label}"
    change = superuser_client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert change.status_code == 200
