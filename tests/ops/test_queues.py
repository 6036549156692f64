"""Every Celery queue has a worker in every way the portal is deployed (issue 17): the queues the
task routes name (and the default queue) are each consumed by some worker in docker-compose.yml,
in the Kubernetes base manifests and in scripts/run.sh (`make run`). A task routed to a queue
no worker consumes waits for ever, silently: the start-page capture did in compose and the
collectors did on Kubernetes, before this test. The capture queue's workers need Chromium: the
image installs Debian's and names it in CAPTURE_CHROMIUM."""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from kipolicy.celery import app
from tests.ops.test_k8s import K8S, build, containers

ROOT = Path(__file__).resolve().parents[2]


def routed_queues() -> set[str]:
    """The queues tasks are sent to: the task routes', the beat entries' own, and the default."""
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    queues |= {e["options"]["queue"] for e in settings.CELERY_BEAT_SCHEDULE.values() if "queue" in e.get("options", {})}
    return queues | {app.conf.task_default_queue}


def worker_queues(argv: list[str]) -> set[str] | None:
    """The queues a `celery … worker …` command consumes (-Q/--queues, else the default queue);
    None when the command is not a Celery worker."""
    if "celery" not in Path(argv[0]).name or "worker" not in argv:
        return None
    for i, arg in enumerate(argv):
        for flag in ("--queues", "-Q"):
            if arg == flag:
                return set(argv[i + 1].split(","))
            if arg.startswith(flag) and arg != flag:
                return set(arg.removeprefix(flag).removeprefix("=").split(","))
    return {app.conf.task_default_queue}


def consumed(commands) -> set[str]:
    queues = set()
    for argv in commands:
        queues |= worker_queues(argv) or set()
    return queues


def compose_commands(compose: dict) -> list[list[str]]:
    commands = [s.get("command") for s in compose["services"].values()]
    return [c if isinstance(c, list) else shlex.split(c) for c in commands if c]


def k8s_commands(docs: list[dict]) -> list[list[str]]:
    return [c["command"] for doc in docs for c in containers(doc) if "command" in c]


def run_sh_commands(text: str) -> list[list[str]]:
    """The commands of a shell script, continuation lines joined, `&` and `$VARS` left as words."""
    lines = text.replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_routes_name_the_three_queues():
    """The test checks something: the default queue, the collectors' and the capture's."""
    assert routed_queues() >= {"celery", "collect", "capture"}


def test_every_queue_has_a_worker_in_docker_compose(compose):
    assert routed_queues() - consumed(compose_commands(compose)) == set()


def test_every_queue_has_a_worker_on_kubernetes():
    assert routed_queues() - consumed(k8s_commands(build(K8S / "base"))) == set()


def test_every_queue_has_a_worker_in_make_run():
    assert routed_queues() - consumed(run_sh_commands((ROOT / "scripts" / "run.sh").read_text())) == set()


def test_a_dropped_queue_is_found(compose):
    """The check fails when a queue loses its worker: here compose without the capture service,
    and the Kubernetes worker back to the default queue only."""
    without_capture = {"services": {k: v for k, v in compose["services"].items() if k != "capture"}}
    assert routed_queues() - consumed(compose_commands(without_capture)) == {"capture"}
    assert worker_queues(["celery", "-A", "kipolicy", "worker", "--concurrency=2"]) == {"celery"}
    assert worker_queues(["celery", "-A", "kipolicy", "worker", "-Q", "collect"]) == {"collect"}
    assert worker_queues(["gunicorn", "kipolicy.wsgi:application"]) is None


def test_the_capture_workers_run_one_browser_at_a_time_with_a_memory_limit(compose):
    """A browser is heavy: the capture workers run one capture at a time, under a memory limit,
    with more shared memory than the default and a writable home."""
    service = compose["services"]["capture"]
    assert "--concurrency=1" in service["command"] and service["mem_limit"] and service["shm_size"]
    assert service["environment"]["HOME"] == "/tmp"
    (deployment,) = [d for d in build(K8S / "base") if d["metadata"]["name"] == "kipolicy-capture"]
    (container,) = containers(deployment)
    assert "--concurrency=1" in container["command"] and container["resources"]["limits"]["memory"]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    shm = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}["/dev/shm"]
    assert shm["emptyDir"]["medium"] == "Memory"


def test_the_image_has_the_browser_the_capture_worker_drives():
    """Dockerfile: Debian's chromium is installed and CAPTURE_CHROMIUM names it."""
    text = (ROOT / "Dockerfile").read_text()
    installs = " ".join(re.findall(r"apt-get install[^&]*", text.replace("\\\n", " ")))
    assert re.search(r"\bchromium\b", installs) and "fonts-liberation" in installs
    assert re.search(r"CAPTURE_CHROMIUM=/usr/bin/chromium\b", text)
