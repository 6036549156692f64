"""A real SAML 2.0 identity provider for the test suite (issue 13): pysaml2's ``saml2.server.Server``
behind a small WSGI app on a free 127.0.0.1 port, in a thread of the test process.

``SamlIdP.start(tmp_path)`` generates the identity provider's key pair and self-signed
certificate (and the portal's, as a service provider), writes the identity provider's metadata to
a file and starts serving. ``idp.sp_settings(site_url)`` then builds the portal's ``SAML_CONFIG``
with ``kipolicy.saml.sp_config`` (the function settings.py uses) pointing at that file, and hands
the portal's metadata to the identity provider, as SWAMID would.

Endpoints:

- ``GET /sso/redirect``: takes an AuthnRequest (HTTP-Redirect binding), verifies it and answers
  with a page holding a form that POSTs the signed Response to the portal's ACS (a submit button;
  ``/static/autosubmit.js`` submits it in a browser). ``idp.mode`` makes the answer hostile on
  purpose: ``wrong-audience``, ``expired`` (NotOnOrAfter in the past), ``unsigned`` or
  ``unsolicited`` (an answer to a request the portal never sent), or ``tampered`` (a signed
  answer whose person was changed after signing).
- ``GET /metadata``: the identity provider's metadata.

``idp.user`` holds the test person's attributes (SWAMID friendly names); ``idp.responses`` keeps
every Response it sent (base64), so a test can POST a captured one again.
"""

import base64
import copy
import datetime
import html
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import class_name, saml
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory
from saml2.time_util import instant

from kipolicy.saml import sp_config

OTHER_SP = "https://other-service.example.org/saml2/metadata/"
MODES = {"normal", "wrong-audience", "expired", "unsigned", "unsolicited", "tampered"}
TAMPERED_SUBJECT = "the.boss@ki.se"

AUTOSUBMIT_JS = b'document.addEventListener("DOMContentLoaded", function () { document.forms[0].submit(); });\n'


def make_key_pair(directory: Path, name: str) -> tuple[str, str]:
    """An RSA key and a self-signed certificate for ``name``, as PEM files in ``directory``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(WSGIServer):
    daemon_threads = True


class SamlIdP:
    """The identity provider; see the module docstring."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.key_file, self.cert_file = make_key_pair(directory, "idp")
        self.sp_key_file, self.sp_cert_file = make_key_pair(directory, "sp")
        self.httpd = make_server("127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base_url}/metadata"
        self.mode = "normal"
        self.user = {}
        self.responses: list[str] = []
        self.requests_seen = 0
        self.server = Server(config=self._config())
        self.metadata_file = directory / "idp-metadata.xml"
        self.metadata_file.write_text(str(entity_descriptor(self.server.config)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _config(self, lifetime_minutes: int = 15):
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "metadata": {},
                "service": {
                    "idp": {
                        "name": "Test IdP",
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.base_url}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)]
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": lifetime_minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "want_authn_requests_signed": False,
                    }
                },
            }
        )
        return config

    @classmethod
    def start(cls, directory: Path) -> "SamlIdP":
        idp = cls(directory)
        idp.thread.start()
        return idp

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the portal as a service provider -------------------------------------------------------
    def sp_settings(self, site_url: str, **overrides) -> dict:
        """The portal's SAML_CONFIG for ``site_url``; its metadata (and that of another service,
        for the wrong-audience case) is handed to the identity provider."""
        config = sp_config(
            site_url=site_url,
            entity_id=f"{site_url.rstrip('/')}/saml2/metadata/",
            metadata_file=str(self.metadata_file),
            key_file=self.sp_key_file,
            cert_file=self.sp_cert_file,
            clock_skew=5,
            **overrides,
        )
        documents = []
        for entity in (config, {**copy.deepcopy(config), "entityid": OTHER_SP}):
            sp = SPConfig()
            sp.load(copy.deepcopy(entity))
            documents.append(str(entity_descriptor(sp)))
        # A fresh metadata store: the service provider's requested attributes may have changed.
        self.server.metadata = self.server.config.metadata = self.server.config.load_metadata({"inline": documents})
        self.sp_entity_id = config["entityid"]
        return config

    # --- the WSGI app ---------------------------------------------------------------------------
    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            if path == "/metadata":
                return self._send(start_response, "200 OK", "text/xml", self.metadata_file.read_bytes())
            if path == "/static/autosubmit.js":
                return self._send(start_response, "200 OK", "text/javascript", AUTOSUBMIT_JS)
            if path == "/sso/redirect":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                return self._send(start_response, "200 OK", "text/html; charset=utf-8", self._answer(query))
        except Exception as exc:  # shown to the test, which then fails with the reason
            return self._send(start_response, "500 Internal Server Error", "text/plain", repr(exc).encode())
        return self._send(start_response, "404 Not Found", "text/plain", b"not found")

    @staticmethod
    def _send(start_response, status, content_type, body: bytes):
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def _answer(self, query: dict) -> bytes:
        """Verify the AuthnRequest, build the Response ``mode`` asks for, and return the page that
        POSTs it to the portal."""
        assert self.mode in MODES, self.mode
        self.requests_seen += 1
        request = self.server.parse_authn_request(query["SAMLRequest"][0], saml2.BINDING_HTTP_REDIRECT)
        authn_request = request.message
        relay_state = query.get("RelayState", [""])[0]
        destination = authn_request.assertion_consumer_service_url
        sp_entity_id, in_response_to = authn_request.issuer.text, authn_request.id
        sign = True
        if self.mode == "wrong-audience":
            sp_entity_id = OTHER_SP
        elif self.mode in ("unsigned", "expired"):
            sign = False
        elif self.mode == "unsolicited":
            in_response_to = "id-the-portal-never-sent"
        name_id = saml.NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.user["eduPersonPrincipalName"][0])
        response = self.server.create_authn_response(
            identity=dict(self.user),
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=sp_entity_id,
            name_id=name_id,
            authn={"class_ref": saml.AUTHN_PASSWORD_PROTECTED, "authn_auth": self.entity_id},
            sign_assertion=sign,
            sign_response=False,
        )
        if self.mode == "expired":
            response = self._expired(response)
        elif self.mode == "tampered":
            # Signed as usual, then someone on the way makes it say it is somebody else.
            subject = self.user["eduPersonPrincipalName"][0]
            response = str(response).replace(f">{subject}<", f">{TAMPERED_SUBJECT}<")
        encoded = base64.b64encode(str(response).encode()).decode()
        self.responses.append(encoded)
        return self.post_form(destination, encoded, relay_state).encode()

    def _expired(self, response) -> str:
        """The Response with its assertion issued 20 minutes ago and valid for 5 (NotOnOrAfter in
        the past, in the conditions and the subject confirmation), then signed as usual."""
        assertion = response.assertion[0] if isinstance(response.assertion, list) else response.assertion
        issued = time.time() - 20 * 60
        assertion.issue_instant = instant(time_stamp=issued)
        assertion.conditions.not_before = instant(time_stamp=issued)
        assertion.conditions.not_on_or_after = instant(time_stamp=issued + 5 * 60)
        for confirmation in assertion.subject.subject_confirmation:
            confirmation.subject_confirmation_data.not_on_or_after = instant(time_stamp=issued + 5 * 60)
        for statement in assertion.authn_statement:
            statement.authn_instant = instant(time_stamp=issued)
        assertion.signature = pre_signature_part(
            assertion.id,
            self.server.sec.my_cert,
            1,
            sign_alg=self.server.signing_algorithm,
            digest_alg=self.server.digest_algorithm,
        )
        return signed_instance_factory(response, self.server.sec, [(class_name(assertion), assertion.id)])

    def post_form(self, action: str, saml_response: str, relay_state: str = "") -> str:
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Test IdP</title>"
            "<script src='/static/autosubmit.js'></script></head><body><main>"
            f"<form method='post' action='{html.escape(action)}'>"
            f"<input type='hidden' name='SAMLResponse' value='{saml_response}'>"
            f"<input type='hidden' name='RelayState' value='{html.escape(relay_state)}'>"
            "<button type='submit'>Continue</button></form></main></body></html>"
        )
