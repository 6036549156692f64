"""Pages for removed posts and questions (CONT-1/2, ANS-1..3, REC-2..4): who may see and do what,
what a page writes, and what it does not."""

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Snapshot
from audit.models import AuditEvent
from notifications.models import Notification
from records import services
from records.models import Incident, Inquiry
from records.views_moderation import moderation_panel
from tests import factories
from tests.pdf import review_bypass_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def client(client):
    """The pages in English: the locale middleware would otherwise switch to Swedish for the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(db):
    """The responsible manager of the department above the account's division."""
    return factories.UserFactory(username="prefekt")


@pytest.fixture
def department(manager):
    return factories.UnitFactory(name="Institutionen", manager=manager, registry_email="registrator@ki.se")


@pytest.fixture
def account(owner, deputy, department):
    """An active official account: every logged-in user sees it, but not its records."""
    division = factories.UnitFactory(name="Avdelningen", parent=department)
    return factories.staffed_account(owner=owner, deputy=deputy, unit=division, name="KI Forskning")


def png(color=(200, 10, 10), name="shot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def local_input(moment: datetime.datetime) -> str:
    """The value a datetime-local input sends for a moment, in Stockholm time."""
    return timezone.localtime(moment, STHLM).strftime("%Y-%m-%dT%H:%M")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def incident_of(account, actor) -> Incident:
    """A removed post logged an hour ago with a screenshot of the post."""
    removed = timezone.now() - datetime.timedelta(hours=1)
    return services.incident_log(
        actor=actor,
        account_id=account.pk,
        seen_at=removed - datetime.timedelta(minutes=20),
        removed_at=removed,
        poster="visitor",
        category="c_defamation",
        description="Personangrepp i en kommentar.",
        screenshots=[("removed_post", png())],
    )


def inquiry_of(account, actor, *, received=None, kind="question") -> Inquiry:
    return services.inquiry_log(
        actor=actor,
        account_id=account.pk,
        received_at=received or timezone.now() - datetime.timedelta(minutes=5),
        kind=kind,
        summary="Hur söker man till forskarutbildningen?",
    )


def incident_form(**overrides) -> dict:
    removed = timezone.now() - datetime.timedelta(hours=1)
    data = {
        "seen_at": local_input(removed - datetime.timedelta(minutes=30)),
        "removed_at": local_input(removed),
        "link": "https://instagram.com/p/abc",
        "poster": "visitor",
        "category": "a_personal_data",
        "description": "Kommentar med personnummer.",
        "post_screenshot": png(),
        "reply_screenshot": png((10, 200, 10), "reply.png"),
    }
    data.update(overrides)
    return data


def inquiry_form(**overrides) -> dict:
    data = {
        "received_at": local_input(timezone.now() - datetime.timedelta(minutes=30)),
        "link": "",
        "kind": "question",
        "summary": "När öppnar ansökan?",
    }
    data.update(overrides)
    return data


def answer_form() -> dict:
    return {"answered_at": local_input(timezone.now()), "reply_summary": "Svarade med länk till ki.se."}


# The permission matrix. Each page and action, as (url name, method, needs: none/incident/inquiry).

GET_PAGES = [("records:incidents", None), ("records:inquiries", None), ("records:incident-pdf", "incident")]
WRITES = [
    ("records:incidents", None),
    ("records:inquiries", None),
    ("records:incident-hand-off", "incident"),
    ("records:incident-reference", "incident"),
    ("records:inquiry-answer", "inquiry"),
]


def url_for(name, needs, account, owner) -> str:
    if needs == "incident":
        return reverse(name, args=[account.pk, incident_of(account, owner).pk])
    if needs == "inquiry":
        return reverse(name, args=[account.pk, inquiry_of(account, owner).pk])
    return reverse(name, args=[account.pk])


def write_data(name) -> dict:
    return {
        "records:incidents": incident_form(),
        "records:inquiries": inquiry_form(),
        "records:incident-hand-off": {"to": "archive"},
        "records:incident-reference": {"reference": "1-234/2026"},
        "records:inquiry-answer": answer_form(),
    }[name]


def written_state() -> tuple:
    """What a write could have changed: counts, hand-offs, references, answers and audit rows."""
    return (
        Incident.objects.count(),
        Incident.objects.exclude(hand_off="").count(),
        Incident.objects.exclude(registry_reference="").count(),
        Inquiry.objects.count(),
        Inquiry.objects.filter(answered_at__isnull=False).count(),
        Snapshot.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("name", "needs"), GET_PAGES + WRITES)
def test_anonymous_users_are_sent_to_log_in(client, media, account, owner, name, needs):
    """CONT-2, REC-4: records are never public; an anonymous visitor is asked to log in."""
    url = url_for(name, needs, account, owner)
    response = client.get(url) if (name, needs) in GET_PAGES else client.post(url, write_data(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs"), GET_PAGES)
def test_outsider_gets_404_for_the_records_of_a_public_account(client, media, account, owner, outsider, name, needs):
    """CONT-2, REC-4: evidence is never public, even on an active official account every logged-in
    user may see."""
    url = url_for(name, needs, account, owner)
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("name", "needs"), WRITES)
def test_outsider_gets_404_for_every_write_and_nothing_is_written(client, media, account, owner, outsider, name, needs):
    """CONT-2, REC-4: a user who may not see the records cannot learn of them by writing either."""
    url = url_for(name, needs, account, owner)
    before = written_state()
    client.force_login(outsider)
    assert client.post(url, write_data(name)).status_code == 404
    assert written_state() == before


@pytest.mark.parametrize(("name", "needs"), GET_PAGES)
def test_auditor_reads_the_records(client, media, account, owner, auditor, name, needs):
    """CONT-2, REC-4: auditors see the records of every account (read-only)."""
    url = url_for(name, needs, account, owner)
    client.force_login(auditor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["records:incidents", "records:inquiries"])
def test_auditor_sees_no_forms(client, media, account, owner, auditor, name):
    """CONT-2, ANS-1: auditors read; the page offers them nothing to log, hand off or answer."""
    incident_of(account, owner)
    inquiry_of(account, owner)
    client.force_login(auditor)
    response = client.get(reverse(name, args=[account.pk]))
    assert response.status_code == 200
    assert response.context["may_record"] is False
    assert b'method="post"' not in response.content.split(b"<main")[1]


@pytest.mark.parametrize(("name", "needs"), WRITES)
def test_auditor_gets_403_for_every_write_and_nothing_is_written(client, media, account, owner, auditor, name, needs):
    """CONT-2, REC-4, ANS-1: auditors are read-only."""
    url = url_for(name, needs, account, owner)
    before = written_state()
    client.force_login(auditor)
    assert client.post(url, write_data(name)).status_code == 403
    assert written_state() == before


@pytest.mark.parametrize("who", ["owner", "deputy", "manager", "comms"])
@pytest.mark.parametrize(("name", "needs"), GET_PAGES)
def test_keepers_manager_and_comms_see_the_records(request, client, media, account, owner, who, name, needs):
    """CONT-2, REC-4, RESP-1: the owner, the deputy, the responsible manager up the tree and comms see them."""
    url = url_for(name, needs, account, owner)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 200


def test_staff_of_another_unit_manager_gets_404(client, account):
    """CONT-2, REC-4: a manager of an unrelated unit sees the public account, not its records."""
    other = factories.UserFactory(username="other-prefekt")
    factories.UnitFactory(manager=other)
    client.force_login(other)
    assert client.get(reverse("records:incidents", args=[account.pk])).status_code == 404


# Removed posts


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_logging_a_removed_post_through_the_page_stores_it_and_both_screenshots(request, client, media, account, who):
    """CONT-2, REC-4: the post and KI's reply are kept as dated screenshots with the record."""
    actor = request.getfixturevalue(who)
    client.force_login(actor)

    response = client.post(reverse("records:incidents", args=[account.pk]), incident_form())

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.account, incident.category, incident.logged_by) == (account, "a_personal_data", actor)
    assert sorted(incident.evidence.values_list("kind", flat=True)) == ["ki_reply", "removed_post"]
    assert len(stored_files(media)) == 2
    assert AuditEvent.objects.filter(action="incident.log").count() == 1


def test_times_typed_in_the_form_are_read_as_stockholm_time(client, media, account, owner):
    """CONT-2: the seen and removed times are Stockholm wall-clock times (CET here: UTC+1)."""
    client.force_login(owner)
    client.post(
        reverse("records:incidents", args=[account.pk]),
        incident_form(seen_at="2026-02-02T09:00", removed_at="2026-02-02T09:30"),
    )
    incident = Incident.objects.get()
    assert incident.removed_at == datetime.datetime(2026, 2, 2, 8, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        (
            ("post.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
            "Upload a PNG, JPEG or WebP image, or a PDF.",
        ),
        (
            ("post.pdf", review_bypass_pdf(), "application/pdf"),
            "The PDF contains active content and cannot be accepted.",
        ),
    ],
    ids=["svg", "pdf-with-javascript"],
)
def test_a_hostile_upload_shows_the_error_and_writes_nothing(client, media, account, owner, hostile, message):
    """CONT-2, REC-4: only checked screenshots are kept; a refused file (an SVG with a script, a PDF
    with JavaScript hidden from the old byte search) leaves no record, row or file."""
    client.force_login(owner)

    response = client.post(
        reverse("records:incidents", args=[account.pk]), incident_form(post_screenshot=SimpleUploadedFile(*hostile))
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["post_screenshot"]
    assert not Incident.objects.exists() and not Snapshot.objects.exists()
    assert stored_files(media) == []
    assert not AuditEvent.objects.exists()


def test_the_page_lists_removed_posts_with_links_to_their_screenshots(client, media, account, owner):
    """CONT-2, REC-4: the list shows category with clause, who logged it and each screenshot."""
    incident = incident_of(account, owner)
    snapshot = incident.evidence.get()
    client.force_login(owner)

    response = client.get(reverse("records:incidents", args=[account.pk]))

    content = response.content.decode()
    assert "CONT-1" in content and "Defamation, personal attacks" in content
    assert reverse("snapshots:file", args=[snapshot.pk]) in content
    assert reverse("records:incident-pdf", args=[account.pk, incident.pk]) in content
    assert "Not yet handed off" in content


def test_hand_off_to_the_registry_queues_the_pdf_to_the_units_registry(client, media, account, owner):
    """CONT-2, REC-4: the dated record goes as a PDF to the registry of the unit where the account
    was established (here the department above the division)."""
    incident = incident_of(account, owner)
    client.force_login(owner)

    response = client.post(reverse("records:incident-hand-off", args=[account.pk, incident.pk]), {"to": "registry"})

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.hand_off, incident.registry_email) == ("registry", "registrator@ki.se")
    mail = Notification.objects.get()
    assert (mail.kind, mail.to_email) == ("incident-record", "registrator@ki.se")
    assert mail.attachment_type == "application/pdf"
    assert bytes(mail.attachment_data).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="incident.hand_off").count() == 1


def test_a_second_hand_off_is_refused_with_a_message(client, media, account, owner):
    """CONT-2: a record is handed off once; the second attempt changes nothing and says why."""
    incident = incident_of(account, owner)
    services.incident_hand_off(actor=owner, incident_id=incident.pk, to="archive")
    client.force_login(owner)

    response = client.post(
        reverse("records:incident-hand-off", args=[account.pk, incident.pk]), {"to": "registry"}, follow=True
    )

    assert "This record has already been handed off." in response.content.decode()
    incident.refresh_from_db()
    assert incident.hand_off == "archive" and not Notification.objects.exists()


def test_the_manager_enters_the_registry_reference_number(client, media, account, owner, manager):
    """REC-4, RESP-1: the reference number is entered when it comes back from the registry."""
    incident = incident_of(account, owner)
    services.incident_hand_off(actor=owner, incident_id=incident.pk, to="registry")
    client.force_login(manager)

    client.post(reverse("records:incident-reference", args=[account.pk, incident.pk]), {"reference": "1-99/2026"})

    incident.refresh_from_db()
    assert incident.registry_reference == "1-99/2026"
    assert AuditEvent.objects.filter(action="incident.registry_reference", actor=manager).count() == 1


def test_the_record_pdf_is_a_private_download(client, media, account, owner):
    """CONT-2, REC-4: the record PDF, for those who may see the evidence, is not cached."""
    incident = incident_of(account, owner)
    client.force_login(owner)

    response = client.get(reverse("records:incident-pdf", args=[account.pk, incident.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_an_incident_of_another_account_is_404(client, media, account, owner):
    """CONT-2: a record is reached only through its own account."""
    other = factories.staffed_account(owner=owner)
    incident = incident_of(other, owner)
    client.force_login(owner)
    assert client.get(reverse("records:incident-pdf", args=[account.pk, incident.pk])).status_code == 404


# Questions and comments


def test_a_question_received_on_a_saturday_shows_tuesday_0000_as_its_due_time(client, account, owner):
    """ANS-1: what arrives at a weekend is handled by the end of the next working day: Saturday
    15:00 is due Tuesday 00:00 (the end of Monday)."""
    client.force_login(owner)

    client.post(reverse("records:inquiries", args=[account.pk]), inquiry_form(received_at="2026-03-07T15:00"))

    inquiry = Inquiry.objects.get()
    assert inquiry.due_at == datetime.datetime(2026, 3, 10, 0, 0, tzinfo=STHLM)
    content = client.get(reverse("records:inquiries", args=[account.pk])).content.decode()
    assert "Tue 10 Mar 2026 00:00" in content
    assert "by the end of Monday 9 Mar" in content


def test_the_page_states_the_reading_of_the_24_hour_rule(client, account, owner):
    """ANS-1: the exact reading of the rule, with its examples, is on the page."""
    client.force_login(owner)
    content = client.get(reverse("records:inquiries", args=[account.pk])).content.decode()
    assert "received on Friday at 10:00, due on Monday at 10:00" in content
    assert "received on Saturday at 15:00, due on Tuesday at 00:00, that is, by the end of Monday" in content
    assert "Midsummer Eve" in content


def test_an_overdue_question_is_marked(client, account, owner):
    """ANS-1: an unanswered question past its due time is marked overdue; one still in time is not."""
    late = inquiry_of(account, owner, received=timezone.now() - datetime.timedelta(days=10))
    fresh = inquiry_of(account, owner)
    client.force_login(owner)

    response = client.get(reverse("records:inquiries", args=[account.pk]))

    flags = {i.pk: i.overdue for i in response.context["open_inquiries"]}
    assert flags == {late.pk: True, fresh.pk: False}
    assert response.context["figures"]["overdue"] == 1
    assert f'<tr id="inquiry-{late.pk}" class="table-danger">' in response.content.decode()


def test_criticism_is_routed_to_the_manager_who_sees_it_and_answers(client, account, owner, manager):
    """ANS-2: criticism of KI goes to the responsible manager, who is told, sees it and answers it."""
    client.force_login(owner)
    client.post(reverse("records:inquiries", args=[account.pk]), inquiry_form(kind="criticism"))
    inquiry = Inquiry.objects.get()
    assert inquiry.routed_to == manager and inquiry.needs_registration
    assert Notification.objects.get().to_email == manager.email

    client.force_login(manager)
    page = client.get(reverse("records:inquiries", args=[account.pk]))
    assert [i.pk for i in page.context["open_inquiries"]] == [inquiry.pk]
    assert page.context["open_inquiries"][0].answer_form is not None
    client.post(reverse("records:inquiry-answer", args=[account.pk, inquiry.pk]), answer_form())

    inquiry.refresh_from_db()
    assert inquiry.answered_by == manager and inquiry.reply_summary == "Svarade med länk till ki.se."
    assert AuditEvent.objects.filter(action="inquiry.answer", actor=manager).count() == 1


def test_the_keeper_answers_a_question(client, account, owner):
    """ANS-1, ANS-3: the time and a summary of the reply are recorded."""
    inquiry = inquiry_of(account, owner)
    client.force_login(owner)

    response = client.post(reverse("records:inquiry-answer", args=[account.pk, inquiry.pk]), answer_form())

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.answered_at is not None and inquiry.answered_by == owner


def test_an_answer_before_the_question_is_a_message_and_changes_nothing(client, account, owner):
    """ANS-1: the service's refusal is shown; the question stays open."""
    inquiry = inquiry_of(account, owner)
    client.force_login(owner)
    data = {**answer_form(), "answered_at": local_input(inquiry.received_at - datetime.timedelta(hours=2))}

    response = client.post(reverse("records:inquiry-answer", args=[account.pk, inquiry.pk]), data, follow=True)

    assert "The answer cannot come before the question." in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.answered_at is None


# Response figures for a unit


@pytest.mark.parametrize("who", ["comms", "auditor", "manager"])
def test_unit_figures_are_for_comms_auditors_and_the_units_manager(request, client, account, department, who):
    """ANS-1, RESP-1: response times per unit for comms, auditors and the responsible manager."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("records:unit-inquiries", args=[department.pk]))
    assert response.status_code == 200
    assert [a.pk for a, _figures in response.context["rows"]] == [account.pk]


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_unit_figures_are_403_for_others(request, client, account, department, who):
    """ANS-1: a keeper sees the figures of their own account on its page, not the unit's."""
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("records:unit-inquiries", args=[department.pk])).status_code == 403


def test_unit_figures_send_anonymous_users_to_log_in(client, department):
    """ANS-1: the figures are for logged-in staff."""
    response = client.get(reverse("records:unit-inquiries", args=[department.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unit_figures_count_the_whole_subtree(client, account, department, owner, manager):
    """ANS-1: the department's figures include the questions of its divisions' accounts."""
    inquiry_of(account, owner)
    client.force_login(manager)
    response = client.get(reverse("records:unit-inquiries", args=[department.pk]))
    assert response.context["figures"]["open"] == 1


# The panel on the account page


def test_moderation_panel_shows_counts_to_those_who_may_see_evidence(media, account, owner):
    """CONT-2, ANS-1: the account page shows pending removed posts and open and overdue questions."""
    incident_of(account, owner)
    inquiry_of(account, owner, received=timezone.now() - datetime.timedelta(days=10))
    request = RequestFactory().get("/")
    request.user = owner

    template, context = moderation_panel(request, account)

    assert template == "records/includes/_moderation_panel.html"
    assert (context["pending_incidents"], context["open_inquiries"], context["overdue_inquiries"]) == (1, 1, 1)


def test_moderation_panel_is_absent_for_a_user_who_sees_only_the_public_account(account, outsider):
    """CONT-2, REC-4: the records are never public, not even their counts."""
    request = RequestFactory().get("/")
    request.user = outsider
    assert moderation_panel(request, account) is None


# Query counts


def _incidents(account, n):
    """n removed posts, each with two screenshot rows (no files: the list reads only the rows)."""
    removed = timezone.now() - datetime.timedelta(hours=1)
    for _i in range(n):
        incident = Incident.objects.create(
            account=account,
            seen_at=removed,
            removed_at=removed,
            poster="visitor",
            category="rules",
            description="x",
            logged_by_repr="test",
        )
        incident.evidence.add(
            factories.SnapshotFactory(account=account, kind="removed_post"),
            factories.SnapshotFactory(account=account, kind="ki_reply"),
        )


def _inquiries(account, n, routed_to):
    """n questions, every other one answered, every third routed to a manager."""
    received = timezone.now() - datetime.timedelta(days=3)
    for i in range(n):
        Inquiry.objects.create(
            account=account,
            received_at=received,
            due_at=received + datetime.timedelta(days=1),
            kind="question",
            summary="x",
            routed_to=routed_to if i % 3 == 0 else None,
            answered_at=received + datetime.timedelta(hours=2) if i % 2 else None,
            answered_by=routed_to if i % 2 else None,
            reply_summary="y" if i % 2 else "",
        )


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("records:incidents", lambda account, n, manager: _incidents(account, n)),
        ("records:inquiries", _inquiries),
    ],
)
def test_list_pages_use_the_same_number_of_queries_for_3_and_30_rows(client, account, owner, manager, name, make):
    """CONT-2, ANS-1: the lists read their rows in a fixed number of queries (no query per row)."""
    url = reverse(name, args=[account.pk])
    client.force_login(owner)
    make(account, 3, manager)
    few = _queries_for(client, url)
    make(account, 27, manager)
    many = _queries_for(client, url)
    assert few == many
