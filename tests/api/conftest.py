import io

import pytest
from django.test import Client
from PIL import Image

from org.api_tokens import api_token_create


def bearer_client(secret: str, language: str = "sv") -> Client:
    """A client that sends nothing but the token (and the language it asks for): no session, no cookies."""
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": language})


@pytest.fixture
def token_client():
    """token_client(user) -> a Client authenticated by a new API token of that user."""

    def make(user, language: str = "sv") -> Client:
        _token, secret = api_token_create(actor=user, name="test script")
        return bearer_client(secret, language)

    return make


def png(color="red", size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()
