"""The account page's "Seen on the platform" panel (issue 17), added through accounts.extensions."""

from accounts.choices import CollectorKind
from watching.collectors import token_for
from watching.models import Observation


def observation_panel(request, account):
    """What the collector last saw of the public profile, or that the platform is watched by hand.
    The account page itself is scoped to its user: whoever sees the account sees the panel."""
    platform = account.platform
    if not platform.collector:
        return None
    observation = Observation.objects.filter(account=account).first()
    manual = platform.collector == CollectorKind.MANUAL and not token_for(platform)
    return "watching/includes/_observation_panel.html", {
        "observation": observation,
        "manual": manual,
        "platform": platform,
    }
