"""The registers across accounts (issue 14, docs/registers.md): each register shows each role
exactly the records of the accounts they may see, and its page, its API endpoint and its export
agree for the same filter; what the user may not see answers 404."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.registers import REGISTERS
from audit.models import AuditEvent
from tests.registers import data

pytestmark = pytest.mark.django_db

EVIDENCE = ("removed-posts", "questions", "blocks", "media-consents")
ALL = (*EVIDENCE, "records-requests", "decisions")
ROLES = ("owner", "manager", "comms", "auditor", "registrar", "outsider")
API = {
    "removed-posts": "removed-posts",
    "questions": "questions",
    "blocks": "blocks",
    "media-consents": "media-consents",
    "records-requests": "records-requests",
    "decisions": "decisions",
}


@pytest.fixture
def records(evidence_account):
    """{"mine": {slug: record}, "hidden": {slug: record}}."""
    return {"mine": data.one_of_each(evidence_account), "hidden": data.one_of_each(data.hidden_account())}


def expected(slug: str, role: str) -> set[str] | None:
    """Which of the two accounts' records the role sees in the register; None: the register is 404."""
    everything = role in ("comms", "auditor", "registrar")
    if slug == "records-requests":
        return {"mine", "hidden"} if everything else None
    if everything:
        return {"mine", "hidden"}
    if slug == "decisions":
        # A decision record is seen by whoever sees its account: the evidence account is public.
        return {"mine"}
    return set() if role == "outsider" else {"mine"}


def page_ids(client, slug: str, query: str = "") -> set[int]:
    response = client.get(reverse("registers:register", args=[slug]) + query)
    assert response.status_code == 200
    return {record.pk for record in response.context["records"]}


def api_ids(client, slug: str, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/{API[slug]}/?page_size=500" + (f"&{query[1:]}" if query else ""))
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def export_ids(client, slug: str, query: str = "") -> set[int]:
    response = client.get(reverse("reports:register-csv", args=[slug]) + query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return {int(row[0]) for row in rows[1:]}


def ids_of(records, which: set[str], slug: str) -> set[int]:
    return {records[name][slug].pk for name in which}


@pytest.mark.parametrize("slug", ALL)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_in_page_api_and_export_exactly_the_records_it_may_see(client, records, slug, role, request):
    """Scope in the query (REC-1, CONT-2): records are evidence, seen by those who see the
    account's evidence; records requests by those who handle or audit them; decisions by those who
    see the account. The page, the API and the export list the same records."""
    client.force_login(request.getfixturevalue(role))
    want = expected(slug, role)
    if want is None:
        assert client.get(reverse("registers:register", args=[slug])).status_code == 404
        assert client.get(reverse("reports:register-csv", args=[slug])).status_code == 404
        assert api_ids(client, slug) == set()
        return
    want_ids = ids_of(records, want, slug)
    assert page_ids(client, slug) == want_ids
    assert api_ids(client, slug) == want_ids
    assert export_ids(client, slug) == want_ids


@pytest.mark.parametrize("slug", ALL)
def test_a_record_of_an_account_the_user_may_not_see_is_404_in_the_api(client, records, owner, slug):
    client.force_login(owner)
    hidden = records["hidden"][slug]
    assert client.get(f"/api/v1/{API[slug]}/{hidden.pk}/").status_code == 404


def test_the_index_lists_only_the_registers_the_user_may_open(client, owner, registrar):
    client.force_login(owner)
    listed = {r.slug for r in client.get(reverse("registers:index")).context["registers"]}
    assert "records-requests" not in listed and "removed-posts" in listed
    client.force_login(registrar)
    listed = {r.slug for r in client.get(reverse("registers:index")).context["registers"]}
    assert set(ALL) <= listed


def test_filters_agree_between_page_api_and_export(client, comms, evidence_account, manager):
    """One FilterSet for the page, the API and the export: unit (with everything below it),
    state, category and period select the same records everywhere."""
    other = data.hidden_account()
    data.incident(evidence_account, category="a_personal_data")
    data.incident(evidence_account, hand_off="registry", registry_email="d@ki.se")
    data.incident(evidence_account, removed_hours_ago=24 * 40)
    data.incident(other, category="a_personal_data")
    client.force_login(comms)
    department = evidence_account.unit.parent
    today = data.ago(0).date().isoformat()
    for query in (
        f"?unit={department.pk}",
        "?category=a_personal_data",
        "?state=awaiting_reference",
        "?state=pending",
        f"?date_from={today}",
        f"?unit={department.pk}&category=a_personal_data",
    ):
        on_page = page_ids(client, "removed-posts", query)
        assert on_page == api_ids(client, "removed-posts", query) == export_ids(client, "removed-posts", query), query
    assert len(page_ids(client, "removed-posts", f"?unit={department.pk}")) == 3
    assert len(page_ids(client, "removed-posts", "?category=a_personal_data")) == 2
    assert len(page_ids(client, "removed-posts", "?state=awaiting_reference")) == 1


def test_an_invalid_filter_shows_no_records_not_all(client, comms, records):
    client.force_login(comms)
    assert page_ids(client, "removed-posts", "?state=nonsense") == set()


def test_the_page_sorts_by_the_sort_filter(client, comms, evidence_account):
    late = data.incident(evidence_account, removed_hours_ago=1)
    early = data.incident(evidence_account, removed_hours_ago=50)
    client.force_login(comms)
    response = client.get(reverse("registers:register", args=["removed-posts"]) + "?sort=removed")
    assert [r.pk for r in response.context["records"]] == [early.pk, late.pk]


def test_each_export_is_audited_with_the_register_and_filters(client, comms, records):
    """REC-1: exporting personal data is a governance act; one audit event per export."""
    client.force_login(comms)
    response = client.get(reverse("reports:register-xlsx", args=["blocks"]) + "?state=in_force")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export.register")
    assert event.actor == comms
    assert event.after["register"] == "blocks"
    assert event.after["filters.state"] == "in_force"
    assert event.after["records"] == 2


def test_every_register_has_an_export_column_set():
    from reports.registers import COLUMNS

    assert set(REGISTERS) <= set(COLUMNS)


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "abc", "0"])
@pytest.mark.parametrize("name", ["unit", "platform", "account"])
def test_an_id_filter_that_names_nothing_is_a_400_not_a_server_error(client, comms, name, value):
    client.force_login(comms)
    assert client.get(f"/api/v1/decisions/?{name}={value}").status_code == 400
    response = client.get(reverse("registers:register", args=["decisions"]) + f"?{name}={value}")
    assert response.status_code == 200 and response.context["filter"].errors
