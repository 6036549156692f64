"""Export jobs (reports/jobs.py): start, claim, run, download by the requester only, purge."""

import datetime
import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from reports import jobs, registry
from reports.choices import JobStatus
from reports.models import ExportJob
from reports.tasks import export_job_run_task, exports_purge_task
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def accounts():
    return [factories.staffed_account(name=f"Konto {n}") for n in range(3)]


def start(user, fmt="xlsx", **filters) -> ExportJob:
    return jobs.export_job_start(actor=user, kind="inventory", params={"filters": filters}, fmt=fmt)


def test_start_queues_the_job_records_one_event_and_publishes_after_commit(comms, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(jobs.current_app, "send_task") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = start(comms, status="active")
    assert job.status == JobStatus.QUEUED and job.requested_by == comms
    publish.assert_called_once_with(jobs.RUN_TASK, args=[job.pk], retry=False, ignore_result=True)
    assert export_job_run_task.name == jobs.RUN_TASK  # the name the publisher uses is the task's
    (event,) = AuditEvent.objects.all()
    assert event.action == "export.inventory" and event.after["job"] == job.pk
    assert event.after["filters.status"] == "active"


def test_a_broker_failure_leaves_the_job_queued(comms, django_capture_on_commit_callbacks):
    broken = mock.patch.object(jobs.current_app, "send_task", side_effect=OSError("broker down"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        job = start(comms)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_unknown_kind_or_format_is_refused(comms):
    with pytest.raises(ApplicationError):
        jobs.export_job_start(actor=comms, kind="nothing", params={}, fmt="xlsx")
    with pytest.raises(ApplicationError):
        jobs.export_job_start(actor=comms, kind="inventory", params={}, fmt="pdf")
    assert not ExportJob.objects.exists() and not AuditEvent.objects.exists()


def test_audit_trail_job_checks_the_scope_at_start(outsider):
    with pytest.raises(NotAllowed):
        jobs.export_job_start(
            actor=outsider,
            kind="audit_trail",
            params={"from": "2024-01-01", "to": "2024-01-31", "unit": None},
            fmt="xlsx",
        )
    assert not ExportJob.objects.exists() and not AuditEvent.objects.exists()


def test_run_makes_the_file_and_sets_the_download_time(comms, accounts, settings):
    job = start(comms)
    before = timezone.now()
    job = jobs.export_job_run(job.pk)
    assert job.status == JobStatus.DONE
    assert job.progress_done == job.progress_total == 3
    assert job.download_name.startswith("kipolicy_accounts_") and job.download_name.endswith(".xlsx")
    assert job.file_name.startswith("exports/") and default_storage.exists(job.file_name)
    assert job.size > 0 and len(job.sha256) == 64
    assert job.expires_at >= before + datetime.timedelta(hours=settings.REPORTS_FILE_HOURS)
    with default_storage.open(job.file_name) as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert sorted(r[1] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)) == [
        "Konto 0",
        "Konto 1",
        "Konto 2",
    ]
    # The job made the file; the export's one event was recorded at the start.
    assert AuditEvent.objects.filter(action="export.inventory").count() == 1


def test_the_job_sees_only_what_its_requester_sees(owner):
    mine = factories.staffed_account(owner=owner, status="draft")
    factories.staffed_account(status="draft")
    job = jobs.export_job_run(start(owner, fmt="csv").pk)
    with default_storage.open(job.file_name) as handle:
        lines = handle.read().decode("utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{mine.pk},")


def test_a_claimed_job_is_not_run_twice(comms, accounts):
    job = start(comms)
    assert jobs.export_job_run(job.pk) is not None
    assert jobs.export_job_run(job.pk) is None
    # A second worker that had claimed it first: the row is already running.
    other = start(comms)
    ExportJob.objects.filter(pk=other.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    assert jobs.export_job_run(other.pk) is None


def test_a_job_left_running_by_a_dead_worker_is_run_again(comms, accounts):
    job = start(comms)
    long_ago = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=long_ago)
    assert jobs.export_job_run(job.pk).status == JobStatus.DONE


def test_a_failing_producer_fails_the_job_with_a_readable_message(comms):
    job = start(comms)
    with mock.patch.dict(
        registry._registry, {"inventory": registry.Registration("inventory", mock.Mock(side_effect=KeyError))}
    ):
        job = jobs.export_job_run(job.pk)
    assert job.status == JobStatus.FAILED
    assert job.error and "KeyError" not in job.error
    assert not job.file_name


def test_run_export_jobs_command_runs_queued_jobs(comms, accounts):
    first, second = start(comms), start(comms, fmt="csv")
    call_command("run_export_jobs", stdout=io.StringIO())
    assert set(ExportJob.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    assert {first.pk, second.pk} == set(ExportJob.objects.values_list("pk", flat=True))


def test_tasks_call_the_services(comms, accounts):
    job = start(comms)
    export_job_run_task.run(job.pk)
    assert ExportJob.objects.get(pk=job.pk).status == JobStatus.DONE
    assert exports_purge_task.run() == 0


# Pages


def test_requester_downloads_the_file_and_the_download_is_recorded(client, comms, accounts):
    job = jobs.export_job_run(start(comms).pk)
    client.force_login(comms)
    response = client.get(reverse("reports:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.download_name}"'
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert AuditEvent.objects.filter(action="export.downloaded", actor=comms).get().after["job"] == job.pk


@pytest.mark.parametrize("name", ["job-detail", "job-download"])
def test_nobody_else_sees_a_job(client, comms, auditor, accounts, name):
    job = jobs.export_job_run(start(comms).pk)
    client.force_login(auditor)
    assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 302


def test_status_page_polls_while_the_job_runs(client, comms):
    job = start(comms)
    client.force_login(comms)
    page = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page and 'role="status"' in page
    assert reverse("reports:job-detail", args=[job.pk]) in page  # the reload link, without JavaScript
    partial = client.get(reverse("reports:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "reports/includes/_job_status.html"


def test_status_page_of_a_finished_job_links_the_file_and_stops_polling(client, comms, accounts):
    job = jobs.export_job_run(start(comms).pk)
    client.force_login(comms)
    page = client.get(reverse("reports:job-detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page
    assert reverse("reports:job-download", args=[job.pk]) in page


def test_my_exports_lists_only_mine(client, comms, auditor):
    mine = start(comms)
    start(auditor)
    client.force_login(comms)
    response = client.get(reverse("reports:job-list"))
    assert [j.pk for j in response.context["jobs"]] == [mine.pk]


# Purge


def test_purge_deletes_expired_files_and_is_idempotent(client, comms, accounts):
    job = jobs.export_job_run(start(comms).pk)
    kept = jobs.export_job_run(start(comms).pk)
    name = job.file_name
    assert jobs.exports_purge(now=job.expires_at - datetime.timedelta(seconds=1)) == 0
    assert jobs.exports_purge(now=job.expires_at) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.EXPIRED and job.file_name == "" and not default_storage.exists(name)
    assert jobs.exports_purge(now=job.expires_at) == 0
    kept.refresh_from_db()
    assert kept.status == JobStatus.DONE or kept.expires_at <= job.expires_at
    client.force_login(comms)
    response = client.get(reverse("reports:job-download", args=[job.pk]))
    assert response.status_code == 302  # back to the status page, which says the file is gone


def test_an_expired_file_is_not_served_before_the_purge(client, comms, accounts):
    job = jobs.export_job_run(start(comms).pk)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(comms)
    assert client.get(reverse("reports:job-download", args=[job.pk])).status_code == 302
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()
