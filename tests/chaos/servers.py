"""Throw-away servers and processes for the chaos tests, all on 127.0.0.1 and all bounded in time.

- `RedisServer`: a redis-server of its own on a free port (no persistence), which a scenario may
  stop and start again on the same port.
- `PostgresCluster`: an initdb'ed PostgreSQL cluster in a temporary directory (trust auth, its
  own port and socket directory), run as the `postgres` user when the tests run as root.
- `SmtpSink`: a small SMTP server in a thread of the test process. It counts every message it
  accepts by Message-ID, and a worker killed mid-conversation cannot make it lose count.
- `Processes`: subprocesses (Celery workers, beats, a web server), each in its own process group,
  killed as a group and always cleaned up.

The machine's shared PostgreSQL (5432) and Redis (6379) are never stopped: a scenario that stops
or restarts a server does it to one of these.
"""

import contextlib
import os
import pwd
import random
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, what: str, timeout: float, interval: float = 0.1, on_timeout=None):
    """Poll `condition` until it is true, at most `timeout` seconds; fail the test otherwise."""
    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}" + (f"\n{on_timeout()}" if on_timeout else ""))


def database_url() -> str:
    """The test database (test_<name>), as a subprocess's DATABASE_URL."""
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def postgres_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl, if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for path in candidates:
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    """redis-server --port <free> --save "" --appendonly no, in a temporary directory."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kichaos-redis-"))
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> None:
        log = (self.dir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.ping, f"redis-server on port {self.port}", timeout)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process, signal.SIGTERM)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL cluster of its own: initdb into a temporary directory, trust auth for local
    connections, listening on 127.0.0.1:<free port> with its socket in the same directory."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kichaos-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self, timeout: float = 60) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", timeout, "start")

    def stop(self, mode: str = "fast", timeout: float = 60) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", timeout, "stop", timeout=timeout + 10)

    def restart(self, timeout: float = 60) -> None:
        """Stop (fast: every session is cut) and start again on the same port."""
        self.stop()
        self.start(timeout)

    def psql(self, database: str, sql: str) -> str:
        result = self._run(
            self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", database, "-tAc", sql
        )
        return result.stdout.strip()

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", 30, "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- SMTP -------------------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink: SmtpSink = self.server.sink
        self.reply("220 kichaos sink")
        while True:
            line = self.rfile.readline(1000)
            if not line:
                return
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 kichaos")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif verb == b"DATA":
                if sink.delay:
                    time.sleep(sink.delay)  # a slow server: a client killed now has handed over nothing
                self.reply("354 go ahead")
                lines = []
                while True:
                    data = self.rfile.readline(100_000)
                    if not data:
                        return  # the client died mid-message: nothing was accepted
                    if data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                # The server takes responsibility here, before its reply reaches the client: a
                # client killed from now on does not know the message was accepted.
                sink.accept(b"".join(lines))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """An SMTP server in a thread on 127.0.0.1:<free port>, `delay` seconds before it answers DATA.
    Every accepted message is counted by its Message-ID and its outbox id (repeats included)."""

    def __init__(self, delay: float = 0):
        self.delay = delay
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self.notification_ids: list[int] = []
        self.server = _ThreadingServer(("127.0.0.1", 0), _SmtpHandler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def accept(self, raw: bytes) -> None:
        message = message_from_bytes(raw, policy=default_policy)
        with self.lock:
            self.message_ids.append(str(message.get("Message-ID", "")).strip())
            self.notification_ids.append(int(message.get("X-KI-Notification", "0")))

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)

    def by_message_id(self) -> Counter:
        with self.lock:
            return Counter(self.message_ids)

    def by_notification(self) -> Counter:
        with self.lock:
            return Counter(self.notification_ids)

    def message_ids_by_notification(self) -> dict[int, set[str]]:
        with self.lock:
            result: dict[int, set[str]] = {}
            for pk, mid in zip(self.notification_ids, self.message_ids, strict=True):
                result.setdefault(pk, set()).add(mid)
            return result

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Processes --------------------------------------------------------------------------------


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL, timeout: float = 20) -> None:
    """Signal a process and its children (its process group), wait; SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    # The group may outlive its leader (a beat child): make sure none of it is left.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class Processes:
    """Django/Celery subprocesses with the chaos settings module and the given environment, each in
    its own process group; logs in `log_dir`; everything still running is killed by `cleanup`."""

    def __init__(self, log_dir: Path, env: dict):
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.chaos.celery_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
            "CONN_MAX_AGE": "0",
            "VAR_DIR": str(log_dir / "var"),
            **env,
        }
        self.running: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.count = 0

    def start(self, name: str, *args: str, env: dict | None = None) -> subprocess.Popen:
        self.count += 1
        log = self.log_dir / f"{self.count:03d}-{name}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=BASE_DIR,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append(process)
        return process

    def worker(self, name: str, *, beat: bool = True, env: dict | None = None) -> subprocess.Popen:
        """`celery worker --pool=solo`, with an embedded beat unless beat=False."""
        args = ["-m", "celery", "-A", "kipolicy", "worker", "--pool=solo", "--loglevel=INFO"]
        args += ["-n", f"kichaos-{name}-{random.randrange(16**8):08x}@%h"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            args += ["--beat", "-s", str(self.log_dir / f"beat-schedule-{name}-{self.count}")]
        return self.start(f"worker-{name}", *args, env=env)

    def beat(self, name: str, env: dict | None = None) -> subprocess.Popen:
        """`celery beat` alone, with a schedule file of its own."""
        schedule = str(self.log_dir / f"beat-schedule-{name}")
        args = ["-m", "celery", "-A", "kipolicy", "beat", "--loglevel=INFO", "-s", schedule]
        return self.start(f"beat-{name}", *args, env=env)

    def manage(self, name: str, *args: str, env: dict | None = None, timeout: float = 120) -> int:
        """Run a management command to its end (bounded); returns its exit status."""
        process = self.start(name, str(BASE_DIR / "manage.py"), *args, env=env)
        try:
            return process.wait(timeout=timeout)
        finally:
            self.kill(process)

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        kill_group(process, sig)
        if process in self.running:
            self.running.remove(process)

    def wait_for_outbox(self, what: str, timeout: float) -> float:
        """Wait until every outbox row is sent; returns how long it took."""
        from notifications.models import Notification

        started = time.monotonic()
        wait_until(
            lambda: not Notification.objects.filter(sent_at__isnull=True).exists(),
            what,
            timeout=timeout,
            on_timeout=self.log_tail,
        )
        return time.monotonic() - started

    def died(self) -> list[subprocess.Popen]:
        return [p for p in self.running if p.poll() is not None]

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in self.logs[-4:]
            if log.exists()
        )

    def cleanup(self) -> None:
        for process in list(self.running):
            self.kill(process, signal.SIGTERM)
