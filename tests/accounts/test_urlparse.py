"""Tests for accounts.urlparse: recognising profile addresses and handles.

The address rules are rows of the platform catalogue (issue 14), seeded from accounts.platforms by
migrations: every address here reads from the table as it did from the code before."""

import pytest
from django.utils import translation

from accounts.platforms import PLATFORM_BY_SLUG, PLATFORMS, PlatformSpec
from accounts.urlparse import (
    Recognised,
    UnrecognisedURL,
    canonical_url,
    recognise,
)

pytestmark = pytest.mark.django_db

SPOTIFY_ID = "4rOoJ6Egrf8K2IrywzwOMk"
YOUTUBE_CHANNEL = "UCa7Yd6Ww1dOEmTfjHcl0Mpw"

# (url, platform, handle, canonical url) -- at least one per recognisable platform.
TYPICAL = [
    (
        "https://www.facebook.com/karolinskainstitutet",
        "facebook",
        "karolinskainstitutet",
        "https://facebook.com/karolinskainstitutet",
    ),
    (
        "https://www.facebook.com/profile.php?id=100064428&sk=about",
        "facebook",
        "id:100064428",
        "https://facebook.com/profile.php?id=100064428",
    ),
    (
        "https://www.facebook.com/pages/Karolinska-Institutet/123456789",
        "facebook",
        "id:123456789",
        "https://facebook.com/profile.php?id=123456789",
    ),
    (
        "https://www.facebook.com/groups/KIAlumni/",
        "facebook",
        "groups/kialumni",
        "https://facebook.com/groups/kialumni",
    ),
    (
        "https://www.instagram.com/karolinskainstitutet/",
        "instagram",
        "karolinskainstitutet",
        "https://instagram.com/karolinskainstitutet",
    ),
    (
        "https://www.linkedin.com/school/karolinska-institutet/",
        "linkedin",
        "school/karolinska-institutet",
        "https://linkedin.com/school/karolinska-institutet",
    ),
    (
        "https://www.linkedin.com/company/karolinska-institutet/posts/",
        "linkedin",
        "company/karolinska-institutet",
        "https://linkedin.com/company/karolinska-institutet",
    ),
    (
        "https://www.linkedin.com/showcase/ki-research",
        "linkedin",
        "showcase/ki-research",
        "https://linkedin.com/showcase/ki-research",
    ),
    (
        "https://www.linkedin.com/in/Jane-Doe-123",
        "linkedin",
        "in/jane-doe-123",
        "https://linkedin.com/in/jane-doe-123",
    ),
    (
        "https://x.com/karolinskainst",
        "x",
        "karolinskainst",
        "https://x.com/karolinskainst",
    ),
    (
        "https://twitter.com/karolinskainst/status/1234567890",
        "x",
        "karolinskainst",
        "https://x.com/karolinskainst",
    ),
    (
        "https://www.youtube.com/@KarolinskaInstitutet",
        "youtube",
        "@karolinskainstitutet",
        "https://youtube.com/@karolinskainstitutet",
    ),
    (
        f"https://www.youtube.com/channel/{YOUTUBE_CHANNEL}",
        "youtube",
        f"channel/{YOUTUBE_CHANNEL}",
        f"https://youtube.com/channel/{YOUTUBE_CHANNEL}",
    ),
    (
        "https://www.youtube.com/c/KarolinskaInstitutet",
        "youtube",
        "c/karolinskainstitutet",
        "https://youtube.com/c/karolinskainstitutet",
    ),
    (
        "https://www.youtube.com/user/karolinskainst",
        "youtube",
        "user/karolinskainst",
        "https://youtube.com/user/karolinskainst",
    ),
    (
        "https://www.tiktok.com/@karolinskainstitutet",
        "tiktok",
        "@karolinskainstitutet",
        "https://tiktok.com/@karolinskainstitutet",
    ),
    (
        "https://bsky.app/profile/ki.se",
        "bluesky",
        "ki.se",
        "https://bsky.app/profile/ki.se",
    ),
    (
        "https://bsky.app/profile/did:plc:abc123xyz",
        "bluesky",
        "did:plc:abc123xyz",
        "https://bsky.app/profile/did:plc:abc123xyz",
    ),
    (
        "https://mastodon.social/@karolinska",
        "mastodon",
        "karolinska@mastodon.social",
        "https://mastodon.social/@karolinska",
    ),
    (
        "https://www.threads.net/@karolinskainstitutet",
        "threads",
        "@karolinskainstitutet",
        "https://threads.com/@karolinskainstitutet",
    ),
    (
        "https://vimeo.com/karolinskainstitutet",
        "vimeo",
        "karolinskainstitutet",
        "https://vimeo.com/karolinskainstitutet",
    ),
    (
        "https://www.flickr.com/photos/karolinskainstitutet/",
        "flickr",
        "karolinskainstitutet",
        "https://flickr.com/photos/karolinskainstitutet",
    ),
    (
        "https://www.flickr.com/people/12345678@N02/",
        "flickr",
        "12345678@N02",
        "https://flickr.com/photos/12345678@N02",
    ),
    (
        "https://www.pinterest.com/karolinska/",
        "pinterest",
        "karolinska",
        "https://pinterest.com/karolinska",
    ),
    (
        "https://www.snapchat.com/add/KarolinskaSnap",
        "snapchat",
        "karolinskasnap",
        "https://snapchat.com/add/karolinskasnap",
    ),
    (
        f"https://open.spotify.com/show/{SPOTIFY_ID}",
        "spotify",
        f"show/{SPOTIFY_ID}",
        f"https://open.spotify.com/show/{SPOTIFY_ID}",
    ),
    (
        "https://soundcloud.com/karolinska",
        "soundcloud",
        "karolinska",
        "https://soundcloud.com/karolinska",
    ),
    (
        "https://www.reddit.com/r/KarolinskaInstitutet/",
        "reddit",
        "r/karolinskainstitutet",
        "https://reddit.com/r/karolinskainstitutet",
    ),
    (
        "https://www.reddit.com/user/KI_official",
        "reddit",
        "u/ki_official",
        "https://reddit.com/user/ki_official",
    ),
    (
        "https://github.com/KarolinskaInstitutet",
        "github",
        "karolinskainstitutet",
        "https://github.com/karolinskainstitutet",
    ),
    (
        "https://weibo.com/u/1234567890",
        "weibo",
        "u/1234567890",
        "https://weibo.com/u/1234567890",
    ),
    (
        "https://weibo.com/karolinska",
        "weibo",
        "karolinska",
        "https://weibo.com/karolinska",
    ),
]


@pytest.mark.parametrize(("url", "platform", "handle", "canonical"), TYPICAL)
def test_typical_profile_urls(url, platform, handle, canonical):
    """A typical profile address of each platform yields its platform, handle and URL."""
    assert recognise(url) == Recognised(platform=platform, handle=handle, url=canonical)


@pytest.mark.parametrize(("url", "platform", "handle", "canonical"), TYPICAL)
def test_canonical_url_round_trips(url, platform, handle, canonical):
    """Recognising the canonical URL gives back the same result."""
    assert canonical_url(platform, handle) == canonical
    assert recognise(canonical) == recognise(url)


def test_every_recognisable_platform_has_a_typical_example():
    """Every platform with URL recognition is covered by TYPICAL."""
    covered = {platform for _url, platform, _handle, _canonical in TYPICAL}
    assert covered == {p.slug for p in PLATFORMS} - {"wechat"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Case of host and handle.
        (
            "HTTPS://WWW.INSTAGRAM.COM/KarolinskaInstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        # Trailing slashes, doubled slashes.
        (
            "https://instagram.com/karolinskainstitutet///",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "https://instagram.com//karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        # Missing scheme, http, protocol-relative, surrounding whitespace.
        ("instagram.com/karolinskainstitutet", ("instagram", "karolinskainstitutet")),
        (
            "www.instagram.com/karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "http://instagram.com/karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        ("//instagram.com/karolinskainstitutet", ("instagram", "karolinskainstitutet")),
        (
            "  https://instagram.com/karolinskainstitutet \n",
            ("instagram", "karolinskainstitutet"),
        ),
        # Default port and trailing dot in the host.
        (
            "https://instagram.com:443/karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "https://instagram.com./karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        # Mobile and web front-ends.
        (
            "https://m.facebook.com/karolinskainstitutet",
            ("facebook", "karolinskainstitutet"),
        ),
        (
            "https://web.facebook.com/karolinskainstitutet",
            ("facebook", "karolinskainstitutet"),
        ),
        ("https://mobile.twitter.com/karolinskainst", ("x", "karolinskainst")),
        (
            "https://m.youtube.com/@karolinskainstitutet",
            ("youtube", "@karolinskainstitutet"),
        ),
        ("https://fb.com/karolinskainstitutet", ("facebook", "karolinskainstitutet")),
        # Tracking parameters and fragments are dropped.
        (
            "https://www.instagram.com/karolinskainstitutet/?igshid=MzRlODBiNWFlZA==",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "https://www.facebook.com/karolinskainstitutet?fbclid=IwAR0abc",
            ("facebook", "karolinskainstitutet"),
        ),
        (
            "https://linkedin.com/school/ki/?utm_source=news&utm_medium=email",
            ("linkedin", "school/ki"),
        ),
        (
            f"https://open.spotify.com/show/{SPOTIFY_ID}?si=a1b2c3d4",
            ("spotify", f"show/{SPOTIFY_ID}"),
        ),
        ("https://x.com/karolinskainst?ref=ki.se#top", ("x", "karolinskainst")),
        (
            "https://github.com/karolinskainstitutet#readme",
            ("github", "karolinskainstitutet"),
        ),
        # Percent-encoding in the path.
        (
            "https://instagram.com/karolinska%69nstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "https://www.youtube.com/%40karolinskainstitutet",
            ("youtube", "@karolinskainstitutet"),
        ),
        # Locale subdomains.
        (
            "https://se.linkedin.com/school/karolinska-institutet",
            ("linkedin", "school/karolinska-institutet"),
        ),
        (
            "https://sv-se.facebook.com/karolinskainstitutet",
            ("facebook", "karolinskainstitutet"),
        ),
        ("https://se.pinterest.com/karolinska", ("pinterest", "karolinska")),
        (
            "https://open.spotify.com/intl-sv/show/" + SPOTIFY_ID,
            ("spotify", f"show/{SPOTIFY_ID}"),
        ),
        # Other accepted variants.
        ("https://x.com/@karolinskainst", ("x", "karolinskainst")),
        (
            "https://www.youtube.com/KarolinskaInstitutet",
            ("youtube", "c/karolinskainstitutet"),
        ),
        (
            "https://www.youtube.com/@KarolinskaInstitutet/videos",
            ("youtube", "@karolinskainstitutet"),
        ),
        ("https://www.tiktok.com/@ki/video/7234?lang=sv", ("tiktok", "@ki")),
        ("https://bsky.app/profile/KI.se/post/3kabc", ("bluesky", "ki.se")),
        ("https://old.reddit.com/r/sweden", ("reddit", "r/sweden")),
        ("https://reddit.com/u/KI_official", ("reddit", "u/ki_official")),
        (
            "https://github.com/orgs/KarolinskaInstitutet/people",
            ("github", "karolinskainstitutet"),
        ),
        ("https://m.weibo.cn/profile/1234567890", ("weibo", "u/1234567890")),
        ("https://weibo.com/1234567890", ("weibo", "u/1234567890")),
        ("https://www.snapchat.com/@KarolinskaSnap", ("snapchat", "karolinskasnap")),
        (
            "https://www.instagram.com/_u/karolinskainstitutet",
            ("instagram", "karolinskainstitutet"),
        ),
        (
            "https://mastodon.social/@Karolinska/111222333",
            ("mastodon", "karolinska@mastodon.social"),
        ),
        (
            "https://mastodon.social/@ki@social.example.se",
            ("mastodon", "ki@social.example.se"),
        ),
        (
            "https://www.facebook.com/people/Jane-Doe/100012345",
            ("facebook", "id:100012345"),
        ),
    ],
)
def test_normalisation(url, expected):
    """Address variants are normalised to the expected platform and handle."""
    result = recognise(url)
    assert (result.platform, result.handle) == expected


def test_case_sensitive_ids_keep_their_case():
    """YouTube channel ids and Spotify show ids keep their case; other handles are lowercased."""
    assert recognise(f"https://youtube.com/channel/{YOUTUBE_CHANNEL}").handle == (f"channel/{YOUTUBE_CHANNEL}")
    assert recognise(f"https://open.spotify.com/show/{SPOTIFY_ID}").handle == (f"show/{SPOTIFY_ID}")
    assert recognise("https://instagram.com/KI").handle == "ki"


@pytest.mark.parametrize(
    "variants",
    [
        [
            "https://www.instagram.com/karolinskainstitutet/",
            "http://instagram.com/KarolinskaInstitutet",
            "instagram.com/karolinskainstitutet?igshid=abc123",
            "https://m.instagram.com/karolinskainstitutet#posts",
            "  https://INSTAGRAM.com/karolinska%49nstitutet//  ",
        ],
        [
            "https://www.linkedin.com/school/karolinska-institutet/",
            "https://se.linkedin.com/school/Karolinska-Institutet",
            "linkedin.com/school/karolinska-institutet/?originalSubdomain=se",
            "https://www.linkedin.com/school/karolinska-institutet/people/",
        ],
        [
            "https://twitter.com/karolinskainst",
            "https://x.com/KarolinskaInst?s=21&t=abc",
            "https://mobile.twitter.com/karolinskainst/status/1?ref_src=twsrc",
            "x.com/@karolinskainst",
        ],
        [
            "https://www.facebook.com/profile.php?id=100064428",
            "https://m.facebook.com/profile.php?id=100064428&fbclid=abc",
            "https://www.facebook.com/pages/Karolinska/100064428",
        ],
        [
            "https://www.threads.net/@karolinskainstitutet",
            "https://threads.com/@KarolinskaInstitutet?xmt=abc",
        ],
    ],
)
def test_variants_are_equivalent(variants):
    """Several ways of writing the same profile give the same Recognised."""
    results = {recognise(url) for url in variants}
    assert len(results) == 1


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "not a url",
        "karolinskainstitutet",
        "@karolinskainstitutet",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:info@ki.se",
        "ftp://instagram.com/karolinskainstitutet",
        "file:///etc/passwd",
        "https:instagram.com/karolinskainstitutet",
        "https://example.com/foo",
        "https://ki.se/",
        "https://localhost/@ki",
        "https://192.168.0.1/@ki",
        "https://medium.com/@karolinska",
        "https://instagram.com:8080/karolinskainstitutet",
        "https://user:secret@instagram.com/karolinskainstitutet",
        "https://user@instagram.com/karolinskainstitutet",
        "https://instagram.com/" + "a" * 3000,
        "https://instagram.com/karolinska institutet",
        "https://instagram.com/karolinska%20institutet",
        "https://instagram.com/karolinska%3Cscript%3E",
        "https://instagram.com/k%C3%A4rolinska",
        "https://instagram.com/%FF",
        "https://instagram.com/..",
        # Empty handles / home pages.
        "https://instagram.com/",
        "https://www.facebook.com",
        "https://bsky.app/",
        # Posts, not profiles.
        "https://www.instagram.com/p/CxYz123/",
        "https://www.instagram.com/reel/CxYz123/",
        "https://www.instagram.com/explore/tags/ki/",
        "https://www.instagram.com/stories/karolinskainstitutet/123/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/abc",
        "https://www.youtube.com/channel/not-a-channel-id",
        "https://music.youtube.com/@karolinskainstitutet",
        "https://vimeo.com/123456789",
        "https://open.spotify.com/episode/" + SPOTIFY_ID,
        "https://open.spotify.com/artist/" + SPOTIFY_ID,
        "https://www.pinterest.com/pin/123456/",
        "https://www.linkedin.com/feed/update/urn:li:activity:123/",
        "https://www.linkedin.com/posts/karolinska-institutet_abc",
        # Reserved or non-profile paths.
        "https://www.facebook.com/sharer/sharer.php?u=https://ki.se",
        "https://www.facebook.com/login",
        "https://www.facebook.com/watch/?v=123",
        "https://www.facebook.com/events/123/",
        "https://www.facebook.com/profile.php",
        "https://www.facebook.com/profile.php?id=abc",
        "https://business.facebook.com/karolinskainstitutet",
        "https://www.linkedin.com/karolinska-institutet",
        "https://x.com/home",
        "https://x.com/i/lists/123",
        "https://twitter.com/intent/tweet?text=hi",
        "https://x.com/search?q=ki",
        "https://x.com/hashtag/ki",
        "https://www.tiktok.com/karolinskainstitutet",
        "https://vm.tiktok.com/ZMabc/",
        "https://www.threads.net/karolinskainstitutet",
        "https://www.flickr.com/karolinskainstitutet",
        "https://www.reddit.com/KarolinskaInstitutet",
        "https://github.com/login",
        "https://gist.github.com/karolinskainstitutet",
        "https://www.snapchat.com/",
    ],
)
def test_bad_urls_are_rejected(url):
    """Addresses that are not profile pages raise UnrecognisedURL with a message."""
    with pytest.raises(UnrecognisedURL) as excinfo:
        recognise(url)
    assert str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "starting with https://"),
        ("https://example.com/foo", "not a profile address on a platform we know"),
        ("https://www.instagram.com/p/CxYz123/", "link to a post"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "link to a post"),
        ("https://user:pass@instagram.com/ki", "user name or password"),
        ("https://instagram.com/" + "a" * 3000, "too long"),
    ],
)
def test_rejection_messages(url, message):
    translation.activate("en")  # the expected wording is the English source
    """Rejections carry a message that tells the user what is wrong."""
    with pytest.raises(UnrecognisedURL, match=message):
        recognise(url)


def test_platform_mismatch():
    translation.activate("en")
    """An address of another platform than the expected one is rejected by name."""
    with pytest.raises(UnrecognisedURL) as excinfo:
        recognise("https://instagram.com/karolinskainstitutet", platform="facebook")
    assert str(excinfo.value) == "This address belongs to Instagram, not Facebook."


def test_platform_match_is_accepted():
    """An address of the expected platform is recognised normally."""
    result = recognise("https://mastodon.social/@ki", platform="mastodon")
    assert result == Recognised("mastodon", "ki@mastodon.social", "https://mastodon.social/@ki")


def test_platform_without_url_recognition():
    """WeChat accounts cannot be recognised from an address."""
    with pytest.raises(UnrecognisedURL, match="WeChat"):
        recognise("https://instagram.com/karolinskainstitutet", platform="wechat")
    assert canonical_url("wechat", "ki") == ""


def test_unknown_platform_slug_is_a_programming_error():
    """An unknown platform slug raises ValueError, not a user-facing error."""
    with pytest.raises(ValueError, match="Unknown platform"):
        recognise("https://instagram.com/ki", platform="myspace")
    with pytest.raises(ValueError, match="Unknown platform"):
        canonical_url("myspace", "ki")


def test_platform_slugs_are_unique_and_ordered():
    """PLATFORMS lists each slug exactly once, in the agreed order."""
    slugs = [p.slug for p in PLATFORMS]
    assert slugs == [
        "facebook",
        "instagram",
        "linkedin",
        "x",
        "youtube",
        "tiktok",
        "bluesky",
        "mastodon",
        "threads",
        "vimeo",
        "flickr",
        "pinterest",
        "snapchat",
        "spotify",
        "soundcloud",
        "reddit",
        "github",
        "weibo",
        "wechat",
    ]
    assert len(set(slugs)) == len(slugs)
    assert {p.slug: p for p in PLATFORMS} == PLATFORM_BY_SLUG
    assert all(isinstance(p, PlatformSpec) for p in PLATFORMS)


def test_every_domain_maps_to_one_platform():
    """No domain is claimed by two platforms, and domains are bare lowercase hosts."""
    domains = [d for p in PLATFORMS for d in p.domains]
    assert len(set(domains)) == len(domains)
    for domain in domains:
        assert domain == domain.lower()
        assert not domain.startswith(("www.", "m.", "http"))
        assert "/" not in domain


def test_each_domain_is_recognised_as_its_platform():
    """A profile-looking address on every listed domain resolves to its own platform."""
    examples = {
        "facebook": "/ki",
        "instagram": "/ki",
        "linkedin": "/company/ki",
        "x": "/ki",
        "youtube": "/@ki",
        "tiktok": "/@ki",
        "bluesky": "/profile/ki.se",
        "threads": "/@ki",
        "vimeo": "/ki",
        "flickr": "/photos/ki",
        "pinterest": "/ki",
        "snapchat": "/add/ki",
        "spotify": f"/show/{SPOTIFY_ID}",
        "soundcloud": "/ki",
        "reddit": "/r/ki",
        "github": "/ki",
        "weibo": "/ki",
    }
    for platform in PLATFORMS:
        for domain in platform.domains:
            assert recognise(f"https://{domain}{examples[platform.slug]}").platform == (platform.slug)


def test_recognised_is_frozen_and_hashable():
    """Recognised values are immutable and usable as set members / dict keys."""
    result = recognise("https://instagram.com/ki")
    with pytest.raises(AttributeError):
        result.handle = "other"  # type: ignore[misc]
    assert {result, recognise("instagram.com/KI/")} == {result}
