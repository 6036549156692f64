"""The account page's "Seen on the platform" panel (issue 17), added through accounts.extensions."""

from watching.collectors import is_manual, watched_through
from watching.models import Observation


def observation_panel(request, account):
    """What the collector last saw of the public profile, or that the platform is watched by hand.
    The account page itself is scoped to its user: whoever sees the account sees the panel."""
    platform = account.platform
    if not platform.collector:
        return None
    observation = Observation.objects.filter(account=account).first()
    manual = is_manual(platform)  # a collector that needs a token (or a setting) it does not have
    return "watching/includes/_observation_panel.html", {
        "observation": observation,
        "manual": manual,
        "platform": platform,
        "watched_through": watched_through(platform),  # "Watched through the X API." (issue 17)
    }
