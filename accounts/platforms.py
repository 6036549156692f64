from accounts.urlparse import PLATFORMS


def platforms_sync(platform_model) -> int:
    """Make the Platform table hold every platform the URL recogniser knows (idempotent).
    Takes the model so that data migrations can pass their historical one."""
    for spec in PLATFORMS:
        platform_model.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "can_disable_comments": spec.can_disable_comments,
                "has_description": spec.has_description,
            },
        )
    return len(PLATFORMS)
