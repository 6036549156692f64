"""The demo's public sources (issue 17): what `manage.py serve_watch_fixtures` serves on
127.0.0.1, and which demo accounts read from it (demo.builders.watching points them there).

- the KI YouTube channel: its latest post (a few days ago) and a bio naming KI;
- Hjärnans dag's YouTube channel: a bio that does not name KI (sender-drift);
- KI Student Life's TikTok profile was renamed: 404 (profile-unreachable);
- Bluesky ki.se through WATCHING_BLUESKY_API pointed at the same server: latest post, KI bio.
"""

import datetime

from watching import fixture_routes as routes

PORT = 8765
HOST = f"127.0.0.1:{PORT}"
# Demo account's profile address (as the registry normalises it) -> its path on the fixture server.
PATHS = {
    "https://youtube.com/@karolinskainstitutet": "/@karolinskainstitutet",
    "https://youtube.com/@hjarnansdag": "/@hjarnansdag",
    "https://tiktok.com/@kistudentlife": "/@kistudentlife",
}


def demo_routes(today: datetime.date) -> dict:
    latest = today - datetime.timedelta(days=4)
    table = {}
    table.update(routes.youtube(latest))
    table["/@karolinskainstitutet"] = table.pop("/@karolinska")
    table["/@hjarnansdag"] = (
        200,
        routes.HTML,
        routes.fill("channel_page.html")
        .replace(
            "Karolinska Institutet, a medical university in Stockholm. ki.se", "Hjärnans dag: a day about the brain."
        )
        .replace("UCfixtureKarolinska00", "UCfixtureHjarnansdag0"),
    )
    table.update(routes.bluesky("ki.se", today - datetime.timedelta(days=1)))
    # /@kistudentlife is not served: the profile was renamed (404).
    return table
