"""The compliance report's access-review figures (issue 15, START-1): per account the latest
review and whether it is current; per unit the share of accounts due a review that had one."""

import datetime

import pytest

from reports.compliance import ComplianceReport, Period
from tests import factories
from tests.monitoring.helpers import at

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
NOW = at(2026, 4, 2, 10, 0)


def test_access_reviewed_on_time(auditor, english):
    """START-1: reviewed within 13 months -> yes; live longer without one -> no; live for less
    than 13 months -> not due (and not counted in the unit's share)."""
    unit = factories.UnitFactory(manager=factories.UserFactory())
    reviewed = factories.SocialAccountFactory(name="A reviewed", unit=unit, activated_at=at(2024, 1, 10))
    factories.AccessReviewFactory(account=reviewed, reviewed_at=at(2025, 12, 1))
    factories.SocialAccountFactory(name="B overdue", unit=unit, activated_at=at(2024, 1, 10))
    factories.SocialAccountFactory(name="C new", unit=unit, activated_at=at(2026, 3, 1))

    report = ComplianceReport(user=auditor, unit=unit, period=MARCH, now=NOW)
    rows = {row["account"].split(" (")[0]: row for row in report.account_rows()}

    assert (rows["A reviewed"]["access_reviewed"], rows["A reviewed"]["access_review_current"]) == (
        datetime.date(2025, 12, 1),
        "yes",
    )
    assert (rows["B overdue"]["access_reviewed"], rows["B overdue"]["access_review_current"]) == (None, "no")
    assert rows["C new"]["access_review_current"] == "not due"
    (unit_row,) = report.unit_rows()
    assert unit_row["access_reviewed_on_time"] == pytest.approx(0.5)
