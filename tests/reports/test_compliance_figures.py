"""The compliance report's figures against values worked out by hand on the fixed dataset in
compliance_dataset.py (read its docstring first)."""

import datetime

import pytest

from org.calendar import answer_due
from org.models import Unit
from reports.compliance import ComplianceReport, Period, ReportNotAllowed
from tests import factories
from tests.reports import compliance_dataset as ds

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))


@pytest.fixture
def data(db):
    return ds.build()


def report(data, period, unit=None, user=None):
    return ComplianceReport(
        user=user or data.auditor, unit=unit if unit is not None else data.department, period=period, now=ds.NOW
    )


def rows_by_account(rep):
    return {row["account"]: row for row in rep.account_rows()}


def test_march_rows_come_in_unit_then_name_order(data, english):
    rows = list(report(data, MARCH).account_rows())
    assert [r["account"] for r in rows] == [
        "KI Testmedicin (Instagram)",
        "KI Testmedicin X (X)",
        "KI Exempel (Facebook)",
    ]


def test_monitoring_coverage_over_a_month_with_a_dst_change(data, english):
    """MON-1, MON-2: 31 calendar days in March 2026 (clocks go forward on the 29th), check-ins on
    27; the check-in made at 00:30 CET on the 29th counts for the 29th; the longest gap is
    10–12 March."""
    a = rows_by_account(report(data, MARCH))["KI Testmedicin (Instagram)"]
    assert (a["days_active"], a["days_monitored"], a["days_missed"]) == (31, 27, 4)
    assert a["coverage"] == pytest.approx(27 / 31)
    assert a["longest_gap"] == 3


def test_an_account_decommissioned_mid_period_counts_only_its_active_days(data, english):
    """MON-1, DECOM-1: active from 16 March 12:00 to 26 March 10:00 gives 16–25 March."""
    b = rows_by_account(report(data, MARCH))["KI Exempel (Facebook)"]
    assert (b["days_active"], b["days_monitored"], b["days_missed"], b["longest_gap"]) == (10, 2, 8, 4)
    assert b["coverage"] == pytest.approx(0.2)
    assert b["status"] == "Decommissioned"
    assert b["approval"] == "no approval recorded"


def test_owner_who_changed_mid_period_and_a_deputy_gap(data, english):
    """RES-2: both owners appear with their dates; 21–24 March had no deputy."""
    a = rows_by_account(report(data, MARCH))["KI Testmedicin (Instagram)"]
    assert a["owners"] == "Anna Ägare (2026-03-01–2026-03-16); Bertil Berg (2026-03-16–2026-03-31)"
    assert a["deputies"] == "Cecilia Ek (2026-03-01–2026-03-20); David Dahl (2026-03-25–2026-03-31)"
    assert a["days_without_deputy"] == 4
    b = rows_by_account(report(data, MARCH))["KI Exempel (Facebook)"]
    assert b["days_without_deputy"] == 10


def test_removed_posts_by_category_and_registered_in_time_at_the_dst_month_boundary(data, english):
    """CONT-1, CONT-2, REC-4: the post removed at 23:30 CEST on 31 March is March's, the one at
    00:30 on 1 April is not; one of the two was handed off by the end of the second working day."""
    a = rows_by_account(report(data, MARCH))["KI Testmedicin (Instagram)"]
    assert a["removed_posts"] == 2
    assert a["removed_a_personal_data"] == 1
    assert a["removed_c_defamation"] == 1
    assert a["removed_b_classified"] == 0
    assert a["registered_in_time"] == pytest.approx(0.5)


def test_a_question_that_arrived_on_midsummer_eve(data, english):
    """ANS-1: Midsummer Eve is not a working day, so a question that arrived then at 10:00 is due
    by the end of Monday 22 June and its answer at 16:00 that Monday is in time (78 hours). With
    the late answer of 17 June (25 h) and the 2-hour one, two of three are within the rule; the
    median is 25 hours; the question of Friday 26 June is overdue at the end of June."""
    assert answer_due(ds.at(2026, 6, 19, 10, 0)) == ds.at(2026, 6, 23, 0, 0)
    a = rows_by_account(report(data, JUNE))["KI Testmedicin (Instagram)"]
    assert (a["questions"], a["questions_answered"], a["questions_overdue"]) == (4, 3, 1)
    assert a["answered_within_rule"] == pytest.approx(2 / 3)
    assert a["median_response_hours"] == 25.0


def test_question_received_just_after_midnight_cet_belongs_to_march(data, english):
    """ANS-1: received 00:30 on 1 March (23:30Z on 28 February), answered after 33 hours."""
    a = rows_by_account(report(data, MARCH))["KI Testmedicin (Instagram)"]
    assert (a["questions"], a["questions_answered"], a["median_response_hours"]) == (1, 1, 33.0)
    assert a["answered_within_rule"] == 1


def test_start_page_screenshots_due_and_late(data, english):
    """REC-5: after 20 November 2025 the next screenshot fell due on 21 May 2026; it came on
    5 June (late). None fell due in March or in June."""
    h1 = rows_by_account(report(data, Period.half_year(2026, 1)))["KI Testmedicin X (X)"]
    assert (h1["screenshots_due"], h1["screenshots_on_time"]) == (1, 0)
    assert h1["latest_screenshot"] == datetime.date(2026, 6, 5)
    march = rows_by_account(report(data, MARCH))["KI Testmedicin X (X)"]
    assert (march["screenshots_due"], march["latest_screenshot"]) == (0, datetime.date(2025, 11, 20))
    june = rows_by_account(report(data, JUNE))["KI Testmedicin X (X)"]
    assert june["screenshots_due"] == 0


def test_follow_up_blocks_findings_and_approval(data, english):
    """PURP-3 (follow-up within twelve months), blocks in force at the end of the period, findings
    opened/resolved/open with their clauses, and the approval decision (START-1, START-2)."""
    rows = rows_by_account(report(data, MARCH))
    a, c = rows["KI Testmedicin (Instagram)"], rows["KI Testmedicin X (X)"]
    assert (a["follow_up"], a["follow_up_current"]) == (None, "not due")
    assert (c["follow_up"], c["follow_up_current"]) == (datetime.date(2025, 12, 1), "yes")
    assert (a["findings_opened"], a["findings_resolved"], a["findings_open"]) == (1, 1, 0)
    assert (c["findings_opened"], c["findings_resolved"], c["findings_open"]) == (0, 0, 1)
    assert c["open_rules"] == "A day passed without monitoring (MON-1, MON-2; missed-monitoring)"  # issue 15
    assert a["approval"] == "Communications department's sign-off, 2026-02-27, Kim Komm, KI 2026-123"
    assert c["approval"].startswith("Retroactive approval of an existing account, 2025-06-10")
    assert c["blocks_in_force"] == 0
    june_c = rows_by_account(report(data, JUNE))["KI Testmedicin X (X)"]
    assert june_c["blocks_in_force"] == 1


def test_units_rolled_up_and_ranked(data, english):
    """The department (A and C) needs attention first: half its accounts have an open finding."""
    rep = report(data, MARCH)
    units = rep.unit_rows()
    assert [(u["rank"], u["unit"]) for u in units] == [
        (1, "Institutionen för testmedicin"),
        (2, "Avdelningen för exempel"),
    ]
    dept, division = units
    assert dept["manager"] == "Maja Chef"
    assert (dept["accounts"], dept["days_active"], dept["days_monitored"], dept["days_missed"]) == (2, 62, 27, 35)
    assert dept["coverage"] == pytest.approx(27 / 62)
    assert (dept["longest_gap"], dept["days_without_deputy"], dept["removed_posts"]) == (31, 4, 2)
    assert dept["registered_in_time"] == pytest.approx(0.5)
    assert (dept["findings_opened"], dept["findings_resolved"], dept["findings_open"]) == (1, 1, 1)
    assert dept["accounts_with_open_findings"] == 1
    assert (division["accounts"], division["days_active"], division["days_monitored"]) == (1, 10, 2)
    total = rep.totals
    assert (total["accounts"], total["days_active"], total["days_monitored"], total["days_missed"]) == (3, 72, 29, 43)
    assert total["coverage"] == pytest.approx(29 / 72)
    assert rep.open_findings_by_rule() == [("missed-monitoring", "MON-1, MON-2", 1)]


def test_weekly_coverage_for_the_chart(data, english):
    """MON-1: week of Monday 9 March: A checked in on 9, 13, 14, 15 (4 of 7), C on none (0 of 7)."""
    weeks = dict(report(data, MARCH).weekly_coverage())
    assert weeks[datetime.date(2026, 3, 9)] == pytest.approx(4 / 14)
    # The first week starts on Monday 23 February; March has 1 day in it for A and C: Sunday 1 March.
    assert weeks[datetime.date(2026, 2, 23)] == pytest.approx(1 / 2)


def test_only_the_scope_and_complete_days_are_counted(data, english):
    """A report on the division holds B only; days after yesterday are not counted."""
    rows = list(report(data, MARCH, unit=data.division).account_rows())
    assert [r["account"] for r in rows] == ["KI Exempel (Facebook)"]
    early = ComplianceReport(user=data.auditor, unit=data.department, period=MARCH, now=ds.at(2026, 3, 11, 8, 0))
    a = next(r for r in early.account_rows() if r["account"] == "KI Testmedicin (Instagram)")
    assert (a["days_active"], a["days_monitored"], a["longest_gap"]) == (10, 9, 1)
    # People are shown up to today while the period is still running.
    assert a["owners"] == "Anna Ägare (2026-03-01–2026-03-11)"


def test_who_may_make_the_report(data):
    """RESP-1: a manager reports on their units and those below, not elsewhere; an owner cannot;
    only the communications department and auditors report on the whole university."""
    other = factories.UnitFactory(name="Annan institution")
    assert report(data, MARCH, unit=data.division, user=data.maja).account_count() == 1
    with pytest.raises(ReportNotAllowed):
        report(data, MARCH, unit=other, user=data.maja)
    with pytest.raises(ReportNotAllowed):
        ComplianceReport(user=data.maja, unit=None, period=MARCH)
    with pytest.raises(ReportNotAllowed):
        report(data, MARCH, unit=data.department, user=data.anna)
    assert set(Unit.objects.overseen_by(data.maja)) == {data.department, data.division}
    assert not Unit.objects.overseen_by(data.anna).exists()
    whole = ComplianceReport(user=data.auditor, unit=None, period=MARCH, now=ds.NOW)
    assert whole.account_count() == 3


def test_query_count_does_not_grow_with_accounts(data, django_assert_max_num_queries):
    """Chunked, set-based reads: 3 accounts and 40 accounts take the same number of queries."""
    with django_assert_max_num_queries(14):
        list(report(data, MARCH).account_rows())
    for _ in range(37):
        factories.staffed_account(unit=data.department, activated_at=ds.at(2026, 2, 1, 9, 0))
    with django_assert_max_num_queries(14):
        rows = list(report(data, MARCH).account_rows())
    assert len(rows) == 40


def test_screen_and_pdf_groups_show_every_figure_once():
    """The account and unit tables are split into groups for the page width; together they hold
    every figure of the CSV and XLSX exactly once, so every format carries the same numbers."""
    from reports.figures import FIGURES, GROUPS, UNIT_FIGURES, UNIT_GROUPS

    shown = [key for _title, keys in GROUPS for key in keys]
    assert sorted(shown) == sorted(f.key for f in FIGURES if f.key not in {"account", "url"})
    unit_shown = [key for _title, keys in UNIT_GROUPS for key in keys]
    assert sorted(unit_shown) == sorted(f.key for f in UNIT_FIGURES if f.key != "unit")


def test_findings_by_rule_are_named_in_words(data):
    """Issue 15: the report's "open findings by rule" reads the rule's translated title (the ID
    beside it), in the table and the chart."""
    from django.utils import translation

    from monitoring.rules import RULES
    from reports.report_files import pdf_context

    rep = report(data, MARCH)
    with translation.override("sv"):
        context = pdf_context(rep, [])
        title = str(RULES["missed-monitoring"].title)
    assert title != "A day passed without monitoring"
    assert context["by_rule"] == [("missed-monitoring", "MON-1, MON-2", 1, title)]
    assert title[:39] in str(context["rules_chart"])
