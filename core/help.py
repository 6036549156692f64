"""The help pages (issue 13): the user guide of docs/guide/ and KI's guidelines, in the portal.

- ``/help/``: the six role guides (owner, deputy, manager, comms, registrar, auditor); the
  navigation's role flags (org.context_processors) mark the ones that are the reader's.
- ``/help/<role>/``: docs/guide/<language>/<role>.md rendered as HTML in the reader's language
  (Swedish when the guide has no page in it).
- ``/help/guidelines/``: KI's guidelines for social media (2021), the text the requester
  confirms having read before sending a request (START-1), from docs/guide/.

The guide is our own Markdown; it is still rendered with raw HTML switched off, so that a
``<script>`` in a page would be shown as text, never run (and the CSP forbids inline scripts
anyway). Links are written for reading the guide in the repository, and rewritten here: an
image ``../../../static/guide/x.png`` to the static file, a page ``owner.md`` to /help/owner/,
and the guidelines' text file to /help/guidelines/. The screenshots are taken by the browser
tests (tests/e2e/test_guide_screenshots.py) into static/guide/.

Only Django and core are imported: the help is below every app (tests/test_floors.py).
"""

import re
from pathlib import Path

import markdown
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
GUIDELINES_FILE = "riktlinjer-sociala-medier-2021.txt"
STATIC_PREFIX = "../../../static/"

# The roles in the order a newcomer meets them, each with what the role is in one line.
ROLES = {
    "owner": (_("Account owner"), _("Keeps an account: requests it, checks it every day, answers and records.")),
    "deputy": (_("Deputy"), _("Stands in for the owner: the same tasks while the owner is away.")),
    "manager": (_("Manager"), _("Decides on the unit's requests (START-1) and follows its accounts.")),
    "comms": (
        _("Communications department"),
        _("Signs off requests (START-2), follows compliance and assigns owners."),
    ),
    "registrar": (_("Registrar"), _("Handles requests for public records and legal holds (REC-1).")),
    "auditor": (_("Auditor"), _("Reads the register, the audit trail and the reports; changes nothing.")),
}


class _PortalLinks(Treeprocessor):
    """Point the repository's relative links at the portal's pages and static files."""

    def run(self, root):
        for element in root.iter():
            if element.tag == "img":
                src = element.get("src", "")
                if src.startswith(STATIC_PREFIX):
                    element.set("src", static(src.removeprefix(STATIC_PREFIX)))
                element.set("class", "img-fluid border rounded my-2")
                element.set("width", "1280")
                element.set("height", "800")
            elif element.tag == "a":
                href = element.get("href", "")
                role = href.removesuffix(".md")
                if href.endswith(".md") and role in ROLES:
                    element.set("href", reverse("help:role", args=[role]))
                elif href.endswith(GUIDELINES_FILE):
                    element.set("href", reverse("help:guidelines"))
            elif element.tag == "table":
                element.set("class", "table table-sm")


class _PortalExtension(Extension):
    def extendMarkdown(self, md):
        # No raw HTML: a block or inline tag is escaped and shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_PortalLinks(md), "portal_links", 1)


def render_markdown(text: str) -> str:
    """Our Markdown as HTML, with raw HTML switched off and the guide's links rewritten."""
    return markdown.markdown(text, extensions=["tables", "sane_lists", _PortalExtension()], output_format="html")


def guide_path(role: str, language: str) -> Path:
    """The role's page in the language, or in Swedish (the portal's first language)."""
    for code in (language, settings.LANGUAGE_CODE):
        path = GUIDE_DIR / code / f"{role}.md"
        if path.is_file():
            return path
    raise Http404("No guide for this role.")


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def help_index(request):
    roles = [{"slug": slug, "label": label, "summary": summary} for slug, (label, summary) in ROLES.items()]
    return render(request, "help/index.html", {"roles": roles})


def help_role(request, role: str):
    if role not in ROLES:
        raise Http404("No such role.")
    html = render_markdown(guide_path(role, _language()).read_text(encoding="utf-8"))
    return render(request, "help/guide.html", {"role": role, "label": ROLES[role][0], "guide": html})


# A line of the guidelines' text that is a heading: short, and not ending as a sentence does.
_HEADING = re.compile(r"^[^(•].{0,60}[^.:)]$")


def guidelines_blocks(text: str) -> list[tuple[str, object]]:
    """The guidelines' plain text as (kind, content) blocks: "h1" (the title), "h2", "p" and "ul"
    (a list of items); the text's blank lines separate paragraphs, "•" starts a list item."""
    blocks: list[tuple[str, object]] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if line.startswith("•"):
            if not blocks or blocks[-1][0] != "ul":
                blocks.append(("ul", []))
            blocks[-1][1].append(line.lstrip("• ").strip())
        elif _HEADING.match(line):
            blocks.append(("h1" if not blocks else "h2", line))
        else:
            blocks.append(("p", line))
    return blocks


def help_guidelines(request):
    text = (GUIDE_DIR / GUIDELINES_FILE).read_text(encoding="utf-8")
    return render(request, "help/guidelines.html", {"blocks": guidelines_blocks(text)})


__all__ = ["ROLES", "help_guidelines", "help_index", "help_role", "render_markdown"]
