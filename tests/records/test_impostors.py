"""Impostor reports and cases (issue 14, feature row 29; SEND-1): a visitor's report from the
directory's "not found" answer becomes a case for the communications department, who triage it,
record the takedown request and close it; every step through a service, audited. Known impostors
may be listed publicly; the stale rule counts cases left without action for 14 days."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring import reminders
from monitoring.models import CheckRun
from monitoring.services import compliance_sweep
from monitoring.subject_rules import SUBJECT_RULES
from notifications.models import Notification
from notifications.services import notifications_send
from records import impostors
from records.choices import CaseOutcome, CaseStatus, CaseVerdict
from records.models import ImpostorCase, ImpostorReport
from tests.throttling import OTHER_IP, allowed, assert_throttled

pytestmark = pytest.mark.django_db

FAKE = "https://www.instagram.com/karolinska.institutet.official"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def report(client, address=FAKE, reason="It asks for money.", contact="", **extra):
    return client.post(
        reverse("records:impostor-report"), {"address": address, "reason": reason, "contact": contact}, **extra
    )


def _case(**fields) -> ImpostorCase:
    return impostors.impostor_report_submit(address=fields.pop("address", FAKE), reason="Looks fake.")


# The public report


def test_the_not_found_answer_offers_the_report_form_with_the_address(client):
    """SEND-1: "no" links to the report form, carrying the address that was checked."""
    response = client.get(reverse("directory:index"), {"check": FAKE}, **EN)
    html = response.content.decode()

    assert 'data-answer="not_found"' in html
    assert "data-report-impostor" in html
    form = client.get(reverse("records:impostor-report"), {"address": FAKE}, **EN)
    assert form.status_code == 200
    assert f'value="{FAKE}"' in form.content.decode()


def test_a_report_without_login_becomes_a_case_and_tells_comms(client, settings):
    """A report (no login, CSRF-protected form) opens a case, keeps the report as given, writes the
    audit event as the public and queues one e-mail to the communications department's mailbox."""
    settings.COMMS_EMAIL = "impostors@example.ki.se"
    response = report(client, contact="")

    assert response.status_code == 302
    assert response["Location"] == reverse("records:impostor-report-thanks")
    case = ImpostorCase.objects.get()
    assert (case.status, case.platform_slug, case.handle, case.reports_count) == (
        CaseStatus.NEW,
        "instagram",
        "karolinska.institutet.official",
        1,
    )
    assert ImpostorReport.objects.get().reason == "It asks for money."
    event = AuditEvent.objects.get(action="impostor_case.report")
    assert event.actor is None and event.actor_repr == impostors.PUBLIC_ACTOR
    [note] = Notification.objects.all()
    assert note.to_email == "impostors@example.ki.se" and FAKE in note.subject
    assert client.get(response["Location"]).status_code == 200


def test_a_second_report_of_the_same_profile_joins_its_open_case(client):
    """Two spellings of one profile are one case; comms is told once."""
    report(client)
    report(client, address="instagram.com/Karolinska.Institutet.Official/", reason="Same one.")

    case = ImpostorCase.objects.get()
    assert case.reports_count == 2 and case.reports.count() == 2
    assert Notification.objects.count() == 1


def test_a_report_needs_an_address_and_a_reason_and_changes_nothing_without(client):
    response = report(client, address="", reason="", **EN)

    assert response.status_code == 200  # the form again, with its messages
    assert "This field is required." in response.content.decode()
    assert ImpostorCase.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_the_report_form_is_protected_against_cross_site_posts(db):
    from django.test import Client

    response = report(Client(enforce_csrf_checks=True))

    assert response.status_code == 403
    assert ImpostorCase.objects.count() == 0


def test_reports_are_rate_limited_per_address(client, production_rates):
    """Like the other public forms: the production rate per client IP, then 429 with Retry-After;
    another address is still served."""
    for _ in range(allowed("impostor-report")):
        assert report(client).status_code == 302
    assert_throttled(report(client))
    assert report(client, REMOTE_ADDR=OTHER_IP).status_code == 302
    assert client.get(reverse("records:impostor-report")).status_code == 200  # showing it is not counted


# Comms' handling


def test_comms_triage_request_takedown_and_close_each_audited(comms):
    case = _case()
    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR, note="Fake logo.")
    impostors.impostor_case_takedown(
        actor=comms, case_id=case.pk, requested_on=timezone.localdate(), platform_reference="IG-123"
    )
    impostors.impostor_case_close(
        actor=comms, case_id=case.pk, outcome=CaseOutcome.REMOVED, closed_on=timezone.localdate()
    )

    case.refresh_from_db()
    assert (case.status, case.verdict, case.platform_reference, case.outcome) == (
        CaseStatus.CLOSED,
        CaseVerdict.IMPOSTOR,
        "IG-123",
        CaseOutcome.REMOVED,
    )
    actions = list(AuditEvent.objects.filter(actor=comms).order_by("id").values_list("action", flat=True))
    assert actions == ["impostor_case.triage", "impostor_case.takedown", "impostor_case.close"]


def test_after_a_case_closes_a_new_report_opens_a_new_case(comms):
    case = _case()
    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.NOT_KI)
    impostors.impostor_case_close(
        actor=comms, case_id=case.pk, outcome=CaseOutcome.NO_ACTION, closed_on=timezone.localdate()
    )

    again = _case()

    assert again.pk != case.pk and again.status == CaseStatus.NEW


def test_a_takedown_is_refused_for_an_account_that_is_official_after_all(comms):
    case = _case()
    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.OFFICIAL)

    with pytest.raises(ApplicationError):
        impostors.impostor_case_takedown(actor=comms, case_id=case.pk, requested_on=timezone.localdate())
    with pytest.raises(ApplicationError):
        impostors.impostor_case_list_publicly(actor=comms, case_id=case.pk, listed=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGED and not case.listed_publicly


def test_an_untriaged_case_cannot_be_closed(comms):
    case = _case()
    with pytest.raises(ApplicationError):
        impostors.impostor_case_close(
            actor=comms, case_id=case.pk, outcome=CaseOutcome.NO_ACTION, closed_on=timezone.localdate()
        )
    assert not AuditEvent.objects.filter(action="impostor_case.close").exists()


@pytest.mark.parametrize("who", ["auditor", "owner", "manager"])
def test_only_comms_may_handle_a_case(request, who):
    user = request.getfixturevalue(who)
    case = _case()
    with pytest.raises(NotAllowed):
        impostors.impostor_case_triage(actor=user, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR)
    case.refresh_from_db()
    assert case.verdict == ""


# Listing publicly


def test_a_listed_impostor_is_named_in_the_directory_answer_and_on_the_public_list(client, comms):
    """Comms decides: the answer for that address warns that it is not official, and the public
    list names it; an unlisted case shows nowhere."""
    case = _case()
    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR)
    before = client.get(reverse("directory:index"), {"check": FAKE}, **EN).content.decode()
    assert 'data-impostor="listed"' not in before
    assert FAKE not in client.get(reverse("records:impostors-listed")).content.decode()

    impostors.impostor_case_list_publicly(actor=comms, case_id=case.pk, listed=True)

    answer = client.get(reverse("directory:index"), {"check": "@karolinska.institutet.official"}, **EN)
    assert 'data-impostor="listed"' not in answer.content.decode()  # a bare handle could be anyone's
    answer = client.get(reverse("directory:index"), {"check": FAKE + "/"}, **EN)
    assert 'data-impostor="listed"' in answer.content.decode()
    assert f'data-impostor="{case.pk}"' in client.get(reverse("records:impostors-listed")).content.decode()
    assert AuditEvent.objects.filter(action="impostor_case.list", actor=comms).exists()


# Pages


def test_the_case_pages_answer_comms_and_auditors_only(client, comms, auditor, owner):
    case = _case()
    list_url = reverse("records:impostor-cases")
    detail_url = reverse("records:impostor-case", args=[case.pk])

    assert client.get(list_url).status_code == 302  # anonymous: to the login page
    client.force_login(owner)
    assert client.get(list_url).status_code == 403
    assert client.get(detail_url).status_code == 404
    client.force_login(auditor)
    assert client.get(list_url).status_code == 200
    page = client.get(detail_url).content.decode()
    assert "impostor-case-triage" not in page and reverse("records:impostor-case-triage", args=[case.pk]) not in page
    assert (
        client.post(reverse("records:impostor-case-triage", args=[case.pk]), {"verdict": "impostor"}).status_code == 403
    )
    client.force_login(comms)
    assert reverse("records:impostor-case-triage", args=[case.pk]) in client.get(detail_url).content.decode()


def test_comms_triage_on_the_case_page(client, comms):
    case = _case()
    client.force_login(comms)

    response = client.post(
        reverse("records:impostor-case-triage", args=[case.pk]), {"verdict": "parody", "note": "Satire."}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.verdict, case.triage_note) == (CaseStatus.TRIAGED, CaseVerdict.PARODY, "Satire.")


def test_the_case_list_filters_by_state(client, comms):
    new = _case()
    triaged = _case(address="https://www.instagram.com/another.fake.ki")
    impostors.impostor_case_triage(actor=comms, case_id=triaged.pk, verdict=CaseVerdict.IMPOSTOR)
    client.force_login(comms)

    page = client.get(reverse("records:impostor-cases"), {"status": "triaged"}).content.decode()

    assert reverse("records:impostor-case", args=[triaged.pk]) in page
    assert reverse("records:impostor-case", args=[new.pk]) not in page


# The stale rule and the digest


def test_the_stale_rule_fires_after_14_days_without_action_and_the_digest_counts_it(comms, settings):
    """impostor-case-stale (SEND-1): an open case with no action for 14 days is counted by the
    sweep and listed in the weekly digest to comms; an action on it clears it."""
    case = _case()
    now = timezone.now()
    ImpostorCase.objects.filter(pk=case.pk).update(last_action_at=now - datetime.timedelta(days=15))
    fresh = _case(address="https://www.instagram.com/fresh.fake.ki")

    assert list(impostors.impostor_cases_stale(now)) == [case]
    compliance_sweep(now=now)
    assert CheckRun.objects.get(job="sweep_compliance").counts["impostor-case-stale"] == 1

    reminders.weekly_digest_queue(now=now)
    notifications_send()
    with translation.override("sv"):  # the digest is in Swedish
        stale_line = f"{SUBJECT_RULES['impostor-case-stale'].title}: 1"
        new_line = f"{SUBJECT_RULES['impostor-case-new'].title}: 2"
    [digest] = [m for m in mail.outbox if stale_line in m.body]
    assert digest.to == [settings.COMMS_EMAIL] and new_line in digest.body

    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR)
    assert list(impostors.impostor_cases_stale(now)) == []
    assert fresh not in impostors.impostor_cases_stale(now + datetime.timedelta(days=13))


def test_the_case_page_is_never_cached(client, comms):
    """The reports may carry a visitor's contact: the page is private and not stored."""
    case = impostors.impostor_report_submit(address=FAKE, reason="Fake.", contact="anna@example.org")
    client.force_login(comms)

    response = client.get(reverse("records:impostor-case", args=[case.pk]))

    assert "anna@example.org" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_check_json_says_known_impostor_and_where_to_report(client, comms):
    """The directory's JSON check (for other KI sites) carries the same answer as the page."""
    url = reverse("directory:check-json")
    before = client.get(url, {"q": FAKE}).json()
    assert before["known_impostor"] is False
    assert before["report_url"].startswith("http://testserver" + reverse("records:impostor-report") + "?address=")

    case = _case()
    impostors.impostor_case_triage(actor=comms, case_id=case.pk, verdict=CaseVerdict.IMPOSTOR)
    impostors.impostor_case_list_publicly(actor=comms, case_id=case.pk, listed=True)

    assert client.get(url, {"q": FAKE}).json()["known_impostor"] is True
