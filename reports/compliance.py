"""The compliance report: for a period and a unit (with everything below it), each account's
figures against the guidelines, rolled up per unit and ranked by where attention is needed.

What is counted and how (the period and every figure, with its clause) is in reports.figures; one
account's figures, one function per guideline area, in reports.account_figures; the unit roll-up
and the ranking in reports.rollup. This module puts them together.

The accounts are read in chunks of CHUNK (ordered by unit and name), with a fixed number of
set-based queries per chunk, so that memory stays flat and the query count grows with the number
of chunks, not of rows. The per-unit roll-up and the weekly coverage are accumulated while the
account rows stream past; `ComplianceReport.materialise()` runs the whole pass for the screen and
the PDF.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SocialAccount
from accounts.selectors import social_account_list
from core.exceptions import NotAllowed
from monitoring.rules import RULES
from org.calendar import local_day
from org.models import Unit
from reports import account_figures as af
from reports import permissions, verdict
from reports.figures import DAY, FIGURES, RANKING_HOW, Period
from reports.rollup import ScopeTally, UnitTotals, ranked_unit_rows, totals_row

CHUNK = 500


class ReportNotAllowed(NotAllowed):
    """The user may not make a report for this scope (RESP-1): a NotAllowed, so the pages answer
    403 and the API 403 with this message (core.middleware, core.api)."""

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("You may not make a report for this scope."), **kwargs)


class ComplianceReport:
    """One report: `account_rows()` streams the account table (and fills the roll-ups as it goes);
    `unit_rows()`, `totals`, `weekly_coverage` and `open_by_rule` are ready once it has been read."""

    def __init__(
        self, *, user, unit: Unit | None, period: Period, now: datetime.datetime | None = None, system: bool = False
    ):
        # `system`: the scheduled half-year delivery (reports.delivery), made by no person, of
        # every account of the scope; `user` is then None.
        if not system and not permissions.can_report(user, unit):
            raise ReportNotAllowed
        if period.end < period.start:
            raise ValueError("The period ends before it starts.")
        self.user = user
        self.unit = unit
        self.period = period
        self.made_at = now or timezone.now()
        self.system = system
        self.made_by = str(_("Scheduled half-year report")) if system else (user.get_full_name() or user.get_username())
        # Days count only when complete: up to yesterday.
        self.last_day = min(period.end, local_day(self.made_at) - DAY)
        self.shown_to = min(period.end, local_day(self.made_at))
        # Questions overdue and hand-offs due are judged at the end of the period, or now if earlier.
        self.judged_at = min(period.end_at, self.made_at)
        self._units: dict[int, UnitTotals] = {}
        self._tally = ScopeTally()
        # Kept figures (reports.kept) in place of the pass over the accounts: the scope's totals.
        self._kept_totals: UnitTotals | None = None
        self.kept_at: datetime.datetime | None = None
        # The previous period's report, when reports.kept has prepared it (answer()).
        self.before: ComplianceReport | None = None
        self._read = False
        # Accounts read at a time by the pass behind the roll-ups (the screen reads in one chunk).
        self.chunk = CHUNK

    # The accounts of the report -------------------------------------------------------------
    def accounts(self):
        """Accounts of the scope that were active at some time in the period."""
        qs = SocialAccount.objects.all() if self.system else social_account_list(user=self.user)
        if self.unit is not None:
            qs = qs.in_unit(self.unit)
        return qs.filter(activated_at__isnull=False, activated_at__lt=self.period.end_at).exclude(
            decommissioned_at__lt=self.period.start_at
        )

    def account_count(self) -> int:
        return self.accounts().count()

    @property
    def scope_label(self) -> str:
        return self.unit.display_name if self.unit else str(_("Karolinska Institutet (all units)"))

    def account_rows(self, chunk: int | None = None):
        """The account table, row by row, ordered by unit and name, read `chunk` accounts at a time."""
        chunk = chunk or self.chunk
        self._units.clear()
        self._tally = ScopeTally()
        self._kept_totals = None
        for batch in self._id_batches(chunk):
            yield from self._chunk(batch)
        self._read = True

    def materialise(self) -> list[dict]:
        return list(self.account_rows())

    def page_rows(self, ids: list[int]) -> list[dict]:
        """The rows of the accounts `ids`, in that order (a page of the account table on screen),
        with a fixed number of queries and without touching the roll-ups."""
        return [row for _account, _unit, row, _extra in self._rows(ids)]

    def figures(self, chunk: int | None = None):
        """(account, unit filed under, row, extra) for every account of the report, read `chunk`
        accounts at a time, without the roll-ups (reports.kept sums them its own way)."""
        for batch in self._id_batches(chunk or self.chunk):
            yield from self._rows(batch)

    def ordered_accounts(self):
        """The report's accounts in the order of its account table: by unit, then name."""
        return self.accounts().order_by("unit__path", "name", "pk")

    def _id_batches(self, chunk: int):
        # The ids stream from the database (a server-side cursor on PostgreSQL) instead of being
        # listed first: memory stays the same for 10 000 accounts and for 100 000.
        batch = []
        for pk in self.ordered_accounts().values_list("pk", flat=True).iterator(chunk_size=chunk):
            batch.append(pk)
            if len(batch) == chunk:
                yield batch
                batch = []
        if batch:
            yield batch

    def _rows(self, ids: list[int]):
        accounts = {
            a.pk: a
            for a in SocialAccount.objects.filter(pk__in=ids).select_related("platform", "unit", "unit__manager")
        }
        records = af.account_records(ids, self.period)
        units = self._units_at_the_time(accounts.values(), records)
        for account_id in ids:
            account = accounts[account_id]
            unit = units.get(account_id, account.unit)
            yield (account, unit, *self._row(account, unit, records[account_id]))

    def _chunk(self, ids: list[int]):
        for account, unit, row, extra in self._rows(ids):
            totals = self._units.get(unit.pk)
            if totals is None:
                totals = self._units[unit.pk] = UnitTotals(unit)
            totals.add(row, extra)
            self._tally.add(row, extra, order=(account.unit.path, account.pk))
            yield row
        self._tally.trim()

    def _units_at_the_time(self, accounts, records) -> dict[int, Unit]:
        """{account id: unit} for the accounts a report of a past period files under the unit they
        belonged to then, as their latest finding or decision recorded it, because the unit has
        since been closed or merged and the account moved (issue 13). A report of a period not yet
        over files every account under its current unit. At most one query per chunk, for units
        that no account of the chunk belongs to now."""
        if self.period.end_at > self.made_at:
            return {}
        wanted = {}
        for account in accounts:
            unit_id = af.recorded_unit_id(records[account.pk])
            if unit_id is not None and unit_id != account.unit_id:
                wanted[account.pk] = unit_id
        if not wanted:
            return {}
        known = {a.unit_id: a.unit for a in accounts}
        missing = set(wanted.values()) - set(known)
        if missing:
            known.update((u.pk, u) for u in Unit.objects.filter(pk__in=missing).select_related("manager"))
        return {account_id: known[unit_id] for account_id, unit_id in wanted.items() if unit_id in known}

    def _row(self, account: SocialAccount, unit: Unit, records) -> tuple[dict, dict]:
        """One account's row, and what the unit roll-up needs besides (the counts behind shares)."""
        period = self.period
        days = af.active_days(account, period, self.last_day)
        checkins = af.checked_in(days, records["checkins"])
        removed_posts, hand_offs = af.removed_post_figures(records["incidents"], self.judged_at)
        questions, answers = af.question_figures(records["inquiries"], self.judged_at)
        access_reviews, review_counts = af.access_review_figures(records["access_reviews"], period, days)
        findings, open_rules = af.finding_figures(records["findings"], period)
        accessibility, accessible = af.accessibility_figures(records["accessibility"])
        row = {
            **af.account_figures(account, unit),
            **af.responsibility_figures(records["owner"], records["deputy"], period, self.shown_to, days),
            **af.monitoring_figures(days, checkins),
            **af.screenshot_figures(records["snapshots"], period, days),
            **af.follow_up_figures(records["follow_ups"], period, days),
            **accessibility,
            **access_reviews,
            **removed_posts,
            **questions,
            **af.block_figures(records["blocks"]),
            **findings,
            **af.approval_figures(records["decisions"]),
        }
        extra = {**hand_offs, **answers, **accessible, **review_counts}
        return row, {**extra, "open_rules": open_rules, "days": days, "checkins": checkins, "unit_id": unit.pk}

    # The roll-ups (after account_rows has been read, or from kept figures) ------------------
    def _require_read(self):
        if not self._read:
            for _row in self.account_rows():
                pass

    def use_kept(self, *, at: datetime.datetime, units: list[UnitTotals], totals: UnitTotals, tally: ScopeTally):
        """Take the roll-ups from figures kept by the nightly job (reports.kept) instead of reading
        every account: the report is then as of `at`, the time those figures were computed."""
        self._units = {totals.unit.pk: totals for totals in units}
        self._kept_totals, self._tally, self.kept_at = totals, tally, at
        self.made_at = at
        self.last_day = min(self.period.end, local_day(at) - DAY)
        self.shown_to = min(self.period.end, local_day(at))
        self.judged_at = min(self.period.end_at, at)
        self._read = True

    def unit_rows(self) -> list[dict]:
        """One row per unit with accounts in the report, ranked by where attention is needed."""
        self._require_read()
        return ranked_unit_rows(self._units.values())

    @property
    def totals(self) -> dict:
        self._require_read()
        if self._kept_totals is not None:
            # Kept: the scope's own sums, whose median is of all its response times.
            row = self._kept_totals.row(str(_("All units in the report")), "")
            row["rank"] = None
            return row
        return totals_row(self._units.values(), self.unit)

    @property
    def open_by_area(self) -> dict[str, int]:
        """Accounts with at least one finding of an area's rules open at the end (reports.verdict)."""
        self._require_read()
        return self._tally.open_by_area

    def weekly_coverage(self) -> list[tuple[datetime.date, float | None]]:
        self._require_read()
        weeks = sorted(self._tally.weeks.items())
        return [(monday, af.percent(monitored, active)) for monday, (active, monitored) in weeks]

    def open_findings_by_rule(self) -> list[tuple[str, str, int]]:
        self._require_read()
        return sorted(
            ((rule, RULES[rule].clauses if rule in RULES else "", n) for rule, n in self._tally.open_by_rule.items()),
            key=lambda item: (-item[2], item[0]),
        )

    def answer(self) -> verdict.Answer:
        """Page 1 (reports.verdict): the verdicts, the trend against the previous period of the same
        length (a second report of the same scope, made by the same user, or its kept figures), and
        the attention list."""
        self._require_read()
        if getattr(self, "_answer", None) is None:
            before_period = verdict.previous_period(self.period)
            before = self.before
            if before is None:
                before = ComplianceReport(
                    user=self.user, unit=self.unit, period=before_period, now=self.made_at, system=self.system
                )
                before.chunk = self.chunk
            totals, before_totals = self.totals, before.totals
            self._answer = verdict.Answer(
                period=self.period,
                previous_period=before_period,
                verdicts=verdict.area_verdicts(
                    totals, self.open_by_area, previous=(before_totals, before.open_by_area)
                ),
                trends=verdict.trends(totals, before_totals),
                attention=verdict.attention_items([(row, rules) for row, rules, _o in self._tally.attention]),
            )
        return self._answer

    def cover(self) -> list[tuple[str, str]]:
        """The first page: what, for whom, when and by whom, and how each figure is computed."""
        made_at = timezone.localtime(self.made_at)
        lines = [
            (str(_("Report")), str(_("Compliance with KI's guidelines for social media"))),
            (str(_("Period")), str(self.period)),
            (
                str(_("Scope")),
                f"{self.scope_label} " + str(_("and every unit below it")) if self.unit else self.scope_label,
            ),
            (str(_("Made")), made_at.strftime("%Y-%m-%d %H:%M")),
            (str(_("Made by")), self.made_by),
            (
                str(_("Days counted")),
                str(_("Complete days up to %(day)s (Europe/Stockholm).")) % {"day": self.last_day.isoformat()},
            ),
        ]
        for figure in FIGURES:
            clause = f" [{figure.clause}]" if figure.clause else ""
            lines.append((str(figure.label), f"{figure.how}{clause}"))
        lines.append((str(_("Attention rank")), str(RANKING_HOW)))
        return lines
