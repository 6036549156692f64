"""The Celery app. Periodic jobs are declared in settings.CELERY_BEAT_SCHEDULE."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipolicy.settings")

app = Celery("kipolicy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
