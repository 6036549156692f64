"""The access page, its forms and the account page's panel (issue 15, START-1, PRIV-2): who sees
what, who may use each form (404 for who may not see the account's evidence, 403 for who sees it but
may not act), and the to-do sections of owner and manager."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import PublisherStatus
from accounts.models import AccessReview, Publisher
from tests import factories

pytestmark = pytest.mark.django_db


def url(name, account, *args):
    return reverse(f"accounts:{name}", args=[account.pk, *args])


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("deputy", 200), ("manager", 200), ("comms", 200), ("auditor", 200), ("outsider", 404)],
)
def test_the_access_page_is_evidence(client, request, evidence_account, who, status):
    """Publishers are shown to those who may see the account's evidence; anyone else gets 404."""
    factories.PublisherFactory(account=evidence_account)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("access", evidence_account)).status_code == status


def test_anonymous_is_sent_to_log_in(client, evidence_account):
    assert client.get(url("access", evidence_account)).status_code == 302


def test_the_account_page_shows_the_panel_with_the_owners_buttons(client, owner, evidence_account):
    """START-1: the owner sees the people with access and the buttons to add one and review."""
    factories.PublisherFactory(account=evidence_account, person=factories.UserFactory(first_name="Erik"))
    client.force_login(owner)

    page = client.get(evidence_account.get_absolute_url()).content.decode()

    assert 'id="h-access"' in page and "Erik" in page
    assert url("publisher-add", evidence_account) in page and url("access-review", evidence_account) in page


def test_the_panel_is_hidden_from_who_may_not_see_evidence(client, outsider, evidence_account):
    client.force_login(outsider)

    page = client.get(evidence_account.get_absolute_url()).content.decode()

    assert 'id="h-access"' not in page


def test_an_auditor_reads_and_sees_no_button(client, auditor, evidence_account):
    """Auditors read, never write."""
    publisher = factories.PublisherFactory(account=evidence_account, status=PublisherStatus.PENDING)
    client.force_login(auditor)

    page = client.get(url("access", evidence_account)).content.decode()

    assert publisher.name in page
    for name, args in (("publisher-add", ()), ("access-review", ()), ("publisher-decide", (publisher.pk,))):
        assert url(name, evidence_account, *args) not in page
    assert client.get(url("publisher-add", evidence_account)).status_code == 403
    review = client.post(url("access-review", evidence_account), {"still_needed": "on", "still_at_ki": "on"})
    assert review.status_code == 403
    assert not AccessReview.objects.exists()


def test_owner_adds_a_publisher_through_the_form(client, owner, evidence_account):
    editor = factories.UserFactory(username="editor1")
    client.force_login(owner)
    ends_on = timezone.localdate() + datetime.timedelta(days=60)

    response = client.post(
        url("publisher-add", evidence_account), {"person": "editor1", "platform_role": "editor", "ends_on": ends_on}
    )

    assert response.status_code == 302
    publisher = Publisher.objects.get()
    assert (publisher.person, publisher.ends_on, publisher.status) == (editor, ends_on, "pending")


def test_the_add_form_refuses_bad_input_with_a_message(client, settings, owner, evidence_account):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(owner)

    response = client.post(url("publisher-add", evidence_account), {"platform_role": "editor"})

    assert response.status_code == 200
    assert "Choose a person at KI or name an external agency." in response.content.decode()
    assert not Publisher.objects.exists()


def test_manager_confirms_through_the_form(client, manager, evidence_account):
    """START-1, PRIV-2: the form requires the statement that the publisher acts for KI."""
    publisher = factories.PublisherFactory(account=evidence_account, status=PublisherStatus.PENDING)
    client.force_login(manager)
    decide = url("publisher-decide", evidence_account, publisher.pk)

    assert client.post(decide, {"confirm": "yes"}).status_code == 200  # without the PRIV-2 box
    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.PENDING
    assert client.post(decide, {"confirm": "yes", "acts_for_ki": "on"}).status_code == 302
    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.CONFIRMED and publisher.acts_for_ki


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("other_manager", 404), ("outsider", 404)])
def test_who_may_not_confirm_cannot_open_the_form(client, request, evidence_account, who, status):
    publisher = factories.PublisherFactory(account=evidence_account, status=PublisherStatus.PENDING)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("publisher-decide", evidence_account, publisher.pk)).status_code == status


def test_owner_records_a_removal_and_the_review(client, owner, evidence_account):
    ended = timezone.localdate() - datetime.timedelta(days=1)
    publisher = factories.PublisherFactory(account=evidence_account, ends_on=ended)
    client.force_login(owner)

    review = url("access-review", evidence_account)
    assert client.post(review, {"still_needed": "on", "still_at_ki": "on"}).status_code == 200  # remove first
    client.post(url("publisher-remove", evidence_account, publisher.pk), {"removed_on": timezone.localdate()})
    assert client.post(review, {"still_needed": "on", "still_at_ki": "on"}).status_code == 302

    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.REMOVED
    assert AccessReview.objects.filter(account=evidence_account).count() == 1


def test_a_publisher_of_another_account_is_404(client, owner, evidence_account):
    other = factories.PublisherFactory()
    client.force_login(owner)

    assert client.get(url("publisher-remove", evidence_account, other.pk)).status_code == 404


def test_owner_and_manager_find_their_to_do_sections(client, owner, manager, evidence_account):
    """START-1: the owner's section lists accounts whose access needs a review or a removal; the
    manager's lists accounts with publishers waiting for confirmation."""
    factories.PublisherFactory(account=evidence_account, status=PublisherStatus.PENDING, added_by=owner)
    evidence_account.activated_at = timezone.now() - datetime.timedelta(days=500)
    evidence_account.save()

    client.force_login(owner)
    page = client.get(reverse("approvals:todo-section", args=["access_review"])).content.decode()
    assert evidence_account.name in page
    client.force_login(manager)
    page = client.get(reverse("approvals:todo-section", args=["publishers"])).content.decode()
    assert evidence_account.name in page
