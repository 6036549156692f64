"""A real OpenID provider for the tests: tests/idp_oidc (django-oauth-toolkit) in its own process.

``oidc_provider`` (session) generates an RS256 key, migrates the provider's own SQLite database
in a temporary directory, registers the portal as a confidential client (PKCE, RS256) and starts
``manage.py runserver`` on a free 127.0.0.1 port. ``oidc`` (per test) switches the portal's OIDC
settings on against it. ``Provider.set`` writes the claims it issues and its hostile mode.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

IDP_ROOT = Path(__file__).resolve().parent / "idp_oidc"
CLIENT_ID = "kipolicy-portal"
CLIENT_SECRET = "portal-secret-for-tests-only"
TEST_CALLBACK = "http://testserver/oidc/callback/"
PASSWORD = "idp-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, directory: Path):
        self.directory = directory
        self.url = ""
        self.process = None
        self.env = {**os.environ, "IDP_DIR": str(directory), "DJANGO_SETTINGS_MODULE": "idp.settings"}
        self.env.pop("DATABASE_URL", None)

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/o/.well-known/openid-configuration"

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=IDP_ROOT, env=self.env, check=True, capture_output=True
        )

    def setup(self, *, redirect_uris=(), users=()):
        """Register (or update) the portal's client and the provider's users (password PASSWORD)."""
        args = ["idp_setup", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
        args += [f"--redirect-uri={uri}" for uri in redirect_uris]
        args += [f"--user={username}:{PASSWORD}" for username in users]
        self.manage(*args)

    def set(self, *, users: dict | None = None, mode: str = ""):
        """What the provider issues from now on: each user's claims, and its hostile mode."""
        (self.directory / "control.json").write_text(json.dumps({"users": users or {}, "mode": mode}))

    def start(self):
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = (self.directory / "server.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=IDP_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test OpenID provider stopped: {(self.directory / 'server.log').read_text()}")
            try:
                if requests.get(self.discovery_url, timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("the test OpenID provider did not start within 30 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.log.close()

    def authorize(self, authorize_url: str, username: str, password: str = PASSWORD) -> str:
        """A person at the provider: open the portal's authorization request, log in on the
        provider's login page, and return where the provider sends the browser back."""
        browser = requests.Session()
        response = browser.get(authorize_url, allow_redirects=False)
        assert response.status_code == 302, response.text
        login_url = urljoin(self.url, response.headers["Location"])
        browser.get(login_url)
        response = browser.post(
            login_url,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
                "next": parse_qs(urlsplit(login_url).query).get("next", [""])[0],
            },
            headers={"Referer": login_url},
            allow_redirects=False,
        )
        assert response.status_code == 302, "the provider refused the login"
        response = browser.get(urljoin(self.url, response.headers["Location"]), allow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    directory = tmp_path_factory.mktemp("idp_oidc")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    provider = Provider(directory)
    provider.manage("migrate", "-v0")
    provider.setup(redirect_uris=[TEST_CALLBACK], users=["anna", "bertil", "demo-comms"])
    provider.set()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(settings, oidc_provider):
    """The portal's OIDC switched on against the test provider (discovery), as docs/configuration.md
    sets it up; the provider issues plain, valid tokens until the test says otherwise."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = oidc_provider.discovery_url
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "org.oidc.OIDCBackend"]
    oidc_provider.set()
    yield oidc_provider
    oidc_provider.set()
