import pytest
from django.test import override_settings

from watching.fixture_servers import FixtureServer

FAST = {
    "WATCHING_CONNECT_TIMEOUT": 1,
    "WATCHING_READ_TIMEOUT": 1,
    "WATCHING_TOTAL_TIMEOUT": 3,
    "WATCHING_RATE_PER_HOST": 1000,
    "WATCHING_BACKOFF_SECONDS": 60,
}


@pytest.fixture
def servers():
    """Start local fixture servers, trusted (WATCHING_TRUSTED_ADDRESSES) for the test's duration:
    `servers(routes)` returns a started FixtureServer."""
    started = []

    def start(routes=None):
        server = FixtureServer(routes).start()
        started.append(server)
        return server

    class Trusted:
        def __call__(self, routes=None):
            server = start(routes)
            self.override.disable()
            self.override = override_settings(WATCHING_TRUSTED_ADDRESSES=[s.netloc for s in started], **FAST)
            self.override.enable()
            return server

    trusted = Trusted()
    trusted.override = override_settings(WATCHING_TRUSTED_ADDRESSES=[], **FAST)
    trusted.override.enable()
    yield trusted
    trusted.override.disable()
    for server in started:
        server.stop()
