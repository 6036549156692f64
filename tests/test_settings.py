"""kipolicy.settings refuses a broken configuration at start-up, naming the variable at fault.

Each case starts a fresh interpreter, because settings are read once per process."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Every variable the settings read that could leak in from the developer's shell.
CONFIG_VARIABLES = (
    # Set by the browser tests' conftest for the test process only; a started portal must not see it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def start(tmp_path, code="import django; django.setup()", **variables) -> subprocess.CompletedProcess:
    """Run django.setup() (or `code`) with kipolicy.settings and the given variables; files go under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="kipolicy.settings", VAR_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, *(["-c", code] if isinstance(code, str) else code)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def production():
    """A complete production configuration."""
    return {"DEBUG": "false", "SECRET_KEY": "a-long-random-production-secret", "ALLOWED_HOSTS": "sociala-medier.ki.se"}


def test_a_good_configuration_starts(tmp_path, production):
    """With every required variable set, the settings load."""
    result = start(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **production)

    assert result.returncode == 0, result.stderr


def test_with_nothing_set_the_portal_refuses_to_start(tmp_path):
    """With no environment at all, DEBUG is off and the settings refuse to load without a key and
    host names (no published development key in production), naming both and the documentation."""
    result = start(tmp_path)

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert "SECRET_KEY" in last_line and "ALLOWED_HOSTS" in last_line and "docs/configuration.md" in last_line


def test_manage_py_says_what_is_missing_in_one_line(tmp_path):
    """manage.py prints the configuration error as one line, not a traceback."""
    result = start(tmp_path, code=["manage.py", "check"], ALLOWED_HOSTS="sociala-medier.ki.se")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off; "
        "see docs/configuration.md (for development, set DEBUG=true)"
    ]


def test_debug_is_off_unless_asked_for(tmp_path):
    """With a key and host names but no DEBUG, the portal runs with DEBUG off."""
    result = start(
        tmp_path,
        code="from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
        SECRET_KEY="a-long-random-production-secret",
        ALLOWED_HOSTS="sociala-medier.ki.se",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_debug_true_starts_a_development_installation(tmp_path):
    """DEBUG=true (what `make run` sets) loads without a key, on SQLite under VAR_DIR."""
    result = start(tmp_path, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "celery").is_dir()


def test_an_unknown_database_scheme_is_refused(tmp_path):
    """DATABASE_URL with a scheme no backend knows stops start-up and names DATABASE_URL."""
    result = start(tmp_path, DEBUG="true", DATABASE_URL="foo://bar")

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_without_a_secret_key_is_refused(tmp_path, production):
    """With DEBUG off, a missing SECRET_KEY stops start-up and is named."""
    del production["SECRET_KEY"]

    result = start(tmp_path, **production)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_is_refused(tmp_path, production):
    """With DEBUG off and a SECRET_KEY, missing ALLOWED_HOSTS stops start-up and is named."""
    del production["ALLOWED_HOSTS"]

    result = start(tmp_path, **production)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_debug_value_that_is_not_true_or_false_is_refused(tmp_path):
    """DEBUG=maybe stops start-up and names DEBUG, rather than guessing."""
    result = start(tmp_path, DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_the_secret_key_can_be_read_from_a_file(tmp_path, production):
    """SECRET_KEY_FILE supplies the secret from a mounted file."""
    secret = tmp_path / "secret_key"
    secret.write_text("a-long-random-production-secret\n")
    del production["SECRET_KEY"]

    result = start(tmp_path, SECRET_KEY_FILE=str(secret), **production)

    assert result.returncode == 0, result.stderr


def test_an_unreadable_secret_key_file_is_refused(tmp_path, production):
    """A SECRET_KEY_FILE that cannot be read stops start-up and is named."""
    del production["SECRET_KEY"]

    result = start(tmp_path, SECRET_KEY_FILE=str(tmp_path / "missing"), **production)

    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


def documented_production_settings() -> dict[str, str]:
    """The variables of the block in docs/deployment.md, "Production security settings"."""
    text = (PROJECT_ROOT / "docs" / "deployment.md").read_text()
    section = text.split("## Production security settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return dict(re.findall(r"^([A-Z_]+)=(\S*)$", block, re.MULTILINE))


def test_check_deploy_finds_nothing_with_the_documented_production_settings(tmp_path):
    """`manage.py check --deploy` gives 0 warnings with the production settings as documented,
    the key (there a mounted file) being 50 random characters."""
    variables = documented_production_settings()
    assert {"DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"} <= variables.keys()
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    variables["SECRET_KEY_FILE"] = str(key_file)

    result = start(tmp_path, code=["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **variables)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_the_https_settings(tmp_path):
    """Without them, check --deploy names HSTS and the SSL redirect (the defaults suit a trial)."""
    result = start(
        tmp_path,
        code=["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="sociala-medier.ki.se",
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_development_cookies_keep_their_plain_names(tmp_path):
    """With DEBUG on (plain http://127.0.0.1) the cookies cannot be Secure, so not __Host- either."""
    result = start(
        tmp_path,
        code="from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)",
        DEBUG="true",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sessionid", "csrftoken", "False"]
