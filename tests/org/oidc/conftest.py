"""The test OpenID provider's fixtures (tests/oidc_provider.py) for these tests."""

from tests.oidc_provider import oidc, oidc_provider  # noqa: F401
