"""Sentry (kipolicy/sentry.py): off without SENTRY_DSN; with one, an exception in a view reaches the
server the DSN names, without personal data. The server is a small HTTP server on 127.0.0.1."""

import gzip
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client, override_settings

from kipolicy import sentry
from tests import factories


def test_without_a_dsn_sentry_is_not_started():
    if os.environ.get("SENTRY_DSN"):
        pytest.skip("SENTRY_DSN is set in this environment")
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
    assert sentry.init(dsn="", environment="test", release=None, traces_sample_rate=None) is False
    assert not sentry_sdk.get_client().is_active()


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_an_exception_in_a_view_reaches_sentry_without_personal_data(sentry_server):
    port = sentry_server.server_address[1]
    user = factories.UserFactory(username="pii-canary", email="pii-canary@example.org")
    try:
        assert sentry.init(
            dsn=f"http://publickey@127.0.0.1:{port}/42",
            environment="ci-test",
            release="kipolicy@test",
            traces_sample_rate=None,
        )
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with override_settings(ROOT_URLCONF="tests.ops.urls"):
            response = client.get("/boom/")
        sentry_sdk.flush(timeout=10)
        deadline = time.monotonic() + 10
        while not _Collector.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)

    assert response.status_code == 500
    assert _Collector.received, "no envelope reached the server"
    path, body = _Collector.received[0]
    assert path == "/api/42/envelope/"
    text = body.decode()
    assert "boom for sentry" in text and "RuntimeError" in text
    assert '"environment":"ci-test"' in text.replace(" ", "")
    assert "kipolicy@test" in text
    assert "pii-canary" not in text  # send_default_pii=False: no user name or e-mail
    assert client.cookies[settings.SESSION_COOKIE_NAME].value not in text
    assert not sentry_sdk.get_client().is_active()
