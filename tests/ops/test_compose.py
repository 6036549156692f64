"""docker-compose.yml keeps its operating promises (read as YAML; Docker is not needed): web bound
to 127.0.0.1 unless told otherwise, no default passwords, one image built once, a set worker
concurrency, and a healthcheck on web, worker and beat."""

import re
from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def flat(value) -> str:
    return value if isinstance(value, str) else " ".join(value)


def test_web_is_bound_to_127_0_0_1_by_default(compose):
    (port,) = compose["services"]["web"]["ports"]
    assert port == "${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"


def test_no_password_has_a_default(compose):
    """Every password or key comes from ${VAR:?message}: compose refuses to start without it."""
    text = COMPOSE.read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        uses = re.findall(r"\$\{" + name + r"(:?[?-][^}]*)?\}", text)
        assert uses, name
        assert all(use.startswith(":?") for use in uses), (name, uses)
    env = compose["services"]["web"]["environment"]
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert "${REDIS_PASSWORD:?" in env["CELERY_BROKER_URL"]
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "kipolicy:kipolicy@" not in text


def test_one_image_built_once_and_reused(compose):
    services = compose["services"]
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["migrate"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["pull_policy"] == "never", name  # never a same-named image from a registry


def test_worker_concurrency_is_set(compose):
    assert "--concurrency=${WORKER_CONCURRENCY:-2}" in compose["services"]["worker"]["command"]


def test_exactly_one_beat(compose):
    beats = [name for name, s in compose["services"].items() if " beat" in f" {flat(s.get('command', ''))}"]
    assert beats == ["beat"]
    assert "deploy" not in compose["services"]["beat"]  # no replicas


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("web", "scripts/healthcheck.py http://127.0.0.1:8000/health/"),
        ("worker", "inspect ping --destination celery@$$HOSTNAME"),
        ("beat", "manage.py health_check health-sweep --no-http"),
    ],
)
def test_healthchecks(compose, service, expected):
    check = compose["services"][service]["healthcheck"]
    assert expected in flat(check["test"])
    assert {"interval", "timeout", "retries"} <= set(check)


def test_the_healthchecks_name_what_exists():
    """The URL names and the script the healthchecks use are the project's."""
    from django.urls import reverse

    assert reverse("health-sweep") == "/health/sweep/"
    assert (COMPOSE.parent / "scripts" / "healthcheck.py").is_file()
