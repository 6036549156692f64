import io

import pytest
from django.core.management import call_command

from monitoring.models import CheckRun


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "job"),
    [
        ("sweep_compliance", "sweep_compliance"),
        ("send_reminders", "daily_reminders"),
        ("send_escalations", "escalations"),
        ("send_weekly_digest", "weekly_digest"),
    ],
)
def test_every_periodic_job_runs_as_a_command_and_records_its_run(command, job):
    """Each periodic job also runs without a broker, and leaves a CheckRun as evidence it ran."""
    call_command(command, stdout=io.StringIO())
    run = CheckRun.objects.get(job=job)
    assert run.status == "ok" and run.finished_at is not None
