"""ACC-1, ACC-2 in the compliance report: each account's answers to the accessibility questions of
its latest follow-up, and per unit how many accounts answered yes to each (a figure per question),
on the fixed dataset of compliance_dataset.py."""

import datetime

import pytest

from reports.compliance import ComplianceReport, Period
from tests import factories
from tests.reports import compliance_dataset as ds

JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
QUESTIONS = ("acc_alt_text", "acc_captions", "acc_plain_language", "acc_on_ki_se")


@pytest.fixture
def data(db):
    data = ds.build()
    # A answers in May; C answered in December 2025 (before the questions were asked: blank) and
    # again on 15 June, inside the period.
    factories.FollowUpFactory(
        account=data.a,
        recorded_at=ds.at(2026, 5, 4, 10),
        acc_alt_text="yes",
        acc_captions="no",
        acc_plain_language="yes",
        acc_on_ki_se="na",
    )
    factories.FollowUpFactory(
        account=data.c,
        recorded_at=ds.at(2026, 6, 15, 10),
        acc_alt_text="yes",
        acc_captions="partly",
        acc_plain_language="yes",
        acc_on_ki_se="yes",
    )
    # After the end of June: not counted in a report of June.
    factories.FollowUpFactory(
        account=data.c,
        recorded_at=ds.at(2026, 7, 2, 10),
        acc_alt_text="no",
        acc_captions="no",
        acc_plain_language="no",
        acc_on_ki_se="no",
    )
    return data


def test_each_account_shows_the_answers_of_its_latest_follow_up_in_the_period(data, english):
    """ACC-1, ACC-2: the answers of the latest follow-up by the end of the period; none yet: blank."""
    rows = {
        row["account"]: row
        for row in ComplianceReport(user=data.auditor, unit=data.department, period=JUNE, now=ds.NOW).account_rows()
    }
    a, c = rows["KI Testmedicin (Instagram)"], rows["KI Testmedicin X (X)"]
    assert [a[q] for q in QUESTIONS] == ["Yes", "No", "Yes", "Not applicable"]
    assert [c[q] for q in QUESTIONS] == ["Yes", "Partly", "Yes", "Yes"]


def test_the_unit_table_counts_the_accounts_answering_yes_to_each_question(data, english):
    """ACC-1, ACC-2: a figure per question: the department's two accounts both have alt text and
    plain language, neither captions fully, one has the important information on ki.se."""
    rep = ComplianceReport(user=data.auditor, unit=data.department, period=JUNE, now=ds.NOW)
    dept = next(u for u in rep.unit_rows() if u["unit"] == "Institutionen för testmedicin")
    assert [dept[q] for q in QUESTIONS] == [2, 0, 2, 1]
    assert [rep.totals[q] for q in QUESTIONS] == [2, 0, 2, 1]
