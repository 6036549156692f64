"""The plans of what a manager's pages ask for accounts (issue 12, PostgreSQL only): the
inventory's count reads at most PAGINATION_COUNT_LIMIT + 1 rows (a Limit above every read of the
accounts), its page walks the name index, a searched page is read from the trigram matches, and
the to-do's retroactive section reads the managed units' accounts without the visibility test
(visible ∧ managed = managed). bench/explain.py shows the same plans at 100 000 accounts; here,
as in test_inventory_indexes.py, the planner is asked what it can do with sequential scans priced
out, which is what breaks when the SQL of a page and an index part."""

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.choices import AccountStatus, Origin
from accounts.models import SocialAccount
from accounts.views import InventoryView
from approvals.selectors import todo_for
from tests.factories import UnitFactory, UserFactory, platform

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]
ACCOUNTS = "accounts_socialaccount"


@pytest.fixture
def manager():
    """A manager of one department among nine, 600 accounts spread over them."""
    manager = UserFactory(username="plan-manager")
    units = [UnitFactory(manager=manager)] + UnitFactory.create_batch(8)
    instagram = platform()
    SocialAccount.objects.bulk_create(
        SocialAccount(
            name=f"KI account {k}",
            handle=f"ki{k}",
            platform=instagram,
            unit=units[k % len(units)],
            purpose="x",
            status=AccountStatus.ACTIVE,
            origin=Origin.IMPORT,
        )
        for k in range(600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_socialaccount")
        cursor.execute("ANALYZE org_unit")
    return manager


def explain(sql: str, params=None) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def inventory_queries(user, params: dict) -> list[str]:
    """The SQL of the inventory page's queries that read the accounts (count, page)."""
    request = RequestFactory().get("/accounts/", params)
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        response = InventoryView.as_view()(request)
        response.render()
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT") and f'"{ACCOUNTS}"' in q["sql"]]


def test_a_managers_inventory_counts_at_most_the_bound(manager, settings):
    """Issue 12: the count of the inventory reads at most PAGINATION_COUNT_LIMIT + 1 rows,
    whatever the visibility condition makes PostgreSQL read them with."""
    settings.PAGINATION_COUNT_LIMIT = 100
    count, _page, *_rest = inventory_queries(manager, {})

    plan = explain(count)

    assert count.startswith("SELECT COUNT(*) FROM (SELECT") and "LIMIT 101" in count, count
    lines = plan.splitlines()
    limit = next(i for i, line in enumerate(lines) if "Limit" in line)
    reads = [i for i, line in enumerate(lines) if f"on {ACCOUNTS}" in line]
    assert reads and min(reads) > limit, plan


def test_a_managers_inventory_page_walks_the_name_index(manager):
    """Issue 12: a page of what the manager may see is the first rows of accounts_name_id that
    pass the visibility test, not a sort of every visible account."""
    _count, page, *_rest = inventory_queries(manager, {})

    plan = explain(page)

    assert "accounts_name_id" in plan and "Sort" not in plan, plan


def test_a_searched_page_is_read_from_the_trigram_matches(manager):
    """Issue 12: a search that matches many reads its matches' primary keys once, from the
    trigram indexes, and its page from those by primary key (then sorts them), never by walking
    the whole name index expecting matches early, nor reading the trigram indexes again."""
    matches, page, *_rest = inventory_queries(manager, {"q": "ki42"})

    matches_plan, page_plan = explain(matches), explain(page)

    assert "accounts_handle_trgm" in matches_plan, matches_plan
    assert "accounts_socialaccount_pkey" in page_plan, page_plan
    assert "trgm" not in page_plan and "accounts_name_id" not in page_plan, page_plan


def test_the_retroactive_section_reads_the_managed_units_without_the_visibility_test(manager):
    """Issue 12, START-1, RESP-1: the manager's accounts awaiting a retroactive approval are read
    through the managed units (the unit index), with no test of what else the manager may see."""
    section = todo_for(user=manager)["retroactive"]
    sql, params = section.order_by().query.sql_with_params()

    plan = explain(f"SELECT COUNT(*) FROM ({sql}) s", params)

    assert "'official'" not in plan, plan
    assert "unit" in "".join(line for line in plan.splitlines() if f"on {ACCOUNTS}" in line), plan
    assert section.count() == 600 // 9 + 1
