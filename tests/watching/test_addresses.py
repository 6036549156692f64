"""Outbound requests are safe by construction (issue 17): only http(s) to the catalogue's hosts,
never to an address that is not public (SSRF), unless a test server is named as trusted."""

import pytest
from django.test import override_settings

from watching.addresses import RefusedAddress, check_url, is_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "100.64.0.1",
    ],
)
def test_addresses_that_are_not_public(address):
    assert not is_public(address)


def test_a_public_address():
    assert is_public("130.237.1.1") and is_public("2001:6b0::1")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/", "Only http and https"),
        ("http://user:pw@127.0.0.1/", "user name or password"),
        ("http://127.0.0.1:8000/", "not public"),
        ("http://localhost/", "not public"),
        ("http://10.0.0.1/", "not public"),
        ("http://[::1]:80/", "not public"),
        ("http://169.254.169.254/latest/meta-data/", "not public"),
        ("http://no-such-host.invalid/", "could not be resolved"),
        ("http://127.0.0.1:99999/", "invalid port"),
    ],
)
def test_refused(url, reason, english):
    with pytest.raises(RefusedAddress, match=reason):
        check_url(url)


def test_only_the_catalogues_hosts(english):
    with pytest.raises(RefusedAddress, match="not one of the platform catalogue's"):
        check_url("http://130.237.1.1/", allowed_hosts={"www.youtube.com"})


@override_settings(WATCHING_TRUSTED_ADDRESSES=["127.0.0.1:8765"])
def test_a_trusted_test_server_only_on_its_own_port(english):
    target = check_url("http://127.0.0.1:8765/feed.xml", allowed_hosts=set())
    assert (target.address, target.port) == ("127.0.0.1", 8765)
    with pytest.raises(RefusedAddress, match="not public"):
        check_url("http://127.0.0.1:8766/")
