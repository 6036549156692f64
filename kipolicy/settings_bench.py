"""Settings for the HTTP benchmarks (bench/http_pages.py, bench/load.py): the production settings, run
by gunicorn with DEBUG=false, plus what only a benchmark needs. Never used by a real installation.

- kipolicy.bench.QueryCountMiddleware, outermost: an X-Query-Count header on every response;
- kipolicy.urls_bench: the portal's addresses and /__bench__/trivial/, a fixed 200;
- static files with a manifest but not compressed (below);
- plain-HTTP cookies: the benchmark's client speaks HTTP to 127.0.0.1, and the production cookies
  (Secure, __Host-) would never come back (as in tests/chaos/celery_settings.py).

The rate limits come from the environment the benchmark sets (RATE_LIMIT_*): one client address
sends every request, and the benchmark measures the pages, not the limiter.
"""

from kipolicy.settings import *  # noqa: F403
from kipolicy.settings import MIDDLEWARE, STORAGES

MIDDLEWARE = ["kipolicy.bench.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "kipolicy.urls_bench"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
# The same manifest of hashed names as production, without WhiteNoise's gzip and Brotli copies:
# collectstatic takes seconds instead of minutes, and no measured page is a static file.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
