"""PURP-4 (issue 15): the request names the KI activity or the official collaboration partner
the channel is about, from the list the communications department keeps, and the requester
confirms it fits KI's core values; the manager and comms see both at their decisions."""

import pytest
from django.urls import reverse

from accounts.models import CollaborationPartner, SocialAccount
from accounts.partners import partner_create, partner_update
from approvals import services
from approvals.models import Submission
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from tests import factories
from tests.approvals.helpers import request_fields

pytestmark = pytest.mark.django_db

CREATE = reverse("approvals:request-create")
PARTNERS = reverse("accounts:partners")


def form_data(org, owner, deputy, **overrides) -> dict:
    data = {
        **request_fields(),
        "unit": org.department.pk,
        "platform": factories.platform("instagram").pk,
        "owner": owner.username,
        "deputy": deputy.username,
        "core_values_confirmed": "on",
        **overrides,
    }
    return {k: v for k, v in data.items() if v is not None}


def test_the_request_form_requires_the_core_values_confirmation(client, org, requester, owner, deputy):
    """PURP-4: the checkbox is required; without it nothing is saved."""
    client.force_login(requester)

    response = client.post(CREATE, form_data(org, owner, deputy, core_values_confirmed=None))

    assert response.status_code == 200 and "core_values_confirmed" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="account.create").exists()


def test_the_request_records_the_partner_and_the_confirmation(client, org, requester, owner, deputy, comms):
    """PURP-4: the partner chosen from the list and the confirmation are saved with the request."""
    partner = partner_create(actor=comms, name="Region Stockholm")
    client.force_login(requester)

    response = client.post(CREATE, form_data(org, owner, deputy, ki_activity="", partner=partner.pk))

    assert response.status_code == 302
    account = SocialAccount.objects.get()
    assert (account.partner, account.core_values_confirmed) == (partner, True)


def test_a_partner_no_longer_current_cannot_be_chosen(client, org, requester, owner, deputy, comms):
    partner = partner_create(actor=comms, name="Gammal partner", is_active=False)
    client.force_login(requester)

    response = client.post(CREATE, form_data(org, owner, deputy, partner=partner.pk))

    assert response.status_code == 200 and "partner" in response.context["form"].errors


def test_sending_needs_an_activity_or_partner_and_the_confirmation(make_draft, requester):
    """PURP-4: a request that names neither, or lacks the confirmation, is not sent."""
    for fields in ({"ki_activity": ""}, {"core_values_confirmed": False}):
        draft = make_draft(**fields)
        with pytest.raises(ApplicationError, match="PURP-4"):
            services.request_submit(actor=requester, account_id=draft.pk, guidelines_read=True)
        assert not Submission.objects.filter(account=draft).exists()


@pytest.mark.parametrize("who", ["head", "comms"])
def test_manager_and_comms_see_the_purp4_answers_at_their_decision(client, request, awaiting_manager, head, who):
    """PURP-4: shown on the request page at the manager's and comms' decisions."""
    if who == "comms":
        services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome="approve")
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("approvals:detail", args=[awaiting_manager.pk])).content.decode()

    assert 'id="purp4-subject"' in page and awaiting_manager.ki_activity in page
    assert 'id="purp4-values"' in page


@pytest.mark.parametrize(("who", "status"), [("comms", 200), ("auditor", 404), ("owner", 404)])
def test_only_comms_keep_the_partner_list(client, request, who, status):
    """PURP-4: the communications department keeps the list; others get 404 and no link."""
    client.force_login(request.getfixturevalue(who))

    assert client.get(PARTNERS).status_code == status
    assert (PARTNERS in client.get(reverse("accounts:inventory")).content.decode()) == (status == 200)


def test_comms_add_and_retire_a_partner_audited(client, comms, auditor):
    client.force_login(comms)

    client.post(PARTNERS, {"name": "Stockholm trio", "is_active": "on"})
    partner = CollaborationPartner.objects.get()
    client.post(reverse("accounts:partner-update", args=[partner.pk]), {"name": "Stockholm trio"})

    partner.refresh_from_db()
    assert not partner.is_active
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "partner.create",
        "partner.update",
    ]
    with pytest.raises(NotAllowed):
        partner_update(actor=auditor, partner_id=partner.pk, is_active=True)
