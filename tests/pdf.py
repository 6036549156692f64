"""PDFs in tests: reading the text of a PDF the portal made, with poppler's pdftotext (apt-get
install poppler-utils; .ci/run installs it; tests that need it are skipped, with that reason,
where it is missing), and building small PDFs byte by byte for the upload check."""

import re
import shutil
import struct
import subprocess
import zlib

import pytest

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext missing (apt-get install poppler-utils)"
)


def pdf_text(path, *, layout: bool = False) -> str:
    """The PDF's text; pages are separated by form feeds. `layout` keeps table rows on one line."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_title(data: bytes) -> str:
    """The document title in the PDF's information dictionary (pypdf decodes its UTF-16)."""
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).metadata.title


def pdfa_identification(data: bytes) -> tuple[str, str]:
    """The PDF/A part and conformance level (pdfaid:part, pdfaid:conformance) that the document's
    XMP metadata stream declares, read from the catalog's /Metadata."""
    import io
    import re

    from pypdf import PdfReader

    xmp = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")

    def field(name: str) -> str:
        found = re.search(rf"pdfaid:{name}(?:>|=\")([^<\"]+)", xmp)
        return found.group(1) if found else ""

    return field("part"), field("conformance")


def pdfua_part(data: bytes) -> str:
    """The PDF/UA part (pdfuaid:part) the document's XMP metadata declares, or ""."""
    import io

    from pypdf import PdfReader

    xmp = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    found = re.search(r'pdfuaid:part(?:>|=")([^<"]+)', xmp)
    return found.group(1) if found else ""


def pdf_document(*objects: bytes, trailer: bytes = b"", object_stream: bool = False, pad: int = 0) -> bytes:
    """A PDF of the given objects, numbered from 1 (object 1 is the catalog), with a correct
    cross-reference so that a strict parser reads it.

    With ``object_stream`` every object that is not itself a stream is compressed into one object
    stream (/Type /ObjStm) indexed by a cross-reference stream, as PDF 1.5 and later writers do:
    what is inside cannot be read without inflating it; ``pad`` spaces are added to its content
    before it is compressed (a deflate bomb)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    count = len(objects)
    # (type, field 2, field 3) per object number, as in a cross-reference stream (ISO 32000 7.5.8.3).
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    packed = [(n, body) for n, body in enumerate(objects, start=1) if object_stream and b"stream\n" not in body]
    plain = [(n, body) for n, body in enumerate(objects, start=1) if (n, body) not in packed]

    def write(number: int, body: bytes) -> None:
        entries[number] = (1, len(out), 0)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    for number, body in plain:
        write(number, body)
    if not object_stream:
        xref = len(out)
        out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1))
        out.extend(b"".join(b"%010d 00000 n \n" % entries[n][1] for n in range(1, count + 1)))
        out.extend(b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, trailer, xref))
        return bytes(out)
    stm, xref_number = count + 1, count + 2
    header, bodies = [], b""
    for index, (number, body) in enumerate(packed):
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += body + b"\n"
        entries[number] = (2, stm, index)
    head = b" ".join(header) + b"\n"
    data = zlib.compress(head + bodies + b" " * pad, 9)
    write(
        stm,
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(packed), len(head), len(data), data),
    )
    entries[xref_number] = (1, len(out), 0)
    table = zlib.compress(b"".join(struct.pack(">BIH", *entries[n]) for n in range(xref_number + 1)))
    start = len(out)
    out.extend(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
        % (xref_number, xref_number + 1, trailer, len(table), table, start)
    )
    return bytes(out)


PAGE_TEXT = b"BT /F1 12 Tf 20 100 Td (Start page) Tj ET"


def one_page_pdf(
    *extra: bytes, catalog: bytes = b"", trailer: bytes = b"", object_stream: bool = False, pad: int = 0
) -> bytes:
    """A one-page PDF; ``catalog`` is added to the catalog's dictionary, extra objects are numbered from 5."""
    return pdf_document(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(PAGE_TEXT), PAGE_TEXT),
        *extra,
        trailer=trailer,
        object_stream=object_stream,
        pad=pad,
    )


def review_bypass_pdf() -> bytes:
    """The file of issue 11's security review: a string "(stream\\n)" before a JavaScript open action
    and "(endstream)" after it made the old byte search take the action for a stream's content."""
    return one_page_pdf(catalog=b"/X (stream\n) /OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Y (endstream)")


def page_fill(path, *, top_mm: float = 18, bottom_mm: float = 16) -> list[float]:
    """How much of each page's body its text fills, as a share from the top of the body to its
    lowest line (pdftotext -bbox). The running header and footer (the compliance report's @page
    margins, 18 mm and 16 mm) are left out: they sit on every page, so counting them would make
    an all but empty page look full."""
    points = 72 / 25.4
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fill = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html, re.S):
        top, bottom = top_mm * points, float(height) - bottom_mm * points
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', body)
        lowest = max((float(y1) for y0, y1 in words if float(y0) >= top - 1 and float(y1) <= bottom + 1), default=top)
        fill.append((lowest - top) / (bottom - top))
    return fill
