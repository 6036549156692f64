"""assert_flat, and also that the page did not get longer: a page that shows every row runs the
same queries and can stay under 200 KB at test sizes, but it grows with the data. Start from more
rows than a page shows; then the page after growing may differ only by its numbers."""

from tests.scale.flat import assert_flat, measure

# Slack for what may differ after growing: counts, page numbers, "All 70" links.
SLACK_BYTES = 1_000


def assert_bounded(client, url: str, grow) -> tuple[int, int]:
    """assert_flat(client, url, grow), and the page is no longer afterwards (within SLACK_BYTES)."""
    measure(client, url)  # warm the per-process caches
    _queries, before, _sql = measure(client, url)
    queries, after = assert_flat(client, url, grow)
    assert after <= before + SLACK_BYTES, f"{url}: {before} bytes before growing, {after} after"
    return queries, after
