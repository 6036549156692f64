"""reports.permissions: who may make which report and export. The services refuse with these
predicates and the pages show their links with the same ones, so what a page offers is what its
user may follow (RESP-1, REC-1)."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from core.exceptions import NotAllowed
from reports import jobs, permissions, report_files
from tests import factories
from tests.reports import compliance_dataset as ds

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def data(db):
    return ds.build()


def test_who_may_make_reports_and_export_the_audit_trail(data, comms):
    """Comms and auditors any scope and all of KI; a manager their units and those below, not
    others and not all of KI; an account owner nothing."""
    other = factories.UnitFactory(name="Annan institution")
    for user in (data.auditor, comms):
        assert permissions.can_make_reports(user)
        assert permissions.can_report(user, None) and permissions.can_report(user, other)
        assert permissions.can_export_audit_trail(user, None)
    maja = data.maja
    assert permissions.can_make_reports(maja)
    assert permissions.can_report(maja, data.department) and permissions.can_report(maja, data.division)
    assert not permissions.can_report(maja, other) and not permissions.can_report(maja, None)
    assert permissions.can_export_audit_trail(maja, data.division)
    assert not permissions.can_export_audit_trail(maja, other)
    assert not permissions.can_export_audit_trail(maja, None)
    anna = data.anna
    assert not permissions.can_make_reports(anna)
    assert not permissions.can_report(anna, data.department)
    assert permissions.can_export_inventory(anna)


def test_a_job_is_its_requesters_only(data, comms):
    job = jobs.export_job_start(actor=comms, kind="inventory", params={"filters": {}}, fmt="xlsx")
    assert permissions.can_see_job(comms, job)
    assert not permissions.can_see_job(data.auditor, job)


def test_the_pages_offer_the_audit_trail_only_to_those_it_is_for(client, data, english):
    """The report page links to the audit-trail export; the page answers 403 to whoever may not."""
    link = reverse("reports:audit-trail")
    client.force_login(data.maja)
    assert f'href="{link}"' in client.get(reverse("reports:compliance")).content.decode()
    assert client.get(link).status_code == 200
    client.force_login(data.anna)
    assert client.get(link).status_code == 403


def test_a_refused_scope_is_a_403_with_its_message_in_the_api(client, data, english):
    """ReportNotAllowed is a NotAllowed: the API's one handler answers 403 with the message."""
    client.force_login(data.maja)
    response = client.get(reverse("api:compliance"), MARCH, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not make a report for this scope."}


def test_a_report_job_for_a_scope_not_the_users_is_refused_at_start(data, english):
    """The job's authorize asks the same predicate as the report: NotAllowed, a 403 on the pages."""
    other = factories.UnitFactory(name="Annan institution")
    params = {"unit": other.pk, "start": "2026-03-01", "end": "2026-03-31", "table": "accounts"}
    with pytest.raises(NotAllowed, match="You may not make a report for this unit."):
        jobs.export_job_start(actor=data.maja, kind=report_files.KIND, params=params, fmt="xlsx")
    mine = {**params, "unit": data.division.pk}
    assert jobs.export_job_start(actor=data.maja, kind=report_files.KIND, params=mine, fmt="xlsx").pk


def test_the_job_model_does_not_import_the_job_services():
    """reports.models names a job's kind from reports.registry, not reports.jobs (which imports the
    model): no circular import."""
    source = Path(__file__).resolve().parents[2] / "reports" / "models.py"
    imported = {node.module for node in ast.walk(ast.parse(source.read_text())) if isinstance(node, ast.ImportFrom)}
    assert "reports.jobs" not in imported
