"""The access rules (issue 15): access-review-overdue and access-not-removed (START-1, PRIV-2)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import AccountStatus
from monitoring import services
from monitoring.models import Finding
from monitoring.rules import RULES
from org.calendar import local_day
from tests import factories
from tests.monitoring.helpers import DAY, at, breaches, compliant_account, violators

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 13, 10, 0)
TODAY = local_day(NOW)


def test_both_rules_are_in_the_catalogue_with_their_clauses():
    """START-1, PRIV-2: the rules are registered in the catalogue the sweep evaluates."""
    assert RULES["access-review-overdue"].clauses == "START-1"
    assert RULES["access-not-removed"].clauses == "START-1, PRIV-2"


def test_review_overdue_after_13_months_since_the_last_review():
    """START-1: 13 months since the last review breaks the rule; a review 12 months ago does not."""
    late = compliant_account(NOW, access_reviewed_at=NOW - 400 * DAY)
    fine = compliant_account(NOW, access_reviewed_at=NOW - 365 * DAY)

    assert violators("access-review-overdue", NOW) == {late.pk}
    assert breaches(fine, NOW) == set()


def test_review_counts_from_go_live_when_there_was_none():
    """START-1: an account live for less than 13 months without a review keeps the rule."""
    new = compliant_account(NOW, access_reviewed_at=None, activated_at=NOW - 300 * DAY)
    old = compliant_account(NOW, access_reviewed_at=None, activated_at=NOW - 400 * DAY)

    assert violators("access-review-overdue", NOW) == {old.pk}
    assert new.pk not in violators("access-review-overdue", NOW)


@pytest.mark.parametrize(
    "publisher",
    [
        {"person__left_on": TODAY - DAY},  # left KI
        {"person__is_active": False},  # user deactivated
        {"ends_on": TODAY - DAY},  # temporary access ended yesterday
    ],
)
def test_access_not_removed_for_leavers_and_ended_access(publisher):
    """START-1, PRIV-2: a leaver or ended access still on the list breaks the rule."""
    account = compliant_account(NOW)
    factories.PublisherFactory(account=account, **publisher)

    assert breaches(account, NOW) == {"access-not-removed"}


def test_access_ending_today_or_removed_keeps_the_rule():
    account = compliant_account(NOW)
    factories.PublisherFactory(account=account, ends_on=TODAY)
    factories.PublisherFactory(account=account, person__left_on=TODAY - DAY, status="removed")

    assert breaches(account, NOW) == set()


def test_each_rule_is_one_query_however_many_accounts():
    """Set-based: one query per rule."""
    for _n in range(3):
        account = compliant_account(NOW)
        factories.PublisherFactory(account=account, ends_on=TODAY - DAY)
    for rule_id in ("access-review-overdue", "access-not-removed"):
        with CaptureQueriesContext(connection) as queries:
            RULES[rule_id].violators(NOW)
        assert len(queries) == 1


def test_the_sweep_opens_and_resolves_access_not_removed(owner):
    """START-1: the finding stays open until the owner records the removal."""
    account = compliant_account(NOW)
    publisher = factories.PublisherFactory(account=account, ends_on=TODAY - DAY)

    services.compliance_sweep(now=NOW)
    assert Finding.objects.filter(account=account, rule="access-not-removed", resolved_at__isnull=True).exists()

    publisher.status = "removed"
    publisher.save()
    services.compliance_sweep(now=NOW)
    assert not Finding.objects.filter(account=account, rule="access-not-removed", resolved_at__isnull=True).exists()


def test_inactive_accounts_are_not_governed():
    account = compliant_account(NOW, access_reviewed_at=None, status=AccountStatus.DECOMMISSIONED)

    assert account.pk not in violators("access-review-overdue", NOW)
