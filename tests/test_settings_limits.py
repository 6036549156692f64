"""The settings of the rate limits and the cache (issue 11): a malformed value stops the start with
one line naming the variable; CACHE_URL selects the cache. Each case starts a fresh interpreter
(tests/test_settings.py)."""

import os
import subprocess
import sys

import pytest

from tests.test_settings import PROJECT_ROOT, start


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RATE_LIMIT_DIRECTORY", "sixty"),
        ("RATE_LIMIT_PING", "60"),
        ("RATE_LIMIT_API_USER", "60/fortnight"),
        ("RATE_LIMIT_API_ANON", "0/min"),
        ("CACHE_URL", "mongodb://127.0.0.1/0"),
    ],
)
def test_a_malformed_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    """A rate that is not N/s, N/min, N/hour or N/day, or a cache URL of an unknown kind."""
    stderr = start(tmp_path, DEBUG="true", **{variable: value}).stderr
    assert f"ImproperlyConfigured: {variable}" in stderr


def caches_of(tmp_path, **variables) -> str:
    """settings.CACHES["default"] as the settings build it from these variables alone."""
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="kipolicy.settings", VAR_DIR=str(tmp_path), DEBUG="true", **variables)
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_by_default_the_cache_is_files_under_var_shared_by_the_web_processes(tmp_path):
    assert f"'LOCATION': '{tmp_path / 'cache'}'" in caches_of(tmp_path)
    assert "FileBasedCache" in caches_of(tmp_path)


def test_cache_url_selects_redis(tmp_path):
    config = caches_of(tmp_path, CACHE_URL="redis://127.0.0.1:6379/2")
    assert "django.core.cache.backends.redis.RedisCache" in config
    assert "redis://127.0.0.1:6379/2" in config
