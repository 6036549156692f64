"""Settings for the processes the chaos tests start (Celery workers, beats, a web server).

The test settings, except what a second process must share with the test: e-mail goes over SMTP
to the test's sink (EMAIL_URL), the database (DATABASE_URL) and the broker (CELERY_BROKER_URL) come
from the environment the test sets, and the beat runs a fast schedule. KI_CHAOS_SCHEDULE picks it:
"outbox" (the sender every second) or "all" (every periodic job every second or two: R5).
"""

import os

from kipolicy.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 10
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The test's web server speaks plain HTTP on 127.0.0.1: the production cookies (Secure, __Host-)
# would never come back from the test's HTTP client, and every login would fail its CSRF check.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"

_SENDER = {"task": "notifications.tasks.notifications_send_task", "schedule": 1.0}
CELERY_BEAT_SCHEDULE = {"send-notifications": _SENDER}
if os.environ.get("KI_CHAOS_SCHEDULE") == "all":
    CELERY_BEAT_SCHEDULE = {
        # every second: deliver queued e-mails
        "send-notifications": _SENDER,
        # every 2 seconds, instead of hourly / 08:00 / 09:00 / Monday 07:00
        "sweep-compliance": {"task": "monitoring.tasks.compliance_sweep_task", "schedule": 2.0},
        "daily-reminders": {"task": "monitoring.tasks.reminders_send_task", "schedule": 2.0},
        "escalations": {"task": "monitoring.tasks.escalations_send_task", "schedule": 2.0},
        "weekly-digest": {"task": "monitoring.tasks.weekly_digest_task", "schedule": 2.0},
    }
