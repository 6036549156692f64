"""The compliance report on screen and as CSV, XLSX and PDF: the same numbers in every format,
the audit event of each download, who may make it, and the job for a report too large to make in
the request."""

import csv
import io
import re

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from reports import jobs, report_files
from reports.figures import FIGURES, GROUPS
from reports.models import ExportJob
from reports.rollup import account_attention
from tests import factories
from tests.pdf import needs_pdftotext, pdf_text
from tests.reports import compliance_dataset as ds

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PERCENT_KEYS = {f.key for f in FIGURES if f.kind == "percent"}


@pytest.fixture
def data(db):
    return ds.build()


@pytest.fixture
def client(client):
    """Pages in English, so that labels can be compared whatever the catalogue holds."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def query(data, **extra):
    return {"unit": data.department.pk, **MARCH, **extra}


def download(client, data, **extra):
    response = client.get(reverse("reports:compliance-download"), query(data, **extra))
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes, delimiter=","):
    assert content.startswith("\ufeff".encode())
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter)
    # Percentage headers carry "(%)" in CSV, where the cell is the number of per cent.
    return [{key.removesuffix(" (%)"): value for key, value in row.items()} for row in rows]


def test_the_report_on_screen(client, data, english):
    """MON-1, RES-2: the auditor sees the figures worked out by hand (see test_compliance_figures)."""
    client.force_login(data.auditor)
    response = client.get(reverse("reports:compliance"), query(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "KI Testmedicin (Instagram)" in html and "KI Exempel (Facebook)" in html
    assert "87.1 %" in html  # 27 of 31 days
    assert "Bertil Berg (2026-03-16–2026-03-31)" in html
    assert "How many times a start-page screenshot fell due" in html  # the first page explains
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html


def test_the_form_refuses_bad_periods_and_foreign_units(client, data, english):
    client.force_login(data.maja)
    other = factories.UnitFactory(name="Annan institution")
    response = client.get(reverse("reports:compliance"), {"unit": other.pk, **MARCH})
    assert "You may not make a report for this unit." in response.content.decode()
    assert "Annan institution" not in response.content.decode()
    response = client.get(
        reverse("reports:compliance"), {"unit": data.department.pk, "start": "2026-04-01", "end": "2026-03-01"}
    )
    assert "The end of the period cannot be before its start." in response.content.decode()
    response = client.get(reverse("reports:compliance"), {"unit": data.department.pk})
    assert "Choose a half year, or give both dates of the period." in response.content.decode()


def test_only_managers_comms_and_auditors_may_make_reports(client, data):
    """RESP-1: an account owner is refused; the manager of the department may."""
    client.force_login(data.anna)
    assert client.get(reverse("reports:compliance")).status_code == 403
    assert client.get(reverse("reports:compliance-download"), query(data, fmt="csv")).status_code == 403
    client.force_login(data.maja)
    assert client.get(reverse("reports:compliance"), query(data)).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_downloads_are_kept_by_no_cache(client, data, fmt):
    """The files hold personal data: neither a shared cache nor the browser's keeps them."""
    client.force_login(data.auditor)
    response = client.get(reverse("reports:compliance-download"), query(data, fmt=fmt))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_every_download_is_an_audit_event(client, data):
    """REC-1: exporting personal data is recorded: who, what scope, which period, which format."""
    client.force_login(data.auditor)
    download(client, data, fmt="csv", table="accounts")
    download(client, data, fmt="xlsx")
    events = AuditEvent.objects.filter(action="export.compliance", actor=data.auditor).order_by("pk")
    assert [e.after["format"] for e in events] == ["csv", "xlsx"]
    assert events[0].after["unit"] == data.department.pk
    assert (events[0].after["start"], events[0].after["end"]) == ("2026-03-01", "2026-03-31")


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return pdf_text(path, layout=True)


@needs_pdftotext
def test_csv_xlsx_and_pdf_carry_the_same_numbers(client, data, english, tmp_path):
    """MON-1, RES-2, CONT-2, ANS-1: one report, four files, the same figures."""
    client.force_login(data.auditor)
    accounts = {r["Account"]: r for r in csv_rows(download(client, data, fmt="csv", table="accounts"))}
    semicolon = {r["Account"]: r for r in csv_rows(download(client, data, fmt="csv-semicolon", table="accounts"), ";")}
    units = {r["Unit"]: r for r in csv_rows(download(client, data, fmt="csv", table="units"))}
    a = accounts["KI Testmedicin (Instagram)"]
    assert (a["Days active"], a["Days monitored"], a["Longest gap (days)"], a["Days without deputy"]) == (
        "31",
        "27",
        "3",
        "4",
    )
    assert (
        a["Monitoring coverage"] == "87.1" and semicolon["KI Testmedicin (Instagram)"]["Monitoring coverage"] == "87,1"
    )
    assert a["Handed to registry in time"] == "50.0"
    assert units["Institutionen för testmedicin"]["Attention rank"] == "1"

    wb = openpyxl.load_workbook(io.BytesIO(download(client, data, fmt="xlsx")))
    assert wb.sheetnames[:3] == ["Summary", "Accounts", "Units"] and wb.sheetnames[-1] == "Method"
    sheet = wb["Accounts"]
    header = [c.value for c in sheet[1]]
    xlsx = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(xlsx) == set(accounts)
    percent = {str(f.label) for f in FIGURES if f.kind == "percent"}
    decimals = {str(f.label) for f in FIGURES if f.kind == "decimal"}
    for name, row in accounts.items():
        for key, text in row.items():
            value = xlsx[name][key]
            if key in percent and value is not None:  # a fraction in XLSX, per cent in CSV
                assert f"{value * 100:.1f}" == text, (name, key)
            elif key in decimals and value is not None:  # a number shown with one decimal
                assert f"{value:.1f}" == text, (name, key)
            elif hasattr(value, "isoformat"):
                assert value.date().isoformat() == text, (name, key)
            else:
                assert ("" if value is None else str(value)) == text, (name, key)
    assert sheet.freeze_panes == "A2"

    text = _pdf_text(download(client, data, fmt="pdf"), tmp_path)
    assert "Institutionen för testmedicin" in text  # the scope, on every page
    pages = text.split("\f")
    assert all("Institutionen för testmedicin" in page for page in pages if page.strip())
    assert re.search(r"Page 1 / \d+", text)
    for name in accounts:
        assert name in text
    # Every numeric figure of every account, group by group, appears in that group's PDF row in
    # the CSV's order (so no column was cut off at the page's edge).
    labels = {f.key: str(f.label) for f in FIGURES}
    numeric = {f.key for f in FIGURES if f.kind in ("int", "percent", "decimal")}
    for name, row in accounts.items():
        lines = [line.split(name, 1)[1] for line in text.splitlines() if line.strip().startswith(name)]
        assert len(lines) == len(GROUPS), (name, lines)
        for (_title, keys), line in zip(GROUPS, lines, strict=True):
            expected = [
                row[labels[k]] + (" %" if k in PERCENT_KEYS and row[labels[k]] else "") for k in keys if k in numeric
            ]
            expected = [value for value in expected if value]
            found = re.findall(r"(?<![\d-])\d+(?:\.\d)?(?: %)?(?![\d-])", line)
            assert " ".join(expected) in " ".join(found), (name, keys, line)


@override_settings(REPORTS_INLINE_MAX_ACCOUNTS=2)
def test_a_large_report_is_made_by_a_job(client, data, english, django_capture_on_commit_callbacks):
    """Over the limit the page offers the files as jobs; the job's CSV equals the inline one."""
    client.force_login(data.auditor)
    page = client.get(reverse("reports:compliance"), query(data)).content.decode()
    assert "too large to show here" in page
    url = reverse("reports:compliance-download") + "?" + "&".join(f"{k}={v}" for k, v in query(data, fmt="csv").items())
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    job = ExportJob.objects.get(requested_by=data.auditor)
    assert response.status_code == 302 and response["Location"] == reverse("reports:job-detail", args=[job.pk])
    jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    content = client.get(reverse("reports:job-download", args=[job.pk]))
    body = b"".join(content.streaming_content)
    rows = csv_rows(body)
    assert {r["Account"] for r in rows} == {
        "KI Testmedicin (Instagram)",
        "KI Testmedicin X (X)",
        "KI Exempel (Facebook)",
    }
    client.force_login(data.maja)
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 404


def test_a_job_for_a_unit_the_user_may_not_report_on_is_refused(data):
    other = factories.UnitFactory(name="Annan")
    from core.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        jobs.export_job_start(
            actor=data.maja,
            kind="compliance",
            params={"unit": other.pk, "start": "2026-03-01", "end": "2026-03-31", "table": "accounts"},
            fmt="csv",
        )
    assert not ExportJob.objects.exists()


@needs_pdftotext
def test_a_very_large_pdf_leaves_the_account_tables_to_csv_and_xlsx(data, english, tmp_path, monkeypatch):
    """Over PDF_MAX_ACCOUNT_ROWS the PDF keeps the first page, the charts and the units."""
    from reports import report_files
    from reports.compliance import ComplianceReport, Period

    monkeypatch.setattr(report_files, "PDF_MAX_ACCOUNT_ROWS", 2)
    report = ComplianceReport(user=data.auditor, unit=data.department, period=Period.half_year(2026, 1), now=ds.NOW)
    out = io.BytesIO()
    report_files.write_pdf(report, out)
    text = _pdf_text(out.getvalue(), tmp_path)
    assert "The account tables (3 accounts) are in the CSV and XLSX files of this report." in text
    # The account appears only in page 1's attention list, not in an account table.
    assert "Institutionen för testmedicin" in text and text.count("KI Exempel (Facebook)") == 1
    assert "2. KI Exempel (Facebook)" in text


def test_the_approval_links_to_its_decision_record(client, data):
    """START-1, START-2: on screen the approval opens the dated decision record (PDF)."""
    from approvals.models import Decision

    client.force_login(data.auditor)
    html = client.get(reverse("reports:compliance"), query(data)).content.decode()
    decision = Decision.objects.get(account=data.a)
    url = reverse("approvals:decision-pdf", args=[decision.pk])
    assert f'href="{url}"' in html
    assert client.get(url).status_code == 200


def test_the_report_page_is_kept_by_no_cache(client, data):
    """The page names owners and deputies like the downloads do: no cache keeps it either."""
    client.force_login(data.auditor)
    response = client.get(reverse("reports:compliance"), query(data))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


# --- on screen: the accounts and units that need attention most (issue 12) ----------------------
# A page that listed every account grew to 2 MB at 1 000 accounts; the downloads hold every row.

A, B, C = "KI Testmedicin (Instagram)", "KI Exempel (Facebook)", "KI Testmedicin X (X)"


def screen_accounts(html: str) -> list[str]:
    """The account names of the first account table on the page, in order."""
    table = html.split('id="accounts-table-1"')[1].split("</table>")[0]
    return [name.strip() for name in re.findall(r'<tr data-account="\d+"><th scope="row">([^<]+)<', table)]


def test_the_page_shows_the_accounts_a_page_at_a_time(client, data, english, monkeypatch):
    """Issue 12: the account table on screen is paginated in the files' order (unit, then name),
    so the page costs the same for any number of accounts; the CSV has every account."""
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 2)
    client.force_login(data.auditor)

    first = client.get(reverse("reports:compliance"), query(data)).content.decode()
    second = client.get(reverse("reports:compliance"), query(data, page=2)).content.decode()

    assert screen_accounts(first) == [A, C] and screen_accounts(second) == [B]
    assert "Accounts 1–2 of 3, by unit and name." in first and "Accounts 3–3 of 3" in second
    assert 'rel="next"' in first and "page=2" in first
    # Page 1 (the verdicts, trend and attention list) is the same on every page of the table.
    assert C in first.split('id="attention-list"')[1].split("</ol>")[0]
    assert {row["Account"] for row in csv_rows(download(client, data, fmt="csv", table="accounts"))} == {A, B, C}


def test_every_account_is_shown_when_there_is_room(client, data, english):
    client.force_login(data.auditor)

    html = client.get(reverse("reports:compliance"), query(data)).content.decode()

    assert screen_accounts(html) == [A, C, B]
    assert 'rel="next"' not in html


def test_the_page_shows_the_units_that_need_attention_most(client, data, english, monkeypatch):
    """The unit table keeps its ranking and its totals row; the cut is said, and the units' CSV
    still has both units."""
    monkeypatch.setattr(report_files, "SCREEN_UNITS", 1)
    client.force_login(data.auditor)

    response = client.get(reverse("reports:compliance"), query(data))

    assert [u["rank"] for u in response.context["units"]] == [1]
    assert response.context["totals"]["accounts"] == 3
    assert "The 1 units that need attention most, of 2 units" in response.content.decode()
    units = {row["Unit"] for row in csv_rows(download(client, data, fmt="csv", table="units"))}
    assert {"Institutionen för testmedicin", "Avdelningen för exempel"} <= units


def test_accounts_rank_by_open_findings_then_coverage_then_days_missed_then_name():
    rows = [
        {"account": "d", "findings_open": 0, "coverage": None, "days_missed": 0},
        {"account": "c", "findings_open": 0, "coverage": 0.5, "days_missed": 3},
        {"account": "b", "findings_open": 0, "coverage": 0.5, "days_missed": 9},
        {"account": "a", "findings_open": 2, "coverage": 1.0, "days_missed": 0},
        {"account": "e", "findings_open": 0, "coverage": 0.5, "days_missed": 3},
    ]
    assert [r["account"] for r in sorted(rows, key=account_attention)] == ["a", "b", "c", "e", "d"]


def test_the_pdf_keeps_every_account(data, english, tmp_path, monkeypatch):
    """The cut is the screen's only: the PDF context is built from every row."""
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 1)
    report = report_files.report_from_params(data.auditor, {"unit": data.department.pk, **MARCH})
    context = report_files.pdf_context(report, report.materialise())
    assert len(context["rows"]) == 3
    assert "account_count" not in context
