import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from records import services
from tests import factories


@pytest.fixture
def routed(db, owner):
    manager = factories.UserFactory(username="prefekt")
    unit = factories.UnitFactory(manager=manager, registry_email="registrator@ki.se")
    account = factories.SocialAccountFactory(unit=unit, name="KI Kardiologi")
    factories.AssignmentFactory(account=account, person=owner)
    inquiry = services.inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=timezone.now(),
        kind="criticism",
        summary="Kritik mot väntetider.",
    )
    return account, manager, inquiry


def test_criticism_routed_to_a_manager_waits_in_their_to_do_list(client, routed):
    """ANS-2: the responsible manager sees the criticism routed to them on their to-do page, with a
    link to the account's questions; once answered it is gone."""
    account, manager, inquiry = routed
    client.force_login(manager)
    html = client.get(reverse("approvals:todo")).content.decode()
    assert reverse("records:inquiries", args=[account.pk]) in html
    services.inquiry_answer(
        actor=manager,
        inquiry_id=inquiry.pk,
        answered_at=timezone.now(),
        reply_summary="Svarade och hänvisade till patientnämnden.",
    )
    html = client.get(reverse("approvals:todo")).content.decode()
    assert reverse("records:inquiries", args=[account.pk]) not in html


def test_downloading_a_removed_post_record_is_audited(client, routed, owner):
    """REC-4: exporting a record of a removed post is itself an audit event."""
    account, _manager, _inquiry = routed
    incident = services.incident_log(
        actor=owner,
        account_id=account.pk,
        seen_at=timezone.now(),
        removed_at=timezone.now(),
        poster="visitor",
        category="f_advertising",
        description="Reklam.",
    )
    client.force_login(owner)
    response = client.get(reverse("records:incident-pdf", args=[account.pk, incident.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="incident.export", actor=owner).count() == 1
