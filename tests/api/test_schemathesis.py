"""Schemathesis against the OpenAPI schema drf-spectacular produces: every operation, called in
process through the WSGI app as a logged-in user with an API token, passes every check Schemathesis
has (`--checks all`, issue 14): never a 5xx; only the status codes, content types, headers and
bodies the schema documents; every schema-valid request accepted (positive_data_acceptance) and
every schema-violating one refused (negative_data_rejection)."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.checks import load_all_checks

from accounts.choices import AccountStatus
from org.api_tokens import api_token_create
from reports.views_report import MAX_YEARS
from tests import factories
from tests.api.conftest import png
from tests.registers import data as records_data

# Per operation (every operation of the schema: other apps' endpoints are included as they are
# added), both valid and invalid input; with every check, about two minutes on SQLite.
MAX_EXAMPLES = 40
# Every check Schemathesis has (`--checks all`): no server errors, status codes, content types,
# headers and bodies as documented, schema-valid input accepted (positive_data_acceptance) and
# schema-invalid input refused (negative_data_rejection), and the rest (issue 14).
load_all_checks()
CHECKS = CHECK_REGISTRY.get_all()


def _openapi() -> dict:
    """The schema exactly as /api/v1/schema/ serves it (rendered to JSON, lazy strings resolved)."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = get_wsgi_application()
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)

# Ids of the fixture's objects by collection ("accounts", "findings", "units"), so that detail
# operations reach real objects too, not only random ids that answer 404.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    collection = context.operation.path.split("/")[3]
    known = KNOWN_IDS.get(collection, [])
    if not isinstance(path_parameters, dict) or "id" not in path_parameters or not known:
        return st.just(path_parameters)
    generated = path_parameters["id"]
    if not isinstance(generated, int) or isinstance(generated, bool) or generated < 1:
        return st.just(path_parameters)  # schema-invalid on purpose (negative mode): sent as it is
    return st.sampled_from([path_parameters, *({**path_parameters, "id": pk} for pk in known)])


@pytest.fixture
def keep_the_test_connection():
    """Django's WSGI handler closes the database connection when a request ends; in a test that
    would close the test's own transaction (PostgreSQL). The test client avoids it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(db, owner, registrar, keep_the_test_connection):
    """A user with data to see: two accounts of their own (one active, one draft), someone else's
    public account, an invisible draft, findings, yesterday's check-ins and units; and records of
    every register on their own account and on the invisible draft, with the optional fields both
    empty and filled (handed off to the registry with a reference number, answered, reviewed,
    unblocked), so that the record endpoints' bodies are checked against the schema too, not only
    empty lists. The requests for public records are read with a registrar's token (an owner's
    list is always empty); every other operation with the owner's."""
    mine = factories.staffed_account(owner=owner, name="KI Forskning")
    draft = factories.staffed_account(owner=owner, status=AccountStatus.DRAFT, name="KI Utkast")
    public = factories.staffed_account(name="KI Nyheter")
    hidden = factories.staffed_account(status=AccountStatus.DRAFT, name="Hemlig")
    accounts = [mine, draft, public, hidden]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    findings = [factories.FindingFactory(account=a) for a in accounts]
    for account in accounts:
        factories.CheckInFactory(account=account, day=yesterday)
    records = [records_data.one_of_each(mine), records_data.one_of_each(hidden), _filled_in_records(mine)]
    KNOWN_IDS.update(
        accounts=[a.pk for a in accounts],
        findings=[f.pk for f in findings],
        units=[a.unit_id for a in accounts],
        **{slug: [of_each[slug].pk for of_each in records] for slug in records[0]},
    )
    _token, secret = api_token_create(actor=owner, name="schemathesis")
    _token, registrar_secret = api_token_create(actor=registrar, name="schemathesis")
    yield {"owner": {"Authorization": f"Bearer {secret}"}, "registrar": {"Authorization": f"Bearer {registrar_secret}"}}
    KNOWN_IDS.clear()


def _filled_in_records(account) -> dict:
    """One record of each register with its optional fields set."""
    now = timezone.now()
    sent = {"hand_off": "registry", "registry_email": "diariet@ki.se", "handed_off_at": now}
    return {
        "removed-posts": records_data.incident(account, registry_reference="Dnr 1-2/2026", **sent),
        "questions": records_data.inquiry(
            account, answered_at=now, needs_registration=True, registry_reference="Dnr 1-3/2026", **sent
        ),
        "blocks": records_data.block(account, reviewed_at=now, unblocked_at=now),
        "media-consents": records_data.consent(account, credit="Foto: KI", form="oral"),
        "records-requests": records_data.records_request([account], status="closed", closed_at=now),
        "decisions": records_data.decision(account, comment="Godkänt.", registry_reference="Dnr 1-4/2026"),
    }


# What OpenAPI cannot state, an outside client still knows from the documentation: a screenshot
# is a real image (checked by content, accounts.uploads), its day and an account's latest post
# are not in the future, and a report's period ends on or after its start and spans at most
# reports.views_report.MAX_YEARS years. Schema-valid cases (positive mode) are made to keep these
# rules, as a client reading the descriptions would; invalid ones are sent as generated, and the
# API must refuse them.
SNAPSHOT_UPLOAD = ("POST", "/api/v1/accounts/{id}/snapshots/")
COMPLIANCE = ("GET", "/api/v1/compliance/")
CHECKINS = ("POST", "/api/v1/checkins/")


def _not_in_the_future(body: dict, key: str) -> None:
    """A screenshot's day and an account's latest post are not in the future (the descriptions
    say so; OpenAPI 3.0 has no "at most today" for a date)."""
    if isinstance(body.get(key), str) and body[key] > timezone.localdate().isoformat():
        body[key] = timezone.localdate().isoformat()


def _as_a_documented_client(case) -> None:
    meta = case.meta
    if meta is None or meta.generation.mode.is_negative:
        return
    if any(info.mode.is_negative for info in meta.components.values()):
        return
    operation = (case.method.upper(), case.operation.path)
    if operation == SNAPSHOT_UPLOAD and isinstance(case.body, dict) and "file" in case.body:
        case.body["file"] = png()
        _not_in_the_future(case.body, "taken_on")
    elif operation == CHECKINS and isinstance(case.body, dict):
        _not_in_the_future(case.body, "latest_post_on")
    elif operation == COMPLIANCE and {"start", "end"} <= case.query.keys():
        start, end = sorted(datetime.date.fromisoformat(case.query[k]) for k in ("start", "end"))
        end = min(end, start + datetime.timedelta(days=366 * MAX_YEARS))
        case.query.update(start=start.isoformat(), end=end.isoformat())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_conforms_to_its_schema(case, auth_header):
    _as_a_documented_client(case)
    who = "registrar" if case.operation.path.startswith("/api/v1/records-requests/") else "owner"
    case.call_and_validate(headers=auth_header[who], checks=CHECKS)
