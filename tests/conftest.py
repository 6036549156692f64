import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import translation

import kipolicy.settings as production
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
def registrar(db):
    """The registrar: handles requests for public records (REC-1)."""
    user = factories.UserFactory(username="registrar-user")
    user.groups.add(Group.objects.get_or_create(name=roles.REGISTRAR)[0])
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
def other_manager(db):
    """The responsible manager of a unit that is not above the evidence account's."""
    user = factories.UserFactory(username="other-manager")
    factories.UnitFactory(manager=user)
    return user


@pytest.fixture
def outsider(db):
    """KI staff with no role and no account."""
    # A fixed name: a random one (Faker) could be the one a people-search test looks for.
    return factories.UserFactory(username="outsider", first_name="Ulf", last_name="Utomstående")


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


@pytest.fixture
def superuser_client(db):
    """A client logged in as a superuser, for the Django admin's pages, in English."""
    user = get_user_model().objects.create_superuser("root", "root@example.org", "Stark-Nyckel-Vinter-91")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: no rate-limit counts carried over from another test."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def production_rates(settings):
    """The production rate limits (kipolicy.settings.THROTTLE_RATES); the test settings raise them."""
    settings.THROTTLE_RATES = production.THROTTLE_RATES
    return production.THROTTLE_RATES


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers():
    """The audit table refuses DELETE and TRUNCATE; Django's flush between transactional tests
    goes through the test-only maintenance switch (tests/audit_maintenance.py)."""
    with flush_through_audit_maintenance():
        yield
