"""bench/seeding_fill.py (issue 12, fifth pass): the page benchmark's lists are topped up to a full
page where a database holds fewer, and a database that has them is not written at all (the
100 000-account benchmark database is reused as it was seeded)."""

import datetime
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.access_selectors import todo_access, todo_publishers_to_confirm
from accounts.models import Publisher, SocialAccount
from approvals.selectors import todo_for
from monitoring.cover import cover_needed
from monitoring.models import Cover, Finding
from monitoring.selectors import today_accounts
from records.impostors import impostors_listed
from records.models import ImpostorCase, Inquiry
from records.registers import inquiry_register
from tests import factories


@pytest.fixture
def fill():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import seeding_fill

    return seeding_fill


@pytest.fixture
def small_database(owner, manager):
    """The manager's department with 40 accounts (12 of them the owner's, live for a month: no
    access review due yet), and nothing of what the lists need."""
    department = factories.UnitFactory(manager=manager)
    group = factories.UnitFactory(parent=department)
    month_ago = timezone.now() - datetime.timedelta(days=30)
    accounts = [
        factories.staffed_account(owner=owner if k < 12 else None, unit=group, activated_at=month_ago)
        for k in range(40)
    ]
    return {"manager": manager.username, "owner": owner.username}, accounts[0].pk


def _rows() -> dict:
    return {m.__name__: m.objects.count() for m in (ImpostorCase, Inquiry, SocialAccount, Publisher, Finding, Cover)}


def test_the_lists_are_topped_up_to_a_full_page(fill, small_database, owner, manager):
    logins, measured = small_database

    added = fill.ensure(logins, measured)

    assert added == {
        "new impostor cases": fill.MIN_NEW_CASES,
        "listed impostors": fill.MIN_LISTED,
        "unanswered questions": fill.MIN_OPEN_QUESTIONS,
        "being decommissioned": fill.TODO_SHOWN,
        "publishers to confirm": fill.TODO_SHOWN,
        "coverage gaps": fill.TODO_SHOWN,
        "owner's stand-ins": fill.OWNER_TODAY - 12,
        "owner's access to review": fill.OWNER_ACCESS,
    }
    # Counted by the pages' own querysets, as the pages' users.
    assert ImpostorCase.objects.filter(status="new").count() == fill.MIN_NEW_CASES
    assert impostors_listed().count() == fill.MIN_LISTED
    assert inquiry_register(manager).filter(answered_at__isnull=True).count() == fill.MIN_OPEN_QUESTIONS
    assert todo_for(user=manager)["decommissioning"].count() == fill.TODO_SHOWN
    assert todo_publishers_to_confirm(manager)[2].count() == fill.TODO_SHOWN
    assert cover_needed(manager)[2].count() == fill.TODO_SHOWN
    assert today_accounts(user=owner, now=timezone.now()).count() == fill.OWNER_TODAY
    assert todo_access(owner)[2].count() == fill.OWNER_ACCESS
    # The measured account's pages stay as seeded; no question is overdue.
    assert not any(m.objects.filter(account_id=measured).exists() for m in (Publisher, Inquiry, Finding, Cover))
    assert not Inquiry.objects.filter(due_at__lt=timezone.now()).exists()


def test_a_database_that_has_full_pages_is_not_written(fill, small_database):
    logins, measured = small_database
    fill.ensure(logins, measured)
    before = _rows()

    added = fill.ensure(logins, measured)

    assert set(added.values()) == {0}
    assert _rows() == before
