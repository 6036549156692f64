import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from org import roles
from tests import factories


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
def custodian(db):
    """An account owner."""
    return factories.UserFactory(username="custodian")


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
