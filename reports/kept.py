"""The compliance figures kept by a nightly job, so that the report on screen costs the same for
ten accounts and for 100 000 (issue 12).

The report on screen needs its totals, the verdicts and the trend (page 1), the attention list,
the charts and the unit table: sums over every account of the scope. Computing them on each request
reads every account's check-ins, records and findings for two periods (the trend compares with the
previous one). Instead, `report_figures_keep` (beat entry `keep-report-figures`, every night, and
`manage.py keep_report_figures`) makes the report of all of KI for each kept half year
(REPORTS_KEPT_HALF_YEARS: the current one and those before it) with the report's own code
(ComplianceReport.figures: the same rows the files hold) and keeps, per unit and period:

- for the unit with everything below it (and for all of KI) its totals, with the median response
  time of all its questions (a median cannot be summed), the weekly coverage, the accounts with
  open findings by rule and by guideline area, and its ten attention candidates
  (reports.rollup.ScopeTally): one row that page 1 and the charts read whole;
- for each unit the scope's accounts are filed under (issue 13: for a past period, the unit at the
  time) that unit's sums, with its own median: the rows of the unit table.

A report then reads two periods' rows of one scope (`use_kept_figures`): a fixed number of queries
and rows bounded by the number of units, whatever the number of accounts. The figures are the
report's own for the moment the job ran (`KeptPeriod.figures_at`; the page says "figures as of");
tests/reports/test_kept.py checks them against the direct computation.

The job is idempotent: it replaces a period's rows in one transaction (a reader sees one run or
the next), and two runs at once only compute twice. A scope without kept figures (a unit created
since the last run, a period not kept, a custom period) is computed directly, as before.
"""

import datetime
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from org.calendar import local_day
from org.models import Unit, ancestor_paths
from reports import verdict
from reports.compliance import ComplianceReport
from reports.figures import Period
from reports.models import KeptFigures, KeptPeriod
from reports.rollup import ScopeTally, UnitTotals

# Trim the attention candidates when a scope holds this many (a multiple of the ten kept).
_TRIM_AT = 8 * verdict.ATTENTION_LIMIT


def kept_half_years(today: datetime.date) -> list[Period]:
    """The half years kept: the current one and REPORTS_KEPT_HALF_YEARS - 1 before it, newest
    first. The report of a half year is read from kept figures when its previous half year is
    kept too (for the trend), so with the default 3 the current and the previous half year are."""
    year, half = today.year, 1 if today.month <= 6 else 2
    periods = []
    for _n in range(settings.REPORTS_KEPT_HALF_YEARS):
        periods.append(Period.half_year(year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return periods


def report_figures_keep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Compute and keep the figures of every kept half year as of `now` (the nightly job);
    forget half years no longer kept. Returns {period: accounts}. Idempotent."""
    now = now or timezone.now()
    periods = kept_half_years(local_day(now))
    counts = {str(period): _keep(period, now) for period in periods}
    KeptPeriod.objects.exclude(period_start__in=[p.start for p in periods]).delete()
    return counts


def _keep(period: Period, now: datetime.datetime) -> int:
    """Steps: 1. the report of all of KI as the scheduled report makes it (system: every
    account), its rows summed into every scope each account is in (all of KI, its unit and
    every unit above); 2. the period's rows replaced in one transaction."""
    started = time.monotonic()
    report = ComplianceReport(user=None, unit=None, period=period, now=now, system=True)
    units = {u.pk: u for u in Unit.objects.only("pk", "path")}
    by_path = {u.path: pk for pk, u in units.items()}
    # Every unit gets a scope row, empty or not: a missing row then means a unit made since.
    scopes: dict[int | None, tuple[UnitTotals, ScopeTally]] = {
        scope: (UnitTotals(unit=None), ScopeTally()) for scope in [None, *units]
    }
    filed: dict[tuple[int | None, int], UnitTotals] = {}
    accounts = 0
    for account, unit, row, extra in report.figures():
        accounts += 1
        order = (account.unit.path, account.pk)
        for scope in [None, *(by_path[p] for p in ancestor_paths(account.unit.path) if p in by_path)]:
            totals, tally = scopes[scope]
            totals.add(row, extra)
            tally.add(row, extra, order)
            if len(tally.attention) >= _TRIM_AT:
                tally.trim()
            unit_totals = filed.get((scope, unit.pk))
            if unit_totals is None:
                unit_totals = filed[(scope, unit.pk)] = UnitTotals(unit=unit)
            unit_totals.add(row, extra)
    rows = []
    for scope, (totals, tally) in scopes.items():
        tally.trim()
        rows.append(KeptFigures(scope_id=scope, figures={"totals": totals.to_json(), **tally.to_json()}))
    for (scope, unit_id), totals in filed.items():
        rows.append(KeptFigures(scope_id=scope, filed_unit_id=unit_id, figures={"totals": totals.to_json()}))
    with transaction.atomic():
        kept, _created = KeptPeriod.objects.select_for_update().get_or_create(
            period_start=period.start, period_end=period.end, defaults={"figures_at": now}
        )
        KeptFigures.objects.filter(period=kept).delete()
        for row in rows:
            row.period = kept
        KeptFigures.objects.bulk_create(rows, batch_size=500)
        kept.figures_at, kept.accounts, kept.seconds = now, accounts, round(time.monotonic() - started, 3)
        kept.save(update_fields=["figures_at", "accounts", "seconds", "updated_at"])
    return accounts


def use_kept_figures(report: ComplianceReport) -> bool:
    """Give `report` (and the previous period's report, for the trend) the kept figures of its
    scope, when its period and the previous one are kept and the scope has figures; then the
    report is as of the time they were computed (ComplianceReport.use_kept). False, with the report
    untouched, when they are not: the caller computes it directly (a unit created since the last
    run, a period not kept, a custom period). Two queries."""
    before_period = verdict.previous_period(report.period)
    wanted = {(report.period.start, report.period.end), (before_period.start, before_period.end)}
    periods = {
        (p.period_start, p.period_end): p
        for p in KeptPeriod.objects.filter(period_start__in=[start for start, _end in wanted])
        if (p.period_start, p.period_end) in wanted
    }
    if len(periods) != 2:
        return False
    rows = list(
        KeptFigures.objects.filter(period__in=periods.values(), scope=report.unit)
        .select_related("filed_unit__manager")
        .order_by("filed_unit__path")
    )
    by_period = {pk: {"units": [], "total": None} for pk in (p.pk for p in periods.values())}
    for row in rows:
        if row.filed_unit_id is None:
            by_period[row.period_id]["total"] = row
        else:
            by_period[row.period_id]["units"].append(row)
    if any(parts["total"] is None for parts in by_period.values()):
        return False
    before = ComplianceReport(user=report.user, unit=report.unit, period=before_period, system=report.system)
    for target, period in ((report, report.period), (before, before_period)):
        kept = periods[(period.start, period.end)]
        parts = by_period[kept.pk]
        unit_names = {row.filed_unit_id: row.filed_unit.display_name for row in parts["units"]}
        target.use_kept(
            at=kept.figures_at,
            units=[UnitTotals.from_json(row.filed_unit, row.figures["totals"]) for row in parts["units"]],
            totals=UnitTotals.from_json(report.unit, parts["total"].figures["totals"]),
            tally=ScopeTally.from_json(parts["total"].figures, unit_names),
        )
    report.before = before
    return True


def kept_response_figures(unit, now: datetime.datetime) -> dict | None:
    """records.extensions.unit_response_figures: the ANS-1 figures of `unit` with everything below
    it for the current half year, as the report of that unit and half year says them (its totals
    row, ComplianceReport.totals), from the kept figures: one query, whatever the number of
    questions (issue 12). None when the half year or the unit is not kept."""
    period = kept_half_years(local_day(now))[0]
    row = (
        KeptFigures.objects.filter(
            period__period_start=period.start, period__period_end=period.end, scope=unit, filed_unit=None
        )
        .select_related("period")
        .first()
    )
    if row is None:
        return None
    totals = UnitTotals.from_json(unit, row.figures["totals"]).row("", "")
    median = totals["median_response_hours"]
    return {
        "answered": totals["questions_answered"],
        "within_rule_share": totals["answered_within_rule"],
        "median_hours": float(median) if median is not None else None,
        "open": totals["questions"] - totals["questions_answered"],
        "overdue": totals["questions_overdue"],
        "period_start": period.start,
        "period_end": period.end,
        "as_of": row.period.figures_at,
    }
