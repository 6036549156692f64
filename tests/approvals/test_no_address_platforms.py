"""Platforms without an address rule (issue 14): WeChat official accounts have no public profile
address, so an approved WeChat account is recorded by its stated identifier (the "address without
handle" form) and can go live like any other."""

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus as S
from accounts.models import SocialAccount
from approvals import services
from approvals.choices import Outcome
from audit.models import AuditEvent
from core.exceptions import ApplicationError
from tests import factories
from tests.approvals.helpers import confirm_sender_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_wechat(make_draft, requester, head, comms):
    draft = make_draft(name="KI 卡罗林斯卡学院", platform=factories.platform("wechat"))
    services.request_submit(actor=requester, account_id=draft.pk, guidelines_read=True)
    services.manager_decide(actor=head, account_id=draft.pk, outcome=Outcome.APPROVE)
    services.comms_decide(actor=comms, account_id=draft.pk, outcome=Outcome.APPROVE)
    return SocialAccount.objects.get(pk=draft.pk)


def test_a_wechat_account_goes_live(client, approved_wechat, owner):
    """Issue 14, SEND-1..3: the owner states the WeChat ID on the request page (no address
    field), confirms the sender checklist and puts the account live."""
    client.force_login(owner)
    page = client.get(reverse("approvals:detail", args=[approved_wechat.pk])).content.decode()
    assert 'name="identifier"' in page and 'name="url"' not in page

    response = client.post(
        reverse("approvals:address", args=[approved_wechat.pk]),
        {"name": "KI 卡罗林斯卡学院", "identifier": "KarolinskaInst_CN"},
    )
    assert response.status_code == 302
    confirm_sender_checklist(approved_wechat, owner)
    client.post(reverse("approvals:go-live", args=[approved_wechat.pk]))

    account = SocialAccount.objects.get(pk=approved_wechat.pk)
    assert (account.status, account.handle, account.url) == (S.ACTIVE, "karolinskainst_cn", "")
    assert AuditEvent.objects.for_object(account).filter(action="account.status", after={"status": S.ACTIVE}).exists()


def test_a_wechat_account_without_its_identifier_cannot_go_live(approved_wechat, owner, english):
    """Issue 14: the identifier stands in for the address; without it the account stays approved."""
    confirm_sender_checklist(approved_wechat, owner)

    with pytest.raises(ApplicationError, match="address"):
        services.account_go_live(actor=owner, account_id=approved_wechat.pk)

    assert SocialAccount.objects.get(pk=approved_wechat.pk).status == S.APPROVED


def test_an_identifier_already_registered_or_malformed_is_refused(client, approved_wechat, owner):
    """Issue 14: bad input gets a clear message and changes nothing."""
    factories.SocialAccountFactory(platform=factories.platform("wechat"), handle="ki_cn", url="", name="KI Kina")
    client.force_login(owner)
    url = reverse("approvals:address", args=[approved_wechat.pk])

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    taken = client.post(url, {"name": "KI", "identifier": "KI_CN"}, follow=True).content.decode()
    bad = client.post(url, {"name": "KI", "identifier": "ki cn!"}, follow=True).content.decode()

    assert "already registered as “KI Kina”" in taken
    assert "Use only letters, digits" in bad
    assert SocialAccount.objects.get(pk=approved_wechat.pk).handle == ""
