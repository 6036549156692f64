"""Error reporting to Sentry (sentry-sdk), off unless SENTRY_DSN is set.

Called once from the settings, so that the web processes and the Celery worker and beat (which
load the same settings) report alike. No personal data is sent (``send_default_pii=False``: no
user names, e-mail or IP addresses, no cookies); performance tracing is off unless
SENTRY_TRACES_SAMPLE_RATE is set.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float | None) -> bool:
    """Start the Sentry client when a DSN is given; return whether it was started."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,  # None: no tracing at all
    )
    return True
