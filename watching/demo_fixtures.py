"""The demo's public sources (issue 17): what `manage.py serve_watch_fixtures` serves on
127.0.0.1, and which demo accounts read from it (demo.builders.watching points them there).

- the KI YouTube channel: its latest post (a few days ago) and a bio naming KI; its start page is
  the one seed_demo captures with Chromium (CAPTURED);
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
# The profile whose start page the demo captures (demo.builders.captures): its screenshot is overdue.
CAPTURED = "https://youtube.com/@karolinskainstitutet"

# The body of KI's channel page, for the start-page capture to show something of a profile.
KI_BODY = """<body style="margin:0;font-family:sans-serif;background:#fff;color:#0f0f0f">
<header style="background:#4f0433;color:#fff;padding:48px 32px"><h1 style="margin:0">Karolinska Institutet</h1>
<p>@karolinskainstitutet · 412 videos</p></header>
<main style="padding:24px 32px"><p>Karolinska Institutet, a medical university in Stockholm. ki.se</p>
<h2>Videos</h2><ul><li>Nobel Prize in Physiology or Medicine: the announcement</li>
<li>Research on the brain: Hjärnans dag</li><li>Study at KI</li></ul></main></body>"""


def demo_routes(today: datetime.date) -> dict:
    latest = today - datetime.timedelta(days=4)
    table = {}
    table.update(routes.youtube(latest))
    status, headers, page = table.pop("/@karolinska")
    page = page.replace("<body><h1>Karolinska Institutet</h1></body>", KI_BODY)
    table["/@karolinskainstitutet"] = (status, headers, page)
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
