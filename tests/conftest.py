import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from org import roles
from tests import factories
from tests.audit_maintenance import flush_through_audit_maintenance


@pytest.fixture
def comms(db):
    user = factories.UserFactory(username="comms-user")
    user.groups.add(Group.objects.get_or_create(name=roles.COMMS)[0])
    return user


@pytest.fixture
def auditor(db):
    user = factories.UserFactory(username="auditor-user")
    user.groups.add(Group.objects.get_or_create(name=roles.AUDITOR)[0])
    return user


@pytest.fixture
def owner(db):
    """An account owner (staff without a role). The one owner of every test: no directory has its own."""
    return factories.UserFactory(username="owner", first_name="Olivia", last_name="Ägare")


@pytest.fixture
def deputy(db):
    """The owner's deputy (RES-2). The one deputy of every test: no directory has its own."""
    return factories.UserFactory(username="deputy", first_name="David", last_name="Ersättare")


@pytest.fixture
def manager(db):
    """The responsible manager of the unit above the evidence account's unit (RESP-1)."""
    return factories.UserFactory(username="manager")


@pytest.fixture
def evidence_account(owner, deputy, manager):
    """An active official account of a group under the manager's department, held by the
    owner and the deputy: every logged-in user sees it, but only they, the manager (and comms,
    auditors) see its evidence: screenshots, blocking log, consents."""
    department = factories.UnitFactory(manager=manager)
    group = factories.UnitFactory(parent=department)
    return factories.staffed_account(owner=owner, deputy=deputy, unit=group)


@pytest.fixture
def outsider(db):
    """KI staff with no role and no account."""
    return factories.UserFactory(username="outsider")


@pytest.fixture
def english():
    """Run the test in English, so that messages can be compared whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded files (demo screenshots, test uploads) go to a temporary folder, never var/media."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers():
    """The audit table refuses DELETE and TRUNCATE; Django's flush between transactional tests
    goes through the test-only maintenance switch (tests/audit_maintenance.py)."""
    with flush_through_audit_maintenance():
        yield
