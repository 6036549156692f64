"""The watching rules (issue 17): what the collectors saw becomes findings through the sweep."""

import datetime

import pytest
from django.test import Client

from monitoring import services
from monitoring.models import Finding
from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account, violators
from watching import fixture_routes as routes
from watching.collect import collect_profiles
from watching.models import Observation, ObservationDay, Outcome

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 13, 10, 0)
TODAY = NOW.date()


def observe(account, **fields):
    defaults = {"collector": "reachable", "checked_at": NOW, "outcome": Outcome.SEEN, "http_status": 200}
    return Observation.objects.create(account=account, **{**defaults, **fields})


def looked(account, *days_ago, outcome=Outcome.UNREACHABLE, http_status=None):
    """History rows (ObservationDay): the account was looked at on these days with this outcome."""
    for n in days_ago:
        ObservationDay.objects.create(
            account=account, day=TODAY - n * DAY, checked_at=NOW - n * DAY, outcome=outcome, http_status=http_status
        )


def test_profile_unreachable_on_404_410_or_three_days_without_answer():
    """SEND-1, MON-1 (profile-unreachable): 404/410 at once; no answer only after three days."""
    gone = compliant_account(NOW)
    observe(gone, outcome=Outcome.GONE, http_status=410)
    long_down = compliant_account(NOW)
    observe(long_down, outcome=Outcome.UNREACHABLE, http_status=None, unreachable_since=NOW - 2 * DAY)
    looked(long_down, 2, 1, 0)
    briefly_down = compliant_account(NOW)
    observe(briefly_down, outcome=Outcome.UNREACHABLE, http_status=None, unreachable_since=NOW - 1 * DAY)
    looked(briefly_down, 1, 0)
    fine = compliant_account(NOW)
    observe(fine)
    refused = compliant_account(NOW)
    observe(refused, outcome=Outcome.REFUSED, http_status=None, reason="not public")
    assert violators("profile-unreachable", NOW) == {gone.pk, long_down.pk}


def test_sender_drift_when_the_bio_no_longer_names_ki():
    """SEND-1, SEND-2 (sender-drift): a bio seen without KI or ki.se; no bio seen is no drift."""
    drifted = compliant_account(NOW)
    observe(drifted, bio="Just science.", bio_names_ki=False)
    named = compliant_account(NOW)
    observe(named, bio="Karolinska Institutet", bio_names_ki=True)
    unseen = compliant_account(NOW)
    observe(unseen, outcome=Outcome.FAILED, bio_names_ki=None)
    assert violators("sender-drift", NOW) == {drifted.pk}


def test_inactive_channel_uses_the_seen_date():
    """DECOM-1 (issue 17): a recent post seen clears an account nobody typed a date for; an old
    post seen with no newer typed date breaks the rule; the typed date still counts."""
    long_ago = TODAY - datetime.timedelta(days=400)
    seen_recently = compliant_account(NOW, latest_post_on=long_ago)
    observe(seen_recently, latest_post_on=TODAY - 5 * DAY)
    seen_old = compliant_account(NOW, latest_post_on=None, activated_at=NOW - 10 * DAY)
    observe(seen_old, latest_post_on=long_ago)
    typed_recently = compliant_account(NOW)  # typed yesterday
    observe(typed_recently, latest_post_on=long_ago)
    typed_old = compliant_account(NOW, latest_post_on=long_ago)
    assert violators("inactive-channel", NOW) == {seen_old.pk, typed_old.pk}


def test_a_run_then_the_sweep_opens_findings_for_the_owner(servers, settings):
    """Done when (issue 17): the latest post filled in without typing, a renamed profile opens
    profile-unreachable, a bio without KI opens sender-drift; the findings are the account's."""
    server = servers(routes.bluesky("ki.se", datetime.date.today(), description="Just science."))
    server.routes.update(routes.profile_page("/@kitiktok"))
    settings.WATCHING_BLUESKY_API = server.base
    drifting = factories.staffed_account(platform=factories.platform("bluesky"), url="https://bsky.app/profile/ki.se")
    renamed = factories.staffed_account(platform=factories.platform("tiktok"), url=f"{server.base}/@renamed")
    collect_profiles()
    services.compliance_sweep()
    open_rules = set(Finding.objects.filter(resolved_at__isnull=True).values_list("account_id", "rule"))
    assert (drifting.pk, "sender-drift") in open_rules and (renamed.pk, "profile-unreachable") in open_rules
    assert (drifting.pk, "inactive-channel") not in open_rules
    assert Observation.objects.get(account=drifting).latest_post_on == datetime.date.today()


def test_the_account_page_shows_what_was_seen(owner, servers):
    account = factories.staffed_account(owner=owner, platform=factories.platform("tiktok"), url="https://x.invalid/")
    observe(account, bio="Just science.", bio_names_ki=False, latest_post_on=TODAY, display_name="KI på TikTok")
    manual = factories.staffed_account(owner=owner, platform=factories.platform("instagram"))
    client = Client()
    client.force_login(owner)
    page = client.get(account.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Seen on the platform" in page and "KI på TikTok" in page and "does not name KI" in page
    page = client.get(manual.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "needs an access token" in page


def test_the_findings_reach_comms_digest_and_the_owners_account_page(servers, settings, owner):
    """Issue 17: sender-drift (like profile-unreachable) raises a finding to comms (the weekly
    digest lists it by rule) and to the owner (the account page's findings)."""
    from django.conf import settings as django_settings

    from monitoring.reminders import weekly_digest_queue
    from notifications.models import Notification

    server = servers(routes.bluesky("ki.se", datetime.date.today(), description="Just science."))
    settings.WATCHING_BLUESKY_API = server.base
    drifting = factories.staffed_account(
        owner=owner, platform=factories.platform("bluesky"), url="https://bsky.app/profile/ki.se"
    )
    collect_profiles()
    services.compliance_sweep()
    weekly_digest_queue()
    digest = Notification.objects.get(to_email=django_settings.COMMS_EMAIL, kind="weekly-digest")
    assert "Profiltexten nämner inte längre KI" in digest.body_text or "bio no longer names KI" in digest.body_text
    client = Client()
    client.force_login(owner)
    page = client.get(drifting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "bio no longer names KI" in page
