"""Inventory and audit-trail exports (reports/exports.py, reports/views_exports.py).

REC-1: exporting personal data is a governance act, so every export records exactly one audit
event with what was exported. RESP-1: the responsible manager column, and managers may export
the audit trail of their own units only."""

import csv
import datetime
import io
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import AccountStatus, Classification, Role
from audit.models import AuditEvent
from audit.services import audit_record
from core.exceptions import NotAllowed
from org.calendar import STOCKHOLM
from reports import exports
from reports.models import ExportJob
from tests import factories

pytestmark = pytest.mark.django_db

INVENTORY = reverse("accounts:inventory")
CSV_URL = reverse("reports:inventory-csv")
XLSX_URL = reverse("reports:inventory-xlsx")
AUDIT_URL = reverse("reports:audit-trail")


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    delimiter = ";" if response.wsgi_request.GET.get("sep") == "semicolon" else ","
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff")), delimiter=delimiter))


def ids(rows) -> set[int]:
    return {int(r["ID"]) for r in rows}


def page_ids(client, params) -> set[int]:
    """Every account the inventory page lists for these filters (all pages)."""
    response = client.get(INVENTORY, params)
    assert response.status_code == 200
    return {a.pk for a in response.context["paginator"].object_list}


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Pages and files in English (the test reads the column headers)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def org():
    """University → department (manager) → division, and a sibling department (another manager)."""
    manager = factories.UserFactory(username="manager", first_name="Maja", last_name="Chef")
    top = factories.UnitFactory(name="Universitetet")
    department = factories.UnitFactory(parent=top, name="Institutionen", manager=manager)
    division = factories.UnitFactory(parent=department, name="Avdelningen")
    sibling = factories.UnitFactory(parent=top, name="Grannen", manager=factories.UserFactory(username="other-boss"))
    return SimpleNamespace(manager=manager, top=top, department=department, division=division, sibling=sibling)


@pytest.fixture
def inventory(org, owner):
    """Accounts across the tree in several states; the owner owns a draft and an active one."""
    owned = factories.staffed_account(owner=owner, unit=org.division, name="Avdelningens Instagram")
    draft = factories.staffed_account(owner=owner, unit=org.division, status=AccountStatus.DRAFT, name="Utkast")
    others = [
        factories.staffed_account(unit=org.department, name="Institutionens kanal"),
        factories.staffed_account(unit=org.sibling, name="Grannens kanal", platform=factories.platform("facebook")),
        factories.staffed_account(unit=org.sibling, name="Grannens utkast", status=AccountStatus.DRAFT),
        factories.staffed_account(
            unit=org.sibling, name="Ambassadör", classification=Classification.STUDENT_AMBASSADOR
        ),
    ]
    return SimpleNamespace(owned=owned, draft=draft, others=others)


# Inventory: who gets what


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(CSV_URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "active"},
        {"status": "draft"},
        {"platform": "facebook"},
        {"unit": "department"},
        {"unit": "sibling", "status": "active"},
        {"q": "kanal"},
        {"classification": "student_ambassador"},
        {"status": "not-a-status"},  # an invalid filter: nothing, as on the page
    ],
)
def test_inventory_export_has_the_accounts_of_the_page(client, comms, org, inventory, params):
    params = dict(params)
    if "platform" in params:
        params["platform"] = factories.platform(params["platform"]).pk
    if "unit" in params:
        params["unit"] = getattr(org, params["unit"]).pk
    client.force_login(comms)
    assert ids(csv_rows(client.get(CSV_URL, params))) == page_ids(client, params)


def test_owner_exports_only_what_they_see(client, owner, inventory):
    """An owner sees their own accounts (drafts too) and the active official channels, nothing else."""
    client.force_login(owner)
    exported = ids(csv_rows(client.get(CSV_URL)))
    assert inventory.draft.pk in exported and inventory.owned.pk in exported
    assert exported == page_ids(client, {})
    hidden = {a.pk for a in inventory.others if a.status == AccountStatus.DRAFT or not a.is_official}
    assert not exported & hidden


def test_owner_exporting_their_drafts_gets_only_theirs(client, owner, inventory):
    client.force_login(owner)
    assert ids(csv_rows(client.get(CSV_URL, {"status": "draft"}))) == {inventory.draft.pk}


def test_inventory_columns_name_the_people_and_the_responsible_manager(client, comms, org, owner, inventory):
    """RESP-1: a division without its own manager answers to the department's."""
    client.force_login(comms)
    (row,) = csv_rows(client.get(CSV_URL, {"q": "Avdelningens"}))
    assert row["Account name"] == "Avdelningens Instagram"
    assert row["Account owner"] == str(owner)
    assert row["Deputy"] == str(inventory.owned.assignments.get(role=Role.DEPUTY).person)
    assert row["Responsible manager"] == "Maja Chef"
    assert row["Unit"] == "Avdelningen"
    assert row["Status"] == "Active"
    assert row["Platform"] == "Instagram"


def test_semicolon_csv_for_swedish_excel(client, comms, inventory):
    client.force_login(comms)
    response = client.get(CSV_URL, {"sep": "semicolon"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.splitlines()[0].count(";") == len(exports.INVENTORY_COLUMNS) - 1


def test_inventory_xlsx_has_the_same_accounts(client, comms, inventory):
    client.force_login(comms)
    response = client.get(XLSX_URL, {"status": "active"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[1]
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == page_ids(client, {"status": "active"})
    assert sheet.freeze_panes == "A2"
    assert book["cover"]["A1"].value


def test_inventory_page_links_to_the_exports_with_its_filters(client, comms, inventory):
    client.force_login(comms)
    response = client.get(INVENTORY, {"status": "active", "q": "kanal", "page": "1"})
    # The export links (comms also get the collaboration partners' page, PURP-4).
    exports_only = [a for a in response.context["inventory_actions"] if "/exports/" in a[1]]
    actions = {str(label): url for label, url in exports_only}
    assert len(actions) == 3
    for url in actions.values():
        assert "status=active" in url and "q=kanal" in url and "page=" not in url
    assert any("sep=semicolon" in url for url in actions.values())
    assert f'href="{CSV_URL}?status=active&amp;q=kanal"' in response.content.decode()


# Inventory: the audit event (REC-1)


def export_events(action="export.inventory"):
    return AuditEvent.objects.filter(action=action)


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_each_inventory_export_records_one_audit_event_with_its_filters(client, comms, org, inventory, url):
    client.force_login(comms)
    response = client.get(url, {"status": "active", "unit": org.sibling.pk, "page": "2", "junk": "x"})
    b"".join(response.streaming_content)
    (event,) = export_events()
    assert event.actor == comms
    assert event.content_type == ContentType.objects.get_for_model(comms) and event.object_id == str(comms.pk)
    assert event.after["filters.status"] == "active" and event.after["filters.unit"] == str(org.sibling.pk)
    assert not any(key.startswith(("filters.page", "filters.junk")) for key in event.after)
    assert event.after["format"] == ("xlsx" if url == XLSX_URL else "csv")
    assert event.after["mode"] == "inline"
    assert event.after["accounts"] == 2  # the sibling's active official and ambassador accounts


def test_inventory_export_query_count_does_not_grow_with_accounts(client, comms):
    """Owner, deputy and manager come from subqueries and one unit query, never one per row."""
    unit = factories.UnitFactory(manager=factories.UserFactory())

    def queries_for_export():
        client.force_login(comms)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CSV_URL)
            rows = csv_rows(response)
        return len(captured), len(rows)

    for _n in range(5):
        factories.staffed_account(unit=unit)
    five, n5 = queries_for_export()
    for _n in range(45):
        factories.staffed_account(unit=factories.UnitFactory(parent=unit))
    fifty, n50 = queries_for_export()
    assert (n5, n50) == (5, 50)
    assert fifty == five


def test_large_xlsx_is_offered_as_a_job_and_the_post_starts_it(client, comms, inventory):
    client.force_login(comms)
    with override_settings(REPORTS_INLINE_MAX_ACCOUNTS=2):
        page = client.get(XLSX_URL, {"status": "active"})
        assert page.status_code == 200
        assert "reports/exports_job_confirm.html" in [t.name for t in page.templates]
        assert not export_events().exists()  # a GET makes nothing
        with mock.patch("reports.jobs.current_app.send_task") as publish:
            response = client.post(f"{XLSX_URL}?status=active")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job-detail", args=[job.pk])
    assert job.kind == "inventory" and job.fmt == "xlsx" and job.params == {"filters": {"status": "active"}}
    (event,) = export_events()
    assert event.after == {"format": "xlsx", "mode": "job", "filters.status": "active", "job": job.pk}
    publish.assert_not_called()  # only once the transaction commits (the test's never does)


# Audit trail


def event_at(moment: datetime.datetime, target, action="account.update"):
    """An audit event recorded at a given moment (created_at is auto_now_add)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(actor=None, target=target, action=action, actor_repr="system:test")


def post_audit(client, **data):
    return client.post(AUDIT_URL, {"fmt": "csv", **data})


@pytest.mark.parametrize("who", ["outsider", "owner"])
def test_audit_trail_is_refused_to_people_without_a_role(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(AUDIT_URL).status_code == 403
    assert post_audit(client, date_from="2024-01-01", date_to="2024-01-31").status_code == 403
    assert not export_events("export.audit_trail").exists()


def test_audit_trail_page_asks_for_login(client):
    assert client.get(AUDIT_URL).status_code == 302


def test_manager_cannot_export_another_units_audit_trail(client, org, english):
    client.force_login(org.manager)
    response = post_audit(client, date_from="2024-01-01", date_to="2024-01-31", unit=org.sibling.pk)
    assert response.status_code == 200
    assert "You may not export the audit trail of this unit." in response.context["form"].errors["unit"]
    assert not export_events("export.audit_trail").exists()
    with pytest.raises(NotAllowed):
        exports.audit_trail_authorize(org.manager, {"unit": org.sibling.pk})
    with pytest.raises(NotAllowed):
        exports.audit_trail_authorize(org.manager, {"unit": None})


def test_manager_exports_their_subtree_only(client, org, inventory):
    day = datetime.datetime(2024, 5, 2, 10, tzinfo=STOCKHOLM)
    mine = event_at(day, inventory.owned)  # an account in the division, below the department
    unit_event = event_at(day, org.division, action="unit.update")
    event_at(day, inventory.others[1])  # the sibling's account
    event_at(day, org.sibling, action="unit.update")
    client.force_login(org.manager)
    response = post_audit(client, date_from="2024-05-01", date_to="2024-05-31", unit=org.department.pk)
    rows = csv_rows(response)
    assert {(r["Object ID"], r["Action code"]) for r in rows} == {
        (mine.object_id, "account.update"),
        (unit_event.object_id, "unit.update"),
    }


def test_auditor_exports_everything_or_any_unit(client, auditor, org, inventory):
    day = datetime.datetime(2024, 5, 2, 10, tzinfo=STOCKHOLM)
    event_at(day, inventory.owned)
    event_at(day, inventory.others[1])
    event_at(day, factories.AbsenceFactory(), action="absence.create")
    client.force_login(auditor)
    assert len(csv_rows(post_audit(client, date_from="2024-05-01", date_to="2024-05-31"))) == 3
    assert len(csv_rows(post_audit(client, date_from="2024-05-01", date_to="2024-05-31", unit=org.sibling.pk))) == 1


def test_audit_trail_period_is_whole_stockholm_days(client, auditor, inventory):
    """22:59 UTC on 9 March is 23:59 in Stockholm (still the 9th); 23:00 UTC is the 10th."""
    account = inventory.owned
    last_of_ninth = event_at(datetime.datetime(2024, 3, 9, 22, 59, tzinfo=datetime.UTC), account)
    first_of_tenth = event_at(datetime.datetime(2024, 3, 9, 23, 0, tzinfo=datetime.UTC), account)
    last_of_tenth = event_at(datetime.datetime(2024, 3, 10, 22, 59, 59, tzinfo=datetime.UTC), account)
    event_at(datetime.datetime(2024, 3, 10, 23, 0, tzinfo=datetime.UTC), account)  # the 11th
    client.force_login(auditor)
    rows = csv_rows(post_audit(client, date_from="2024-03-10", date_to="2024-03-10"))
    assert [r["When"] for r in rows] == ["2024-03-10 00:00", "2024-03-10 23:59"]
    rows = csv_rows(post_audit(client, date_from="2024-03-09", date_to="2024-03-09"))
    assert [r["When"] for r in rows] == ["2024-03-09 23:59"]
    assert {first_of_tenth.pk, last_of_tenth.pk, last_of_ninth.pk}  # created


def test_audit_trail_rows_have_label_and_compact_json(client, auditor, inventory, english):
    with mock.patch("django.utils.timezone.now", return_value=datetime.datetime(2024, 3, 9, 12, tzinfo=datetime.UTC)):
        audit_record(
            actor=auditor,
            target=inventory.owned,
            action="account.status",
            before={"status": "draft"},
            after={"status": "active"},
            note="=cmd",
        )
    client.force_login(auditor)
    (row,) = csv_rows(post_audit(client, date_from="2024-03-09", date_to="2024-03-09"))
    assert row["What"] == "Status changed"
    assert row["Before"] == '{"status":"draft"}' and row["After"] == '{"status":"active"}'
    assert row["Object"] == inventory.owned.name and row["Object type"] == "social media account"
    assert row["Note"] == "'=cmd"  # CSV injection guard
    assert row["Who"] == f"{auditor} ({auditor.username})"


def test_each_audit_trail_export_records_one_audit_event(client, auditor, org, english):
    client.force_login(auditor)
    response = client.post(
        AUDIT_URL, {"date_from": "2024-03-01", "date_to": "2024-03-31", "unit": org.department.pk, "fmt": "xlsx"}
    )
    load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    (event,) = export_events("export.audit_trail")
    assert event.actor == auditor
    assert event.after == {
        "format": "xlsx",
        "mode": "inline",
        "from": "2024-03-01",
        "to": "2024-03-31",
        "unit": org.department.pk,
        "unit_name": "Institutionen",
        "events": 0,
    }


@pytest.mark.parametrize(
    "dates, message",
    [
        (("2024-03-10", "2024-03-09"), "The end of the period cannot be before its start."),
        (("2021-03-10", "2024-03-10"), "The period can be at most 3 years; export a longer one in parts."),
    ],
)
def test_audit_trail_period_is_checked(client, auditor, english, dates, message):
    client.force_login(auditor)
    response = post_audit(client, date_from=dates[0], date_to=dates[1])
    assert response.status_code == 200
    assert message in response.context["form"].errors["date_to"]


def test_audit_trail_period_of_just_under_three_years_is_allowed(client, auditor):
    client.force_login(auditor)
    assert post_audit(client, date_from="2021-03-10", date_to="2024-03-09").status_code == 200
    assert export_events("export.audit_trail").count() == 1


def test_large_xlsx_audit_trail_becomes_a_job(client, auditor, inventory):
    day = datetime.datetime(2024, 5, 2, 10, tzinfo=STOCKHOLM)
    for _n in range(3):
        event_at(day, inventory.owned)
    client.force_login(auditor)
    with mock.patch.object(exports, "AUDIT_INLINE_MAX_EVENTS", 2):
        response = client.post(AUDIT_URL, {"date_from": "2024-05-01", "date_to": "2024-05-31", "fmt": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == "audit_trail"
    assert export_events("export.audit_trail").get().after["job"] == job.pk
