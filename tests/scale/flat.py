"""The one query-count guard for list pages (issue 12): a page's queries, its size and its rows
must not grow with the data behind it.

``assert_flat(client, url, grow)`` requests ``url``, calls ``grow()`` (which adds data the page
would show: more accounts, more records, more people), requests it again (each time once to warm
what is kept per process, then measured), and asserts that

- the two responses answer 200,
- they ran the same number of queries (the count is asserted, not merely bounded), and
- the second response is no larger than ``max_bytes``.

Use it with a ``grow`` that at least doubles what the page lists, so that a page that loops over
its rows (N+1) or lists everything at once fails.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

MAX_HTML_BYTES = 200_000


def measure(client, url: str) -> tuple[int, int, list[str]]:
    """Status, queries and body size of one GET (the body is read, streamed or not)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), len(body), [q["sql"] for q in captured.captured_queries]


def assert_flat(client, url: str, grow, *, max_bytes: int = MAX_HTML_BYTES) -> tuple[int, int]:
    """Assert that ``url`` runs as many queries after ``grow()`` as before; return (queries, bytes)."""
    measure(client, url)  # warm the per-process caches (content types, site, platforms)
    before, _, before_sql = measure(client, url)
    grow()
    # Warm again: what a page keeps while the unit tree is unchanged (org.unit_cache: the unit
    # filters' options, the directory's units) is made once more after grow() adds units.
    measure(client, url)
    after, size, after_sql = measure(client, url)
    assert after == before, f"{url}: {before} queries before growing, {after} after\n" + "\n".join(
        sql for sql in after_sql if sql not in before_sql
    )
    assert size <= max_bytes, f"{url}: {size} bytes after growing (limit {max_bytes})"
    return after, size
