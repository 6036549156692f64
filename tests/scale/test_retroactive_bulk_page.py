"""Query-count guard for the bulk retroactive approval page (issue 13): at 30 and at 75 accounts
awaiting the manager's approval (more than a page, each with its own owner and deputy), the page
runs the same queries and is no longer (tests/scale/bounded.py)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.scale.bounded import assert_bounded

pytestmark = pytest.mark.django_db


def test_the_bulk_retroactive_approval_page(client, evidence_account, manager):
    unit = evidence_account.unit

    def grow(n):
        for _ in range(n):
            factories.staffed_account(unit=unit, origin="import")

    grow(30)
    client.force_login(manager)
    for query in ("", "?page=2"):
        assert_bounded(client, reverse("approvals:retroactive-bulk") + query, lambda: grow(45))
