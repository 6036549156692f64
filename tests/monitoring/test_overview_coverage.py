"""Weekly monitoring coverage on the compliance overview (MON-1, MON-2) and its chart."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from accounts.models import SocialAccount
from core.charts import bar_chart, column_chart
from monitoring.selectors import weekly_coverage
from tests import factories

STHLM = ZoneInfo("Europe/Stockholm")


def test_weekly_coverage_counts_check_in_days_over_active_account_days(db):
    """MON-1, MON-2: two accounts active all of the week of Monday 2 November 2026, check-ins on
    5 of their 14 days; the current week (Thursday 26 November) counts Monday–Wednesday only."""
    a = factories.SocialAccountFactory(activated_at=datetime.datetime(2026, 10, 1, tzinfo=STHLM))
    b = factories.SocialAccountFactory(activated_at=datetime.datetime(2026, 10, 1, tzinfo=STHLM))
    for day in (2, 3, 4):
        factories.CheckInFactory(account=a, day=datetime.date(2026, 11, day))
    for day in (7, 8):
        factories.CheckInFactory(account=b, day=datetime.date(2026, 11, day))
    factories.CheckInFactory(account=a, day=datetime.date(2026, 11, 24))
    weeks = dict(weekly_coverage(SocialAccount.objects.values("pk"), today=datetime.date(2026, 11, 26), weeks=4))
    assert list(weeks) == [datetime.date(2026, 11, d) for d in (2, 9, 16, 23)]
    assert weeks[datetime.date(2026, 11, 2)] == 5 / 14
    assert weeks[datetime.date(2026, 11, 9)] == 0
    assert weeks[datetime.date(2026, 11, 23)] == 1 / 6


def test_charts_are_images_with_a_text_alternative():
    """WCAG 1.1.1: the SVG is role=img, named by its title, with every value in its description;
    labels are escaped."""
    svg = str(column_chart([("2/11", 0.5), ("9/11", None)], title="Coverage"))
    assert 'role="img"' in svg and "<title" in svg
    assert "2/11: 50.0 %; 9/11: –" in svg
    svg = str(bar_chart([("<script>", 3)], title="By rule"))
    assert "<script>" not in svg and "&lt;script&gt;: 3" in svg


def test_the_overview_shows_the_coverage_chart(client, comms):
    client.force_login(comms)
    html = client.get(reverse("monitoring:overview")).content.decode()
    assert html.count('class="chart" role="img"') >= 2
