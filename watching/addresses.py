"""Which network addresses the portal may open when it looks at a public profile (issue 17).

Every outbound request (a collector's fetch, each request of a start-page capture, every redirect)
asks `check_url` first. It refuses anything but http(s) on a host name the caller allows (the
hosts of the platform catalogue), and any host that resolves to an address that is not global:
loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10, the cloud metadata
address), multicast, reserved or unspecified. That is the SSRF rule: a profile address, a redirect
or a page's sub-request cannot make the portal talk to itself or to KI's internal network.

Own code, not a library's: the maintained SSRF filters wrap `requests` (advocate is unmaintained);
this is the one check, used by the httpx fetcher and by Playwright's request routing alike. The
caller connects to the address returned here (not to a second lookup), so a DNS answer that
changes between check and connect (rebinding) is not followed.

`WATCHING_TRUSTED_ADDRESSES` ("127.0.0.1:8765", …) lets named host:port pairs through for the
test suite's and the demo's local fixture servers; it is empty in production.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RefusedAddress(Exception):
    """The request may not be made; `reason` says why (recorded with the observation)."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str  # the checked IP address to connect to


def _trusted(host: str, port: int) -> bool:
    return f"{host}:{port}" in set(getattr(settings, "WATCHING_TRUSTED_ADDRESSES", ()))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: str, *, allowed_hosts=None) -> Target:
    """The address to connect to for `url`, or RefusedAddress. `allowed_hosts`: host names (exact,
    lower case) the request may go to; None allows any host name that resolves to a public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress(_("Only http and https addresses are fetched."))
    if parts.username or parts.password:
        raise RefusedAddress(_("An address with a user name or password is not fetched."))
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise RefusedAddress(_("The address has no host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress(_("The address has an invalid port.")) from None
    trusted = _trusted(host, port)
    if allowed_hosts is not None and host not in allowed_hosts and not trusted:
        raise RefusedAddress(_("The host %(host)s is not one of the platform catalogue's.") % {"host": host})
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(_("The host %(host)s could not be resolved.") % {"host": host}) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise RefusedAddress(_("The host %(host)s could not be resolved.") % {"host": host})
    if not trusted:
        blocked = [a for a in addresses if not is_public(a)]
        if blocked:
            raise RefusedAddress(
                _("The host %(host)s resolves to an address that is not public (%(address)s).")
                % {"host": host, "address": blocked[0]}
            )
    return Target(parts.scheme, host, port, addresses[0])
