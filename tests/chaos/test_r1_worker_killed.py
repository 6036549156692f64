"""R1: the Celery worker is SIGKILLed 20 times while it delivers the outbox (docs/reliability.md).

200 e-mails are queued; a worker (with its embedded beat, which runs the sender every second) is
started, killed with SIGKILL at a random moment once it is delivering, and started again, 20
times; then one worker finishes the job. The e-mails go over SMTP to a sink in the test process,
which a killed worker cannot make lose count; the sink answers DATA after 40 ms, as a real server
takes a while, so that the kills land inside SMTP conversations.

Asserted: every outbox row is marked sent, the sink accepted every one of them (0 lost), and
each row went out under one Message-ID only (0 duplicate messages: 200 distinct Message-IDs).
A claim left by a killed worker is retried once its lease ends (NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS,
3 s here instead of 600 s). A kill that lands after the server accepted a message and before the
row is marked sent makes the server accept it a second time, under the same Message-ID: SMTP
cannot say "exactly once" (docs/reliability.md). Such repeats are counted and reported; they may
only be rows whose delivery a kill interrupted, at most one per kill.
"""

import random
import time

import pytest

from notifications.models import Notification
from tests.chaos.servers import wait_until
from tests.notifications.helpers import queue_emails

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROWS = 200
KILLS = 20
LEASE_SECONDS = 3


def test_r1_a_worker_killed_20_times_loses_and_repeats_no_email(processes, smtp_sink, capsys):
    smtp_sink.delay = 0.04
    ids = queue_emails(ROWS, "chaos-r1")
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    env = {"NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS": str(LEASE_SECONDS)}
    started = time.monotonic()

    for kill in range(KILLS):
        before = smtp_sink.count()
        worker = processes.worker(f"r1-{kill}", env=env)
        # Kill only once this worker is delivering: it has handed over at least one e-mail.
        wait_until(
            lambda worker=worker, before=before: smtp_sink.count() > before or worker.poll() is not None,
            f"worker {kill} to deliver",
            timeout=90,
            on_timeout=processes.log_tail,
        )
        assert worker.poll() is None, f"worker {kill} exited by itself\n{processes.log_tail()}"
        time.sleep(rng.uniform(0, 0.4))
        processes.kill(worker)  # SIGKILL to the worker and its beat
        unsent = Notification.objects.filter(sent_at__isnull=True).count()
        assert unsent, f"every e-mail was out before kill {kill + 1}: the kills must land during delivery"
    kills_done_after = time.monotonic() - started
    sent_during_kills = Notification.objects.filter(sent_at__isnull=False).count()
    left_claimed = Notification.objects.filter(sent_at__isnull=True, claimed_at__isnull=False).count()

    # Recovery: one worker, left alone, delivers the rest (claims left by the kills included).
    worker = processes.worker("r1-final", env=env)
    recovery = processes.wait_for_outbox("every e-mail to be delivered after the last kill", timeout=120)
    time.sleep(LEASE_SECONDS + 2)  # more sender runs, past a lease: none may send anything again
    processes.kill(worker)

    by_row = smtp_sink.by_notification()
    by_message_id = smtp_sink.by_message_id()
    lost = set(ids) - set(by_row)
    repeated = {pk: n for pk, n in by_row.items() if n > 1}
    with capsys.disabled():
        print(
            f"\nR1 seed={seed}: {KILLS} SIGKILLs in {kills_done_after:.0f} s, {sent_during_kills} of {ROWS} sent "
            f"meanwhile, {left_claimed} left claimed by a kill; the rest delivered {recovery:.1f} s after the "
            f"restart; attempts>1: {Notification.objects.filter(attempts__gt=1).count()}; lost {len(lost)}, "
            f"duplicate Message-IDs 0 expected; SMTP re-deliveries of the same Message-ID {len(repeated)}"
        )

    assert Notification.objects.filter(pk__in=ids, sent_at__isnull=False).count() == ROWS
    assert lost == set(), "e-mails lost"
    assert set(by_row) == set(ids)
    # One Message-ID per row, the same on every attempt: a resend is the same message.
    assert len(by_message_id) == ROWS
    assert all(len(mids) == 1 for mids in smtp_sink.message_ids_by_notification().values())
    assert all(mid.startswith(f"<notification.{pk}.") for pk, (mid,) in smtp_sink.message_ids_by_notification().items())
    # A repeat only where a kill cut a delivery after the server's acceptance: at most one per kill.
    interrupted = set(Notification.objects.filter(attempts__gt=1).values_list("pk", flat=True))
    assert set(repeated) <= interrupted
    assert sum(n - 1 for n in repeated.values()) <= KILLS
