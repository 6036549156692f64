"""Test settings: the real settings, with only what tests must change."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from kipolicy.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
LANGUAGE_CODE = "sv"
