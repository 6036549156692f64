"""The help pages (issue 13: "a user guide … linked from the portal's help menu; the portal links
to the guideline text itself where a requester must confirm having read it").

/help/ lists the six role guides, /help/<role>/ renders docs/guide/<language>/<role>.md in the
reader's language with its pictures from static/guide/, /help/guidelines/ shows KI's guidelines
(START-1: the requester confirms having read them). The Markdown is rendered without raw HTML.
The screenshots themselves are taken by tests/e2e/test_guide_screenshots.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from core.help import GUIDE_DIR, ROLES, guidelines_blocks, render_markdown

pytestmark = pytest.mark.django_db

STATIC_GUIDE = Path(settings.BASE_DIR) / "static" / "guide"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_role_has_its_guide_in_both_languages(client, owner, language):
    """Each role's page is the Markdown of the reader's language, its first heading the page's
    one h1, and every picture it shows is a static file of static/guide/ that exists."""
    client.force_login(owner)
    for role in ROLES:
        source = (GUIDE_DIR / language / f"{role}.md").read_text(encoding="utf-8")
        title = source.splitlines()[0].removeprefix("# ")
        page = get(client, reverse("help:role", args=[role]), language).content.decode()
        assert f'<html lang="{language}">' in page
        assert page.count("<h1") == 1 and f"<h1>{title}</h1>" in page, role
        images = re.findall(r'<img[^>]* src="([^"]+)"', page)
        assert images, f"{language}/{role}.md shows no picture"
        for src in images:
            name = src.rsplit("/", 1)[1]
            assert src == static(f"guide/{name}") and (STATIC_GUIDE / name).is_file(), src
        assert ".md" not in re.sub(r"<img[^>]*>", "", page.split('id="main"')[1]), "a link to a .md file was left"


def test_the_index_lists_the_roles_and_marks_the_readers(client, comms):
    client.force_login(comms)
    page = get(client, reverse("help:index"), "en").content.decode()
    for role in ROLES:
        assert f'href="{reverse("help:role", args=[role])}"' in page
    assert page.count("Your role") == 1  # comms only
    assert f'href="{reverse("help:guidelines")}"' in page


def test_the_help_is_public_and_in_the_menu_of_every_page(client, owner):
    """Readable before the first login too (the guide is no secret); the navigation's help menu
    has the guide and the guidelines, logged in or not."""
    for user in (None, owner):
        if user:
            client.force_login(user)
        page = client.get(reverse("directory:index")).content.decode()
        assert 'id="help-menu"' in page
        assert f'href="{reverse("help:index")}"' in page and f'href="{reverse("help:guidelines")}"' in page
        assert client.get(reverse("help:role", args=["owner"])).status_code == 200


def test_an_unknown_role_is_not_found(client):
    assert client.get(reverse("help:role", args=["nobody"])).status_code == 404


def test_a_language_without_the_page_falls_back_to_swedish(client, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fi", "Finnish")]
    page = get(client, reverse("help:role", args=["owner"]), "fi").content.decode()
    assert "<h1>Kontoansvarig</h1>" in page


def test_the_guidelines_page_shows_the_whole_text(client):
    """KI's guidelines (2021) as the text has them: the title, every section heading, the list of
    what KI's channels must not contain (CONT-1)."""
    text = (GUIDE_DIR / "riktlinjer-sociala-medier-2021.txt").read_text(encoding="utf-8")
    page = get(client, reverse("help:guidelines"), "sv").content.decode()
    assert "<h1" in page and "Riktlinjer för sociala medier</h1>" in page
    for heading in ("Att starta ett konto", "Otillåtet innehåll", "Diarieföring och arkivering", "Avveckla"):
        assert f">{heading}</h2>" in page
    assert "<li>känsliga personuppgifter</li>" in page
    assert "(Karolinska Institutet, Kommunikationsavdelningen, 2021-01-20)</p>" in page
    words = len(re.sub(r"<[^>]+>", " ", page).split())
    assert words > len(text.split())  # nothing of the text is lost
    english = get(client, reverse("help:guidelines"), "en").content.decode()
    assert "published in Swedish only" in english


def test_guidelines_blocks():
    blocks = guidelines_blocks("Titel\n\nEn rubrik\n\nEn mening.\nInnehåller:\n  • ett\n  • två.\n(Källa, 2021)\n")
    assert blocks == [
        ("h1", "Titel"),
        ("h2", "En rubrik"),
        ("p", "En mening."),
        ("p", "Innehåller:"),
        ("ul", ["ett", "två."]),
        ("p", "(Källa, 2021)"),
    ]


def test_markdown_is_rendered_without_raw_html():
    """The guide is our own text, still rendered safely: HTML in it is shown, never run."""
    html = render_markdown('# T\n\n<script>alert(1)</script>\n\nA <img src=x onerror="alert(2)"> b\n')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html


def test_the_guides_links_are_rewritten_for_the_portal():
    html = render_markdown("[o](owner.md) [g](../riktlinjer-sociala-medier-2021.txt) ![a](../../../static/guide/x.png)")
    assert f'href="{reverse("help:role", args=["owner"])}"' in html
    assert f'href="{reverse("help:guidelines")}"' in html
    assert 'src="/static/guide/x.png"' in html
