"""Reads of removed posts and questions: who may see an account's records, and the ANS-1 figures."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.choices import AccountStatus
from records import permissions, selectors
from records.models import Inquiry
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def inquiry(account, *, received, due_after=24, answered_after=None) -> Inquiry:
    """A question received at `received`, due `due_after` hours later, answered `answered_after`
    hours after it arrived (or open). The due time is set directly: these tests are about the
    figures, not the calendar."""
    return Inquiry.objects.create(
        account=account,
        received_at=received,
        due_at=received + due_after * HOUR,
        kind="question",
        summary="Fråga",
        answered_at=None if answered_after is None else received + answered_after * HOUR,
    )


@pytest.fixture
def account():
    return factories.staffed_account()


@pytest.fixture
def dataset(account):
    """Answered after 2 h, 10 h and 30 h with the due time at 24 h; one open and overdue, one open in time."""
    start = NOW - 10 * 24 * HOUR
    for hours in (2, 10, 30):
        inquiry(account, received=start, answered_after=hours)
    inquiry(account, received=NOW - 48 * HOUR)  # due 24 h ago
    inquiry(account, received=NOW - HOUR)  # due in 23 h
    return account


def test_response_figures_on_a_fixed_dataset(dataset):
    """ANS-1: median 10 h of (2, 10, 30); two of three answered within the 24-hour due time;
    two open, one of them overdue."""
    figures = selectors.response_figures(Inquiry.objects.filter(account=dataset), now=NOW)

    assert figures == {
        "answered": 3,
        "within_rule_share": pytest.approx(2 / 3),
        "median_hours": pytest.approx(10.0),
        "open": 2,
        "overdue": 1,
    }


def test_response_figures_median_of_an_even_count_is_the_mean_of_the_middle_two(account):
    """ANS-1: with 2 h and 5 h the median is 3.5 h; both were in time."""
    for hours in (2, 5):
        inquiry(account, received=NOW - 24 * HOUR, answered_after=hours)

    figures = selectors.response_figures(Inquiry.objects.all(), now=NOW)

    assert figures["median_hours"] == pytest.approx(3.5)
    assert figures["within_rule_share"] == 1.0


def test_an_answer_exactly_at_the_due_time_is_within_the_rule(account):
    """ANS-1: "handled within" includes the due time itself."""
    inquiry(account, received=NOW - 48 * HOUR, answered_after=24)
    assert selectors.response_figures(Inquiry.objects.all(), now=NOW)["within_rule_share"] == 1.0


def test_response_figures_without_answers_have_no_share_or_median(account):
    """ANS-1: no answered question means no share and no median, rather than 0."""
    inquiry(account, received=NOW - HOUR)

    figures = selectors.response_figures(Inquiry.objects.all(), now=NOW)

    assert figures == {"answered": 0, "within_rule_share": None, "median_hours": None, "open": 1, "overdue": 0}


def test_response_figures_take_one_query_whatever_the_number_of_questions(dataset, django_assert_num_queries):
    """ANS-1: the times are fetched once; the median is computed in Python."""
    with django_assert_num_queries(1):
        selectors.response_figures(Inquiry.objects.all(), now=NOW)


def test_response_figures_by_account_groups_in_one_query(dataset, django_assert_num_queries):
    """ANS-1: per-account figures for a unit page, in one query."""
    other = factories.staffed_account()
    inquiry(other, received=NOW - 3 * HOUR, answered_after=1)

    with django_assert_num_queries(1):
        by_account = selectors.response_figures_by_account(Inquiry.objects.all(), now=NOW)

    assert by_account[dataset.pk]["answered"] == 3 and by_account[dataset.pk]["overdue"] == 1
    assert by_account[other.pk] == {
        "answered": 1,
        "within_rule_share": 1.0,
        "median_hours": pytest.approx(1.0),
        "open": 0,
        "overdue": 0,
    }


def test_records_account_get_is_404_for_a_user_who_sees_only_the_public_account(account, outsider):
    """CONT-2, REC-4: records are evidence, never public."""
    with pytest.raises(Http404):
        selectors.records_account_get(user=outsider, pk=account.pk)


def test_records_account_get_is_404_for_an_account_the_user_cannot_see(outsider):
    """CONT-2: an account hidden from the user is not found."""
    hidden = factories.staffed_account(status=AccountStatus.DECOMMISSIONED)
    with pytest.raises(Http404):
        selectors.records_account_get(user=outsider, pk=hidden.pk)


def test_records_account_get_returns_the_account_to_its_owner(account):
    """CONT-2, REC-4: the owner sees the records."""
    owner = account.assignments.get(role="owner").person
    assert selectors.records_account_get(user=owner, pk=account.pk) == account


def test_unit_figures_are_for_comms_auditors_and_managers_of_the_unit_or_above(comms, auditor, outsider):
    """ANS-1, RESP-1: who may see a unit's response figures."""
    boss = factories.UserFactory(username="rektor")
    top = factories.UnitFactory(manager=boss)
    below = factories.UnitFactory(parent=top)
    assert permissions.can_see_unit_figures(comms, below)
    assert permissions.can_see_unit_figures(auditor, below)
    assert permissions.can_see_unit_figures(boss, below)
    assert not permissions.can_see_unit_figures(outsider, below)
    assert not permissions.can_see_unit_figures(boss, factories.UnitFactory())


def test_unit_inquiries_cover_the_subtree_only(comms):
    """ANS-1: a unit's questions are those of the accounts of the unit and the units below it."""
    top = factories.UnitFactory()
    inside = factories.staffed_account(unit=factories.UnitFactory(parent=top))
    outside = factories.staffed_account()
    mine = inquiry(inside, received=timezone.now() - HOUR)
    inquiry(outside, received=timezone.now() - HOUR)

    assert list(selectors.unit_inquiries(user=comms, unit=top)) == [mine]
