"""R3: Redis, the broker, is stopped for 60 s (docs/reliability.md).

A web server (Django's runserver, a separate process on the test database with the broker set to
the test's own Redis and NOTIFICATIONS_KICK_WORKER on, so that queueing an e-mail publishes to
the broker) and a worker with its embedded beat run; then Redis is stopped. For 60 s pages (the
inventory, signed in; the public directory) and the API keep answering; a check-in by the API and
one by the ping address are recorded; a request is sent for decision, which queues e-mails to the
communications department and the manager. They stay in the outbox until Redis is back, on the
same port, empty; then the worker reconnects and the beat's sender delivers each of them once.
"""

import datetime
import re
import time

import pytest
import requests
from django.utils import timezone

from accounts.services import social_account_draft_create
from monitoring.models import CheckIn
from monitoring.services import ping_key_rotate
from notifications.models import Notification
from org.api_tokens import api_token_create
from tests import factories
from tests.approvals.helpers import request_fields
from tests.chaos.servers import free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTAGE_SECONDS = 60
TIMEOUT = 30  # per request: a page that hangs on the broker fails the test


def _world():
    dean = factories.UserFactory(username="r3-dean")
    head = factories.UserFactory(username="r3-head")
    university = factories.UnitFactory(name="Karolinska Institutet", manager=dean)
    department = factories.UnitFactory(parent=university, name="Institutionen R3", manager=head)
    requester, owner, deputy = (factories.UserFactory(username=f"r3-{n}") for n in ("requester", "owner", "deputy"))
    draft = social_account_draft_create(
        actor=requester, owner=owner, deputy=deputy, unit=department, **request_fields(name="KI R3 Förfrågan")
    )
    monitored = factories.staffed_account(
        name="KI R3 Bevakad", owner=owner, unit=department, activated_at=timezone.now() - datetime.timedelta(days=3)
    )
    _token, secret = api_token_create(actor=owner, name="r3")
    _key, ping_token = ping_key_rotate(actor=owner, account_id=monitored.pk)
    return draft, monitored, secret, ping_token


def _log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=TIMEOUT)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/login/",
        data={"username": username, "password": "pw", "csrfmiddlewaretoken": csrf},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def test_r3_pages_api_and_check_ins_work_while_redis_is_down_and_email_goes_out_after(
    processes, redis_server, smtp_sink, capsys
):
    draft, monitored, secret, ping_token = _world()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_env = {"NOTIFICATIONS_KICK_WORKER": "true"}
    processes.start("web", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", env=web_env)
    processes.worker("r3")
    wait_until(lambda: _answers(f"{base}/directory/"), "the web server", timeout=90, on_timeout=processes.log_tail)
    requester = _log_in(base, "r3-requester")
    api = {"Authorization": f"Bearer {secret}"}

    redis_server.stop()
    stopped = time.monotonic()
    latencies, statuses = [], []

    def get(session, path, **kwargs):
        started = time.monotonic()
        method = kwargs.pop("method", "GET")
        answer = session.request(method, f"{base}{path}", timeout=TIMEOUT, **kwargs)
        latencies.append((time.monotonic() - started, f"{method} {path}"))
        statuses.append(answer.status_code)
        return answer

    acted = False
    while time.monotonic() - stopped < OUTAGE_SECONDS:
        assert get(requester, "/accounts/").status_code == 200
        assert get(requests, "/directory/").status_code == 200
        assert get(requests, "/api/v1/accounts/", headers=api).status_code == 200
        if not acted and time.monotonic() - stopped > 10:
            acted = True
            answer = get(requests, "/api/v1/checkins/", method="POST", headers=api, json={"account": monitored.pk})
            assert answer.status_code in (200, 201), answer.text[:500]
            assert get(requests, f"/ping/{ping_token}/", method="POST").status_code == 200
            page = get(requester, f"/requests/{draft.pk}/")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = get(
                requester,
                f"/requests/{draft.pk}/submit/",
                method="POST",
                data={"guidelines_read": "on", "csrfmiddlewaretoken": csrf},
                allow_redirects=False,
            )
            assert answer.status_code == 302, answer.text[:500]
        time.sleep(1)
    assert acted
    queued = set(Notification.objects.values_list("pk", flat=True))
    assert len(queued) == 2, "comms and the manager are told of the request"
    assert not Notification.objects.filter(sent_at__isnull=False).exists(), "nothing is sent without a broker"
    assert CheckIn.objects.filter(account=monitored).count() == 1  # the API's and the ping's: one a day

    redis_server.start()
    back = time.monotonic()
    recovery = processes.wait_for_outbox("the outbox to be delivered once Redis is back", timeout=180)
    time.sleep(3)  # more sender runs: nothing again
    sent = smtp_sink.by_notification()
    with capsys.disabled():
        print(
            f"\nR3: Redis down {back - stopped:.0f} s; {len(statuses)} requests, statuses {sorted(set(statuses))}, "
            f"slowest {max(latencies)[0]:.2f} s ({max(latencies)[1]}); {len(queued)} e-mails queued meanwhile, "
            f"delivered {recovery:.1f} s"
            " after Redis came back"
        )
    assert set(sent) == queued
    assert set(sent.values()) == {1}


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False
