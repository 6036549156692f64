"""A real Celery worker (with its embedded beat) on the real Redis broker, in a separate process on
the test's own database: the beat-scheduled sweep runs and opens findings, a reminder is delivered
once, and a worker killed in the middle of delivering the outbox and started again sends each
e-mail exactly once.

Needs PostgreSQL (the worker must reach the test database; pytest-django's SQLite test database
lives in the test process's memory) and Redis on 127.0.0.1:6379 (database 15, flushed before and
after). CI starts both; elsewhere the tests skip and say why.
"""

import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from monitoring import reminders
from monitoring.choices import RunStatus
from monitoring.models import CheckRun, Finding
from notifications import services as outbox
from notifications.models import Notification
from tests import factories
from tests.chaos.servers import database_url
from tests.notifications.helpers import queue_emails

REDIS_URL = "redis://127.0.0.1:6379/15"
BASE_DIR = Path(settings.BASE_DIR)
HEADER = re.compile(rb"^X-KI-Notification: (\d+)\r?$", re.MULTILINE)

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs a database a second process can reach; run with DATABASE_URL=postgres://…",
    ),
    # Committed data, so that the worker's connection sees it. The flush afterwards empties every
    # table; serialized_rollback puts back what the migrations wrote (the platforms) first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def broker():
    """Redis database 15, empty before and after; skip when Redis does not answer PING."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at 127.0.0.1:6379 (PING failed: {exc})")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


class Workers:
    """Starts `celery worker --beat --pool=solo` processes, each in its own process group (the
    embedded beat is a child process), and stops whatever is still running at the end."""

    def __init__(self, tmp_path: Path, broker_url: str):
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.monitoring.celery_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "VAR_DIR": str(tmp_path / "var"),
            "KI_TEST_EMAIL_DIR": str(self.mail_dir),
        }
        self.running: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self, name: str, *, email_delay: float = 0) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{name}.log"
        self.logs.append(log)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kipolicy",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            "-s",
            str(self.tmp_path / f"beat-schedule-{name}"),
            "-n",
            f"kitest-{name}-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env={**self.env, "KI_TEST_EMAIL_DELAY": str(email_delay)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        """Signal the worker and its beat (the whole process group) and wait for the worker."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.kill(process, signal.SIGTERM)  # warm shutdown: finish the task in hand

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in self.logs
            if log.exists()
        )

    def sent_ids(self) -> list[int]:
        """The X-KI-Notification header of every message in the mail files, repeats included.
        (Counted by header, not by file: the file backend may append two messages to one file.)"""
        return [int(m) for path in sorted(self.mail_dir.iterdir()) for m in HEADER.findall(path.read_bytes())]


@pytest.fixture
def workers(tmp_path, broker):
    pool = Workers(tmp_path, broker)
    yield pool
    pool.stop_all()


def wait_for(condition, what: str, workers: Workers, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if not workers.running or any(p.poll() is not None for p in workers.running):
            pytest.fail(f"the worker exited while waiting for {what}\n{workers.log_tail()}")
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{workers.log_tail()}")


def test_the_beat_sweeps_and_the_reminder_is_delivered_once(workers):
    """RES-2, MON-1: started with no findings, the worker's beat runs the sweep (a CheckRun, ok) and
    opens the findings; a reminder queued afterwards is delivered by the beat's sender, once."""
    nobody = factories.SocialAccountFactory(name="KI Utan ägare")
    kept = factories.staffed_account(name="KI Obevakad", activated_at=timezone.now() - datetime.timedelta(days=3))
    assert Finding.objects.count() == 0

    workers.start("sweep")
    wait_for(
        lambda: (
            Finding.objects.filter(account=nobody, rule="no-owner").exists()
            and CheckRun.objects.filter(job="sweep_compliance", status=RunStatus.OK).exists()
        ),
        "the beat-scheduled sweep to open findings",
        workers,
    )
    assert set(Finding.objects.filter(account=nobody).values_list("rule", flat=True)) >= {"no-owner", "no-deputy"}
    assert Finding.objects.filter(account=kept, rule="missed-monitoring").exists()

    counts = reminders.daily_reminders_queue()
    assert counts["missed_emails"] == 2  # the owner and the deputy of the unwatched account
    wait_for(
        lambda: not Notification.objects.filter(sent_at__isnull=True).exists(),
        "the reminders to be delivered",
        workers,
    )
    time.sleep(3)  # three more runs of the sender: none may send anything again

    notifications = dict(Notification.objects.values_list("pk", "to_email"))
    assert len(notifications) == 2
    assert sorted(workers.sent_ids()) == sorted(notifications)
    assert Notification.objects.filter(attempts=1).count() == 2


def _queue(n: int) -> list[int]:
    return queue_emails(n, "crash-test")


def test_a_worker_killed_while_delivering_sends_each_email_exactly_once(workers):
    """The outbox survives a crash: 20 e-mails queued, the worker SIGKILLed just after the first one
    went out (while the second is being handed to the slow mail server), then started again.
    Every e-mail is sent once; none twice. The one in flight at the kill stays claimed until the
    claim times out (notifications.services.CLAIM_TIMEOUT, 10 minutes, not a setting): the test
    ages that claim, as the passing of time would, and sees it sent once."""
    ids = _queue(20)

    first = workers.start("first", email_delay=0.5)
    wait_for(lambda: workers.sent_ids(), "the first e-mail", workers)
    time.sleep(0.15)  # into the second e-mail's hand-over, after the first one's sent_at is written
    workers.kill(first)
    sent_before_restart = Notification.objects.filter(sent_at__isnull=False).count()
    assert 1 <= sent_before_restart < 20, "the kill must land in the middle of the delivery"

    workers.start("second")
    wait_for(
        lambda: not Notification.objects.filter(sent_at__isnull=True, claimed_at__isnull=True).exists(),
        "every unclaimed e-mail to be delivered after the restart",
        workers,
    )
    time.sleep(2)  # more sender runs: none may repeat a message

    emails = Counter(workers.sent_ids())
    sent = set(Notification.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    in_flight = set(Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    assert [pk for pk, n in emails.items() if n > 1] == [], "an e-mail went out twice"
    assert set(emails) <= set(ids)
    assert sent | in_flight == set(ids)
    assert len(in_flight) <= 1, "only the row being sent at the kill may be left claimed"
    assert not Notification.objects.filter(pk__in=in_flight, claimed_at__isnull=True).exists()
    assert set(emails) - in_flight == sent, "every row marked sent has exactly one e-mail"

    if in_flight and in_flight & set(emails):
        # Killed after the mail server took the message but before sent_at was written: once the
        # claim times out the row is sent again. At-least-once is the most an outbox in front of
        # SMTP can promise; the test cannot age this claim without making the duplicate itself.
        warnings.warn(
            f"notification {in_flight} was handed over just before the kill; it would be resent after "
            f"CLAIM_TIMEOUT ({outbox.CLAIM_TIMEOUT})",
            stacklevel=1,
        )
        return
    if in_flight:
        # The kill left the row claimed and not handed over: let its claim time out.
        Notification.objects.filter(pk__in=in_flight).update(
            claimed_at=F("claimed_at") - outbox.CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
        )
        wait_for(
            lambda: not Notification.objects.filter(sent_at__isnull=True).exists(),
            "the e-mail in flight at the kill to be retried",
            workers,
        )
        time.sleep(2)

    emails = Counter(workers.sent_ids())
    assert sorted(emails) == sorted(ids)
    assert set(emails.values()) == {1}
    assert Notification.objects.filter(sent_at__isnull=False).count() == 20
