"""The API's contract (issue 14): what the schema says, the API enforces, and the other way round —
the mismatches Schemathesis found, one test each (tests/api/test_schemathesis.py runs every check
on every operation)."""

import pytest
from django.urls import reverse

from monitoring.rules import RULES
from tests import factories

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("api:account-list")
UNITS = reverse("api:unit-list")
CHECKINS = reverse("api:checkin-list")


@pytest.fixture
def api(token_client, owner):
    return token_client(owner, "en")


@pytest.mark.parametrize("value", ["0", "-1", "false", "1.5", "501", ""])
def test_page_size_outside_1_to_500_is_refused(api, value):
    response = api.get(ACCOUNTS, {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 500."]}


def test_page_size_within_bounds_is_used(api):
    factories.SocialAccountFactory.create_batch(3)
    assert len(api.get(ACCOUNTS, {"page_size": "2"}).json()["results"]) == 2
    assert api.get(ACCOUNTS, {"page_size": "500"}).status_code == 200


def test_an_unknown_id_in_a_filter_matches_nothing_and_zero_is_refused(api):
    factories.SocialAccountFactory()
    for name in ("platform", "unit", "person"):
        response = api.get(ACCOUNTS, {name: "987654"})
        assert response.status_code == 200 and response.json()["results"] == [], name
        assert api.get(ACCOUNTS, {name: "0"}).status_code == 400, name
    assert api.get(UNITS, {"parent": "987654"}).json()["results"] == []
    assert api.get(UNITS, {"parent": "0"}).status_code == 400


def test_the_schema_states_the_id_and_page_size_bounds(api):
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/accounts/"]["get"]["parameters"]}
    assert params["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}
    for name in ("platform", "unit", "person"):
        assert params[name]["minimum"] == 1 and params[name]["type"] == "integer", name
    findings = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/findings/"]["get"]["parameters"]}
    assert set(findings["rule"]["enum"]) == set(RULES)  # every rule of the catalogue, records' included


def test_an_empty_filter_value_is_refused_but_an_empty_search_is_not(api):
    assert api.get(CHECKINS, {"day_to": ""}).status_code == 400
    assert api.get(UNITS, {"kind": ""}).status_code == 400
    assert api.get(ACCOUNTS, {"q": ""}).status_code == 200


def test_a_checkin_takes_json_only_and_text_only_as_note(api, owner):
    account = factories.staffed_account(owner=owner)
    response = api.post(CHECKINS, {"account": account.pk, "note": 0}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    assert api.post(CHECKINS, {"account": account.pk}).status_code == 415  # multipart form
    response = api.post(CHECKINS, {"account": account.pk, "latest_post_on": None}, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/accounts/1.5/", "/api/v1/nothing-here/", "/api/v1/units/abc/"])
def test_every_api_404_is_json(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_portal_404_is_still_the_page(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/removed-posts/", "/api/v1/questions/"])
def test_a_record_not_handed_off_answers_an_empty_hand_off_that_the_schema_allows(api, owner, deputy, manager, path):
    """A removed post or question not yet sent to the registry or the archive has hand_off "" (the
    model's blank choice); the schema's enum said only "registry" or "archive" (Schemathesis'
    response check, once the record endpoints had records to answer with)."""
    from tests.registers import data

    account = factories.staffed_account(owner=owner, deputy=deputy)
    data.incident(account) if "removed" in path else data.inquiry(account)
    [row] = api.get(path).json()["results"]
    assert row["hand_off"] == ""
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    component = "Incident" if "removed" in path else "Inquiry"
    allowed = set()
    for choice in schema[component]["properties"]["hand_off"]["oneOf"]:
        allowed |= set(schema[choice["$ref"].rsplit("/", 1)[1]]["enum"])
    assert allowed == {"", "registry", "archive"}


def test_a_standing_consent_answers_an_empty_withdrawn_via_that_the_schema_allows(api, owner, deputy):
    """MEDIA-1: a consent not withdrawn has withdrawn_via "" (the model's blank choice); the
    schema's enum held only the withdrawal channels (Schemathesis' response check on the
    media-consent endpoints once they answered with a withdrawal field)."""
    from tests.registers import data

    account = factories.staffed_account(owner=owner, deputy=deputy)
    data.consent(account)
    [row] = api.get("/api/v1/media-consents/").json()["results"]
    assert row["withdrawn_via"] == "" and row["withdrawn_on"] is None
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    allowed = set()
    for choice in schema["MediaConsent"]["properties"]["withdrawn_via"]["oneOf"]:
        allowed |= set(schema[choice["$ref"].rsplit("/", 1)[1]]["enum"])
    assert "" in allowed and len(allowed) > 1
