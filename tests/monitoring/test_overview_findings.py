"""The compliance overview's figures are aggregates over the user's scope, kept until the next
sweep, and its list of open findings is paged (issue 12): what each page shows, what each user's
figures cover and when they are brought up to date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import selectors
from monitoring.choices import RunStatus
from monitoring.models import CheckRun
from monitoring.tasks import compliance_sweep_task
from tests import factories

OVERVIEW = reverse("monitoring:overview")


@pytest.fixture
def department(manager):
    """The manager's department with a group below it, and a unit that is not theirs."""
    department = factories.UnitFactory(manager=manager, name="Institutionen")
    group = factories.UnitFactory(parent=department, name="Gruppen")
    elsewhere = factories.UnitFactory(name="Elsewhere")
    return department, group, elsewhere


def test_the_open_findings_are_listed_a_page_at_a_time_by_rule_and_account(client, comms, monkeypatch):
    """Three open findings, two to a page: page 1 holds the no-deputy one and the first no-owner
    one (rules in order, then accounts), page 2 the last; a resolved finding is on neither."""
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 2)
    a, b = factories.SocialAccountFactory(), factories.SocialAccountFactory()
    factories.FindingFactory(account=b, rule="no-owner")
    factories.FindingFactory(account=a, rule="no-owner")
    factories.FindingFactory(account=b, rule="no-deputy")
    factories.FindingFactory(account=a, rule="no-deputy", resolved_at=timezone.now())
    client.force_login(comms)

    first = client.get(OVERVIEW)
    second = client.get(OVERVIEW, {"page": 2})

    assert [(f.rule, f.account_id) for f, _info in first.context["findings"]] == [
        ("no-deputy", b.pk),
        ("no-owner", a.pk),
    ]
    assert [(f.rule, f.account_id) for f, _info in second.context["findings"]] == [("no-owner", b.pk)]
    assert first.context["open_total"] == second.context["open_total"] == 3
    assert 'href="?page=2"' in first.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, comms, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_PAGE_SIZE", 2)
    for _n in range(3):
        factories.FindingFactory()
    client.force_login(comms)

    response = client.get(OVERVIEW, {"page": 99})

    assert response.status_code == 200
    assert response.context["findings_page"].number == 2
    assert len(response.context["findings"]) == 1


def test_a_managers_figures_cover_their_subtree_only(client, manager, department):
    """RESP-1: the counts by rule and unit, the trend and the list of findings of a manager cover
    the accounts of their department and the units below it, not those elsewhere."""
    dept, group, elsewhere = department
    inside = [factories.SocialAccountFactory(unit=dept), factories.SocialAccountFactory(unit=group)]
    outside = factories.SocialAccountFactory(unit=elsewhere)
    for account in (*inside, outside):
        factories.FindingFactory(account=account, rule="no-owner")
    factories.FindingFactory(account=inside[1], rule="no-deputy", resolved_at=timezone.now())
    factories.FindingFactory(account=outside, rule="no-deputy", resolved_at=timezone.now())
    client.force_login(manager)

    response = client.get(OVERVIEW)

    context = response.context
    assert context["open_total"] == 2
    assert {row["account__unit__name"]: (row["n"], row["accounts"]) for row in context["by_unit"]} == {
        "Institutionen": (1, 1),
        "Gruppen": (1, 1),
    }
    assert sum(row["opened"] for row in context["trend"]) == 3
    assert sum(row["resolved"] for row in context["trend"]) == 1
    assert {f.account_id for f, _info in context["findings"]} == {a.pk for a in inside}


def test_comms_see_the_counts_by_unit_with_accounts_counted_once(client, comms, department):
    """An account with two open findings counts twice in "open" and once in "accounts"."""
    dept, _group, elsewhere = department
    account = factories.SocialAccountFactory(unit=dept)
    factories.FindingFactory(account=account, rule="no-owner")
    factories.FindingFactory(account=account, rule="no-deputy")
    factories.FindingFactory(account=factories.SocialAccountFactory(unit=elsewhere), rule="no-owner")
    client.force_login(comms)

    by_unit = client.get(OVERVIEW).context["by_unit"]

    assert [(row["account__unit__name"], row["n"], row["accounts"]) for row in by_unit] == [
        ("Institutionen", 2, 1),
        ("Elsewhere", 1, 1),
    ]


def test_the_weekly_coverage_of_a_manager_counts_their_accounts_only(manager, department):
    """MON-1/2: the coverage of the manager's overview is over their accounts: one account with a
    check-in on each day of last week, one elsewhere with none."""
    dept, _group, elsewhere = department
    now = timezone.now()
    week_ago = now - datetime.timedelta(days=30)
    mine = factories.SocialAccountFactory(unit=dept, activated_at=week_ago)
    factories.SocialAccountFactory(unit=elsewhere, activated_at=week_ago)
    today = timezone.localdate(now)
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    for offset in range(7):
        factories.CheckInFactory(account=mine, day=monday + datetime.timedelta(days=offset))

    coverage = dict(selectors.compliance_overview(user=manager, now=now)["coverage"])

    assert coverage[monday] == 1


def test_the_figures_are_kept_until_the_next_sweep(client, comms):
    """Findings change only when the sweep runs: the counts are computed once per sweep (and day)
    and shown with the time of that sweep; a finished sweep brings them up to date."""
    factories.FindingFactory()
    client.force_login(comms)
    assert client.get(OVERVIEW).context["open_total"] == 1

    factories.FindingFactory()
    assert client.get(OVERVIEW).context["open_total"] == 1  # the same sweep: the kept figures
    now = timezone.now()
    CheckRun.objects.create(job=selectors.SWEEP_JOB, started_at=now, finished_at=now, status=RunStatus.OK)
    response = client.get(OVERVIEW, headers={"accept-language": "en"})

    assert response.context["open_total"] == 2
    assert response.context["sweep"].finished_at == now
    assert "The figures are those of the latest compliance check" in response.content.decode()


def test_a_running_or_failed_sweep_keeps_the_figures_of_the_last_finished_one(client, comms):
    client.force_login(comms)
    factories.FindingFactory()
    assert client.get(OVERVIEW).context["open_total"] == 1
    factories.FindingFactory()
    now = timezone.now()
    CheckRun.objects.create(job=selectors.SWEEP_JOB, started_at=now, status=RunStatus.RUNNING)
    CheckRun.objects.create(job=selectors.SWEEP_JOB, started_at=now, finished_at=now, status=RunStatus.FAILED)

    assert client.get(OVERVIEW).context["open_total"] == 1


def test_each_manager_has_figures_of_their_own(client, manager, other_manager, department):
    """The kept figures are per scope: another manager's overview is not served from them."""
    dept, _group, _elsewhere = department
    factories.FindingFactory(account=factories.SocialAccountFactory(unit=dept))
    client.force_login(manager)
    assert client.get(OVERVIEW).context["open_total"] == 1

    client.force_login(other_manager)
    assert client.get(OVERVIEW).context["open_total"] == 0


def test_the_sweep_task_computes_the_overview_figures_for_the_first_visitor(client, comms):
    """MON-1: the hourly sweep task ends by computing the whole-KI overview's figures into the
    cache, so the first comms user after a sweep reads them instead of counting every finding;
    its figures include what that sweep opened."""
    factories.SocialAccountFactory()  # no owner, no deputy: the sweep opens findings
    client.force_login(comms)
    client.get(OVERVIEW)  # computed and cached for the state before the sweep
    compliance_sweep_task()
    with CaptureQueriesContext(connection) as after_sweep:
        response = client.get(OVERVIEW)
    selectors.cache.clear()
    with CaptureQueriesContext(connection) as uncached:
        client.get(OVERVIEW)

    assert response.context["open_total"] >= 2
    assert {rule.id: n for rule, n in response.context["rules"]}["no-owner"] == 1
    assert len(after_sweep) < len(uncached)
