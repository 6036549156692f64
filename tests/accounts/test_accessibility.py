"""The portal's own accessibility statement and its problem reports (DOS-lagen 2018:1937; ACC-1
and ACC-2 applied to the portal itself, issue 15)."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts import accessibility
from accounts.choices import ReportStatus
from accounts.models import AccessibilityReport
from audit.models import AuditEvent
from notifications.models import Notification

pytestmark = pytest.mark.django_db

STATEMENT = reverse("accessibility:statement")
REPORTS = reverse("accessibility:report-list")


def answer_url(report):
    return reverse("accessibility:report-answer", args=[report.pk])


def a_report(**fields):
    return accessibility.accessibility_report_submit(
        message=fields.pop("message", "The menu cannot be opened."), **fields
    )


def test_statement_has_what_digg_requires_without_login(client):
    """DOS-lagen: the statement is public and names the standard, the compliance status, the
    known problems, how to report one (a form) and the link to Digg for enforcement; it is dated
    and reviewed."""
    response = client.get(STATEMENT)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="sv">' in page
    for text in ("WCAG", "2.1", "EN 301 549", "2018:1937", accessibility.DIGG_REPORT_URL, 'name="message"'):
        assert text in page, text
    assert "delvis förenlig" in page  # compliance status
    assert "Innehåll som inte är tillgängligt" in page  # known non-compliant content
    assert accessibility.STATEMENT_REVIEWED.strftime("%Y") in page


def test_statement_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(STATEMENT).content.decode()
    assert '<html lang="en">' in page and "Accessibility statement for the KI social media registry" in page


@pytest.mark.parametrize(
    "name", ["login", "directory:index", "accounts:inventory", "accessibility:statement", "api:docs"]
)
def test_every_page_links_to_the_statement_from_its_footer(client, owner, name):
    """DOS-lagen: the statement is reachable from every page (the footer of base.html, and of the
    API documentation's own page, which does not extend it)."""
    if name != "login":
        client.force_login(owner)
    page = client.get(reverse(name)).content.decode()
    footer = page[page.index("<footer") :]
    assert f'href="{STATEMENT}"' in footer


def test_anyone_reports_a_problem_and_comms_are_told(client):
    """DOS-lagen: a visitor who is not logged in reports a problem; it is stored, audited and
    e-mailed to the communications department."""
    response = client.post(
        STATEMENT, {"message": "Kan inte öppna menyn med tangentbordet.", "page_url": "/today/", "email": "a@b.se"}
    )

    assert response.status_code == 302
    report = AccessibilityReport.objects.get()
    assert (report.status, report.page_url, report.email, report.reported_by) == (
        ReportStatus.OPEN,
        "/today/",
        "a@b.se",
        None,
    )
    event = AuditEvent.objects.get(action="accessibility_report.submit")
    assert event.actor_repr == "public" and event.object_id == str(report.pk)
    mail = Notification.objects.get()
    assert mail.to_email == settings.COMMS_EMAIL and "tangentbordet" in mail.body_text
    assert not Notification.objects.filter(to_email="a@b.se").exists()  # never mail the address typed


@pytest.mark.parametrize(
    "data, error",
    [
        ({"message": ""}, "Beskriv problemet."),
        ({"message": "   "}, "Beskriv problemet."),
        ({"message": "x", "email": "not-an-address"}, "Ange en giltig e-postadress, eller lämna fältet tomt."),
    ],
)
def test_bad_report_gets_a_message_and_changes_nothing(client, data, error):
    response = client.post(STATEMENT, data)

    assert response.status_code == 200  # the form again, with the message
    assert error in response.content.decode()
    assert not AccessibilityReport.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="accessibility_report").exists()


def test_reports_are_rate_limited_per_address(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "accessibility-report": "2/hour"}
    for _ in range(2):
        assert client.post(STATEMENT, {"message": "x"}).status_code == 302
    refused = client.post(STATEMENT, {"message": "x"})

    assert refused.status_code == 429 and "Retry-After" in refused
    assert AccessibilityReport.objects.count() == 2
    assert client.get(STATEMENT).status_code == 200  # reading the statement is not limited


def test_report_list_permission_matrix(client, comms, auditor, owner):
    """Comms and auditors see the reports; comms alone get the answer form; others get 404."""
    a_report()
    assert client.get(REPORTS).status_code == 302  # anonymous: to the login page
    client.force_login(owner)
    assert client.get(REPORTS).status_code == 404
    client.force_login(auditor)
    page = client.get(REPORTS)
    assert page.status_code == 200 and "The menu cannot be opened." in page.content.decode()
    assert 'name="answer"' not in page.content.decode()
    client.force_login(comms)
    assert 'name="answer"' in client.get(REPORTS).content.decode()


def test_comms_mark_a_report_answered_and_it_is_audited(client, comms):
    report = a_report()
    client.force_login(comms)

    response = client.post(answer_url(report), {"answer": "Fixed the menu."})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.answer, report.answered_by) == (ReportStatus.ANSWERED, "Fixed the menu.", comms)
    event = AuditEvent.objects.get(action="accessibility_report.answer")
    assert event.actor == comms and event.after == {"status": "answered"}


def test_auditor_cannot_answer_and_nobody_answers_twice(client, comms, auditor, owner):
    """Auditors read, never write (403); a second answer is refused with a message; others 404."""
    report = a_report()
    client.force_login(owner)
    assert client.post(answer_url(report), {"answer": "x"}).status_code == 404
    client.force_login(auditor)
    assert client.post(answer_url(report), {"answer": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN

    client.force_login(comms)
    client.post(answer_url(report), {"answer": "first"})
    again = client.post(answer_url(report), {"answer": "second"}, follow=True)
    assert "Rapporten är redan besvarad." in again.content.decode()
    report.refresh_from_db()
    assert report.answer == "first"
    assert AuditEvent.objects.filter(action="accessibility_report.answer").count() == 1


def test_empty_answer_changes_nothing(client, comms):
    report = a_report()
    client.force_login(comms)
    response = client.post(answer_url(report), {"answer": ""}, follow=True)
    assert "Skriv vad som gjordes eller svarades." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


@pytest.mark.parametrize("name", ["login", "accessibility:statement", "accounts:inventory"])
def test_every_page_names_a_favicon_that_exists(client, owner, name):
    """Issue 15: a favicon, so that no first load logs a 404; /favicon.ico leads to it too."""
    if name != "login":
        client.force_login(owner)
    page = client.get(reverse(name)).content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(icons) == 2
    for href in icons:
        assert finders.find(href.removeprefix(settings.STATIC_URL).removeprefix("/static/")), href
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and finders.find(redirect["Location"].split("/static/")[-1])


def test_an_unknown_report_answers_404(client, comms):
    client.force_login(comms)
    assert client.post(reverse("accessibility:report-answer", args=[999]), {"answer": "x"}).status_code == 404


def test_list_is_paginated(client, comms):
    for i in range(30):
        AccessibilityReport.objects.create(message=f"problem {i}")
    client.force_login(comms)
    response = client.get(REPORTS)
    assert len(response.context["reports"]) == 25
    assert client.get(REPORTS + "?page=2").context["reports"][0].message == "problem 4"
