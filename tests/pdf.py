"""Reading the text of a PDF the portal made, with poppler's pdftotext (apt-get install
poppler-utils; .ci/run installs it). Tests that need it are skipped, with that reason, where it
is missing."""

import shutil
import subprocess

import pytest

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext missing (apt-get install poppler-utils)"
)


def pdf_text(path, *, layout: bool = False) -> str:
    """The PDF's text; pages are separated by form feeds. `layout` keeps table rows on one line."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout
