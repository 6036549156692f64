"""Outbound HTTP pinned to the checked address (issue 17): the one way the portal opens a
connection to an address it was given (a profile, a page's sub-request, a webhook endpoint).

1. `check_url` resolves the host name once and refuses anything but http(s), a user name or
   password in the address, and a host any of whose addresses is not global: loopback, private
   (RFC 1918, fc00::/7), shared (100.64/10), link-local (169.254/16 with the cloud metadata
   address, fe80::/10), multicast, reserved or unspecified. That is the SSRF rule.
2. `PinnedClient.request` connects to exactly the address that was checked, never to a second
   lookup, so a DNS answer that changes between check and connect (rebinding) is not followed:
   the URL given to httpx carries the IP address, the Host header carries the name, and for https
   the TLS SNI and the certificate check carry the name (httpcore's `sni_hostname` request
   extension). Each name gets its own connection pool, so a connection verified for one name is
   never reused for another name served from the same address.
3. No redirect is followed (a redirect is an answer; the caller checks its target as a new
   address), connect and read timeouts and an overall deadline apply, and the body is streamed
   and abandoned (or cut, when the caller asks) past a byte cap.

`trusted` is a collection of "host:port" pairs that may resolve to addresses that are not public:
the test suite's and the demo's local servers (WATCHING_TRUSTED_ADDRESSES,
WEBHOOKS_TRUSTED_ADDRESSES); empty in production.

Why our own code (looked up for issue 17): httpx has no hook to choose the address a connection
goes to. Its maintainers say it does not support customising DNS resolution (encode/httpx#1319)
and point to writing a custom transport (encode/httpx#1444), which would mean redoing httpcore's
connection pool. httpcore does read a `sni_hostname` request extension (httpcore/_sync/
connection.py: it becomes `server_hostname` of the TLS handshake, so the certificate is checked
against the name), so a URL carrying the IP plus that extension plus the Host header pins the
connection with public API only; GitLab's Gitlab::HTTP does the same (resolve once, check the IP,
connect to it, name in Host and SNI). But httpcore pools connections by the URL's origin only
(`can_handle_request` compares scheme, host and port, not the SNI name), hence one pool per name
here. The maintained SSRF filters wrap `requests` (advocate is unmaintained) and none pins the
resolution for httpx. Used by watching (collectors, start-page capture) and notifications
(webhooks) alike.
"""

import contextlib
import ipaddress
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.utils.translation import gettext as _


class OutboundError(Exception):
    """The request failed or was refused; `reason` is translated and meant to be recorded.
    `unreachable` is True when the server could not be reached or did not answer in time (a
    network fault), False when our own rules refused the request or its answer."""

    def __init__(self, reason, *, unreachable: bool = False):
        super().__init__(str(reason))
        self.reason = reason
        self.unreachable = unreachable


class RefusedAddress(OutboundError):
    """The address may not be asked. `code` says which rule refused it: "scheme", "credentials",
    "host", "port", "unresolved" or "not-public"."""

    def __init__(self, reason, *, code: str = ""):
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str  # the checked IP address to connect to
    others: tuple[str, ...] = ()  # the name's other checked addresses, tried when this one refuses


def is_public(address: str) -> bool:
    """True for a global unicast address; False for anything the SSRF rule refuses."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_trusted(host: str, port: int, trusted: Collection[str]) -> bool:
    return f"{host}:{port}" in trusted


def url_origin(url: str) -> tuple[str, str, int]:
    """(scheme, host in lower case, port) of an address that may be asked at all, or RefusedAddress."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(_("Only http and https addresses are fetched."), code="scheme")
    if parts.username or parts.password:
        raise RefusedAddress(_("An address with a user name or password is not fetched."), code="credentials")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise RefusedAddress(_("The address has no host."), code="host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress(_("The address has an invalid port."), code="port") from None
    return parts.scheme, host, port


def target_for(scheme: str, host: str, port: int, *, trusted: Collection[str] = ()) -> Target:
    """Resolve `host` once and check every address it resolves to (module docstring, 1)."""
    unresolved = RefusedAddress(_("The host %(host)s could not be resolved.") % {"host": host}, code="unresolved")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise unresolved from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise unresolved
    if not is_trusted(host, port, trusted):
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise RefusedAddress(
                _("The host %(host)s resolves to an address that is not public (%(address)s).")
                % {"host": host, "address": blocked[0]},
                code="not-public",
            )
    unique = list(dict.fromkeys(addresses))
    return Target(scheme, host, port, unique[0], tuple(unique[1:]))


def check_url(url: str, *, trusted: Collection[str] = ()) -> Target:
    """The checked address to connect to for `url`, or RefusedAddress."""
    return target_for(*url_origin(url), trusted=trusted)


@dataclass(frozen=True)
class Limits:
    connect: float  # seconds to open the connection (and the TLS handshake)
    read: float  # seconds between two reads (also the wait for the answer's headers)
    total: float  # seconds for the whole body
    max_bytes: int  # of the (decoded) body


@dataclass
class Response:
    """One answer, exactly as received (no redirect followed). `headers` and `request_headers`
    keep the order and repeats of what went over the wire; `body` is decoded (gzip, br)."""

    url: str
    status: int
    reason_phrase: str
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]
    target: Target
    truncated: bool = False
    header_map: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.header_map = {}
        for name, value in self.headers:
            key = name.lower()
            self.header_map[key] = f"{self.header_map[key]}, {value}" if key in self.header_map else value

    def header(self, name: str, default: str = "") -> str:
        return self.header_map.get(name.lower(), default)


def _netloc(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


class PinnedClient:
    """httpx clients that only ever connect to checked addresses (module docstring). Use it as a
    context manager, or call close()."""

    def __init__(self, *, limits: Limits, trusted: Collection[str] = (), verify=True, headers=None):
        self.limits = limits
        self.trusted = trusted
        self.verify = verify  # certificates checked against the host name, never switched off
        self.headers = dict(headers or {})
        self._clients: dict[tuple[str, str, int], httpx.Client] = {}

    def _client(self, target: Target) -> httpx.Client:
        # One pool per name: httpx pools connections by the URL's origin, which here is the
        # address, so two names on one address would otherwise share a TLS connection that was
        # verified for the first name only.
        key = (target.scheme, target.host, target.port)
        if key not in self._clients:
            self._clients[key] = httpx.Client(
                verify=self.verify,
                timeout=httpx.Timeout(
                    connect=self.limits.connect,
                    read=self.limits.read,
                    write=self.limits.read,
                    pool=self.limits.connect,
                ),
                follow_redirects=False,
                trust_env=False,  # no proxy from the environment: we connect to the checked address
                headers=self.headers,
            )
        return self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _open(self, stack, method, parts, target: Target, **kwargs) -> httpx.Response:
        """The answer's headers from the first of the name's checked addresses that accepts the
        connection (no request was sent to one that failed to connect)."""
        *first, last = (target.address, *target.others)
        client = self._client(target)

        def direct(address: str) -> str:
            return urlunsplit((parts.scheme, _netloc(address, target.port), parts.path or "/", parts.query, ""))

        for address in first:
            with contextlib.suppress(httpx.ConnectError):
                return stack.enter_context(client.stream(method, direct(address), **kwargs))
        return stack.enter_context(client.stream(method, direct(last), **kwargs))

    def request(
        self,
        method: str,
        url: str,
        *,
        target: Target | None = None,
        headers=None,
        content: bytes | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        skip_body: Collection[int] = (),
    ) -> Response:
        """Send one request to the checked address of `url` (checked here with `self.trusted`
        unless the caller passes the Target it checked itself). Past the byte cap the request is
        abandoned with OutboundError, or with `truncate` the body is cut there. The body of an
        answer whose status is in `skip_body` is not read."""
        parts = urlsplit(url)
        if target is None:
            target = check_url(url, trusted=self.trusted)
        elif url_origin(url) != (target.scheme, target.host, target.port):
            raise ValueError(f"{url} is not the address that was checked ({target.host}:{target.port})")
        cap = max_bytes or self.limits.max_bytes
        headers = httpx.Headers(headers or {})
        headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        deadline = time.monotonic() + self.limits.total
        truncated = False
        try:
            with contextlib.ExitStack() as stack:
                answer = self._open(
                    stack, method, parts, target, headers=headers, content=content, extensions=extensions
                )
                body = bytearray()
                if answer.status_code not in skip_body:
                    for chunk in answer.iter_bytes():
                        body += chunk
                        if len(body) > cap:
                            if not truncate:
                                raise OutboundError(
                                    _("The answer is larger than %(bytes)d bytes; not read further.") % {"bytes": cap}
                                )
                            del body[cap:]
                            truncated = True
                            break
                        if time.monotonic() > deadline:
                            raise OutboundError(_("The server answered too slowly."), unreachable=True)
        except httpx.TimeoutException:
            raise OutboundError(_("The server did not answer in time."), unreachable=True) from None
        except httpx.HTTPError as error:
            raise OutboundError(
                _("The server could not be reached (%(error)s).") % {"error": type(error).__name__}, unreachable=True
            ) from None
        return Response(
            url=url,
            status=answer.status_code,
            reason_phrase=answer.reason_phrase,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers.raw],
            body=bytes(body),
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.request.headers.raw],
            target=target,
            truncated=truncated,
        )
