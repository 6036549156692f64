"""R5: two `celery beat` processes by mistake (docs/reliability.md).

Two beats run for 30 s with every periodic job every 2 seconds (instead of hourly, daily or
weekly) in front of two workers, so that each job runs dozens of times, often two at once. Each
periodic effect must still happen once: one reminder per person and day, one escalation per
manager and day (each finding escalated once), one weekly digest, one open finding per account
and rule (none opened twice), and each e-mail delivered once.
"""

import datetime
import time
from collections import Counter

import pytest
from django.utils import timezone

from monitoring.models import CheckRun, Finding
from notifications.models import Notification
from org.calendar import is_working_day, local_day
from tests import factories
from tests.chaos.servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RUN_SECONDS = 30
JOBS = ("sweep_compliance", "daily_reminders", "escalations", "weekly_digest")


def test_r5_two_beats_make_each_periodic_effect_once(processes, smtp_sink, capsys):
    manager = factories.UserFactory(username="r5-manager")
    unit = factories.UnitFactory(name="Institutionen R5", manager=manager)
    days_ago = timezone.now() - datetime.timedelta(days=5)
    unwatched = [factories.staffed_account(name=f"KI Obevakad {i}", unit=unit, activated_at=days_ago) for i in range(3)]
    for i in range(3):
        factories.SocialAccountFactory(name=f"KI Utan ägare {i}", unit=unit, activated_at=days_ago)
    # Findings open past the escalation grace period, as an earlier sweep would have left them.
    for account in unwatched:
        factories.FindingFactory(account=account, rule="missed-monitoring", opened_at=days_ago)
    escalating = is_working_day(local_day(timezone.now()))

    env = {"KI_CHAOS_SCHEDULE": "all"}
    workers = [processes.worker(f"r5-{i}", beat=False, env=env) for i in range(2)]
    beats = [processes.beat(f"r5-{i}", env=env) for i in range(2)]
    started = time.monotonic()
    wait_until(
        lambda: CheckRun.objects.filter(job="weekly_digest").count() >= 2,
        "the beats to start firing",
        timeout=120,
        on_timeout=processes.log_tail,
    )
    while time.monotonic() - started < RUN_SECONDS:
        assert not processes.died(), processes.log_tail()
        time.sleep(1)
    for beat in beats:
        processes.kill(beat)
    ran = time.monotonic() - started
    processes.wait_for_outbox("the workers to deliver the queued e-mails", timeout=90)
    time.sleep(3)  # the queued tasks drain: nothing more may be sent
    for worker in workers:
        processes.kill(worker)

    runs = {job: CheckRun.objects.filter(job=job).count() for job in JOBS}
    rows = Counter(Notification.objects.values_list("kind", "to_email"))
    sent = smtp_sink.by_notification()
    findings = Counter(Finding.objects.values_list("account_id", "rule"))
    with capsys.disabled():
        print(
            f"\nR5: two beats for {ran:.0f} s; job runs {runs}; outbox rows by kind "
            f"{dict(Counter(k for k, _to in rows.elements()))}; e-mails {sum(sent.values())} for {len(sent)} rows; "
            f"findings {sum(findings.values())} for {len(findings)} (account, rule) pairs"
        )

    assert all(n >= 4 for n in runs.values()), f"each job ran many times: {runs}"
    # Each e-mail once per cause, and delivered once.
    assert [key for key, n in rows.items() if n > 1] == []
    assert set(sent) == set(Notification.objects.values_list("pk", flat=True))
    assert set(sent.values()) == {1}, "an e-mail was delivered twice"
    owners_and_deputies = {a.assignments.get(role="owner").person.email for a in unwatched} | {
        a.assignments.get(role="deputy").person.email for a in unwatched
    }
    assert {to for kind, to in rows if kind == "reminder-missed"} == owners_and_deputies
    assert [to for kind, to in rows if kind == "weekly-digest"] == ["socialmedia@ki.se"]
    # Each finding opened once (never resolved and reopened), escalated once.
    assert [pair for pair, n in findings.items() if n > 1] == []
    if escalating:
        assert [to for kind, to in rows if kind == "escalation"] == [manager.email]
        assert not Finding.objects.filter(account__in=unwatched, rule="missed-monitoring", escalated_at=None).exists()
    else:
        assert not any(kind == "escalation" for kind, _to in rows), "no escalation on a holiday"
