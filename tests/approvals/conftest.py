"""A small organisation and a request in each state of the approval workflow.

University (manager `dean`) -> department (manager `head`) -> division (no manager), and a
sibling department (manager `other_head`). `requester` is staff without a role. `owner`, `deputy`,
`comms`, `auditor` and `outsider` come from tests/conftest.py.
"""

from types import SimpleNamespace

import pytest

from accounts.models import Platform
from accounts.services import social_account_create, social_account_draft_create
from approvals import services
from approvals.choices import Outcome
from org.choices import UnitKind
from tests import factories
from tests.approvals.helpers import confirm_sender_checklist, record_address, request_fields


@pytest.fixture
def dean(db):
    return factories.UserFactory(username="dean", first_name="Dora", last_name="Dekan")


@pytest.fixture
def head(db):
    return factories.UserFactory(username="head", first_name="Harald", last_name="Prefekt")


@pytest.fixture
def other_head(db):
    return factories.UserFactory(username="other-head", first_name="Ottilia", last_name="Grannprefekt")


@pytest.fixture
def requester(db):
    return factories.UserFactory(username="requester", first_name="Rut", last_name="Sökande")


@pytest.fixture
def org(dean, head, other_head):
    university = factories.UnitFactory(
        name="Karolinska Institutet", kind=UnitKind.UNIVERSITY_ADMINISTRATION, manager=dean
    )
    department = factories.UnitFactory(parent=university, name="Institutionen för medicin, Solna", manager=head)
    division = factories.UnitFactory(
        parent=department, name="Avdelningen för klinisk epidemiologi", kind=UnitKind.DIVISION
    )
    sibling = factories.UnitFactory(parent=university, name="Institutionen för neurovetenskap", manager=other_head)
    return SimpleNamespace(university=university, department=department, division=division, sibling=sibling)


@pytest.fixture
def noticeless_platform(db):
    """A platform whose profile has no description (INF-1) and whose comments cannot be
    switched off (DECOM-2); none of the seeded platforms lacks a description."""
    return Platform.objects.create(
        slug="noticeless", name="Noticeless", has_description=False, can_disable_comments=False
    )


@pytest.fixture
def make_draft(org, requester, owner, deputy):
    """Build a complete draft through the service: make_draft(actor=..., unit=..., **fields)."""

    def build(*, actor=None, unit=None, owner=owner, deputy=deputy, **overrides):
        return social_account_draft_create(
            actor=actor or requester,
            owner=owner,
            deputy=deputy,
            unit=unit or org.department,
            **request_fields(**overrides),
        )

    return build


@pytest.fixture
def draft(make_draft):
    """A complete draft for the department, by `requester`, owned by `owner` with `deputy`."""
    return make_draft()


@pytest.fixture
def awaiting_manager(draft, requester):
    services.request_submit(actor=requester, account_id=draft.pk, guidelines_read=True)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def awaiting_comms(awaiting_manager, head):
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)
    awaiting_manager.refresh_from_db()
    return awaiting_manager


@pytest.fixture
def approved(awaiting_comms, comms):
    services.comms_decide(actor=comms, account_id=awaiting_comms.pk, outcome=Outcome.APPROVE)
    awaiting_comms.refresh_from_db()
    return awaiting_comms


@pytest.fixture
def active(approved, owner):
    """A requested account that went through every step and is live."""
    record_address(approved, owner)
    confirm_sender_checklist(approved, owner)
    services.account_go_live(actor=owner, account_id=approved.pk)
    approved.refresh_from_db()
    # Its start page is screenshotted (REC-5), so major changes are allowed.
    factories.SnapshotFactory(account=approved)
    return approved


@pytest.fixture
def registered(org, comms, owner, deputy):
    """An existing account the communications department registered: live, without a portal decision."""
    account = social_account_create(
        actor=comms,
        owner=owner,
        deputy=deputy,
        name="Medicin Solna på Facebook",
        platform=factories.platform("facebook"),
        handle="kimedicinsolna",
        url="https://www.facebook.com/kimedicinsolna",
        unit=org.department,
        purpose="Nyheter från institutionen.",
    )
    factories.SnapshotFactory(account=account)
    return account
