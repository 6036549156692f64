"""The compliance report of a past period files accounts under the unit they belonged to then
(issue 13), as their findings and decisions recorded it, in a number of queries that does not
grow with the accounts or with the closed units."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org import services
from reports.compliance import ComplianceReport
from reports.figures import Period
from tests import factories

pytestmark = pytest.mark.django_db

PERIOD = Period.half_year(2026, 1)
MADE = timezone.make_aware(datetime.datetime(2026, 9, 15, 12, 0))
OPENED = timezone.make_aware(datetime.datetime(2026, 3, 1, 12, 0))
ACTIVE_SINCE = timezone.make_aware(datetime.datetime(2025, 6, 1, 12, 0))


def closed_unit_with_accounts(comms, successor, accounts: int):
    """A unit whose accounts had findings in the period, then closed into `successor`."""
    unit = factories.UnitFactory()
    for _ in range(accounts):
        account = factories.SocialAccountFactory(unit=unit, activated_at=ACTIVE_SINCE)
        factories.FindingFactory(account=account, opened_at=OPENED)
    services.unit_close(actor=comms, unit_id=unit.pk, successor_id=successor.pk, closed_on=datetime.date(2026, 8, 1))
    return unit


def queries(auditor) -> tuple[int, list[dict]]:
    with CaptureQueriesContext(connection) as captured:
        report = ComplianceReport(user=auditor, unit=None, period=PERIOD, now=MADE)
        list(report.account_rows())
        units = report.unit_rows()
    return len(captured), units


def test_closed_units_show_in_past_reports_with_flat_queries(comms, auditor):
    successor = factories.UnitFactory(name="Efterträdaren")
    first = closed_unit_with_accounts(comms, successor, 3)
    queries(auditor)  # warm the per-user caches (the auditor's groups), as assert_flat does
    before, units = queries(auditor)
    assert {u["unit"]: u["accounts"] for u in units} == {first.name: 3}

    more = [closed_unit_with_accounts(comms, successor, 4) for _ in range(3)]
    after, units = queries(auditor)
    assert after == before
    assert {u["unit"]: u["accounts"] for u in units} == {first.name: 3, **{u.name: 4 for u in more}}


def test_a_report_of_the_current_period_files_accounts_under_their_unit_now(comms, auditor):
    successor = factories.UnitFactory(name="Efterträdaren")
    closed_unit_with_accounts(comms, successor, 2)
    report = ComplianceReport(user=auditor, unit=None, period=Period.half_year(2026, 2), now=MADE)
    list(report.account_rows())
    assert [u["unit"] for u in report.unit_rows()] == ["Efterträdaren"]
