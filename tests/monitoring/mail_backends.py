"""E-mail backends for the Celery integration test (tests/monitoring/celery_settings.py)."""

import os
import time

from django.core.mail.backends import filebased


class SlowFileBackend(filebased.EmailBackend):
    """Django's file backend, taking KI_TEST_EMAIL_DELAY seconds (default 0) before it writes each
    batch, as an SMTP server takes a while to accept a message. The crash test kills the worker in
    that moment: a row claimed by the sender but not yet handed over."""

    def send_messages(self, email_messages):
        delay = float(os.environ.get("KI_TEST_EMAIL_DELAY") or 0)
        if delay:
            time.sleep(delay)
        return super().send_messages(email_messages)
