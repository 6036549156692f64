"""One-page dated records as PDF (decision records, removed-post records) for the registry.

fpdf2 is pure Python: no system libraries, so the portal still sets up with one command. Its core
fonts cover Latin-1 (å, ä, ö, é); other characters are replaced by their nearest Latin-1 form.
"""

import io

from fpdf import FPDF

_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "→": "->"})


def latin1(text) -> str:
    return str(text).translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def record_pdf(
    *,
    title: str,
    intro: str,
    rows: list[tuple[str, str]],
    footer: str,
    created_at,
    images: list[tuple[str, bytes]] = (),
) -> bytes:
    """A titled record: label/value rows, then each image with its caption, and a footer."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_author("Karolinska Institutet")
    pdf.set_creation_date(created_at)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, latin1(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 6, latin1(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")
    for caption, data in images:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, latin1(caption), new_x="LMARGIN", new_y="NEXT")
        pdf.image(io.BytesIO(data), w=170)
    pdf.set_y(-20)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 6, latin1(footer))
    return bytes(pdf.output())
