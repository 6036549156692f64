"""Bounded counts (issue 12, core.pagination): the long lists whose exact length nobody needs (the
inventory, the public directory, a unit's accounts, the registers, search results) count at most
PAGINATION_COUNT_LIMIT rows past the page asked for, then say "more than N" (sv "fler än N"),
with page links up to the last page counted. Tested at both sides of the limit, in Swedish (the
default language) and English."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import directory_views
from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from core.pagination import BoundedPaginator
from tests import factories

pytestmark = pytest.mark.django_db

INVENTORY = reverse("accounts:inventory")
DIRECTORY = reverse("directory:index")
SV = {"accept-language": "sv"}
EN = {"accept-language": "en"}


@pytest.fixture
def unit():
    return factories.UnitFactory(name="Institutionen")


def accounts(unit, n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        factories.SocialAccountFactory(name=f"Konto {k:03d}", handle=f"konto{k:03d}", unit=unit)


def status_line(response) -> str:
    html = response.content.decode()
    start = html.index('<p role="status">')
    return html[start : html.index("</p>", start)].removeprefix('<p role="status">')


def nav(response) -> str:
    html = response.content.decode()
    start = html.index('<nav aria-label="')
    return html[start : html.index("</nav>", start)]


# --- the paginator ------------------------------------------------------------------------------


def test_a_list_up_to_the_limit_is_counted_exactly(unit, settings):
    settings.PAGINATION_COUNT_LIMIT = 5
    accounts(unit, 5)
    paginator = BoundedPaginator(SocialAccount.objects.order_by("name", "id"), 2)

    page = paginator.page(1)

    assert (paginator.count, paginator.more_than, paginator.pages_more_than) == (5, None, None)
    assert paginator.num_pages == 3
    assert [a.name for a in page.object_list] == ["Konto 000", "Konto 001"]


def test_a_list_past_the_limit_is_more_than_the_limit_and_its_pages_those_counted(unit, settings):
    settings.PAGINATION_COUNT_LIMIT = 5
    accounts(unit, 9)
    paginator = BoundedPaginator(SocialAccount.objects.order_by("name", "id"), 2)

    page = paginator.page(1)

    assert (paginator.count, paginator.more_than, paginator.pages_more_than) == (6, 5, 2)
    assert paginator.num_pages == 3  # the page holding the sixth account: known to exist
    assert page.has_next()


def test_a_deep_page_counts_past_itself_so_its_neighbours_are_known(unit, settings):
    settings.PAGINATION_COUNT_LIMIT = 5
    accounts(unit, 9)
    deep = BoundedPaginator(SocialAccount.objects.order_by("name", "id"), 2)
    last = BoundedPaginator(SocialAccount.objects.order_by("name", "id"), 2)

    page = deep.page(4)  # accounts 7 and 8: counted up to 8 + 1
    end = last.page(5)

    assert [a.name for a in page.object_list] == ["Konto 006", "Konto 007"]
    assert page.has_next() and deep.more_than == 8
    assert [a.name for a in end.object_list] == ["Konto 008"]
    assert not end.has_next() and last.more_than is None and last.count == 9


def test_the_count_reads_at_most_the_limit_and_one_row(unit, settings):
    settings.PAGINATION_COUNT_LIMIT = 5
    accounts(unit, 3)
    paginator = BoundedPaginator(SocialAccount.objects.order_by("name", "id"), 2)

    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 3

    (count,) = [q["sql"] for q in captured.captured_queries]
    assert "COUNT(*)" in count and "LIMIT 6" in count and "ORDER BY" not in count


# --- the inventory --------------------------------------------------------------------------------


@pytest.fixture
def inventory(client, comms, unit, settings):
    """inventory(limit, n): n accounts, the count limit set, comms logged in; returns a getter of
    the inventory (GET parameters, language)."""

    def make(limit: int, n: int):
        settings.PAGINATION_COUNT_LIMIT = limit
        accounts(unit, n)
        client.force_login(comms)
        return lambda lang=SV, **params: client.get(INVENTORY, params, headers=lang)

    return make


def test_the_inventory_says_how_many_accounts_up_to_the_limit(inventory):
    """Issue 12: at the limit the inventory still gives the exact number."""
    response = inventory(30, 30)()

    assert status_line(response) == "30 konton"
    assert "Sida 1 av 2" in nav(response)
    assert "Sista sidan" not in nav(response)  # the next page is the last


def test_the_inventory_says_more_than_the_limit_past_it(inventory):
    """Issue 12: one account past the limit, the inventory says "fler än 30" and links the
    last page counted; that page, asked for, counts past itself and knows the total."""
    get = inventory(30, 31)

    first, english, second = get(), get(EN), get(page=2)

    assert status_line(first) == "Fler än 30 konton"
    assert "Sida 1 av fler än 1" in nav(first) and '?page=2"' in nav(first)
    assert status_line(english) == "More than 30 accounts"
    assert "Page 1 of more than 1" in nav(english)
    assert status_line(second) == "31 konton"
    assert [a.name for a in second.context["accounts"]] == [f"Konto {k:03d}" for k in range(25, 31)]


def test_a_long_inventory_links_the_last_page_counted(inventory):
    """Issue 12: past the limit the links reach the last page counted, named as such."""
    response = inventory(60, 80)(EN)

    assert status_line(response) == "More than 60 accounts"
    assert "Page 1 of more than 2" in nav(response)
    assert 'href="?page=3">Last page counted</a>' in nav(response)


# --- the directory, a unit page, search -----------------------------------------------------------


def test_the_directory_says_more_than_the_limit_and_its_json_counts_exactly(client, unit, settings, monkeypatch):
    """Issue 12, PRIV-3: the public page bounds its count; the JSON keeps its documented exact
    count (docs/directory.md)."""
    monkeypatch.setattr(directory_views, "PAGE_SIZE", 10)
    settings.PAGINATION_COUNT_LIMIT = 15
    accounts(unit, 16)

    page = client.get(DIRECTORY, headers=SV)
    data = client.get(reverse("directory:accounts-json")).json()

    assert status_line(page) == "Fler än 15 konton, sida 1 av fler än 1"
    assert data["count"] == 16
    settings.PAGINATION_COUNT_LIMIT = 16
    assert status_line(client.get(DIRECTORY, headers=SV)) == "16 konton, sida 1 av 2"


def test_a_unit_page_says_more_than_the_limit_for_its_accounts_and_the_units_below(client, comms, settings):
    """Issue 12: the accounts panel and the "units below" column count up to the limit."""
    settings.PAGINATION_COUNT_LIMIT = 30
    department = factories.UnitFactory(name="Institutionen")
    small = factories.UnitFactory(parent=department, name="Avdelning A")
    large = factories.UnitFactory(parent=department, name="Avdelning B")
    group = factories.UnitFactory(parent=large, name="Forskargruppen")
    accounts(small, 2)
    accounts(large, 20, start=100)
    accounts(group, 11, start=200)  # 31 below Avdelning B, 33 below the department
    client.force_login(comms)

    response = client.get(reverse("org:unit-detail", args=[department.pk]), headers=SV)

    counts = {child.name: values for child, values in response.context["subunit_rows"]}
    assert counts == {"Avdelning A": [2], "Avdelning B": ["fler än 30"]}
    assert "Fler än 30 konton, sida 1 av fler än 1" in response.content.decode()
    exact = client.get(reverse("org:unit-detail", args=[large.pk]), {"page": 2}, headers=SV)
    assert "31 konton, sida 2 av 2" in exact.content.decode()


def test_search_results_say_more_than_the_limit(client, comms, unit):
    """Issue 12, issue 14: a search matching more than a group shows says so in its group (the
    group reads GROUP_SIZE + 1 matches and never counts the rest)."""
    from core.views_search import GROUP_SIZE

    accounts(unit, GROUP_SIZE + 2)
    client.force_login(comms)

    response = client.get(reverse("search"), {"q": "konto"}, headers=SV)

    html = response.content.decode()
    assert f'<span class="badge text-bg-secondary">fler än {GROUP_SIZE}</span>' in html
    assert "Alla träffar: Konton" in html


def test_only_active_accounts_are_counted_for_a_bounded_directory(client, unit, settings, monkeypatch):
    """PRIV-3: the bounded count counts what the page lists, nothing else."""
    monkeypatch.setattr(directory_views, "PAGE_SIZE", 10)
    settings.PAGINATION_COUNT_LIMIT = 15
    accounts(unit, 15)
    factories.SocialAccountFactory(unit=unit, status=AccountStatus.DRAFT, activated_at=None)

    assert status_line(client.get(DIRECTORY, headers=SV)) == "15 konton, sida 1 av 2"
