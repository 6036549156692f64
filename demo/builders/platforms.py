"""Demo data for the platform catalogue (issue 14): what KI has checked before using each platform
(terms of service, where data is processed, third-country transfer, the data-protection
assessment) and when the entry was last reviewed — one review overdue, so that the communications
department's queue and the weekly digest show platform-review-overdue. Written through
accounts.platform_services as comms would; a platform already reviewed is left alone."""

import datetime

from accounts.models import Platform, ThirdCountry
from accounts.platform_services import platform_update

# slug -> (where data is processed, transferred to a third country)
FACTS = {
    "facebook": ("USA och EU (Meta Platforms)", ThirdCountry.YES),
    "instagram": ("USA och EU (Meta Platforms)", ThirdCountry.YES),
    "threads": ("USA och EU (Meta Platforms)", ThirdCountry.YES),
    "linkedin": ("USA och Irland (Microsoft)", ThirdCountry.YES),
    "x": ("USA", ThirdCountry.YES),
    "youtube": ("USA och EU (Google)", ThirdCountry.YES),
    "tiktok": ("Singapore, USA och Irland", ThirdCountry.YES),
    "bluesky": ("USA", ThirdCountry.YES),
    "mastodon": ("Serverns land (EU för de servrar KI använder)", ThirdCountry.NO),
    "weibo": ("Kina", ThirdCountry.YES),
    "wechat": ("Kina", ThirdCountry.YES),
}
# This platform's yearly review is overdue in the demo.
OVERDUE = "tiktok"


def build_platform_reviews(actor, today: datetime.date) -> int:
    """Review facts for every platform not reviewed yet; returns how many were written."""
    written = 0
    for i, platform in enumerate(Platform.objects.filter(reviewed_on__isnull=True).order_by("pk")):
        reviewed = today - datetime.timedelta(days=400 if platform.slug == OVERDUE else 20 + 9 * i)
        location, transfer = FACTS.get(platform.slug, ("", ThirdCountry.UNKNOWN))
        platform_update(
            actor=actor,
            platform_id=platform.pk,
            reviewed_on=reviewed,
            tos_reviewed_on=reviewed,
            tos_reviewed_by=actor,
            data_location=location,
            third_country_transfer=transfer,
            dpia_url=f"https://medarbetare.ki.se/dataskydd/konsekvensbedomning/{platform.slug}"
            if transfer == ThirdCountry.YES
            else "",
        )
        written += 1
    return written
