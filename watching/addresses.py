"""Which network addresses the portal may open when it looks at a public profile (issue 17).

Every outbound request (a collector's fetch, each request of a start-page capture, every redirect)
asks `check_url` first. It adds the watching policy to core.outbound's SSRF rule: only host names
the caller allows (the hosts of the platform catalogue), and the test suite's and the demo's
local servers named in `WATCHING_TRUSTED_ADDRESSES` ("127.0.0.1:8765", …; empty in production).
core.outbound refuses anything but http(s) and any host that resolves to an address that is not
global (loopback, private, link-local with the cloud metadata address, multicast, reserved,
unspecified), and connects to exactly the address it checked (`core.outbound.PinnedClient`), so a
DNS answer that changes between check and connect (rebinding) is not followed.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from core.outbound import RefusedAddress, Target, is_public, is_trusted, target_for, url_origin

__all__ = ["RefusedAddress", "Target", "check_url", "is_public", "trusted_addresses"]


def trusted_addresses() -> frozenset[str]:
    """The host:port pairs of WATCHING_TRUSTED_ADDRESSES (read at each call: tests override it)."""
    return frozenset(getattr(settings, "WATCHING_TRUSTED_ADDRESSES", ()))


def check_url(url: str, *, allowed_hosts=None) -> Target:
    """The checked address to connect to for `url`, or RefusedAddress. `allowed_hosts`: host names
    (exact, lower case) the request may go to; None allows any host name that resolves to a public
    address."""
    scheme, host, port = url_origin(url)
    trusted = trusted_addresses()
    if allowed_hosts is not None and host not in allowed_hosts and not is_trusted(host, port, trusted):
        raise RefusedAddress(
            _("The host %(host)s is not one of the platform catalogue's.") % {"host": host}, code="host"
        )
    return target_for(scheme, host, port, trusted=trusted)
