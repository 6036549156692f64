"""The auditor's journey: the half-year compliance report for a department, on screen and as CSV,
XLSX and PDF; each file opens and carries the numbers on the screen."""

import csv
import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from reports.compliance import FIGURES
from tests.e2e.a11y import page_problems
from tests.e2e.conftest import CHROMIUM  # noqa: F401 - the directory's skip applies
from tests.pdf import needs_pdftotext, page_fill, pdf_text

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

MEDS = "Institutionen för medicin, Solna"
KEYS = [f.key for f in FIGURES]
# The figures of the first account table on the page, compared in every format.
COMPARED = ["days_active", "days_monitored", "days_missed", "coverage", "longest_gap", "days_without_deputy"]
PERCENT = {f.key for f in FIGURES if f.kind == "percent"}


def number(text: str) -> str:
    """ "87,1 %" / "87.1" / "0.871" (a fraction) -> comparable text; "–" and "" -> ""."""
    text = text.replace("\u00a0", " ").replace("%", "").strip().replace(",", ".")
    return "" if text in {"", "–"} else text


def screen_rows(page) -> dict[str, dict[str, str]]:
    rows = {}
    for tr in page.locator("#accounts-table-1 tbody tr").all():
        name = tr.locator("th").inner_text().splitlines()[0].strip()
        rows[name] = {key: number(tr.locator(f'td[data-key="{key}"]').inner_text()) for key in COMPARED}
    return rows


def previous_half_year():
    """The half year before the current one (the form's second choice is the current half year)."""
    from django.utils import timezone

    from org.calendar import local_day
    from reports.figures import Period
    from reports.verdict import previous_period

    today = local_day(timezone.now())
    return previous_period(Period.half_year(today.year, 1 if today.month <= 6 else 2))


def download(page, link_name):
    # The PDF of a department is made within the request: on a busy machine (two cores shared by
    # several test runs) that takes longer than Playwright's default 10 s.
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("link", name=link_name, exact=True).click(timeout=90_000)
    return info.value


@needs_pdftotext
def test_auditor_makes_the_half_year_report_and_downloads_every_format(as_user, tmp_path):
    """MON-1, MON-2, RES-2: the numbers on screen are the numbers in the CSV, the XLSX and the PDF."""
    page = as_user("auditor")
    page.get_by_role("button", name="Uppföljning").click()  # the navigation's Follow-up group
    page.get_by_role("link", name="Rapporter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Efterlevnadsrapport")
    page.get_by_label("Enhet (med alla enheter under den)").select_option(label=MEDS)
    half = page.get_by_label("Halvår")
    half.select_option(index=1)  # the current half year
    page.get_by_role("button", name="Gör rapporten").click()
    expect(page.locator("#report-title")).to_contain_text(MEDS)
    # The demo keeps the figures as the nightly job does (issue 12): the page says as of when.
    expect(page.locator("#figures-as-of")).to_contain_text("Siffror per")

    screen = screen_rows(page)
    assert len(screen) >= 3, screen
    assert any(row["days_active"] not in {"", "0"} for row in screen.values())

    # CSV (comma): one row per account, the same figures.
    path = download(page, "CSV: konton").path()
    content = Path(path).read_bytes()
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(table) == len(screen) + 1
    for row in table[1:]:
        values = dict(zip(KEYS, row, strict=True))
        name = values["account"]
        assert {key: number(values[key]) for key in COMPARED} == screen[name], name

    # XLSX: typed cells, percentages as fractions.
    xlsx = download(page, "XLSX")
    assert xlsx.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(xlsx.path()).read_bytes()))
    sheet = workbook.worksheets[1]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        values = dict(zip(KEYS, row, strict=True))
        got = {}
        for key in COMPARED:
            value = values[key]
            if value is None:
                got[key] = ""
            elif key in PERCENT:
                got[key] = f"{value * 100:.1f}"
            else:
                got[key] = str(value)
        assert got == screen[values["account"]], values["account"]

    # PDF: every account's row carries the same figures; the scope is on every page.
    pdf_download = download(page, "PDF")
    assert pdf_download.suggested_filename.endswith(".pdf")
    pdf = pdf_download.path()
    text = pdf_text(pdf, layout=True)
    pages = [p for p in text.split("\f") if p.strip()]
    assert all(MEDS in p for p in pages)
    # Page 1 is the answer (issue 16): the verdicts, the trend against the previous half year and
    # the accounts needing attention first; the method is the appendix at the end.
    first = pages[0]
    assert "Bedömning per område i riktlinjerna" in first
    assert re.search(r"Bevakning\s+(Uppfyllt|Delvis uppfyllt|Inte uppfyllt|Inga uppgifter)", first)
    assert "Förändring sedan föregående period" in first and str(previous_half_year()) in first
    assert "Behöver åtgärdas först" in first
    fill = page_fill(pdf)
    assert all(share >= 0.25 for share in fill[:-1]), fill  # no near-empty page but the last
    appendix = next(i for i, p in enumerate(pages) if "Bilaga: metod och definitioner" in p)
    last_table = max(i for i, p in enumerate(pages) for name in screen if re.search(rf"^\s*{re.escape(name)}", p, re.M))
    assert appendix > last_table
    # Tagged for screen readers, and declared PDF/A-3a and PDF/UA-1 in its XMP metadata.
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    xmp = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp and 'pdfuaid:part="1"' in xmp
    for name, figures in screen.items():
        line = next(line for line in text.splitlines() if line.strip().startswith(name) and "%" in line)
        numbers = [number(n) for n in re.findall(r"\d+(?:,\d)?(?: %)?", line.split(name, 1)[1])]
        expected = [figures[key] for key in COMPARED if figures[key] != ""]
        assert " ".join(expected) in " ".join(numbers), (name, line)


def test_accessibility_axe_reports_exports_and_tokens(demo, as_user):
    """axe-core finds no serious or critical violations, in Swedish, on the report form and a
    report with its charts and tables, the compliance overview with its charts, the audit-trail
    export, the list of exports and the API token page; no ARIA reference points at a missing id."""
    from axe_playwright_python.sync_playwright import Axe

    from org.models import Unit

    axe = Axe()
    found = []
    page = as_user("auditor")
    meds = Unit.objects.get(name=MEDS)

    def check(where, path):
        page.goto(demo.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found.extend(page_problems(axe, page, where))

    check("report form", reverse("reports:compliance"))
    check("report", reverse("reports:compliance") + f"?unit={meds.pk}&start=2026-07-01&end=2026-11-25")
    check("report with errors", reverse("reports:compliance") + "?start=2026-07-01&end=2026-01-01")
    check("compliance overview", reverse("monitoring:overview"))
    check("audit-trail export", reverse("reports:audit-trail"))
    check("my exports", reverse("reports:job-list"))
    check("API tokens", reverse("api-tokens:list"))
    assert not found, "\n".join(found)
