"""The settings of the rate limits and the cache (issue 11): a malformed value stops the start with
one line naming the variable; CACHE_URL selects the cache. Each case starts a fresh interpreter
(tests/test_settings.py)."""

import os
import subprocess
import sys

import pytest

from tests.test_settings import PROJECT_ROOT, start


@pytest.mark.parametrize("value", ["sixty", "60", "60/fortnight", "0/min"])
def test_a_malformed_rate_is_refused(tmp_path, value):
    result = start(tmp_path, RATE_LIMIT_DIRECTORY=value)
    assert result.returncode != 0
    assert "RATE_LIMIT_DIRECTORY must be requests per s, min, hour or day" in result.stderr


def test_an_unknown_cache_scheme_is_refused(tmp_path):
    result = start(tmp_path, CACHE_URL="mongodb://127.0.0.1/0")
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def caches_of(tmp_path, **variables) -> str:
    """settings.CACHES["default"] as the settings build it from these variables alone."""
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="kipolicy.settings", VAR_DIR=str(tmp_path), **variables)
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
