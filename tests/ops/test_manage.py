"""manage.py as a new developer and an operator meet it (README, docs/configuration.md)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIGURATION = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")


def manage(*args, tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    clean |= {"VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_fresh_clone_checks_its_migrations_without_any_configuration(tmp_path):
    """CI and a new developer run `python manage.py makemigrations --check` with nothing set: it
    runs (development mode, as `make run`) and finds no model change without its migration."""
    result = manage("makemigrations", "--check", "--dry-run", tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_configured_installation_still_refuses_to_start_without_its_hosts(tmp_path):
    """An installation that sets its SECRET_KEY but forgets ALLOWED_HOSTS gets DEBUG off and the
    one-line refusal, never a development default."""
    result = manage("check", tmp_path=tmp_path, SECRET_KEY="x" * 50)

    assert result.returncode == 1
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr
