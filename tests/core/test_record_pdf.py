"""The archival record PDFs (core.pdf, issue 14): one engine (WeasyPrint), every character kept,
PDF/A declared, screenshots embedded."""

import io
import subprocess

from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from core.pdf import record_pdf
from tests.pdf import needs_pdftotext, pdf_text, pdfa_identification, pdfua_part

POLISH = "Łukasz Żółć-Gęślą"
CHINESE = "张伟 王芳"
ARABIC = "محمد العربي"
EMOJI = "🎉😀"


def red_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def record(**overrides) -> bytes:
    values = {
        "title": f"Beslut 7 – {POLISH}",
        "intro": f"Enligt KI:s riktlinjer {CHINESE}",
        "rows": [("Konto", f"KI {EMOJI} {POLISH}"), ("Namn", f"{CHINESE} – {ARABIC}")],
        "footer": "Karolinska Institutet – register över officiella konton",
        "created_at": timezone.now(),
    }
    values.update(overrides)
    return record_pdf(**values)


@needs_pdftotext
def test_record_keeps_polish_chinese_arabic_and_emoji(tmp_path):
    """REC-3, REC-4: the record the registry archives says what was typed. Polish, Chinese, Arabic
    and emoji read back from the PDF's text (fpdf2 wrote "?ukasz" and "??"), in fonts embedded in
    the file."""
    path = tmp_path / "record.pdf"
    path.write_bytes(record())

    text = pdf_text(path)

    for expected in (POLISH, "张伟", "王芳", "محمد", "العربي", "🎉", "😀", "Karolinska Institutet"):
        assert expected in text, (expected, text)
    assert "?" not in text
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font  # embedded, as PDF/A requires
    assert {"DejaVu-Sans", "Noto-Sans-SC", "Noto-Emoji"} <= fonts, fonts


def test_record_declares_pdf_a_in_its_xmp_metadata():
    """REC-4: the registry's archive takes PDF/A: the record declares PDF/A-3a (pdfaid:part 3,
    conformance A: tagged, every character in Unicode), as the compliance report does, in its XMP
    metadata, is tagged (a structure tree, marked) and names its language."""
    data = record()

    assert pdfa_identification(data) == ("3", "A")
    assert pdfua_part(data) == "1"  # PDF/UA-1 declared, as the compliance report does
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "sv"
    assert "/OutputIntents" in root


@needs_pdftotext
def test_screenshot_is_embedded_on_a_page_of_its_own_with_its_caption(tmp_path):
    """REC-4: each screenshot is in the file itself (an image XObject), under its caption with the
    SHA-256."""
    caption = "Skärmbild av inlägget – 2026-12-01 – SHA-256 " + "ab" * 32
    path = tmp_path / "record.pdf"
    path.write_bytes(record(images=[(caption, red_png(), "image/png")]))

    assert len(PdfReader(path).pages) == 2
    # poppler's list of the images each page draws: the one screenshot, 320 x 200, on page 2.
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    drawn = [line.split()[:5] for line in listing.splitlines()[2:]]
    assert drawn == [["2", "0", "image", "320", "200"]], listing
    assert "".join(caption.split()) in "".join(pdf_text(path).split("\f")[1].split())
