"""A media consent withdrawn (issue 15, MEDIA-1): through one service, shown as withdrawn on the
register, and the account's owner and deputy told by e-mail in their language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.labels import ACTION_LABELS
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from notifications.models import Notification
from records import consents
from records.models import MediaConsent
from tests.records.test_consents import account, client, record  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


def withdraw(actor, consent, **overrides):
    data = {"withdrawn_on": TODAY(), "via": "email", "note": "Inlägget togs ned samma dag.", **overrides}
    return consents.consent_withdraw(actor=actor, consent_id=consent.pk, **data)


def test_withdrawal_is_recorded_audited_and_told_to_owner_and_deputy_in_their_language(
    account,  # noqa: F811
    owner,
    deputy,
    manager,
):
    """MEDIA-1: the responsible manager records that the person withdrew their consent; the
    consent stays in the register, marked withdrawn; the audit row names the consent by id, never
    the person; the owner (Swedish) and the deputy (English) each get an e-mail at once."""
    owner.language, deputy.language = "sv", "en"
    owner.save(update_fields=["language"])
    deputy.save(update_fields=["language"])
    consent = record(owner, account, given_on=TODAY() - datetime.timedelta(days=30))

    withdraw(manager, consent)

    consent.refresh_from_db()
    assert consent.is_withdrawn and consent.withdrawn_on == TODAY() and consent.withdrawn_via == "email"
    assert consent.withdrawn_recorded_by == manager
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert event.actor == manager and event.after["consent"] == consent.pk
    assert "Anna" not in str(event.after)
    assert "consent.withdraw" in ACTION_LABELS
    mails = {n.recipient: n for n in Notification.objects.filter(kind="consent-withdrawn")}
    assert set(mails) == {owner, deputy}
    assert mails[owner].language == "sv" and mails[owner].subject.startswith("Ett mediesamtycke har återkallats")
    assert mails[deputy].language == "en" and mails[deputy].subject.startswith("A media consent was withdrawn")
    assert "Anna Andersson" in mails[deputy].body_text and consent.publication in mails[deputy].body_text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"via": "pigeon"}, "Choose how the consent was withdrawn."),
        ({"withdrawn_on": TODAY() + datetime.timedelta(days=1)}, "The date of the withdrawal cannot be in the future."),
        ({"withdrawn_on": TODAY() - datetime.timedelta(days=40)}, "A consent cannot be withdrawn before it was given."),
    ],
)
def test_bad_withdrawal_is_refused_and_changes_nothing(account, owner, overrides, message):  # noqa: F811
    """MEDIA-1: a withdrawal with an unknown channel or an impossible date is refused with a clear
    message; the consent stays in force, nothing is audited or sent."""
    consent = record(owner, account, given_on=TODAY() - datetime.timedelta(days=30))

    with pytest.raises(ApplicationError) as refused:
        withdraw(owner, consent, **overrides)

    assert refused.value.message == message
    assert not MediaConsent.objects.get(pk=consent.pk).is_withdrawn
    assert not AuditEvent.objects.filter(action="consent.withdraw").exists()
    assert not Notification.objects.filter(kind="consent-withdrawn").exists()


def test_withdrawing_twice_is_refused(account, owner):  # noqa: F811
    """MEDIA-1: a withdrawal is recorded once; the first one stands."""
    consent = record(owner, account)
    withdraw(owner, consent, via="phone")
    with pytest.raises(ApplicationError):
        withdraw(owner, consent, via="letter")
    assert MediaConsent.objects.get(pk=consent.pk).withdrawn_via == "phone"


def test_an_auditor_cannot_withdraw_and_an_outsider_gets_404(client, account, owner, auditor, outsider):  # noqa: F811
    """MEDIA-1: auditors read the register but never write (403, nothing changes); a user who may
    not see the register gets 404."""
    consent = record(owner, account)
    url = reverse("records:consent-withdraw", args=[consent.pk])
    with pytest.raises(NotAllowed):
        withdraw(auditor, consent)

    client.force_login(auditor)
    assert client.post(url, {"withdrawn_on": TODAY(), "via": "email"}).status_code == 403
    page = client.get(reverse("records:consents", args=[account.pk])).content.decode()
    assert url not in page  # no button the auditor cannot use
    client.force_login(outsider)
    assert client.post(url, {"withdrawn_on": TODAY(), "via": "email"}).status_code == 404
    assert not MediaConsent.objects.get(pk=consent.pk).is_withdrawn


def test_the_register_page_withdraws_and_shows_withdrawn(client, account, owner):  # noqa: F811
    """MEDIA-1: the owner records the withdrawal from the register page, which then shows the
    consent as withdrawn, with the date and how, and no longer offers the form."""
    consent = record(owner, account)
    client.force_login(owner)
    register = reverse("records:consents", args=[account.pk])
    url = reverse("records:consent-withdraw", args=[consent.pk])
    assert url in client.get(register).content.decode()

    response = client.post(url, {"withdrawn_on": TODAY().isoformat(), "via": "platform", "note": ""})

    assert response.status_code == 302 and response["Location"].startswith(register)
    page = client.get(register).content.decode()
    assert "Withdrawn" in page and "In a message on the platform" in page
    assert url not in page
    assert MediaConsent.objects.get(pk=consent.pk).withdrawn_via == "platform"


def test_the_register_page_reports_a_bad_date_and_changes_nothing(client, account, owner):  # noqa: F811
    """MEDIA-1: a withdrawal dated in the future is refused with its message on the page."""
    consent = record(owner, account)
    client.force_login(owner)
    url = reverse("records:consent-withdraw", args=[consent.pk])
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()

    response = client.post(url, {"withdrawn_on": future, "via": "email"}, follow=True)

    assert "The date of the withdrawal cannot be in the future." in response.content.decode()
    assert not MediaConsent.objects.get(pk=consent.pk).is_withdrawn


def test_the_withdrawal_shows_in_the_register_across_accounts_its_export_and_the_api(
    client,  # noqa: F811
    account,  # noqa: F811
    owner,
    comms,
):
    """MEDIA-1 (issue 15: "the consent shows as withdrawn everywhere"): besides the account's own
    register, the register across accounts marks it withdrawn and filters on it, its CSV has the
    date and how, and the API's media consents say so."""
    import csv
    import io

    kept = record(owner, account)
    gone = record(owner, account)
    withdraw(owner, gone, via="phone")
    client.force_login(comms)

    url = reverse("registers:register", args=["media-consents"])
    page = client.get(url).content.decode()
    assert "By telephone" in page and "In force" in page
    assert [c.pk for c in client.get(url, {"state": "withdrawn"}).context["records"]] == [gone.pk]
    assert [c.pk for c in client.get(url, {"state": "in_force"}).context["records"]] == [kept.pk]

    response = client.get(reverse("reports:register-csv", args=["media-consents"]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["ID"]: row for row in csv.DictReader(io.StringIO(content))}
    assert (rows[str(gone.pk)]["Withdrawn"], rows[str(gone.pk)]["How it was withdrawn"]) == (
        TODAY().isoformat(),
        "By telephone",
    )
    assert rows[str(kept.pk)]["Withdrawn"] == "" and rows[str(kept.pk)]["How it was withdrawn"] == ""

    body = client.get("/api/v1/media-consents/").json()
    listed = {c["id"]: c for c in body["results"]}
    assert (listed[gone.pk]["withdrawn_on"], listed[gone.pk]["withdrawn_via"]) == (TODAY().isoformat(), "phone")
    assert (listed[kept.pk]["withdrawn_on"], listed[kept.pk]["withdrawn_via"]) == (None, "")
