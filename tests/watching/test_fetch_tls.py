"""https through the fetcher (issue 17): the connection goes to the checked address (the URL sent
to httpx carries the IP), while TLS still names the host: the server sees the host name as SNI,
and the certificate is verified against that name. A certificate for another name is refused."""

import ssl

import pytest
from django.test import override_settings

from tests.core.tls_server import serve_tls
from watching.fetch import Fetcher, FetchError

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def tls_server(tmp_path):
    """An https server on 127.0.0.1 with a certificate for `localhost` (tests/core/tls_server.py)."""
    with (
        serve_tls(tmp_path) as (port, ca, names),
        override_settings(
            WATCHING_TRUSTED_ADDRESSES=[f"localhost:{port}", f"127.0.0.1:{port}"],
            WATCHING_CONNECT_TIMEOUT=2,
            WATCHING_READ_TIMEOUT=2,
        ),
    ):
        yield port, ca, names


def test_https_connects_to_the_checked_address_and_names_the_host(tls_server):
    port, ca, names = tls_server
    with Fetcher(verify=ssl.create_default_context(cafile=ca)) as fetcher:
        answer = fetcher.get(f"https://localhost:{port}/profile")
    assert answer.status == 200 and answer.body == b"tls ok"
    assert names and set(names) == {"localhost"}  # SNI: the host name, not the address connected to


def test_a_certificate_for_another_name_is_refused(tls_server):
    """Asked for 127.0.0.1, the server's certificate (for localhost) does not match: refused."""
    port, ca, _names = tls_server
    with (
        Fetcher(verify=ssl.create_default_context(cafile=ca)) as fetcher,
        pytest.raises(FetchError, match="could not be reached"),
    ):
        fetcher.get(f"https://127.0.0.1:{port}/profile")


def test_an_unknown_certificate_authority_is_refused(tls_server):
    port, _ca, _names = tls_server
    with Fetcher() as fetcher, pytest.raises(FetchError, match="could not be reached"):
        fetcher.get(f"https://localhost:{port}/profile")
