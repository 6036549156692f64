"""The compliance figures kept by the nightly job (reports.kept, issue 12): the report on screen
reads them instead of every account, and must say exactly what the direct computation says.

The dataset is seeded with a fixed random generator over a small unit tree: accounts active in
both half years, one decommissioned, one moved out of a closed unit (filed under the unit of the
time for the past half year, issue 13), owners and deputies that change, check-ins with gaps,
screenshots, follow-ups, access reviews, removed posts, questions answered early, late and not
at all (an even and an odd number per unit, for the medians), blocks and findings open and
resolved. "Now" is 15 September 2026: the current half year has run two and a half months."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import AccountStatus, Role
from monitoring.rules import RULES
from records.models import Block, Incident, Inquiry
from reports import kept
from reports.compliance import ComplianceReport
from reports.figures import Period
from reports.models import KeptFigures, KeptPeriod
from tests import factories

STHLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 9, 15, 3, 0, tzinfo=STHLM)
CURRENT, PREVIOUS = Period.half_year(2026, 2), Period.half_year(2026, 1)
RULE_IDS = ["no-deputy", "missed-monitoring", "sender-unverified", "coverage-gap", "start-page-snapshot-overdue"]


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STHLM)


class Seeded:
    pass


def seed(rng: random.Random) -> Seeded:
    """The tree: KI-like root > two departments > a division each, and a closed unit whose
    account now belongs to a division. 14 accounts."""
    data = Seeded()
    data.root = factories.UnitFactory(name="Rot")
    data.department = factories.UnitFactory(name="Institutionen", parent=data.root, manager=factories.UserFactory())
    data.division = factories.UnitFactory(name="Avdelningen", parent=data.department)
    other = factories.UnitFactory(name="Andra institutionen", parent=data.root)
    other_division = factories.UnitFactory(name="Andra avdelningen", parent=other)
    data.closed = factories.UnitFactory(name="Gamla enheten", parent=data.root)
    units = [data.department, data.division, other, other_division, data.root]
    first_day = datetime.date(2025, 11, 1)
    for n in range(14):
        activated = first_day + datetime.timedelta(days=rng.randrange(0, 200))
        account = factories.SocialAccountFactory(
            name=f"Konto {n % 11}",  # two pairs share a name: ties in the attention list
            unit=units[n % len(units)],
            activated_at=at(activated, 9),
        )
        if n == 5:
            account.decommissioned_at = at(datetime.date(2026, 8, 10), 12)
            account.status = AccountStatus.DECOMMISSIONED
            account.save(update_fields=["decommissioned_at", "status"])
        people = [factories.UserFactory() for _i in range(3)]
        factories.AssignmentFactory(account=account, person=people[0], role=Role.OWNER, started_at=at(activated, 9))
        change = at(datetime.date(2026, 5, 1) + datetime.timedelta(days=rng.randrange(0, 90)))
        factories.AssignmentFactory(
            account=account, person=people[1], role=Role.DEPUTY, started_at=at(activated, 9), ended_at=change
        )
        if rng.random() < 0.6:
            factories.AssignmentFactory(
                account=account, person=people[2], role=Role.DEPUTY, started_at=change + datetime.timedelta(days=3)
            )
        day = activated
        while day < NOW.date():
            if rng.random() < 0.8:
                factories.CheckInFactory(account=account, day=day)
            day += datetime.timedelta(days=1 + (rng.random() < 0.1) * rng.randrange(1, 6))
        if rng.random() < 0.7:
            factories.SnapshotFactory(
                account=account, taken_on=activated + datetime.timedelta(days=rng.randrange(0, 200))
            )
        if rng.random() < 0.5:
            factories.FollowUpFactory(account=account)
        if rng.random() < 0.5:
            factories.AccessReviewFactory(account=account, reviewed_at=at(activated + datetime.timedelta(days=30)))
        for _i in range(rng.randrange(0, 4)):
            removed = at(activated + datetime.timedelta(days=rng.randrange(0, 300)), rng.randrange(0, 24))
            handed = removed + datetime.timedelta(hours=rng.randrange(1, 120)) if rng.random() < 0.8 else None
            Incident.objects.create(
                account=account,
                seen_at=removed,
                removed_at=removed,
                poster="visitor",
                category=rng.choice(["c_defamation", "a_personal_data"]),
                description="Kommentar",
                logged_by_repr="test",
                hand_off="archive",
                handed_off_at=handed,
            )
        for _i in range(rng.randrange(0, 5)):
            received = at(activated + datetime.timedelta(days=rng.randrange(0, 300)), rng.randrange(0, 24), 17)
            answered = None
            if rng.random() < 0.8:
                answered = received + datetime.timedelta(minutes=rng.randrange(10, 4000))
            Inquiry.objects.create(
                account=account,
                received_at=received,
                due_at=received + datetime.timedelta(days=1),
                answered_at=answered,
                kind="question",
                summary="?",
            )
        if rng.random() < 0.4:
            Block.objects.create(
                account=account,
                visitor="@troll",
                reason="d_incitement",
                blocked_at=at(activated + datetime.timedelta(days=10)),
                decided_by_repr="x",
            )
        for rule in rng.sample(RULE_IDS, rng.randrange(0, 3)):
            opened = at(activated + datetime.timedelta(days=rng.randrange(0, 250)))
            resolved = opened + datetime.timedelta(days=rng.randrange(1, 60)) if rng.random() < 0.5 else None
            factories.FindingFactory(account=account, rule=rule, opened_at=opened, resolved_at=resolved)
        if n == 7:
            # Moved from the closed unit on 1 August: its finding of the spring recorded the unit
            # it had then, so the past half year files it there (issue 13).
            factories.FindingFactory(
                account=account,
                unit=data.closed,
                rule="no-owner",
                opened_at=at(datetime.date(2026, 3, 2)),
                resolved_at=at(datetime.date(2026, 3, 9)),
            )
    return data


@pytest.fixture
def seeded(db):
    assert all(rule in RULES for rule in RULE_IDS)
    return seed(random.Random(12))


def both(user, unit, period):
    """The direct report and the one from kept figures, of the same scope, period and moment."""
    direct = ComplianceReport(user=user, unit=unit, period=period, now=NOW)
    from_kept = ComplianceReport(user=user, unit=unit, period=period, now=datetime.datetime.now(tz=STHLM))
    assert kept.use_kept_figures(from_kept)
    return direct, from_kept


@pytest.mark.parametrize("period", [CURRENT, PREVIOUS], ids=["current-half", "previous-half"])
@pytest.mark.parametrize("scope", ["ki", "department", "division", "root"])
def test_kept_figures_are_the_direct_computation(seeded, auditor, english, period, scope):
    """Issue 12, MON-1, RES-2, REC-4, ANS-1: for all of KI and for a unit, for the current half year
    and the previous one, the report from kept figures says exactly what the direct computation
    says: the verdicts, the trend, the attention list, the totals (with the median response time),
    the unit table, the weekly coverage and the open findings by rule."""
    kept.report_figures_keep(now=NOW)
    unit = None if scope == "ki" else getattr(seeded, scope)
    direct, from_kept = both(auditor, unit, period)

    assert from_kept.kept_at == NOW and from_kept.last_day == direct.last_day
    assert from_kept.totals == direct.totals
    assert from_kept.answer() == direct.answer()
    assert from_kept.unit_rows() == direct.unit_rows()
    assert from_kept.weekly_coverage() == direct.weekly_coverage()
    assert from_kept.open_findings_by_rule() == direct.open_findings_by_rule()
    assert direct.totals["accounts"] > 0 and direct.totals["median_response_hours"] is not None
    assert direct.answer().attention, "the dataset should give the attention list something to rank"


def test_the_past_half_year_files_the_moved_account_under_the_closed_unit(seeded, auditor, english):
    """Issue 13 survives keeping: the closed unit has its own row in the previous half year."""
    kept.report_figures_keep(now=NOW)
    _direct, from_kept = both(auditor, None, PREVIOUS)
    assert "Gamla enheten" in [row["unit"] for row in from_kept.unit_rows()]


def test_keeping_twice_keeps_one_set_of_figures(seeded):
    """The job is idempotent: a second run replaces the rows of each kept half year."""
    first = kept.report_figures_keep(now=NOW)
    rows = KeptFigures.objects.count()
    figures = sorted(str(f) for f in KeptFigures.objects.values_list("figures", flat=True))

    second = kept.report_figures_keep(now=NOW)

    assert first == second and KeptFigures.objects.count() == rows
    assert sorted(str(f) for f in KeptFigures.objects.values_list("figures", flat=True)) == figures
    assert [(p.period_start, p.period_end) for p in KeptPeriod.objects.all()] == [
        (CURRENT.start, CURRENT.end),
        (PREVIOUS.start, PREVIOUS.end),
        (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
    ]


def test_half_years_no_longer_kept_are_forgotten(seeded):
    kept.report_figures_keep(now=NOW)
    kept.report_figures_keep(now=datetime.datetime(2027, 1, 2, 3, 0, tzinfo=STHLM))
    assert [p.period_start for p in KeptPeriod.objects.all()] == [
        datetime.date(2027, 1, 1),
        datetime.date(2026, 7, 1),
        datetime.date(2026, 1, 1),
    ]


def test_without_kept_figures_the_report_is_computed(seeded, auditor):
    """The fallback (reports.kept.use_kept_figures): a unit created since the last run, a period
    whose previous half year is not kept, and a custom period are computed directly."""
    kept.report_figures_keep(now=NOW)
    new_unit = factories.UnitFactory(name="Ny enhet", parent=seeded.department)
    oldest = Period.half_year(2025, 2)
    custom = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    for unit, period in ((new_unit, CURRENT), (None, oldest), (None, custom)):
        report = ComplianceReport(user=auditor, unit=unit, period=period, now=NOW)
        assert not kept.use_kept_figures(report)
        assert report.kept_at is None and report.before is None


def page(client, unit, period, **extra):
    query = {"start": period.start.isoformat(), "end": period.end.isoformat(), **extra}
    if unit is not None:
        query["unit"] = unit.pk
    response = client.get(reverse("reports:compliance"), query)
    assert response.status_code == 200
    return response


def test_the_page_says_as_of_when_its_figures_are(client, seeded, auditor, settings):
    """The page reads the kept figures and says when they were computed; its figures are those of
    the direct report at that moment. A scope over REPORTS_INLINE_MAX_ACCOUNTS is drawn too: only
    the account table's page reads accounts."""
    settings.REPORTS_INLINE_MAX_ACCOUNTS = 2
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(auditor)
    kept.report_figures_keep(now=NOW)

    response = page(client, seeded.department, CURRENT)

    html = response.content.decode()
    assert "Figures as of 2026-09-15 03:00" in html and "too large to show here" not in html
    direct = ComplianceReport(user=auditor, unit=seeded.department, period=CURRENT, now=NOW)
    assert response.context["totals"] == direct.totals and response.context["answer"] == direct.answer()
    assert response.context["account_count"] == direct.account_count()


def test_a_new_unit_s_page_is_computed_and_says_no_as_of(client, seeded, auditor):
    client.force_login(auditor)
    kept.report_figures_keep(now=NOW)
    new_unit = factories.UnitFactory(name="Ny enhet", parent=seeded.department)
    factories.SocialAccountFactory(unit=new_unit, activated_at=at(datetime.date(2026, 8, 1)))

    response = page(client, new_unit, CURRENT)

    assert "kept_at" not in response.context and response.context["totals"]["accounts"] == 1


def test_the_command_and_the_nightly_job_keep_the_figures(seeded, settings):
    """The beat entry names the task; the command runs the same job."""
    from kipolicy.celery import app
    from reports import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["keep-report-figures"]
    assert entry["task"] == "reports.tasks.report_figures_keep_task" and entry["task"] in app.tasks
    assert tasks.report_figures_keep_task.name == entry["task"]
    call_command("keep_report_figures")
    assert KeptPeriod.objects.count() == settings.REPORTS_KEPT_HALF_YEARS


def test_a_units_response_times_are_the_reports_figures(client, seeded, auditor, monkeypatch):
    """Issue 12, ANS-1: a unit's response-time page shows the figures of the unit with everything
    below it for the current half year from the kept figures (one row, not every question), the
    same as the report of that unit and half year says, and says as of when; without kept
    figures it counts every question as before."""
    from types import SimpleNamespace

    from records import views_moderation

    monkeypatch.setattr(views_moderation, "timezone", SimpleNamespace(now=lambda: NOW + datetime.timedelta(hours=5)))
    client.force_login(auditor)
    url = reverse("records:unit-inquiries", args=[seeded.department.pk])
    live = client.get(url, headers={"accept-language": "en"}).context["figures"]
    kept.report_figures_keep(now=NOW)

    response = client.get(url, headers={"accept-language": "en"})

    figures, html = response.context["figures"], response.content.decode()
    totals = ComplianceReport(user=auditor, unit=seeded.department, period=CURRENT, now=NOW).totals
    assert totals["questions_answered"] and totals["questions"] > totals["questions_answered"]
    assert figures["answered"] == totals["questions_answered"]
    assert figures["within_rule_share"] == totals["answered_within_rule"]
    assert figures["median_hours"] == float(totals["median_response_hours"])
    assert figures["open"] == totals["questions"] - totals["questions_answered"]
    assert figures["overdue"] == totals["questions_overdue"]
    assert "Questions received from 1 July 2026 to 31 December 2026" in html
    assert "figures as of 15 September 2026 03:00" in html
    assert "as_of" not in live and live["answered"] >= figures["answered"]
