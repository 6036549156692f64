"""The OpenAPI schema and the interactive documentation: for logged-in users only, and served
from the portal's own static files (no CDN, DESIGN.md)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

SCHEMA = reverse("api:schema")
DOCS = reverse("api:docs")


def test_the_schema_is_401_without_login(client):
    assert client.get(SCHEMA).status_code == 401


def test_the_schema_is_served_to_a_logged_in_user(client, outsider):
    client.force_login(outsider)

    response = client.get(SCHEMA, {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/checkins/" in schema["paths"]


def test_the_schema_is_served_to_a_token(outsider, token_client):
    assert token_client(outsider).get(SCHEMA).status_code == 200


def test_the_docs_send_an_anonymous_browser_to_the_login_page(client):
    response = client.get(DOCS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_docs_load_their_scripts_and_styles_from_static(client, outsider, settings):
    client.force_login(outsider)

    response = client.get(DOCS)

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external URL in the docs page"
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+\.(?:js|css))""", html)
    assert assets, "the page loads no scripts or styles"
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), f"{asset} is not among the static files"
