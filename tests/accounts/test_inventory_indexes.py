"""The inventory's indexes (accounts migration 0007, issue 12 item 6): its search is served by
trigram indexes and its order by (name, id) on PostgreSQL. bench/explain.py shows the plans at
100 000 accounts; here the planner is only asked whether it can use them at all (with sequential
scans priced out), which is what breaks when the filter's SQL and the index's expression part."""

import pytest
from django.db import connection, transaction

from accounts.filters import InventoryFilter
from accounts.models import SocialAccount
from tests.factories import UnitFactory, platform

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"),
]
INDEXES = {"accounts_name_trgm", "accounts_handle_trgm", "accounts_url_trgm", "accounts_name_id"}


@pytest.fixture
def accounts():
    unit, instagram = UnitFactory(), platform()
    SocialAccount.objects.bulk_create(
        SocialAccount(name=f"KI account {k}", handle=f"ki{k}", platform=instagram, unit=unit, purpose="x")
        for k in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_socialaccount")


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'accounts_socialaccount'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= INDEXES


@pytest.mark.usefixtures("accounts")
def test_the_search_uses_the_trigram_indexes():
    searched = InventoryFilter({"q": "ki42"}, queryset=SocialAccount.objects.all()).qs
    text = plan(searched.order_by())  # as the page's count asks it
    assert "Seq Scan on accounts_socialaccount" not in text, text
    assert {"accounts_name_trgm", "accounts_handle_trgm", "accounts_url_trgm"} <= set(text.split()), text
    assert sorted(searched.values_list("handle", flat=True)) == ["ki42"]


@pytest.mark.usefixtures("accounts")
def test_a_page_of_the_inventory_reads_the_name_index():
    text = plan(SocialAccount.objects.order_by("name", "id")[:25])
    assert "accounts_name_id" in text and "Sort" not in text, text


@pytest.mark.usefixtures("accounts")
def test_the_inventory_sorted_by_unit_walks_the_units_name_index():
    """Sorted by unit, a page walks the units by name (org migration 0008) and each unit's
    accounts through the unit index, instead of sorting every account (issue 12)."""
    UnitFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_unit")
    accounts = SocialAccount.objects.select_related("platform", "unit")
    page = InventoryFilter({"sort": "unit"}, queryset=accounts).qs[:25]
    text = plan(page)
    assert "org_unit_name" in text, text
    assert [line for line in text.splitlines() if "Sort" in line and "Incremental" not in line] == [], text


@pytest.mark.usefixtures("accounts")
def test_a_todo_section_reads_the_updated_index():
    """The to-do sections' first entries, ordered by (updated_at, id), are the first rows of
    accounts_updated_id (accounts migration 0008), not a sort of every matching account (issue 12)."""
    text = plan(SocialAccount.objects.order_by("updated_at", "id")[:10])
    assert "accounts_updated_id" in text and "Sort" not in text, text
