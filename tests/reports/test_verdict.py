"""The compliance report's answer (issue 16): a verdict per guideline area, the trend against the
previous period and the accounts needing attention first, worked out by hand on the fixed dataset
of compliance_dataset.py (read its docstring first)."""

import datetime
import io
import re
import subprocess

import pypdf
import pytest
from django.test import override_settings

from reports import report_files, verdict
from reports.compliance import ComplianceReport, Period
from tests.pdf import needs_pdftotext, page_fill, pdf_text
from tests.reports import compliance_dataset as ds

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
H1 = Period.half_year(2026, 1)


@pytest.fixture
def data(db):
    return ds.build()


def answer(data, period=MARCH, unit=None):
    return ComplianceReport(user=data.auditor, unit=unit, period=period, now=ds.NOW).answer()


def by_area(ans):
    return {v.key: v for v in ans.verdicts}


def test_previous_period_is_the_same_length_or_the_previous_half_year():
    assert verdict.previous_period(MARCH) == Period(datetime.date(2026, 1, 29), datetime.date(2026, 2, 28))
    assert verdict.previous_period(H1) == Period.half_year(2025, 2)
    assert verdict.previous_period(Period.half_year(2026, 2)) == H1


def test_verdicts_per_area_in_march(data, english):
    """MON-1/MON-2: coverage 29 of 72 active days (40.3 %) is below 80 %: not met. RES-2: 14 of 72
    active days without a deputy (B had none; A 21–24 March): 80.6 %, partly met. REC-1: one of
    A's two removed posts was handed to the registry in time (50 %): not met. ANS-1: the one
    question answered in March was answered in time: met. START-1: no open finding: met."""
    areas = by_area(answer(data))
    assert areas["monitoring"].verdict == verdict.NOT_MET
    assert dict(areas["monitoring"].figures)["Monitoring coverage"] == pytest.approx(29 / 72)
    # C's missed-monitoring finding is open at the end of March: 2 of 3 accounts clean.
    assert dict(areas["monitoring"].figures)["Accounts without an open finding of the area's rules"] == (
        pytest.approx(2 / 3)
    )
    assert areas["responsibility"].verdict == verdict.PARTLY
    assert dict(areas["responsibility"].figures)["Active days with a deputy"] == pytest.approx(58 / 72)
    assert areas["registration"].verdict == verdict.NOT_MET
    assert areas["content"].verdict == verdict.MET
    assert areas["starting"].verdict == verdict.MET
    assert [v.key for v in answer(data).verdicts] == [a.key for a in verdict.AREAS]


@override_settings(REPORT_VERDICT_MET=0.5, REPORT_VERDICT_PARTLY=0.4)
def test_the_thresholds_are_settings(data, english):
    """With met at 50 % and partly at 40 %, coverage 40.3 % is partly met and 50 % registered is met."""
    areas = by_area(answer(data))
    assert areas["monitoring"].verdict == verdict.PARTLY
    assert areas["registration"].verdict == verdict.MET
    assert "at least 50 %" in answer(data).thresholds()


def test_trend_against_the_previous_period(data, english):
    """MON-1: 29 January–28 February only C was active, without check-ins (coverage 0 %, 31 days
    missed); March is better in coverage (+40.3 points) and worse in days missed (43)."""
    trends = {t.key: t for t in answer(data).trends}
    assert (trends["accounts"].before, trends["accounts"].now) == (1, 3)
    assert trends["coverage"].before == 0 and trends["coverage"].better is True and trends["coverage"].arrow == "↑"
    assert (trends["days_missed"].before, trends["days_missed"].now, trends["days_missed"].better) == (31, 43, False)
    assert trends["findings_open"].change == 0 and trends["findings_open"].arrow == "→"
    assert trends["answered_within_rule"].before is None and trends["answered_within_rule"].change is None


def test_attention_list_names_why(data, english):
    """The accounts needing attention first, ranked as the account table is, with their open
    findings by the rule's name and their coverage."""
    items = answer(data).attention
    assert [i.account for i in items] == [
        "KI Testmedicin X (X)",
        "KI Exempel (Facebook)",
        "KI Testmedicin (Instagram)",
    ]
    assert items[0].why == "A day passed without monitoring; monitoring coverage 0 %"


def _pdf(data, tmp_path, language="en"):
    from django.utils import translation

    report = ComplianceReport(user=data.auditor, unit=None, period=H1, now=ds.NOW)
    out = io.BytesIO()
    with translation.override(language):
        report_files.write_pdf(report, out)
    path = tmp_path / "report.pdf"
    path.write_bytes(out.getvalue())
    return path, out.getvalue()


@needs_pdftotext
def test_page_one_of_the_pdf_is_the_answer(data, english, tmp_path):
    """Page 1 holds the verdicts, the trend against the previous half year and the attention list;
    the method and definitions are the appendix at the end."""
    path, _content = _pdf(data, tmp_path)
    pages = pdf_text(path, layout=True).split("\f")
    first = pages[0]
    assert "Verdict by guideline area" in first and "Monitoring" in first and "Not met" in first
    assert "Change from the previous period" in first and "2025-07-01 – 2025-12-31" in first
    assert "Needs attention first" in first and "KI Testmedicin X (X)" in first
    method = next(i for i, page in enumerate(pages) if "Appendix: method and definitions" in page)
    assert method > 1 and all("Appendix" not in page for page in pages[:method])


@needs_pdftotext
def test_the_pdf_is_tagged_and_declares_pdf_a_and_pdf_ua(data, english, tmp_path):
    """ACC (DOS-lagen): a screen reader can read the report; REC-5: it is archival (PDF/A-3a)."""
    path, content = _pdf(data, tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    xmp = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    # The document language is the report's (set on the form): what a screen reader reads it in.
    assert pypdf.PdfReader(path).trailer["/Root"]["/Lang"] == "en"
    path_sv, _content = _pdf(data, tmp_path, language="sv")
    assert pypdf.PdfReader(path_sv).trailer["/Root"]["/Lang"] == "sv"


@needs_pdftotext
def test_no_page_is_near_empty(data, english, tmp_path):
    """Every page but the last has text below the first quarter of its height."""
    path, _content = _pdf(data, tmp_path)
    fill = page_fill(path)
    assert len(fill) > 1
    assert all(share >= 0.25 for share in fill[:-1]), fill


@needs_pdftotext
def test_screen_csv_xlsx_pdf_and_api_agree_on_verdicts_and_trend(client, data, english, tmp_path):
    """Every format says the same verdict per area and the same trend figures (issue 16)."""
    import csv

    import openpyxl
    from django.urls import reverse

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(data.auditor)
    q = {"unit": data.department.pk, "start": "2026-03-01", "end": "2026-03-31"}
    expected = answer(data, unit=data.department)
    verdicts = {v.title: str(v.label) for v in expected.verdicts}
    assert set(verdicts.values()) >= {"Met", "Partly met", "Not met"}

    screen = client.get(reverse("reports:compliance"), q).content.decode()
    for v in expected.verdicts:
        assert re.search(rf'data-area="{v.key}" data-verdict="{v.verdict}">\s*<th scope="row">{v.title}</th>', screen)

    def download(**extra):
        response = client.get(reverse("reports:compliance-download"), {**q, **extra})
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    rows = list(csv.reader(io.StringIO(download(fmt="csv", table="summary").decode("utf-8-sig"))))
    csv_verdicts = {r[1]: r[2] for r in rows[1:] if r[0] == "Verdict"}
    csv_trend = {r[1]: (r[2], r[3]) for r in rows[1:] if r[0] == "Change from the previous period"}
    assert csv_verdicts == verdicts

    wb = openpyxl.load_workbook(io.BytesIO(download(fmt="xlsx")))
    sheet = wb.worksheets[0]
    assert sheet.title == "Summary"
    xlsx_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[1]: r[2] for r in xlsx_rows if r[0] == "Verdict"} == verdicts
    assert {r[1]: (r[2], r[3]) for r in xlsx_rows if r[0] == "Change from the previous period"} == csv_trend
    assert csv_trend["Monitoring coverage"] == ("40.3 %", "0.0 %")

    path = tmp_path / "r.pdf"
    path.write_bytes(download(fmt="pdf"))
    first = pdf_text(path, layout=True).split("\f")[0]
    for title, label in verdicts.items():
        assert re.search(rf"{re.escape(title)}\s+{re.escape(label)}\b", first), title
    for label, (now, before) in csv_trend.items():
        assert re.search(rf"{re.escape(label)}\s+{re.escape(now)}\s+{re.escape(before)}", first), label

    api = client.get("/api/v1/compliance/", q).json()
    assert {v["title"]: v["verdict"] for v in api["verdicts"]} == {v.title: v.verdict for v in expected.verdicts}
    trend = {t["key"]: t for t in api["trend"]}
    assert trend["coverage"]["now"] == pytest.approx(29 / 72) and trend["coverage"]["before"] == 0
    assert [a["account"] for a in api["attention"]] == [i.account for i in expected.attention]
