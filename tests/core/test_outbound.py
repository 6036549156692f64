"""The pinned outbound client (issue 17, core.outbound): one DNS answer, checked, is the address
connected to; names that resolve to addresses that are not public are refused unless trusted;
no redirect is followed; timeouts and a byte cap hold. Real servers on 127.0.0.1."""

import ssl

import pytest

from core.outbound import Limits, OutboundError, PinnedClient, RefusedAddress, Target, check_url
from tests.core.tls_server import serve_tls
from watching.fixture_servers import FixtureServer, endless_body, never_answers

pytestmark = pytest.mark.usefixtures("english")

LIMITS = Limits(connect=2, read=1, total=3, max_bytes=100_000)


@pytest.fixture
def server():
    server = FixtureServer(
        {
            "/hello": (200, {"Content-Type": "text/plain"}, b"hello"),
            "/moved": (302, {"Location": "http://10.0.0.1/admin"}, b""),
            "/big": (200, {}, endless_body(5)),
            "/silent": (200, {}, never_answers(5)),
        }
    ).start()
    yield server
    server.stop()


def test_a_name_that_resolves_to_loopback_is_refused_unless_trusted(server):
    """SSRF (issue 17): `localhost` resolves to 127.0.0.1, so it is refused with the reason;
    trusted as host:port (a test server) it is let through to exactly that port."""
    with pytest.raises(RefusedAddress, match="resolves to an address that is not public") as refused:
        check_url(f"http://localhost:{server.port}/hello")
    assert refused.value.code == "not-public"

    target = check_url(f"http://localhost:{server.port}/hello", trusted={f"localhost:{server.port}"})
    assert target.host == "localhost" and target.port == server.port
    with pytest.raises(RefusedAddress, match="not public"):
        check_url(f"http://localhost:{server.port + 1}/", trusted={f"localhost:{server.port}"})


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(server):
    """No second lookup (DNS rebinding): the client connects to the address it was given for the
    name, here a name that resolves nowhere, and the server sees the name in the Host header."""
    url = f"http://pinned.invalid:{server.port}/hello"
    with PinnedClient(limits=LIMITS) as client:
        answer = client.request("GET", url, target=Target("http", "pinned.invalid", server.port, "127.0.0.1"))

    assert (answer.status, answer.body) == (200, b"hello")
    [(path, headers)] = server.requests
    assert path == "/hello" and headers["Host"] == f"pinned.invalid:{server.port}"
    assert ("Host", f"pinned.invalid:{server.port}") in answer.request_headers


def test_the_names_next_checked_address_is_tried_when_the_first_refuses(server):
    """A name with several addresses (IPv6 and IPv4, say): each was checked; when the first refuses
    the connection, the next is asked, never a new lookup."""
    url = f"http://pinned.invalid:{server.port}/hello"
    target = Target("http", "pinned.invalid", server.port, "127.0.0.2", others=("127.0.0.1",))  # .2: nobody there
    with PinnedClient(limits=LIMITS) as client:
        assert client.request("GET", url, target=target).body == b"hello"


def test_a_target_for_another_address_is_not_used(server):
    with PinnedClient(limits=LIMITS) as client, pytest.raises(ValueError, match="not the address that was checked"):
        client.request("GET", f"http://example.org:{server.port}/", target=Target("http", "other", server.port, "1"))
    assert server.requests == []


def test_the_client_checks_the_address_itself_with_its_trusted_pairs(server):
    with PinnedClient(limits=LIMITS) as client, pytest.raises(RefusedAddress):
        client.request("GET", f"{server.base}/hello")
    assert server.requests == []
    with PinnedClient(limits=LIMITS, trusted={server.netloc}) as client:
        assert client.request("GET", f"{server.base}/hello").body == b"hello"


def test_a_redirect_is_an_answer_not_followed(server):
    with PinnedClient(limits=LIMITS, trusted={server.netloc}) as client:
        answer = client.request("GET", f"{server.base}/moved")
    assert answer.status == 302 and answer.header("location") == "http://10.0.0.1/admin"
    assert [path for path, _headers in server.requests] == ["/moved"]


def test_a_body_past_the_cap_is_abandoned_or_cut(server):
    with PinnedClient(limits=LIMITS, trusted={server.netloc}) as client:
        with pytest.raises(OutboundError, match="larger than 100000 bytes") as refused:
            client.request("GET", f"{server.base}/big")
        assert not refused.value.unreachable
        cut = client.request("GET", f"{server.base}/big", max_bytes=1000, truncate=True)
    assert cut.truncated and len(cut.body) == 1000


def test_a_server_that_never_answers_times_out(server):
    with PinnedClient(limits=LIMITS, trusted={server.netloc}) as client, pytest.raises(OutboundError) as failed:
        client.request("GET", f"{server.base}/silent")
    assert failed.value.unreachable and "did not answer in time" in str(failed.value.reason)


def test_a_connection_verified_for_one_name_is_not_reused_for_another(tmp_path):
    """TLS names the host (SNI, certificate checked against it), per name: after a request to
    https://localhost, the same client asked for https://127.0.0.1 on the same address and port
    opens a new connection, whose certificate (for localhost) does not match, and is refused."""
    with serve_tls(tmp_path) as (port, ca, names):
        verify = ssl.create_default_context(cafile=ca)
        trusted = {f"localhost:{port}", f"127.0.0.1:{port}"}
        with PinnedClient(limits=LIMITS, trusted=trusted, verify=verify) as client:
            assert client.request("GET", f"https://localhost:{port}/").body == b"tls ok"
            with pytest.raises(OutboundError, match="could not be reached"):
                client.request("GET", f"https://127.0.0.1:{port}/")
    assert names == ["localhost", None]  # a second handshake, without SNI for an address
