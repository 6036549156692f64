"""Settings for watching public profiles and capturing start pages (issue 17, the `watching` app):
the collectors' fetcher, the token platforms' APIs, the start-page capture and the history kept.
Every variable is documented in docs/configuration.md; kipolicy.settings imports these names."""

import os

from kipolicy.envvars import _int, _secret, env

# Watching public profiles (issue 17, watching.addresses): host:port pairs that may be fetched
# although they are not public addresses: only the test suite's and the demo's local servers.
WATCHING_TRUSTED_ADDRESSES = env.list("WATCHING_TRUSTED_ADDRESSES", default=[])
# Start-page capture (issue 17, watching.capture): headless Chromium on the `capture` queue.
CAPTURE_CHROMIUM = os.environ.get("CAPTURE_CHROMIUM", "/usr/bin/chromium")
CAPTURE_VIEWPORT_WIDTH = _int("CAPTURE_VIEWPORT_WIDTH", 1280)
CAPTURE_VIEWPORT_HEIGHT = _int("CAPTURE_VIEWPORT_HEIGHT", 900)
CAPTURE_MAX_HEIGHT = _int("CAPTURE_MAX_HEIGHT", 8000)  # a full page longer than this is cut
CAPTURE_TIMEOUT_SECONDS = _int("CAPTURE_TIMEOUT_SECONDS", 30)  # each request, and the page's load
CAPTURE_SETTLE_SECONDS = _int("CAPTURE_SETTLE_SECONDS", 10)  # the wait for network idle after load
CAPTURE_WARC_MAX_BYTES = _int("CAPTURE_WARC_MAX_BYTES", 50 * 1024 * 1024)
# Of one answer the page is served (core.outbound's byte cap): a larger one is not read further.
CAPTURE_MAX_RESPONSE_BYTES = _int("CAPTURE_MAX_RESPONSE_BYTES", 20 * 1024 * 1024)
CAPTURE_USER_AGENT = os.environ.get(
    "CAPTURE_USER_AGENT",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome Safari/537.36 "
    "KI-social-media-registry-capture (+https://ki.se)",
)
CAPTURE_LEAD_DAYS = _int("CAPTURE_LEAD_DAYS", 14)  # before start-page-snapshot-overdue opens
CAPTURE_RETRY_DAYS = _int("CAPTURE_RETRY_DAYS", 7)  # a scheduled capture that needed a person
CAPTURE_SCHEDULE_BATCH = _int("CAPTURE_SCHEDULE_BATCH", 2000)  # captures queued a day at most
# seed_demo captures one start page live with Chromium against the demo's fixture server (falling
# back to prepared files when Chromium is missing); the test suite turns it off (settings_test).
DEMO_LIVE_CAPTURE = env.bool("DEMO_LIVE_CAPTURE", default=True)
# The collectors' fetcher (watching.fetch): who we say we are, how long we wait, how much we read.
WATCHING_USER_AGENT = os.environ.get(
    "WATCHING_USER_AGENT", "KI-social-media-registry/1.0 (+https://ki.se/en/social-media-registry)"
)
WATCHING_CONNECT_TIMEOUT = float(os.environ.get("WATCHING_CONNECT_TIMEOUT", "5"))
WATCHING_READ_TIMEOUT = float(os.environ.get("WATCHING_READ_TIMEOUT", "10"))
WATCHING_TOTAL_TIMEOUT = float(os.environ.get("WATCHING_TOTAL_TIMEOUT", "30"))
WATCHING_MAX_BYTES = _int("WATCHING_MAX_BYTES", 2_000_000)
WATCHING_MAX_REDIRECTS = _int("WATCHING_MAX_REDIRECTS", 5)
WATCHING_RATE_PER_HOST = _int("WATCHING_RATE_PER_HOST", 2)  # requests a second to one host, all workers
WATCHING_BACKOFF_SECONDS = _int("WATCHING_BACKOFF_SECONDS", 60)  # first wait after a 429/503, then doubled
WATCHING_RESPECT_ROBOTS = env.bool("WATCHING_RESPECT_ROBOTS", default=True)
WATCHING_ROBOTS_SECONDS = _int("WATCHING_ROBOTS_SECONDS", 24 * 3600)
# The Bluesky public AppView (getProfile, getAuthorFeed); the demo points it at its local server.
WATCHING_BLUESKY_API = os.environ.get("WATCHING_BLUESKY_API", "https://public.api.bsky.app")
# The platforms' APIs that need an access token (watching.api_collectors): base addresses (the tests
# and the demo point them at local fixture servers), the tokens the catalogue names (or NAME_FILE),
# LinkedIn's API version (YYYYMM, one LinkedIn still serves) and KI's own Instagram professional
# account, through which Instagram's business discovery reads other accounts.
WATCHING_X_API = os.environ.get("WATCHING_X_API", "https://api.x.com")
WATCHING_GRAPH_API = os.environ.get("WATCHING_GRAPH_API", "https://graph.facebook.com/v19.0")
WATCHING_LINKEDIN_API = os.environ.get("WATCHING_LINKEDIN_API", "https://api.linkedin.com")
WATCHING_LINKEDIN_VERSION = os.environ.get("WATCHING_LINKEDIN_VERSION", "202606")
WATCHING_INSTAGRAM_USER_ID = os.environ.get("WATCHING_INSTAGRAM_USER_ID", "")
WATCHING_TOKEN_X = _secret("WATCHING_TOKEN_X", default="")
WATCHING_TOKEN_META = _secret("WATCHING_TOKEN_META", default="")
WATCHING_TOKEN_LINKEDIN = _secret("WATCHING_TOKEN_LINKEDIN", default="")
# An account reachable by none of its answers for this many days in a row: profile-unreachable.
WATCHING_UNREACHABLE_DAYS = _int("WATCHING_UNREACHABLE_DAYS", 3)
# A profile is looked at again after this many hours; a periodic run works for at most this many
# seconds (inside CELERY_TASK_SOFT_TIME_LIMIT) and the next one goes on where it stopped.
WATCHING_INTERVAL_HOURS = _int("WATCHING_INTERVAL_HOURS", 24)
WATCHING_RUN_SECONDS = _int("WATCHING_RUN_SECONDS", 480)
WATCHING_BATCH = _int("WATCHING_BATCH", 1000)  # accounts per set-based write of a collection run
# The history of what was seen (watching.ObservationDay, one row per account and day) is kept this
# many days; the collect task deletes older rows.
WATCHING_HISTORY_DAYS = _int("WATCHING_HISTORY_DAYS", 400)
