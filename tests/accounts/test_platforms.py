"""The platform catalogue as data (issue 14): comms add and change platforms and their address rules
in the portal (accounts.platform_services, the /platforms/ pages); accounts.urlparse reads the rows,
cached, and recognises a new platform's addresses at once; every change is audited."""

import pytest
from django.urls import reverse

from accounts.models import Platform, SocialAccount
from accounts.platform_services import platform_create, platform_update
from accounts.urlparse import UnrecognisedURL, catalogue, recognise
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

PEERTUBE = {
    "name": "KI Video",
    "domains": ["video.example.org"],
    "handle_pattern": r"/(?:a|c)/(?P<handle>[A-Za-z0-9_.]+)(?:/.*)?",
    "url_template": "https://video.example.org/a/{handle}",
    "examples": [["https://video.example.org/a/KI_Research", "ki_research"]],
}


def form_data(**overrides) -> dict:
    """The platform form as a browser posts it."""
    data = {
        "name": "KI Video",
        "slug": "",
        "domains": "video.example.org",
        "builtin_rule": "",
        "handle_pattern": r"/(?:a|c)/(?P<handle>[A-Za-z0-9_.]+)(?:/.*)?",
        "url_template": "https://video.example.org/a/{handle}",
        "examples": "https://video.example.org/a/KI_Research ki_research",
        "identifier_label": "",
        "can_disable_comments": "on",
        "has_description": "on",
        "allowed_for_new": "on",
        "content_retrievable": "on",
        "tos_reviewed_on": "2026-11-02",
        "tos_reviewed_by": "",
        "tos_url": "https://video.example.org/terms",
        "data_location": "EU (Sweden)",
        "third_country_transfer": "no",
        "dpia_url": "",
        "reviewed_on": "2026-11-02",
    }
    data.update(overrides)
    return data


def test_a_platform_added_in_the_portal_recognises_its_addresses_immediately(
    client, comms, django_capture_on_commit_callbacks
):
    """Issue 14: comms add a platform with its rule on the portal page; the very next address on
    its host is recognised (the cached catalogue was dropped: no restart, no deploy)."""
    with pytest.raises(UnrecognisedURL):
        recognise("https://video.example.org/c/KarolinskaInst/videos")  # cached: not known yet
    client.force_login(comms)

    with django_capture_on_commit_callbacks(execute=True):  # as when the request's transaction commits
        response = client.post(reverse("platforms:create"), form_data())

    platform = Platform.objects.get(slug="ki-video")
    assert response.status_code == 302 and response["Location"] == platform.get_absolute_url()
    found = recognise("https://video.example.org/c/KarolinskaInst/videos")
    assert (found.platform, found.handle, found.url) == (
        "ki-video",
        "karolinskainst",
        "https://video.example.org/a/karolinskainst",
    )
    event = AuditEvent.objects.get(action="platform.create")
    assert event.actor == comms and event.after["domains"] == ["video.example.org"]


def test_a_changed_rule_applies_to_the_next_address(comms, django_capture_on_commit_callbacks):
    """Issue 14: a platform's new host name is recognised as soon as the change commits."""
    with django_capture_on_commit_callbacks(execute=True):
        platform = platform_create(actor=comms, **PEERTUBE)
    assert recognise("https://video.example.org/a/ki").platform == "ki-video"
    with pytest.raises(UnrecognisedURL):
        recognise("https://tube.example.net/a/ki")

    with django_capture_on_commit_callbacks(execute=True):
        platform_update(actor=comms, platform_id=platform.pk, domains=["video.example.org", "tube.example.net"])

    assert recognise("https://tube.example.net/a/ki").handle == "ki"
    event = AuditEvent.objects.get(action="platform.update")
    assert event.before == {"domains": ["video.example.org"]}
    assert event.after == {"domains": ["video.example.org", "tube.example.net"]}


def test_a_rule_that_gives_another_handle_than_its_example_is_refused(comms, english):
    """Issue 14: the rule is checked on save against its examples; nothing is written."""
    with pytest.raises(ApplicationError, match="gives the handle “a” of KI Video, not “ki_research”"):
        platform_create(actor=comms, **{**PEERTUBE, "handle_pattern": r"/(?P<handle>[a-z]+)/.*"})

    assert not Platform.objects.filter(slug="ki-video").exists()
    assert not AuditEvent.objects.filter(action__startswith="platform.").exists()


def test_a_rule_that_takes_another_platforms_addresses_is_refused(comms, english):
    """Issue 14: every platform's examples are checked on a change: a platform claiming a Mastodon
    server's host would take the Mastodon example's address."""
    with pytest.raises(ApplicationError, match="mastodon.social/@karolinska gives the handle “karolinska” of KI Video"):
        platform_create(
            actor=comms,
            **{
                **PEERTUBE,
                "domains": ["mastodon.social"],
                "handle_pattern": r"/@(?P<handle>[a-z]+)",
                "examples": [["https://mastodon.social/@ki", "ki"]],
            },
        )
    assert recognise("https://mastodon.social/@karolinska").platform == "mastodon"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"handle_pattern": r"/(?P<handle>[a-z"}, "not a valid regular expression"),
        ({"handle_pattern": r"/(?P<name>[a-z]+)"}, "named group"),
        ({"examples": []}, "at least one example"),
        ({"domains": ["instagram.com"]}, "belongs to Instagram"),
        ({"domains": ["not a host"]}, "not a host name"),
        ({"url_template": "http://video.example.org/{handle}"}, "https://"),
        ({"builtin_rule": "instagram"}, "either a built-in rule or a pattern"),
    ],
)
def test_bad_rules_are_refused_with_a_message(comms, english, changes, message):
    """Issue 14: bad input gets a clear message and changes nothing."""
    with pytest.raises(ApplicationError, match=message):
        platform_create(actor=comms, **{**PEERTUBE, **changes})
    assert not Platform.objects.filter(slug="ki-video").exists()


def test_the_rule_form_shows_the_error_and_saves_nothing(client, comms):
    """Issue 14: the page shows why the rule was refused."""
    client.force_login(comms)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(reverse("platforms:create"), form_data(examples="https://video.example.org/a/ki other"))

    assert response.status_code == 200
    assert "not “other”" in response.content.decode()
    assert not Platform.objects.filter(slug="ki-video").exists()


def test_only_comms_change_the_catalogue(auditor, owner):
    """Issue 14: auditors read, never write; staff may not either."""
    for actor in (auditor, owner):
        with pytest.raises(NotAllowed):
            platform_create(actor=actor, **PEERTUBE)
    instagram = Platform.objects.get(slug="instagram")
    with pytest.raises(NotAllowed):
        platform_update(actor=auditor, platform_id=instagram.pk, allowed_for_new=False)
    assert Platform.objects.get(slug="instagram").allowed_for_new


def test_the_seeded_rows_keep_every_code_rule(db):
    """Issue 14: the data migration made the code's rules the first rows: each seeded platform
    with an address rule recognises its stored example, and WeChat has none but an identifier."""
    rows = catalogue().platforms
    assert len(rows) == 19
    for platform in Platform.objects.exclude(slug="wechat"):
        assert platform.builtin_rule and platform.examples, platform.slug
        [[address, handle]] = platform.examples
        assert recognise(address).handle == handle
    wechat = Platform.objects.get(slug="wechat")
    assert not wechat.has_address_rule and wechat.identifier_label == "WeChat ID"
    assert not Platform.objects.get(slug="snapchat").content_retrievable  # REC-2


def test_editing_a_seeded_platform_keeps_its_built_in_rule(client, comms):
    """Issue 14: comms edit a seeded platform's facts; its built-in rule still passes its example."""
    client.force_login(comms)
    instagram = Platform.objects.get(slug="instagram")
    form = client.get(reverse("platforms:update", args=[instagram.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "tos_reviewed_by"}
    data.update(
        domains="instagram.com",
        examples="https://www.instagram.com/karolinskainstitutet/ karolinskainstitutet",
        third_country_transfer="yes",
        data_location="USA (Meta Platforms Inc.)",
        allowed_for_new="on",
        has_description="on",
        content_retrievable="on",
        can_disable_comments="on",
        reviewed_on="2026-10-01",
        tos_reviewed_on="",
        tos_url="",
        dpia_url="",
    )

    response = client.post(reverse("platforms:update", args=[instagram.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    instagram.refresh_from_db()
    assert (instagram.third_country_transfer, instagram.builtin_rule) == ("yes", "instagram")
    event = AuditEvent.objects.get(action="platform.update")
    assert event.after["third_country_transfer"] == "yes"


@pytest.mark.parametrize(
    ("who", "list_status", "edit_status"),
    [("anonymous", 302, 302), ("outsider", 404, 404), ("auditor", 200, 403), ("comms", 200, 200)],
)
def test_the_platform_pages_permission_matrix(client, request, who, list_status, edit_status):
    """Issue 14: comms edit, auditors read (no edit link), others get 404."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    instagram = Platform.objects.get(slug="instagram")

    assert client.get(reverse("platforms:list")).status_code == list_status
    assert client.get(instagram.get_absolute_url()).status_code == list_status
    assert client.get(reverse("platforms:update", args=[instagram.pk])).status_code == edit_status
    assert client.get(reverse("platforms:create")).status_code == edit_status
    if who == "auditor":
        page = client.get(instagram.get_absolute_url()).content.decode()
        assert reverse("platforms:update", args=[instagram.pk]) not in page


def test_the_list_filters_the_overdue_reviews(client, comms):
    """Issue 14, platform-review-overdue: the communications department's queue."""
    Platform.objects.update(reviewed_on="2026-11-01")
    Platform.objects.filter(slug="tiktok").update(reviewed_on="2024-01-01")
    client.force_login(comms)

    response = client.get(reverse("platforms:list"), {"review": "overdue"})

    assert [p.slug for p in response.context["platforms"]] == ["tiktok"]


def test_the_request_form_offers_only_allowed_platforms(client, owner, comms):
    """Issue 14: a platform not allowed for new accounts is not offered, and the service refuses it."""
    Platform.objects.filter(slug="tiktok").update(allowed_for_new=False)
    client.force_login(owner)

    form = client.get(reverse("approvals:request-create")).context["form"]

    offered = set(form.fields["platform"].queryset.values_list("slug", flat=True))
    assert "tiktok" not in offered and "instagram" in offered
    response = client.post(
        reverse("approvals:request-create"),
        {"platform": Platform.objects.get(slug="tiktok").pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Select a valid choice" in response.content.decode()


def test_comms_register_a_wechat_account_by_its_identifier(client, comms, owner, deputy):
    """Issue 14: every platform can be recorded: in the registry form, an account on a platform
    without profile addresses is registered by its stated identifier."""
    client.force_login(comms)
    unit = factories.UnitFactory()
    wechat = Platform.objects.get(slug="wechat")

    response = client.post(
        reverse("accounts:create"),
        {
            "name": "KI China Office",
            "url": "",
            "no_address_platform": wechat.pk,
            "identifier": "KI_China",
            "unit": unit.pk,
            "classification": "official",
            "purpose": "Nyheter för partner i Kina.",
            "owner": owner.username,
            "deputy": deputy.username,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    account = SocialAccount.objects.get(platform=wechat)
    assert (account.handle, account.url, account.status) == ("ki_china", "", "active")
    assert AuditEvent.objects.filter(action="account.create", object_id=str(account.pk)).exists()


def test_the_registry_form_needs_an_address_or_an_identifier(client, comms, owner, deputy):
    """Issue 14: neither an address nor a platform without addresses with an identifier: refused."""
    client.force_login(comms)

    response = client.post(
        reverse("accounts:create"),
        {"name": "KI", "url": "", "identifier": "ki", "unit": factories.UnitFactory().pk, "purpose": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "or choose a platform without profile addresses" in response.content.decode()
    assert not SocialAccount.objects.exists()
