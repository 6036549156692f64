"""Weeding (WEED-1/2): a recorded decision deletes an account's stored screenshots for a period,
and is refused under a legal hold or a retention assessment."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.choices import AccountStatus
from accounts.models import Snapshot
from accounts.snapshots import snapshot_upload
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from records import disclosure, services, weeding
from records.models import Incident, Retention, WeedingDecision
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
START, END = TODAY - 60 * DAY, TODAY - 30 * DAY


def png_file(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")


def upload(actor, account, *, taken_on, colour, kind="start_page"):
    return snapshot_upload(
        actor=actor, account_id=account.pk, kind=kind, taken_on=taken_on, uploaded_file=png_file(colour)
    )


def decide(actor, account, *, start=START, end=END):
    return weeding.weeding_decide(
        actor=actor, account_id=account.pk, period_start=start, period_end=end, basis="Gallringsbeslut 1-2025"
    )


@pytest.fixture
def account(db, comms):
    """An account with two screenshots in the period to weed and one after it."""
    account = factories.SocialAccountFactory(name="KI Forskning")
    upload(comms, account, taken_on=START, colour=(1, 1, 1))
    upload(comms, account, taken_on=END, colour=(2, 2, 2), kind="before_change")
    upload(comms, account, taken_on=END + DAY, colour=(3, 3, 3))
    return account


def stored(account):
    storage = Snapshot._meta.get_field("file").storage
    return {s.file.name: storage.exists(s.file.name) for s in Snapshot.objects.filter(account=account)}


def test_a_weeding_decision_for_an_account_under_legal_hold_is_refused_with_a_clear_message(account, comms, english):
    """WEED-2, REC-1: while a request for public records covering the account and the period is
    open, weeding is refused, the message says why, and nothing is deleted or recorded."""
    req = disclosure.records_request_log(
        actor=comms,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="Allt om kontot.",
        account_ids=[account.pk],
        period_start=END,
        period_end=TODAY,
    )
    files_before = stored(account)
    events_before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError) as refused:
        decide(comms, account)

    assert "legal hold" in refused.value.message and f"no. {req.pk}" in refused.value.message
    assert stored(account) == files_before and all(files_before.values()) and len(files_before) == 3
    assert not WeedingDecision.objects.exists() and AuditEvent.objects.count() == events_before


def test_after_the_request_is_closed_weeding_deletes_the_files_and_keeps_the_decision(
    account, comms, django_capture_on_commit_callbacks
):
    """WEED-1: once the hold is lifted, the decision deletes the period's screenshots (rows and
    stored files) and keeps a list of what it deleted; the screenshot after the period stays."""
    req = disclosure.records_request_log(
        actor=comms,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="Allt om kontot.",
        account_ids=[account.pk],
        period_start=START,
        period_end=END,
    )
    disclosure.records_request_close(actor=comms, request_id=req.pk, reason="Besvarad.")
    doomed = list(Snapshot.objects.filter(account=account, taken_on__lte=END).order_by("taken_on"))
    storage = Snapshot._meta.get_field("file").storage

    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(comms, account)

    assert not any(storage.exists(s.file.name) for s in doomed)
    assert list(Snapshot.objects.filter(account=account).values_list("taken_on", flat=True)) == [END + DAY]
    assert all(storage.exists(name) for name in stored(account))
    decision.refresh_from_db()
    assert decision.deleted == [
        {"kind": s.kind, "taken_on": s.taken_on.isoformat(), "sha256": s.sha256} for s in doomed
    ]
    assert (decision.decided_by, decision.basis) == (comms, "Gallringsbeslut 1-2025")
    event = AuditEvent.objects.get(action="weeding.decide")
    assert event.after["deleted"] == 2 and event.after["decision"] == decision.pk


def test_a_hold_on_another_period_or_account_does_not_stop_weeding(account, comms):
    """WEED-2: the hold covers its accounts in its period only."""
    other = factories.SocialAccountFactory()
    disclosure.records_request_log(
        actor=comms,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="x",
        account_ids=[account.pk, other.pk],
        period_start=END + DAY,
        period_end=TODAY,
    )
    decision = decide(comms, account)
    assert len(decision.deleted) == 2


@pytest.mark.parametrize("flag", ["research_value", "public_interest"])
def test_material_with_research_value_or_public_interest_is_not_weeded(account, comms, flag, english):
    """WEED-2: an account assessed as having future research value, or where weeding would set aside
    the public's right of access, is not weeded."""
    weeding.retention_set(
        actor=comms,
        account_id=account.pk,
        research_value=flag == "research_value",
        public_interest=flag == "public_interest",
        note="Bedömt av arkivarien.",
    )

    with pytest.raises(ApplicationError) as refused:
        decide(comms, account)

    assert "WEED-2" in refused.value.message
    assert Snapshot.objects.filter(account=account).count() == 3 and not WeedingDecision.objects.exists()


def test_setting_the_retention_assessment_is_recorded(db, comms):
    account = factories.SocialAccountFactory()
    weeding.retention_set(actor=comms, account_id=account.pk, research_value=True, public_interest=False)

    assert Retention.objects.get(account=account).research_value
    event = AuditEvent.objects.get(action="retention.set")
    assert event.after == {"research_value": True, "public_interest": False, "note": ""}


@pytest.mark.parametrize("who", ["auditor", "owner"])
def test_only_comms_decides_on_weeding(account, who, request):
    """WEED-1: auditors read and owners keep, but only comms weeds; nothing is deleted otherwise."""
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        decide(actor, account)
    with pytest.raises(NotAllowed):
        weeding.retention_set(actor=actor, account_id=account.pk, research_value=False, public_interest=False)
    assert Snapshot.objects.filter(account=account).count() == 3 and not WeedingDecision.objects.exists()


def _incident(comms, account):
    """A removed post logged today with two screenshots (dated today)."""
    return services.incident_log(
        actor=comms,
        account_id=account.pk,
        seen_at=timezone.now() - datetime.timedelta(hours=2),
        removed_at=timezone.now() - datetime.timedelta(hours=1),
        poster="visitor",
        category="c_defamation",
        description="Personangrepp.",
        screenshots=[("removed_post", png_file((9, 9, 9))), ("ki_reply", png_file((8, 8, 8)))],
    )


def test_the_screenshots_of_a_removed_post_not_yet_handed_off_are_not_weeded(db, comms, english):
    """CONT-2, REC-4: until the record is handed off, its screenshots are its only record."""
    account = factories.SocialAccountFactory()
    incident = _incident(comms, account)

    with pytest.raises(ApplicationError) as refused:
        decide(comms, account, start=TODAY, end=TODAY)

    assert f"no. {incident.pk}" in refused.value.message
    assert incident.evidence.count() == 2


def test_weeding_the_screenshots_of_a_handed_off_removed_post_keeps_the_post_record(db, comms):
    """WEED-1: the evidence links are removed first, the screenshots deleted, the record kept."""
    account = factories.SocialAccountFactory()
    incident = _incident(comms, account)
    services.incident_hand_off(actor=comms, incident_id=incident.pk, to="archive")

    decision = decide(comms, account, start=TODAY, end=TODAY)

    assert Incident.objects.filter(pk=incident.pk).exists() and not incident.evidence.exists()
    assert not Snapshot.objects.filter(account=account).exists() and len(decision.deleted) == 2


def test_a_removed_post_held_by_a_request_keeps_its_screenshots_even_outside_the_period(db, comms, english):
    """REC-1, WEED-2: a screenshot uploaded later than the post it shows is still held by a
    request covering the day the post was removed."""
    account = factories.SocialAccountFactory()
    incident = _incident(comms, account)
    services.incident_hand_off(actor=comms, incident_id=incident.pk, to="archive")
    # Back-date the removal: the request covers last week, the screenshots are dated today.
    removed = timezone.now() - 7 * DAY
    Incident.objects.filter(pk=incident.pk).update(removed_at=removed, seen_at=removed)
    disclosure.records_request_log(
        actor=comms,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="x",
        account_ids=[account.pk],
        period_start=TODAY - 8 * DAY,
        period_end=TODAY - 6 * DAY,
    )

    with pytest.raises(ApplicationError) as refused:
        decide(comms, account, start=TODAY, end=TODAY)

    assert "legal hold" in refused.value.message and incident.evidence.count() == 2


def test_a_period_ending_in_the_future_is_refused(account, comms):
    with pytest.raises(ApplicationError):
        decide(comms, account, start=START, end=TODAY + DAY)
    assert not WeedingDecision.objects.exists()


# The weeding page: a permission matrix.


def test_anonymous_users_are_sent_to_log_in(client, account):
    response = client.get(reverse("records:weeding", args=[account.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_user_who_cannot_see_the_account_gets_404(client, comms, outsider):
    hidden = factories.SocialAccountFactory(status=AccountStatus.DRAFT, created_by=comms)
    client.force_login(outsider)
    assert client.get(reverse("records:weeding", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("records:weeding", args=[hidden.pk])).status_code == 404


def test_a_plain_user_who_sees_a_public_account_gets_404(client, account, outsider):
    """Evidence and its weeding are never public: staff who see the account only because it is an
    active official account get 404, as on the other evidence pages."""
    client.force_login(outsider)
    url = reverse("records:weeding", args=[account.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"period_start": START, "period_end": END, "basis": "x", "confirm": "on"}).status_code == 404
    )


@pytest.mark.parametrize("who", ["auditor", "manager"])
def test_auditors_and_managers_read_but_cannot_weed(client, account, who, auditor):
    if who == "manager":
        reader = factories.UserFactory(username="prefekt")
        account.unit.manager = reader
        account.unit.save(update_fields=["manager"])
    else:
        reader = auditor
    client.force_login(reader)
    url = reverse("records:weeding", args=[account.pk])

    assert client.get(url).status_code == 200
    data = {"period_start": START, "period_end": END, "basis": "x", "confirm": "on"}
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("records:retention", args=[account.pk]), {"research_value": "on"}).status_code == 403
    assert Snapshot.objects.filter(account=account).count() == 3 and not Retention.objects.exists()


def test_comms_weeds_through_the_page(client, account, comms):
    client.force_login(comms)
    url = reverse("records:weeding", args=[account.pk])

    response = client.post(url, {"period_start": START, "period_end": END, "basis": "Beslut 3/2025", "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == url
    assert WeedingDecision.objects.get().basis == "Beslut 3/2025"
    assert Snapshot.objects.filter(account=account).count() == 1
    assert "Beslut 3/2025" in client.get(url).content.decode()


def test_the_page_shows_the_legal_hold_refusal(client, account, comms, english):
    disclosure.records_request_log(
        actor=comms,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="x",
        account_ids=[account.pk],
        period_start=START,
        period_end=END,
    )
    client.force_login(comms)

    response = client.post(
        reverse("records:weeding", args=[account.pk]),
        {"period_start": START, "period_end": END, "basis": "Beslut", "confirm": "on"},
    )

    assert response.status_code == 200 and "gallringsspärr" in response.content.decode()  # "legal hold"
    assert Snapshot.objects.filter(account=account).count() == 3


def test_comms_sets_the_retention_flags_through_the_page(client, account, comms):
    client.force_login(comms)
    response = client.post(reverse("records:retention", args=[account.pk]), {"public_interest": "on", "note": "PO"})
    assert response.status_code == 302
    retention = Retention.objects.get(account=account)
    assert retention.public_interest and not retention.research_value and retention.note == "PO"


def test_a_weeding_decision_for_a_period_with_nothing_stored_is_refused_through_the_page(client, account, comms):
    """WEED-1 (issue 11, defect 9): a decision for a period in which the account has no stored
    screenshots answered 500 (the empty list of deleted files failed the model's validation). It is
    refused with a clear message on the page, in the user's language, and nothing is recorded: a
    weeding decision is the record that material was deleted, and one that deleted nothing (or a
    form sent twice) would make the register say otherwise."""
    client.force_login(comms)
    url = reverse("records:weeding", args=[account.pk])
    empty_start, empty_end = START - 20 * DAY, START - DAY
    events_before = AuditEvent.objects.count()

    response = client.post(
        url, {"period_start": empty_start, "period_end": empty_end, "basis": "Beslut 4/2025", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Det finns inga sparade skärmbilder" in response.content.decode()  # Swedish, the default
    assert not WeedingDecision.objects.exists() and AuditEvent.objects.count() == events_before
    assert Snapshot.objects.filter(account=account).count() == 3

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        url, {"period_start": empty_start, "period_end": empty_end, "basis": "Beslut 4/2025", "confirm": "on"}
    )
    assert response.status_code == 200 and "There are no stored screenshots" in response.content.decode()
    assert not WeedingDecision.objects.exists()
