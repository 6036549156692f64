"""Compliance figures in the REST API: the same figures and the same rules for who may see them as
the report pages (RESP-1)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories
from tests.reports import compliance_dataset as ds

URL = reverse("api:compliance")
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def data(db):
    return ds.build()


def test_the_auditor_gets_the_report_figures(client, data):
    """MON-1, RES-2: the figures worked out by hand in test_compliance_figures."""
    client.force_login(data.auditor)
    body = client.get(URL, {"unit": data.department.pk, **MARCH}).json()
    assert (body["start"], body["end"], body["unit"]) == ("2026-03-01", "2026-03-31", data.department.pk)
    totals = body["totals"]
    assert (totals["accounts"], totals["days_active"], totals["days_monitored"]) == (3, 72, 29)
    assert totals["coverage"] == pytest.approx(29 / 72)
    assert [u["unit"] for u in body["units"]] == ["Institutionen för testmedicin", "Avdelningen för exempel"]
    a = next(row for row in body["accounts"] if row["account_id"] == data.a.pk)
    assert (a["days_active"], a["days_monitored"], a["days_without_deputy"]) == (31, 27, 4)


def test_who_may_see_the_figures(client, data):
    """RESP-1: a manager sees their units, not others (404); an owner no unit (404) and not all of
    KI (403); bad periods are a 400 with the field's message."""
    other = factories.UnitFactory(name="Annan")
    client.force_login(data.maja)
    assert client.get(URL, {"unit": data.division.pk, **MARCH}).status_code == 200
    assert client.get(URL, {"unit": other.pk, **MARCH}).status_code == 404
    assert client.get(URL, MARCH).status_code == 403
    client.force_login(data.anna)
    assert client.get(URL, {"unit": data.department.pk, **MARCH}).status_code == 404
    response = client.get(URL, {"unit": data.department.pk, "start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 400
    client.logout()
    assert client.get(URL, {"unit": data.department.pk, **MARCH}).status_code in (401, 403)


@override_settings(REPORTS_INLINE_MAX_ACCOUNTS=2)
def test_a_report_too_large_for_a_request_is_refused_with_a_pointer_to_the_export(client, data):
    client.force_login(data.auditor)
    response = client.get(URL, {"unit": data.department.pk, **MARCH})
    assert response.status_code == 400
    assert "export" in str(response.json())
