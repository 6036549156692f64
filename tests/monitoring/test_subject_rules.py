"""Rules about subjects other than accounts (monitoring.subject_rules): the sweep counts them as
evidence that they were checked (MON-1) and the weekly digest tells the communications department
(COMMS-1). Apps register their own (issue 14: platform reviews, impostor cases)."""

import pytest
from django.core import mail

from monitoring import reminders, subject_rules
from monitoring.choices import Severity
from monitoring.models import CheckRun
from monitoring.services import compliance_sweep
from notifications.services import notifications_send
from org.models import Unit
from tests import factories
from tests.monitoring.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_rule():
    """A rule breaking on every unit named "Stale…" (a stand-in subject for the test)."""
    rule = subject_rules.register(
        subject_rules.SubjectRule(
            id="test-stale-unit",
            clauses="COMMS-1",
            severity=Severity.MEDIUM,
            title="Stale test unit",
            fix="Rename it.",
            subjects=lambda now: Unit.objects.filter(name__startswith="Stale"),
            url_name="org:unit-list",
        )
    )
    yield rule
    del subject_rules.SUBJECT_RULES[rule.id]


def test_the_sweep_counts_subjects_breaking_a_subject_rule(unit_rule):
    """MON-1: the sweep's run records how many subjects break each subject rule."""
    factories.UnitFactory(name="Stale one")
    factories.UnitFactory(name="Stale two")
    factories.UnitFactory(name="Fresh")

    compliance_sweep(now=at(2026, 6, 15, 3, 0))

    assert CheckRun.objects.get(job="sweep_compliance").counts["test-stale-unit"] == 2


def test_the_weekly_digest_lists_subject_rules_that_have_subjects(unit_rule):
    """COMMS-1: the digest names the rule and its count; a rule with none is left out."""
    factories.UnitFactory(name="Stale one")

    reminders.weekly_digest_queue(now=at(2026, 6, 15, 7, 0))
    notifications_send()

    [email] = mail.outbox
    assert "Stale test unit: 1" in email.body
