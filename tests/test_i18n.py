"""The portal speaks Swedish first and English on request.

The page's own Swedish strings come from locale/sv; until that catalogue translates the inventory
heading, the Swedish checks rest on the page's language attribute and on Swedish text that Django
itself supplies (the login form)."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

INVENTORY = reverse("accounts:inventory")
HEADING = "Inventory of social media accounts"


def set_language(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": INVENTORY})


def swedish_heading() -> str:
    with translation.override("sv"):
        return translation.gettext(HEADING)


def test_login_page_is_in_swedish_by_default(client):
    """A visitor with no language choice gets the Swedish login page."""
    response = client.get(reverse("login"))

    content = response.content.decode()
    assert '<html lang="sv">' in content
    assert "Användarnamn" in content
    assert "Lösenord" in content


def test_inventory_is_in_swedish_by_default(client, outsider):
    """The inventory is served in Swedish unless the user chooses otherwise."""
    client.force_login(outsider)

    content = client.get(INVENTORY).content.decode()

    assert '<html lang="sv">' in content
    heading = swedish_heading()
    if heading != HEADING:  # the catalogue translates the heading: it must be shown
        assert heading in content


def test_switching_to_english_shows_the_inventory_in_english(client, outsider):
    """Choosing English through /i18n/setlang/ serves the inventory in English."""
    client.force_login(outsider)

    response = set_language(client, "en")

    assert response.status_code == 302
    assert response["Location"] == INVENTORY
    content = client.get(INVENTORY).content.decode()
    assert '<html lang="en">' in content
    assert HEADING in content


def test_switching_back_to_swedish(client, outsider):
    """Choosing Swedish after English serves the inventory in Swedish again."""
    client.force_login(outsider)
    set_language(client, "en")

    set_language(client, "sv")

    content = client.get(INVENTORY).content.decode()
    assert '<html lang="sv">' in content
    if swedish_heading() != HEADING:
        assert swedish_heading() in content


def test_an_unknown_language_is_ignored(client, outsider):
    """A language the portal does not offer leaves the page in Swedish."""
    client.force_login(outsider)

    set_language(client, "de")

    assert '<html lang="sv">' in client.get(INVENTORY).content.decode()
