"""Settings for the Celery worker that test_celery_integration.py starts in a separate process.

The test settings, except what a second process must share with the test or show it: e-mails go
to files (KI_TEST_EMAIL_DIR) instead of the in-process locmem outbox, the beat runs the sweep every
2 seconds and the outbox sender every second, and queueing an e-mail kicks the worker. The broker
(CELERY_BROKER_URL) and the database (DATABASE_URL) come from the environment the test sets.
"""

import os

from kipolicy.settings_test import *  # noqa: F403

EMAIL_BACKEND = "tests.monitoring.mail_backends.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["KI_TEST_EMAIL_DIR"]
NOTIFICATIONS_KICK_WORKER = True
CELERY_BEAT_SCHEDULE = {
    # every 2 seconds: evaluate the compliance rules
    "sweep-compliance": {"task": "monitoring.tasks.compliance_sweep_task", "schedule": 2.0},
    # every second: deliver queued e-mails from the outbox
    "send-notifications": {"task": "notifications.tasks.notifications_send_task", "schedule": 1.0},
}
