"""The temporary cover page and what the account pages show of it (MON-2, DECOM-2), and the
accessibility questions of the follow-up form (ACC-1, ACC-2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus, Classification
from audit.models import AuditEvent
from monitoring.choices import CoverMeasure
from monitoring.models import Cover, Finding
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are read in English, so that messages can be compared whatever the catalogue holds."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def cover_url(account):
    return reverse("monitoring:cover", args=[account.pk])


def stand_in_post(person, first=TODAY + DAY, last=TODAY + 5 * DAY, **extra):
    return {
        "measure": CoverMeasure.STAND_IN,
        "stand_in": person.username,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        **extra,
    }


def test_the_owner_names_a_stand_in_on_the_cover_page_and_the_account_page_shows_it(client, owner, evidence_account):
    """MON-2: the owner picks a colleague (by username, the person picker's fallback) for a period;
    the cover is recorded and audited, and the account page and monitoring page show it."""
    colleague = factories.UserFactory(username="kollega", first_name="Karin", last_name="Kollega")
    client.force_login(owner)

    response = client.post(cover_url(evidence_account), stand_in_post(colleague))

    assert response.status_code == 302
    cover = Cover.objects.get()
    assert (cover.account, cover.stand_in, cover.recorded_by) == (evidence_account, colleague, owner)
    assert AuditEvent.objects.for_object(evidence_account).filter(action="cover.record").count() == 1
    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "Stand-in: Karin Kollega" in page
    assert cover_url(evidence_account) in page
    page = client.get(reverse("monitoring:account", args=[evidence_account.pk])).content.decode()
    assert "Stand-in: Karin Kollega" in page


def test_the_cover_page_says_when_the_stand_in_is_away(client, owner, evidence_account):
    """MON-2: a day the stand-in has their own absence shows on the cover page's calendar as "the
    stand-in is away"; the days they can monitor do not."""
    colleague = factories.UserFactory()
    Cover.objects.create(
        account=evidence_account,
        measure=CoverMeasure.STAND_IN,
        stand_in=colleague,
        first_day=TODAY + DAY,
        last_day=TODAY + 3 * DAY,
    )
    factories.AbsenceFactory(person=colleague, first_day=TODAY + 2 * DAY, last_day=TODAY + 2 * DAY)
    client.force_login(owner)

    page = client.get(cover_url(evidence_account)).content.decode()

    assert page.count("the stand-in is away") == 1


def test_a_stand_in_without_a_person_is_a_form_error_and_changes_nothing(client, owner, evidence_account):
    """MON-2: bad input gets a clear message and records nothing."""
    client.force_login(owner)

    response = client.post(
        cover_url(evidence_account),
        {"measure": CoverMeasure.STAND_IN, "first_day": TODAY.isoformat(), "last_day": TODAY.isoformat()},
    )

    assert response.status_code == 200
    assert "Name the stand-in." in response.content.decode()
    assert Cover.objects.count() == 0


def test_the_manager_records_comments_off(client, manager, evidence_account):
    """DECOM-2: the responsible manager records comments switched off for the period, with dates."""
    client.force_login(manager)

    response = client.post(
        cover_url(evidence_account),
        {
            "measure": CoverMeasure.COMMENTS_OFF,
            "first_day": TODAY.isoformat(),
            "last_day": (TODAY + 3 * DAY).isoformat(),
        },
    )

    assert response.status_code == 302
    cover = Cover.objects.get()
    assert (cover.measure, cover.first_day, cover.last_day) == (CoverMeasure.COMMENTS_OFF, TODAY, TODAY + 3 * DAY)


@pytest.mark.parametrize("who", ["deputy", "outsider", "auditor", "other_manager"])
def test_who_may_not_arrange_cover_gets_403_and_no_link(client, request, who, evidence_account, owner):
    """MON-2: the deputy, other staff, auditors (read only) and a manager of another unit see the
    account but may not arrange its cover: 403 for the page and the form, no link on the page."""
    client.force_login(request.getfixturevalue(who))

    assert client.get(cover_url(evidence_account)).status_code == 403
    assert client.post(cover_url(evidence_account), stand_in_post(factories.UserFactory())).status_code == 403
    assert cover_url(evidence_account) not in client.get(evidence_account.get_absolute_url()).content.decode()
    assert Cover.objects.count() == 0


def test_an_account_the_user_cannot_see_answers_404(client, outsider):
    """An account the user may not see (a student ambassador's, not theirs) answers 404."""
    hidden = factories.staffed_account(classification=Classification.STUDENT_AMBASSADOR)
    client.force_login(outsider)

    assert client.get(cover_url(hidden)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, evidence_account):
    response = client.get(cover_url(evidence_account))
    assert response.status_code == 302 and "login" in response.url


def test_cancelling_from_the_page(client, owner, outsider, evidence_account):
    """MON-2: the owner cancels a cover not yet begun (removed); others get 403 and it stays."""
    cover = Cover.objects.create(
        account=evidence_account,
        measure=CoverMeasure.COMMS,
        first_day=TODAY + DAY,
        last_day=TODAY + 2 * DAY,
    )
    url = reverse("monitoring:cover-cancel", args=[cover.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 403
    client.force_login(owner)

    response = client.post(url)

    assert response.status_code == 302
    assert Cover.objects.count() == 0
    assert AuditEvent.objects.for_object(evidence_account).filter(action="cover.cancel").count() == 1


def test_the_to_do_page_asks_the_owner_for_cover(client, owner, evidence_account):
    """MON-2, DECOM-2: a predicted gap (an open coverage-gap finding) is in the owner's to-do, with
    a link to the cover page."""
    now = timezone.now()
    Finding.objects.create(account=evidence_account, rule="coverage-gap", opened_at=now, last_seen_at=now)
    client.force_login(owner)

    page = client.get(reverse("approvals:todo")).content.decode()

    assert "name a stand-in or switch comments off" in page
    assert cover_url(evidence_account) in page


def test_the_cover_page_runs_the_same_queries_however_many_covers(client, owner, evidence_account):
    """MON-2: the covers paginate; the page does not grow with them (tests/scale/flat.py)."""
    client.force_login(owner)

    def grow():
        for n in range(45):
            Cover.objects.create(
                account=evidence_account,
                measure=CoverMeasure.STAND_IN,
                stand_in=factories.UserFactory(),
                first_day=TODAY + n * DAY,
                last_day=TODAY + n * DAY,
            )

    Cover.objects.create(account=evidence_account, measure=CoverMeasure.COMMS, first_day=TODAY, last_day=TODAY + DAY)
    assert_flat(client, cover_url(evidence_account), grow)


def test_a_closed_account_cannot_be_covered(client, comms):
    """MON-2: only monitored accounts get cover: a clear message, nothing recorded."""
    account = factories.staffed_account(status=AccountStatus.DECOMMISSIONED)
    client.force_login(comms)

    response = client.post(cover_url(account), stand_in_post(factories.UserFactory()))

    assert "Only active accounts are monitored." in response.content.decode()
    assert Cover.objects.count() == 0


# --- ACC-1, ACC-2: the follow-up asks the accessibility questions ------------------------------


def test_the_follow_up_form_asks_the_accessibility_questions_and_records_the_answers(client, owner, evidence_account):
    """ACC-1, ACC-2: alt text, captions, plain language, important information also on ki.se:
    asked, required, and recorded with the follow-up."""
    client.force_login(owner)
    page = client.get(reverse("monitoring:account", args=[evidence_account.pk])).content.decode()
    for question in ("alt text", "captions", "plain and easy", "also published on ki.se"):
        assert question in page
    url = reverse("monitoring:follow-up", args=[evidence_account.pk])
    base = {"period_end": TODAY.isoformat(), "figures": "1 200", "assessment": "Bra.", "continue_account": "on"}

    client.post(url, base)
    assert not evidence_account.follow_ups.exists()  # unanswered: refused

    client.post(
        url, {**base, "acc_alt_text": "yes", "acc_captions": "no", "acc_plain_language": "partly", "acc_on_ki_se": "na"}
    )
    follow_up = evidence_account.follow_ups.get()
    assert (follow_up.acc_alt_text, follow_up.acc_captions, follow_up.acc_plain_language, follow_up.acc_on_ki_se) == (
        "yes",
        "no",
        "partly",
        "na",
    )
    page = client.get(reverse("monitoring:account", args=[evidence_account.pk])).content.decode()
    assert "Alt text on images yes · Captions on video no" in page


def test_the_gaps_finding_shows_comments_off_as_the_chosen_measure(client, owner, evidence_account):
    """DECOM-2: with comments off recorded, the coverage-gap finding (open while other gap days
    remain, or resolved once none do) shows "Comments off" as the measure."""
    now = timezone.now()
    finding = Finding.objects.create(account=evidence_account, rule="coverage-gap", opened_at=now, last_seen_at=now)
    Cover.objects.create(
        account=evidence_account, measure=CoverMeasure.COMMENTS_OFF, first_day=TODAY + DAY, last_day=TODAY + 5 * DAY
    )
    client.force_login(owner)

    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "Cover arranged (not yet for every day of the gap):" in page
    assert "Comments off" in page

    Finding.objects.filter(pk=finding.pk).update(resolved_at=now)
    page = client.get(reverse("monitoring:account", args=[evidence_account.pk])).content.decode()
    assert "cover arranged: Comments off" in page
