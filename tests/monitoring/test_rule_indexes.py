"""The rules' queries and their indexes on PostgreSQL (issue 12, item 5: the sweep).
bench/sweep.py --explain shows the plans at 100 000 accounts; here the planner is asked, with
sequential and bitmap scans and hashing priced out, which index it reads: what breaks when a
query names a column the index does not hold, or a second index competes for the same lookups."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import SenderCheck
from accounts.models import SenderConfirmation
from monitoring.rules import RULES
from tests import factories
from tests.monitoring.helpers import DAY, compliant_account
from tests.monitoring.test_rules import NOW

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL"),
]


def plans(rule_id: str) -> list[str]:
    """EXPLAIN of every query the rule runs at NOW."""
    with CaptureQueriesContext(connection) as captured:
        RULES[rule_id].violators(NOW)
    out = []
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows would be read whole and hashed: price that out, as at 100 000 accounts.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashagg"):
            cursor.execute(f"SET LOCAL {setting} = off")
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            out.append("\n".join(row[0] for row in cursor.fetchall()))
    return out


def test_the_sender_confirmations_account_has_one_index_the_rule_reads_alone():
    """SEND-1, SEND-2, INF-1 (sender-unverified): the confirmations of the window grouped by account
    come from accounts_sender_latest (account, item, confirmed_at) alone, in its order: no read of
    the table, no sort (docs/performance.md, change 14). The foreign key has no index of its own
    that the planner would read the table through instead (accounts migration 0020)."""
    for k in range(20):
        account = compliant_account(NOW)
        factories.SenderConfirmationFactory(account=account, item=SenderCheck.LOGO, confirmed_at=NOW - k * DAY)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_senderconfirmation")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [SenderConfirmation._meta.db_table])
        on_account = [d for (d,) in cursor.fetchall() if "(account_id" in d]

    assert len(on_account) == 1 and "accounts_sender_latest" in on_account[0], on_account
    grouped = plans("sender-unverified")[0]
    assert "Index Only Scan using accounts_sender_latest" in grouped, grouped
    assert "Sort" not in grouped, grouped
    assert RULES["sender-unverified"].violators(NOW) == set()
