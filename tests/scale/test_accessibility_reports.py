"""Issue 15: the accessibility reports list (comms) runs as many queries with 30 reports as with
90, answered ones included, and shows a page at a time."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ReportStatus
from accounts.models import AccessibilityReport
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _reports(n: int, answered_by):
    AccessibilityReport.objects.bulk_create(
        AccessibilityReport(
            message=f"problem {i}",
            status=ReportStatus.ANSWERED if i % 2 else ReportStatus.OPEN,
            answer="done" if i % 2 else "",
            answered_at=timezone.now() if i % 2 else None,
            answered_by=answered_by if i % 2 else None,
        )
        for i in range(n)
    )


def test_the_accessibility_reports_list_is_flat(client, comms):
    _reports(30, comms)
    client.force_login(comms)
    queries, size = assert_flat(client, reverse("accessibility:report-list"), lambda: _reports(60, comms))
    print(f"\n/accessibility/reports/: {queries} queries, {size} bytes")
