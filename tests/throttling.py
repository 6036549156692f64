"""Shared by the rate-limit tests (tests/api/test_throttles.py, tests/core/test_throttles.py; the
fixture production_rates is in tests/conftest.py): the production rates and what a throttled
answer looks like."""

import kipolicy.settings as production

OTHER_IP = "192.0.2.77"


def allowed(scope: str) -> int:
    """How many requests the production rate of the scope allows in its window."""
    return int(production.THROTTLE_RATES[scope].split("/")[0])


def assert_throttled(response):
    """429 with a Retry-After of whole seconds."""
    assert response.status_code == 429, response.status_code
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 86400
