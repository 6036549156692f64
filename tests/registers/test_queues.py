"""The queues (issue 14, docs/registers.md): the registrar's "sent to the registry, no reference
number yet" with the number entered in place, and comms' "questions overdue", "removed posts not
registered" and "blocks due for review", which list what the rules flag; their counts in the
navigation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.registers import QUEUES, queue_count
from audit.models import AuditEvent
from records.blocks import block_unreviewed
from records.rules import incident_unregistered, inquiry_overdue
from tests.registers import data

pytestmark = pytest.mark.django_db
DAY = 24


def _enter(client, slug, record, reference, back=None):
    return client.post(
        reverse("registers:reference", args=[slug, record.pk]),
        {"reference": reference, "back": back or reverse("registers:register", args=[slug])},
    )


@pytest.mark.parametrize(
    ("slug", "queue", "make", "action"),
    [
        ("decisions", "registrar-decisions", lambda a: data.decision(a), "decision.registry_reference"),
        (
            "removed-posts",
            "registrar-removed-posts",
            lambda a: data.incident(a, hand_off="registry", registry_email="d@ki.se", handed_off_at=data.ago(1)),
            "incident.registry_reference",
        ),
        (
            "questions",
            "registrar-questions",
            lambda a: data.inquiry(a, hand_off="registry", registry_email="d@ki.se", handed_off_at=data.ago(1)),
            "inquiry.registry_reference",
        ),
    ],
)
def test_the_registrar_enters_the_reference_number_in_the_queue(
    client, registrar, evidence_account, slug, queue, make, action
):
    """REC-4: the reference number the registry gives back is entered from the queue's row; the
    change is audited and the record leaves the queue."""
    record = make(evidence_account)
    data.decision(evidence_account, registry_email="") if slug == "decisions" else None  # not sent: not queued
    assert queue_count(QUEUES[queue], user=registrar) == 1
    client.force_login(registrar)
    page = client.get(QUEUES[queue].url())
    assert f'action="{reverse("registers:reference", args=[slug, record.pk])}"' in page.content.decode()
    back = QUEUES[queue].url()
    response = _enter(client, slug, record, " Dnr 1-234/2026 ", back=back)
    assert response.status_code == 302 and response["Location"] == back
    record.refresh_from_db()
    assert record.registry_reference == "Dnr 1-234/2026"
    event = AuditEvent.objects.get(action=action)
    assert event.actor == registrar and event.after["registry_reference"] == "Dnr 1-234/2026"
    assert queue_count(QUEUES[queue], user=registrar) == 0


def test_an_auditor_may_not_enter_a_reference_number(client, auditor, evidence_account):
    """Auditors read, never write: no form in the row, and a POST is refused with 403."""
    decision = data.decision(evidence_account)
    client.force_login(auditor)
    page = client.get(reverse("registers:register", args=["decisions"]))
    assert reverse("registers:reference", args=["decisions", decision.pk]) not in page.content.decode()
    assert _enter(client, "decisions", decision, "Dnr 9").status_code == 403
    decision.refresh_from_db()
    assert decision.registry_reference == ""
    assert not AuditEvent.objects.filter(action="decision.registry_reference").exists()


def test_a_record_the_user_may_not_see_is_404(client, owner):
    hidden = data.decision(data.hidden_account())
    client.force_login(owner)
    assert _enter(client, "decisions", hidden, "Dnr 9").status_code == 404
    hidden.refresh_from_db()
    assert hidden.registry_reference == ""


def test_an_empty_reference_changes_nothing(client, registrar, evidence_account):
    decision = data.decision(evidence_account)
    client.force_login(registrar)
    response = _enter(client, "decisions", decision, "")
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.registry_reference == ""
    assert not AuditEvent.objects.filter(action="decision.registry_reference").exists()


def test_a_register_without_reference_numbers_refuses_one(client, registrar, evidence_account):
    blocked = data.block(evidence_account)
    client.force_login(registrar)
    assert _enter(client, "blocks", blocked, "Dnr 1").status_code == 404


def test_the_comms_queues_list_what_the_rules_flag(comms, evidence_account):
    """ANS-1, CONT-2/REC-3/REC-4, CONT-1/REC-1: each comms queue holds exactly the records that make
    the rule flag their account (governed accounts only), so the queue and the finding agree."""
    now = timezone.now()
    draft = data.hidden_account()
    for account in (evidence_account, draft):
        data.inquiry(account, due_hours_ago=2)  # overdue
        data.incident(account, removed_hours_ago=10 * DAY)  # not handed off after two working days
        data.block(account, blocked_hours_ago=200 * DAY)  # not reviewed for six months
    data.inquiry(evidence_account, due_hours_ago=-5)  # not yet due
    data.incident(evidence_account, removed_hours_ago=1)  # still in time
    data.block(evidence_account, blocked_hours_ago=DAY)  # recent
    assert inquiry_overdue(now) == incident_unregistered(now) == block_unreviewed(now) == {evidence_account.pk}
    for queue in ("questions-overdue", "removed-posts-unregistered", "blocks-review-due"):
        assert queue_count(QUEUES[queue], user=comms) == 1, queue


def test_the_navigation_shows_each_queue_with_its_count(client, comms, registrar, owner, evidence_account):
    data.inquiry(evidence_account, due_hours_ago=2)
    data.inquiry(evidence_account, due_hours_ago=3)
    client.force_login(comms)
    html = client.get(reverse("accounts:inventory")).content.decode()
    overdue = QUEUES["questions-overdue"]
    assert f'href="{overdue.url().replace("&", "&amp;")}"' in html
    assert "registrar-decisions" not in html
    client.force_login(registrar)
    html = client.get(reverse("accounts:inventory")).content.decode()
    assert "registrar-decisions" in html and "questions-overdue" not in html
    # Users without a queue get the plain link, and no COUNT query.
    client.force_login(owner)
    html = client.get(reverse("accounts:inventory")).content.decode()
    assert f'href="{reverse("registers:index")}"' in html and "registers-menu" not in html


def test_queue_counts_are_not_cached(client, comms, evidence_account):
    client.force_login(comms)
    first = {q.slug: n for q, n in client.get(reverse("registers:index")).context["queues"]}
    data.block(evidence_account, blocked_hours_ago=200 * DAY)
    second = {q.slug: n for q, n in client.get(reverse("registers:index")).context["queues"]}
    assert second["blocks-review-due"] == first["blocks-review-due"] + 1


def test_the_period_filter_takes_whole_stockholm_days(client, comms, evidence_account):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data.consent(evidence_account, given_on=yesterday)
    data.consent(evidence_account)
    client.force_login(comms)
    url = reverse("registers:register", args=["media-consents"])
    response = client.get(url + f"?date_from={yesterday}&date_to={yesterday}")
    assert [c.given_on for c in response.context["records"]] == [yesterday]


def test_a_queue_badge_says_more_than_its_limit(client, comms, evidence_account, monkeypatch):
    """Issue 12: the navigation's queue badges count up to QUEUE_COUNT_LIMIT, then say "fler än"."""
    from accounts import registers

    monkeypatch.setattr(registers, "QUEUE_COUNT_LIMIT", 2)
    for hours in (2, 3):
        data.inquiry(evidence_account, due_hours_ago=hours)
    client.force_login(comms)
    exact = {q.slug: n for q, n in client.get(reverse("registers:index")).context["queues"]}
    data.inquiry(evidence_account, due_hours_ago=4)

    response = client.get(reverse("registers:index"), headers={"accept-language": "sv"})

    assert exact["questions-overdue"] == 2
    assert {q.slug: n for q, n in response.context["queues"]}["questions-overdue"] == "fler än 2"
    assert ">fler än 2</span>" in response.content.decode()
