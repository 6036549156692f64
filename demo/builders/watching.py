"""Demo data for watching (issue 17): three demo accounts read their public profile from the local
fixture server (`manage.py serve_watch_fixtures`, watching.demo_fixtures) instead of the real
platform, so that `manage.py collect_profiles --sweep` fills in their latest post, opens
profile-unreachable for the renamed TikTok profile and sender-drift for the bio without KI.
The address is history written directly, like the demo's activation dates."""

from accounts.models import SocialAccount
from watching.demo_fixtures import HOST, PATHS


def point_at_fixtures() -> int:
    """Repoint the demo accounts of watching.demo_fixtures.PATHS; returns how many."""
    moved = 0
    for url, path in PATHS.items():
        moved += SocialAccount.objects.filter(url=url).update(url=f"http://{HOST}{path}")
    return moved
