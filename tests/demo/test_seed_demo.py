import pytest
from django.core.management import CommandError, call_command

from accounts.models import Assignment, SocialAccount
from audit.models import AuditEvent
from demo.builders.accounts import ACCOUNTS
from org.models import Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    # pytest-django runs with DEBUG off, where the command refuses unless forced.
    settings.DEBUG = False
    call_command("seed_demo", force=True, verbosity=0)


def counts() -> dict:
    return {
        "users": User.objects.count(),
        "units": Unit.objects.count(),
        "accounts": SocialAccount.objects.count(),
        "assignments": Assignment.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def test_seeding_twice_creates_nothing_the_second_time(seeded):
    """The command is idempotent: a second run adds no user, unit, account, assignment or audit event."""
    first = counts()

    call_command("seed_demo", force=True, verbosity=0)

    assert counts() == first


def test_seed_refuses_to_run_with_debug_off(settings):
    """With DEBUG off the command refuses and writes nothing, unless forced."""
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)

    assert (User.objects.count(), SocialAccount.objects.count()) == (0, 0)


def test_seed_runs_with_debug_on(settings):
    """In a debug installation the command needs no --force."""
    settings.DEBUG = True

    call_command("seed_demo", verbosity=0)

    assert SocialAccount.objects.count() == len(ACCOUNTS)


def test_seed_if_empty_does_nothing_when_users_exist(settings, outsider):
    """--if-empty leaves an installation that already has users alone."""
    settings.DEBUG = True

    call_command("seed_demo", if_empty=True, verbosity=0)

    assert (User.objects.count(), SocialAccount.objects.count()) == (1, 0)
