"""The report page shows the accounts and units that need attention most, not every row: the
downloads hold them all (issue 12: a page that listed every account grew to 2 MB at 1 000)."""

import re

import pytest
from django.urls import reverse

from reports import report_files
from reports.rollup import account_attention
from tests.reports import compliance_dataset as ds
from tests.reports.test_compliance_views import MARCH, csv_rows, download, query

A, B, C = "KI Testmedicin (Instagram)", "KI Exempel (Facebook)", "KI Testmedicin X (X)"


@pytest.fixture
def data(db):
    return ds.build()


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def screen_accounts(html: str) -> list[str]:
    """The account names of the first account table on the page, in order."""
    table = html.split('id="accounts-table-1"')[1].split("</table>")[0]
    return [name.strip() for name in re.findall(r'<tr data-account="\d+"><th scope="row">([^<]+)<', table)]


def test_the_page_shows_the_accounts_that_need_attention_most(client, data, english, monkeypatch):
    """In March C has a finding open at the end (first), B the lower coverage of the other two (20 %
    against 87.1 %): with room for two, the page shows C and B, says so, and the CSV has all three."""
    monkeypatch.setattr(report_files, "SCREEN_ACCOUNTS", 2)
    client.force_login(data.auditor)

    response = client.get(reverse("reports:compliance"), query(data))

    html = response.content.decode()
    assert screen_accounts(html) == [C, B]
    assert "The 2 accounts that need attention most, of 3 accounts" in html
    assert {row["Account"] for row in csv_rows(download(client, data, fmt="csv", table="accounts"))} == {A, B, C}


def test_every_account_is_shown_when_there_is_room_ranked_by_attention(client, data, english):
    client.force_login(data.auditor)

    html = client.get(reverse("reports:compliance"), query(data)).content.decode()

    assert screen_accounts(html) == [C, B, A]
    assert 'id="accounts-cut"' not in html


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
