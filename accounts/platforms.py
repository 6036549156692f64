"""The platform catalogue's first rows (issue 14). The catalogue is data: the Platform table, which
comms edit on the platform pages (accounts.platform_views) and accounts.urlparse reads. This module
only seeds it: migration 0002 made the rows, 0009_platforms_catalogue filled in their address rules
(host names, the built-in rule that reads a handle from a path, an example address each) and facts.

The migrations call these functions with their historical Platform model, so they write only
plain fields and must stay compatible with those migrations.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformSpec:
    """The first catalogue row of one social media platform."""

    slug: str
    name: str
    # Bare registrable hosts; a platform owns these and their subdomains.
    domains: tuple[str, ...]
    can_disable_comments: bool
    has_description: bool
    # (address, the handle it must give): stored with the rule, checked whenever it is saved.
    example: tuple[str, str] | None = None
    # REC-2: whether what is published stays searchable and retrievable on the platform.
    content_retrievable: bool = True
    # The built-in address rule (accounts.urlrules.RULES, or "mastodon" for any /@user host).
    builtin_rule: str | None = None  # None: the slug's own rule

    @property
    def rule(self) -> str:
        return self.slug if self.builtin_rule is None else self.builtin_rule


PLATFORMS: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        "facebook",
        "Facebook",
        ("facebook.com", "fb.com"),
        True,
        True,
        ("https://www.facebook.com/karolinskainstitutet", "karolinskainstitutet"),
    ),
    PlatformSpec(
        "instagram",
        "Instagram",
        ("instagram.com",),
        True,
        True,
        ("https://www.instagram.com/karolinskainstitutet/", "karolinskainstitutet"),
    ),
    PlatformSpec(
        "linkedin",
        "LinkedIn",
        ("linkedin.com",),
        True,
        True,
        ("https://www.linkedin.com/school/karolinska-institutet/", "school/karolinska-institutet"),
    ),
    # X cannot switch replies off entirely, but can limit who may reply.
    PlatformSpec("x", "X", ("x.com", "twitter.com"), True, True, ("https://x.com/karolinskainst", "karolinskainst")),
    # youtu.be only carries video links, never profiles, so it is not listed.
    PlatformSpec(
        "youtube",
        "YouTube",
        ("youtube.com",),
        True,
        True,
        ("https://www.youtube.com/@KarolinskaInstitutet", "@karolinskainstitutet"),
    ),
    PlatformSpec(
        "tiktok",
        "TikTok",
        ("tiktok.com",),
        True,
        True,
        ("https://www.tiktok.com/@karolinskainstitutet", "@karolinskainstitutet"),
    ),
    # Bluesky threadgates let the author restrict or switch off replies.
    PlatformSpec("bluesky", "Bluesky", ("bsky.app",), True, True, ("https://bsky.app/profile/ki.se", "ki.se")),
    # Any host: recognised by a /@user path when no other platform matched.
    PlatformSpec(
        "mastodon", "Mastodon", (), False, True, ("https://mastodon.social/@karolinska", "karolinska@mastodon.social")
    ),
    PlatformSpec(
        "threads",
        "Threads",
        ("threads.com", "threads.net"),
        True,
        True,
        ("https://www.threads.net/@karolinskainstitutet", "@karolinskainstitutet"),
    ),
    PlatformSpec(
        "vimeo", "Vimeo", ("vimeo.com",), True, True, ("https://vimeo.com/karolinskainstitutet", "karolinskainstitutet")
    ),
    # Flickr can restrict who may comment, but not switch comments off.
    PlatformSpec(
        "flickr",
        "Flickr",
        ("flickr.com",),
        False,
        True,
        ("https://www.flickr.com/photos/karolinskainstitutet/", "karolinskainstitutet"),
    ),
    PlatformSpec(
        "pinterest",
        "Pinterest",
        ("pinterest.com", "pinterest.se"),
        True,
        True,
        ("https://www.pinterest.com/karolinska/", "karolinska"),
    ),
    # Uncertain: only Spotlight comments can be switched off, per post. Snaps and stories
    # disappear: the platform keeps no retrievable archive of them (REC-2).
    PlatformSpec(
        "snapchat",
        "Snapchat",
        ("snapchat.com",),
        True,
        True,
        ("https://www.snapchat.com/add/KarolinskaSnap", "karolinskasnap"),
        content_retrievable=False,
    ),
    # Uncertain: podcast comments are newer and can be switched off per show.
    PlatformSpec(
        "spotify",
        "Spotify",
        ("spotify.com",),
        True,
        True,
        ("https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk", "show/4rOoJ6Egrf8K2IrywzwOMk"),
    ),
    PlatformSpec(
        "soundcloud", "SoundCloud", ("soundcloud.com",), True, True, ("https://soundcloud.com/karolinska", "karolinska")
    ),
    # Moderators can lock posts, which switches comments off.
    PlatformSpec(
        "reddit",
        "Reddit",
        ("reddit.com",),
        True,
        True,
        ("https://www.reddit.com/r/KarolinskaInstitutet/", "r/karolinskainstitutet"),
    ),
    # Uncertain: "comments" means issues/discussions, which can be locked or off.
    PlatformSpec(
        "github",
        "GitHub",
        ("github.com",),
        True,
        True,
        ("https://github.com/KarolinskaInstitutet", "karolinskainstitutet"),
    ),
    PlatformSpec(
        "weibo", "Weibo", ("weibo.com", "weibo.cn"), True, True, ("https://weibo.com/u/1234567890", "u/1234567890")
    ),
    # No address rule: WeChat official accounts have no public profile address; an account is
    # recorded by its WeChat ID (the "address without handle" form).
    PlatformSpec("wechat", "WeChat", (), True, True, None, builtin_rule=""),
)

PLATFORM_BY_SLUG: dict[str, PlatformSpec] = {p.slug: p for p in PLATFORMS}

# What a platform without an address rule calls its accounts' identifier.
IDENTIFIER_LABELS = {"wechat": "WeChat ID"}


def platforms_sync(platform_model) -> int:
    """Make the Platform table hold every seeded platform (idempotent). Takes the model so that
    data migrations can pass their historical one (0002 knows only these four fields)."""
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


def platforms_catalogue_fill(platform_model) -> int:
    """Give the seeded rows their address rules and REC-2 fact (migration 0009): behaviour for every
    address is what the code rules gave before the catalogue became data. Rows comms added or
    changed are left alone (only empty address rules are filled)."""
    filled = 0
    for spec in PLATFORMS:
        filled += platform_model.objects.filter(slug=spec.slug, builtin_rule="", handle_pattern="").update(
            domains=list(spec.domains),
            builtin_rule=spec.rule,
            examples=[list(spec.example)] if spec.example else [],
            content_retrievable=spec.content_retrievable,
            identifier_label=IDENTIFIER_LABELS.get(spec.slug, ""),
        )
    return filled
