"""Dated records as archival PDFs (decision records, removed posts, questions) for the registry.

One engine for every PDF the portal makes: WeasyPrint, as for the compliance report. A record is a
Django template (``core/record_pdf.html``) rendered as **PDF/A-3a** (ISO 19005-3, level A: tagged
for accessibility, every character maps to Unicode, fonts embedded), as the compliance report
is: the registry's archive keeps it as it is.

Every character survives: DejaVu Sans (installed with WeasyPrint's system libraries, see the
Dockerfile) covers Latin, Greek, Cyrillic, Hebrew and Arabic; the vendored Noto Sans SC and Noto
Emoji faces in ``core/fonts/`` (``record-fonts.css``, SIL Open Font License) cover Chinese
characters and emoji. Scripts none of them covers (e.g. Devanagari, Thai) fall back to whatever
the machine's fontconfig finds; without such a font they are still searchable text in the PDF but
drawn as empty boxes.

Screenshots are embedded in the file (data: URLs), never linked.
"""

import atexit
import base64
import functools
import threading
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

FONTS_CSS = Path(__file__).resolve().parent / "fonts" / "record-fonts.css"
PDF_VARIANT = "pdf/a-3a"  # implies pdf_tags
# WeasyPrint makes one variant at a time, and its PDF/UA-1 variant adds nothing to PDF/A level A's
# tags but this XMP entry (weasyprint.pdf.pdfua): every PDF the portal makes declares both.
PDF_UA_XMP = (
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/></rdf:RDF>'
)


# Loading the ~110 font faces of record-fonts.css takes a quarter of a second on an idle machine,
# rendering a record a tenth of that: the process loads them once and renders one record at a
# time with them (Pango's font map is not meant for concurrent use).
_RENDER_LOCK = threading.Lock()


@functools.cache
def _fonts():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    return config, CSS(filename=str(FONTS_CSS), font_config=config)


# Let WeasyPrint remove its temporary font files while the interpreter is still whole.
atexit.register(_fonts.cache_clear)


def _data_url(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def record_pdf(
    *,
    title: str,
    intro: str,
    rows: list[tuple[str, str]],
    footer: str,
    created_at,
    images: list[tuple[str, bytes, str]] = (),
    language: str = "sv",
) -> bytes:
    """A titled record: label/value rows, then each image (caption, content, content type: an image
    that the checked upload has accepted) on a page of its own with its caption, and a footer on
    every page. The caller has translated the text; ``language`` is the document's language."""
    context = {
        "title": title,
        "intro": intro,
        "rows": rows,
        "footer": footer,
        "created": timezone.localtime(created_at).isoformat(timespec="seconds"),
        "language": language,
        "images": [(caption, _data_url(data, content_type)) for caption, data, content_type in images],
    }
    return archival_pdf(render_to_string("core/record_pdf.html", context))


def archival_pdf(html: str, target=None) -> bytes | None:
    """An HTML document as a tagged PDF/A-3a declaring PDF/UA-1, with the fonts that keep every
    character (the records here, the compliance report in reports.report_files). Written to
    `target` (a file object) when given, else returned."""
    # Imported here: it loads Pango, which only the PDFs need.
    from weasyprint import HTML

    with _RENDER_LOCK:
        config, fonts_css = _fonts()
        document = HTML(string=html).render(stylesheets=[fonts_css], font_config=config)
        document.metadata.xmp_metadata.append(PDF_UA_XMP)
        return document.write_pdf(target, pdf_variant=PDF_VARIANT)
