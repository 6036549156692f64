"""The demo's public sources (issue 17): what `manage.py serve_watch_fixtures` serves on
127.0.0.1, and which demo accounts read from it (demo.builders.watching points them there).

- the KI YouTube channel: its latest post (a few days ago) and a bio naming KI; its start page is
  the one seed_demo captures with Chromium (CAPTURED);
- Hjärnans dag's YouTube channel: a bio that does not name KI (sender-drift);
- KI Student Life's TikTok profile was renamed: 404 (profile-unreachable);
- Bluesky ki.se through WATCHING_BLUESKY_API pointed at the same server: latest post, KI bio;
- X and LinkedIn through their APIs (WATCHING_X_API, WATCHING_LINKEDIN_API pointed at the same
  server, any WATCHING_TOKEN_X / WATCHING_TOKEN_LINKEDIN): KI's own X account and LinkedIn page
  with their latest post two and three days ago, the demo's other X and LinkedIn accounts a week
  ago. Facebook and Instagram stay manual (no Meta token in the demo): "needs an access token".
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


# The demo's X accounts and LinkedIn pages (demo.builders.accounts): KI's own first.
X_HANDLES = ("karolinskainst", "medsolna", "kicardiology", "neuroscienceki", "mmc_ki", "kihealthcrises", "cimed_ki")
LINKEDIN_PAGES = (
    "karolinska-institutet",
    "meds-solna",
    "ki-clinical-epidemiology",
    "lime-ki",
    "ki-health-crises",
    "cimed-ki",
)
DEMO_TOKEN = "demo-fixture-token"  # what the demo sets WATCHING_TOKEN_X / WATCHING_TOKEN_LINKEDIN to


def api_routes(today: datetime.date) -> dict:
    """The X API and LinkedIn API answers for the demo's accounts on those platforms."""
    table = {}
    for number, handle in enumerate(X_HANDLES):
        latest = today - datetime.timedelta(days=2 if number == 0 else 7)
        name = "Karolinska Institutet" if number == 0 else f"{handle} at Karolinska Institutet"
        table.update(routes.x_api(handle, latest, user_id=str(2244994945 + number), name=name))
    for number, vanity in enumerate(LINKEDIN_PAGES):
        latest = today - datetime.timedelta(days=3 if number == 0 else 7)
        table.update(routes.linkedin(vanity, latest, organization_id=5515715 + number))
    return table


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
    table.update(api_routes(today))
    # /@kistudentlife is not served: the profile was renamed (404).
    return table
