"""https through the fetcher (issue 17): the connection goes to the checked address (the URL sent
to httpx carries the IP), while TLS still names the host: the server sees the host name as SNI,
and the certificate is verified against that name. A certificate for another name is refused."""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import override_settings

from watching.fetch import Fetcher, FetchError

pytestmark = pytest.mark.usefixtures("english")


def _cert(name, key, issuer_name, issuer_key, *, ca=False):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_server(tmp_path):
    """An https server on 127.0.0.1 with a certificate for `localhost` from a CA made here; it
    records the SNI name each connection gives."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = _cert("Test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("localhost", key, ca_name, ca_key)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    names = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            body = b"tls ok" if self.path != "/robots.txt" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    with override_settings(
        WATCHING_TRUSTED_ADDRESSES=[f"localhost:{port}", f"127.0.0.1:{port}"],
        WATCHING_CONNECT_TIMEOUT=2,
        WATCHING_READ_TIMEOUT=2,
    ):
        yield port, str(tmp_path / "ca.pem"), names
    httpd.shutdown()
    httpd.server_close()


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
