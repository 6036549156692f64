"""Test settings: the real settings, with only what tests must change."""

import os

# DEBUG is off by default and then the settings need a key and host names: give tests their own,
# so that neither `make test` nor pytest needs a real key or DEBUG=true.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from kipolicy.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
LANGUAGE_CODE = "sv"

# --- Brute-force protection and rate limits (issue 11) ---
# Local memory, emptied before every test (tests/conftest.py), so that no test inherits another's
# counts. The suite, the link crawl and the browser tests request far more than a person would:
# high rates here; tests/core/test_throttles.py runs each limit with the production rates
# (kipolicy.settings.THROTTLE_RATES). django-axes keeps its production values.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
THROTTLE_RATES = dict.fromkeys(THROTTLE_RATES, "100000/min")  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": THROTTLE_RATES}  # noqa: F405

# seed_demo's live start-page capture (issue 17) launches Chromium and may serve the demo's
# fixtures on port 8765: off for the many tests that seed the demo; the tests of the live capture
# (tests/watching/test_capture_demo.py) turn it on against their own fixture server.
DEMO_LIVE_CAPTURE = False
