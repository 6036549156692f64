"""Monitoring pages and the check-in API: who may do what, what is written, and what is not."""

import datetime
import hashlib
import json

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment
from audit.models import AuditEvent
from monitoring import services
from monitoring.choices import CheckInSource
from monitoring.models import CheckIn, FollowUp, PingKey
from monitoring.rules import RULES
from org.models import Absence
from tests import factories

pytestmark = pytest.mark.django_db

TODAY_URL = reverse("monitoring:today")
API = reverse("api:checkin-list")
ABSENCES = reverse("monitoring:absences")
OVERVIEW = reverse("monitoring:overview")


@pytest.fixture
def account(owner):
    """An active official account kept by `owner` (owner) and a deputy."""
    return factories.staffed_account(owner=owner, name="KI Forskning")


def ping_url(token: str) -> str:
    return reverse("monitoring:ping", args=[token])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def post_json(client, payload) -> object:
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(API, data=body, content_type="application/json")


# --- the Today page --------------------------------------------------------------------------


def test_today_requires_login(client):
    """MON-1: the Today page is for logged-in staff; anonymous visitors go to the login page."""
    response = client.get(TODAY_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_today_lists_only_the_live_accounts_the_user_keeps(client, owner, account):
    """MON-1: the accounts the user is owner or deputy of, active; not drafts, not accounts they
    used to keep, not other people's."""
    as_deputy = factories.staffed_account(deputy=owner, name="KI Utbildning")
    factories.staffed_account(owner=owner, status=AccountStatus.DRAFT)
    former = factories.staffed_account(deputy=owner)
    Assignment.objects.filter(account=former, person=owner).update(ended_at=timezone.now())
    factories.staffed_account()
    client.force_login(owner)

    response = client.get(TODAY_URL)

    assert response.status_code == 200
    assert [a.pk for a in response.context["accounts"]] == [account.pk, as_deputy.pk]


def test_posting_an_account_records_its_check_in(client, owner, account):
    """MON-1: one click records today's check-in for that account."""
    client.force_login(owner)

    response = client.post(TODAY_URL, {"account": account.pk, "note": "Två kommentarer besvarade."})

    assert response.status_code == 302
    assert response.url == TODAY_URL
    checkin = CheckIn.objects.get()
    assert (checkin.account, checkin.person, checkin.note, checkin.source, checkin.day) == (
        account,
        owner,
        "Två kommentarer besvarade.",
        CheckInSource.WEB,
        timezone.localdate(),
    )
    assert client.get(TODAY_URL).context["accounts"][0].checked_today is True


def test_today_says_which_accounts_are_checked_in_today_from_the_latest_check_in(client, owner, account):
    """MON-1, issue 12: "Monitored" is the latest check-in being today's (one index look-up an
    account, no read of the day's check-ins of every account): not for an account never checked
    in, nor for one last checked in yesterday; the latest day is shown for each."""
    yesterday_only = factories.staffed_account(owner=owner, name="KI Igår")
    factories.staffed_account(deputy=owner, name="KI Aldrig")
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=3), today):
        factories.CheckInFactory(account=account, person=owner, day=day)
    factories.CheckInFactory(account=yesterday_only, person=owner, day=today - datetime.timedelta(days=1))
    client.force_login(owner)

    rows = {a.name: (a.checked_today, a.last_checkin) for a in client.get(TODAY_URL).context["accounts"]}

    assert rows == {
        "KI Forskning": (True, today),
        "KI Igår": (False, today - datetime.timedelta(days=1)),
        "KI Aldrig": (False, None),
    }


def test_posting_all_records_every_kept_account(client, owner, account):
    """MON-1: "all monitored today" checks in every account the user keeps, and only those."""
    second = factories.staffed_account(deputy=owner)
    factories.staffed_account()
    client.force_login(owner)

    response = client.post(TODAY_URL, {"note": ""})

    assert response.status_code == 302
    assert set(CheckIn.objects.values_list("account_id", flat=True)) == {account.pk, second.pk}
    assert len(messages_of(response)) == 1


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_a_user_who_does_not_keep_a_visible_account_cannot_check_it_in(who, request, client, account):
    """MON-1, RES-2: the account is visible (active, official) but not theirs: 403, nothing written."""
    client.force_login(request.getfixturevalue(who))

    response = client.post(TODAY_URL, {"account": account.pk})

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_checking_in_an_account_the_user_cannot_see_is_404(client, outsider):
    """MON-1: an account outside what the user may see (another person's draft) is 404, not 403."""
    hidden = factories.staffed_account(status=AccountStatus.DRAFT)
    client.force_login(outsider)

    response = client.post(TODAY_URL, {"account": hidden.pk})

    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


def _keep_accounts(user, n: int) -> None:
    """n accounts kept by the user, each with a check-in and an open finding to show."""
    for _i in range(n):
        kept = factories.staffed_account(owner=user)
        factories.CheckInFactory(account=kept, day=timezone.localdate() - datetime.timedelta(days=1))
        factories.FindingFactory(account=kept, rule="missed-monitoring")


def test_the_today_page_runs_the_same_queries_for_3_and_30_accounts(client, owner):
    """The page's queries do not grow with the number of accounts (no query per row)."""
    client.force_login(owner)
    _keep_accounts(owner, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(TODAY_URL).context["accounts"]) == 3
    _keep_accounts(owner, 27)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(TODAY_URL).context["accounts"]) == 30

    assert len(many) == len(few)


# --- the ping address ------------------------------------------------------------------------


def ping_token(account) -> str:
    """Make the account's ping address as its owner would; the secret exists only in this answer."""
    owner = Assignment.objects.get(account=account, role=Role.OWNER, ended_at__isnull=True).person
    return services.ping_key_rotate(actor=owner, account_id=account.pk)[1]


def test_opening_the_ping_address_shows_a_button_and_records_nothing(client, account):
    """Issue 11, defect 10: a GET (a link preview in Teams or Outlook, or a browser) records no
    check-in; it shows the account and one button that posts to the same address. The page is
    kept out of search engines and caches."""
    token = ping_token(account)

    response = client.get(ping_url(token))

    assert response.status_code == 200
    assert CheckIn.objects.count() == 0
    page = response.content.decode()
    assert "KI Forskning" in page and '<form method="post">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))


def test_a_head_request_records_nothing(client, account):
    token = ping_token(account)

    assert client.head(ping_url(token)).status_code == 200
    assert CheckIn.objects.count() == 0


def test_a_post_to_the_ping_address_records_todays_check_in(client, account):
    """MON-1: a script (curl -X POST, no login, no CSRF token) records a check-in with source ping
    and gets "OK" as text."""
    token = ping_token(account)

    response = Client(enforce_csrf_checks=True).post(ping_url(token))

    assert response.status_code == 200
    assert (response["Content-Type"], response.content) == ("text/plain; charset=utf-8", b"OK\n")
    checkin = CheckIn.objects.get()
    assert (checkin.account, checkin.source, checkin.day) == (account, CheckInSource.PING, timezone.localdate())


def test_a_post_asking_for_json_gets_json_and_a_browser_gets_the_page(client, account):
    token = ping_token(account)

    as_json = client.post(ping_url(token), HTTP_ACCEPT="application/json")
    as_page = client.post(
        ping_url(token), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert as_json.json() == {"status": "ok", "day": timezone.localdate().isoformat()}
    assert as_page.status_code == 200 and "is recorded as monitored" in as_page.content.decode("utf-8")
    assert as_page["X-Robots-Tag"] == "noindex, nofollow"


def test_a_second_ping_on_the_same_day_answers_ok_and_records_nothing_new(client, account):
    """MON-1: a script may ping many times a day; one check-in a day counts."""
    token = ping_token(account)

    assert client.post(ping_url(token)).status_code == 200
    assert client.post(ping_url(token)).status_code == 200

    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_a_wrong_ping_token_is_404_and_records_nothing(client, account, method):
    """MON-1: guessing addresses records nothing and reveals nothing."""
    ping_token(account)

    response = getattr(client, method)(ping_url("wrong-token"))

    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


def test_the_ping_secret_is_stored_only_as_its_sha256(account):
    """Issue 11, defect 10: like API tokens, the database holds the digest, never the secret."""
    token = ping_token(account)

    key = PingKey.objects.get(account=account)
    assert key.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(PingKey.objects.values().get())


def test_the_new_ping_address_is_shown_once(client, owner, account):
    """The owner makes the address: the answer shows it (and is not cached); the page afterwards
    says there is one, but cannot show it again."""
    client.force_login(owner)
    url = reverse("monitoring:account", args=[account.pk])
    before = client.get(url)
    assert "ping_url" not in before.context and before.context["ping_key"] is None

    made = client.post(reverse("monitoring:ping-rotate", args=[account.pk]))

    assert made.status_code == 200
    assert {"no-store", "private"} <= set(made["Cache-Control"].split(", "))
    shown = made.context["ping_url"]
    token = shown.rstrip("/").rsplit("/", 1)[1]
    assert f'<code id="ping-url">{shown}</code>' in made.content.decode()
    assert PingKey.objects.get(account=account).digest == PingKey.digest_of(token)
    assert AuditEvent.objects.for_object(account).filter(action="ping.create").count() == 1
    later = client.get(url)
    assert "ping_url" not in later.context and later.context["ping_key"] is not None
    assert token not in later.content.decode()
    assert {"no-store", "private"} <= set(later["Cache-Control"].split(", "))


def test_after_rotation_the_old_ping_address_is_404(client, owner, account):
    """MON-1: the owner rotates the address (a leaked bookmark); the old one stops working."""
    old = ping_token(account)
    client.force_login(owner)

    response = client.post(reverse("monitoring:ping-rotate", args=[account.pk]))

    assert response.status_code == 200
    new = response.context["ping_url"].rstrip("/").rsplit("/", 1)[1]
    assert new != old
    assert AuditEvent.objects.for_object(account).filter(action="ping.rotate").count() == 1
    anonymous = Client()
    assert anonymous.post(ping_url(old)).status_code == 404
    assert CheckIn.objects.count() == 0
    assert anonymous.post(ping_url(new)).status_code == 200
    assert CheckIn.objects.count() == 1


def test_only_a_keeper_rotates_the_ping_address(client, outsider, account):
    """MON-1, RES-2: staff who see the account but do not keep it get 403; the address stays."""
    token = ping_token(account)
    digest = PingKey.objects.get(account=account).digest
    client.force_login(outsider)

    response = client.post(reverse("monitoring:ping-rotate", args=[account.pk]))

    assert response.status_code == 403
    assert PingKey.objects.get(account=account).digest == digest == PingKey.digest_of(token)
    assert not AuditEvent.objects.filter(action="ping.rotate").exists()


def test_the_ping_address_of_a_closed_account_answers_a_client_error(account):
    """MON-1: the account was decommissioned after its address was bookmarked. The address must
    answer a clean client error and record nothing, not crash with a server error."""
    token = ping_token(account)
    type(account).objects.filter(pk=account.pk).update(status=AccountStatus.DECOMMISSIONED)

    response = Client(raise_request_exception=False).post(ping_url(token))

    assert response.status_code in (404, 409, 410)
    assert CheckIn.objects.count() == 0


# --- the check-in API ------------------------------------------------------------------------


def test_the_api_records_a_check_in_then_answers_200_for_the_same_day(client, owner, account):
    """MON-1: 201 when recorded, 200 when today was already recorded; one row."""
    client.force_login(owner)

    first = post_json(client, {"account": account.pk, "note": "via API"})
    second = post_json(client, {"account": account.pk})

    assert first.status_code == 201
    body = first.json()
    assert (body["account"], body["day"], body["created"]) == (account.pk, timezone.localdate().isoformat(), True)
    assert second.status_code == 200
    assert second.json()["created"] is False
    checkin = CheckIn.objects.get()
    assert (checkin.source, checkin.note, checkin.person) == (CheckInSource.API, "via API", owner)


def test_the_api_is_401_for_anonymous(client, account):
    """MON-1: the API needs a logged-in user (401 as JSON, not a redirect to the login page)."""
    response = post_json(client, {"account": account.pk})

    assert response.status_code == 401
    assert CheckIn.objects.count() == 0


def test_the_api_is_404_for_an_account_the_user_cannot_see(client, outsider):
    """A draft of someone else, and a student-ambassador account, are invisible to other staff."""
    draft = factories.staffed_account(status=AccountStatus.DRAFT)
    ambassador = factories.staffed_account(classification=Classification.STUDENT_AMBASSADOR)
    client.force_login(outsider)

    assert post_json(client, {"account": draft.pk}).status_code == 404
    assert post_json(client, {"account": ambassador.pk}).status_code == 404
    assert post_json(client, {"account": 999_999}).status_code == 404
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_the_api_is_403_for_an_account_the_user_sees_but_does_not_keep(who, request, client, account):
    """MON-1, RES-2: visible but not kept (staff, or an auditor who only reads): 403, nothing written."""
    client.force_login(request.getfixturevalue(who))

    response = post_json(client, {"account": account.pk})

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param("{}", id="no-account"),
        pytest.param('{"account": "abc"}', id="account-not-a-number"),
        pytest.param('{"account": 1, "latest_post_on": "yesterday"}', id="bad-date"),
    ],
)
def test_the_api_is_400_for_a_bad_body(body, client, owner, account):
    """MON-1: a body that is not a JSON object with a valid account and date is 400, nothing written."""
    client.force_login(owner)

    response = post_json(client, body)

    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


def test_the_api_is_409_for_a_kept_account_that_is_not_live(client, owner):
    """MON-1: the user keeps the draft, but drafts are not monitored: 409, nothing written."""
    draft = factories.staffed_account(owner=owner, status=AccountStatus.DRAFT)
    client.force_login(owner)

    response = post_json(client, {"account": draft.pk})

    assert response.status_code == 409
    assert CheckIn.objects.count() == 0


def test_the_api_cannot_change_or_delete_check_ins(client, owner):
    """MON-1: a check-in is recorded once; the API offers no way to change or remove it."""
    client.force_login(owner)

    assert client.put(API, data="{}", content_type="application/json").status_code == 405
    assert client.delete(API).status_code == 405


# --- absences --------------------------------------------------------------------------------


def test_registering_an_absence_writes_it_and_its_audit_row(client, owner):
    """MON-2, RES-2: the user registers their own leave; the change is audited."""
    client.force_login(owner)

    response = client.post(ABSENCES, {"first_day": "2026-07-01", "last_day": "2026-07-21", "note": "Semester"})

    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.person, absence.first_day, absence.last_day, absence.note) == (
        owner,
        datetime.date(2026, 7, 1),
        datetime.date(2026, 7, 21),
        "Semester",
    )
    event = AuditEvent.objects.for_object(absence).get()
    assert (event.action, event.actor) == ("absence.create", owner)
    assert [a.pk for a in client.get(ABSENCES).context["absences"]] == [absence.pk]


def test_an_absence_that_ends_before_it_starts_is_refused(client, owner):
    """MON-2: last day before the first: the form says so and nothing is written."""
    client.force_login(owner)

    response = client.post(ABSENCES, {"first_day": "2026-07-21", "last_day": "2026-07-01"})

    assert response.status_code == 200
    assert "last_day" in response.context["form"].errors
    assert response.context["form"].errors["last_day"][0] in response.content.decode()
    assert Absence.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_absences_page_shows_only_the_users_own(client, owner, outsider):
    """MON-2, RES-2: the page lists the user's own absences; another person's cannot be removed (404)."""
    mine = factories.AbsenceFactory(person=owner)
    theirs = factories.AbsenceFactory(person=outsider)
    client.force_login(owner)

    response = client.get(ABSENCES)

    assert [a.pk for a in response.context["absences"]] == [mine.pk]
    assert client.post(reverse("monitoring:absence-delete", args=[theirs.pk])).status_code == 404
    assert Absence.objects.filter(pk=theirs.pk).exists()


def test_removing_an_absence_is_audited(client, owner):
    """MON-2, RES-2: removing an absence changes who covers an account, so it is audited."""
    absence = factories.AbsenceFactory(person=owner)
    client.force_login(owner)

    response = client.post(reverse("monitoring:absence-delete", args=[absence.pk]))

    assert response.status_code == 302
    assert not Absence.objects.exists()
    assert AuditEvent.objects.filter(action="absence.delete", actor=owner).count() == 1


def test_the_absences_page_requires_login(client):
    """MON-2: anonymous visitors are sent to log in and write nothing."""
    assert client.get(ABSENCES).status_code == 302
    assert client.post(ABSENCES, {"first_day": "2026-07-01", "last_day": "2026-07-02"}).status_code == 302
    assert Absence.objects.count() == 0


# --- follow-ups ------------------------------------------------------------------------------

FOLLOW_UP = {
    "period_end": "2025-12-31",
    "figures": "1 200 följare",
    "assessment": "Målen nås.",
    "continue_account": "on",
    # ACC-1, ACC-2: the accessibility questions the form asks.
    "acc_alt_text": "yes",
    "acc_captions": "partly",
    "acc_plain_language": "yes",
    "acc_on_ki_se": "na",
}


@pytest.fixture
def managed(owner):
    """An account in a division under a department whose head is its responsible manager."""
    head = factories.UserFactory(username="head")
    department = factories.UnitFactory(manager=head)
    return factories.staffed_account(owner=owner, unit=factories.UnitFactory(parent=department)), head


def test_the_owner_records_a_follow_up_and_the_manager_acknowledges_it(client, owner, managed):
    """PURP-3, RESP-1: the owner records the yearly follow-up; the manager above acknowledges it."""
    account, head = managed
    client.force_login(owner)

    response = client.post(reverse("monitoring:follow-up", args=[account.pk]), FOLLOW_UP)

    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.account, follow_up.recorded_by, follow_up.continue_account) == (account, owner, True)
    client.force_login(head)
    response = client.post(reverse("monitoring:follow-up-ack", args=[follow_up.pk]))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.acknowledged_by, follow_up.acknowledged_at is not None) == (head, True)
    assert list(AuditEvent.objects.for_object(account).order_by("id").values_list("action", "actor__username")) == [
        ("follow_up.record", owner.username),
        ("follow_up.acknowledge", "head"),
    ]


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_only_a_keeper_records_a_follow_up(who, request, client, managed):
    """PURP-3, RES-2: staff who see the account and auditors cannot record its follow-up (403)."""
    account, _head = managed
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("monitoring:follow-up", args=[account.pk]), FOLLOW_UP)

    assert response.status_code == 403
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("who", ["owner", "outsider", "auditor"])
def test_only_the_responsible_manager_acknowledges_a_follow_up(who, request, client, managed):
    """PURP-3, RESP-1: not the owner who recorded it, not other staff, not an auditor."""
    account, _head = managed
    follow_up = factories.FollowUpFactory(account=account)
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("monitoring:follow-up-ack", args=[follow_up.pk]))

    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.acknowledged_at is None
    assert not AuditEvent.objects.filter(action="follow_up.acknowledge").exists()


def test_acknowledging_requires_login(client, managed):
    """PURP-3, RESP-1: anonymous visitors are sent to log in; nothing is acknowledged."""
    account, _head = managed
    follow_up = factories.FollowUpFactory(account=account)

    response = client.post(reverse("monitoring:follow-up-ack", args=[follow_up.pk]))

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.acknowledged_at is None


# --- the account's monitoring page -----------------------------------------------------------


def test_the_keeper_sees_the_ping_address_and_others_do_not(client, owner, outsider, account):
    """MON-1: the ping address section (and its button) is shown to the account's keepers only."""
    ping_token(account)
    client.force_login(owner)
    mine = client.get(reverse("monitoring:account", args=[account.pk]))
    client.force_login(outsider)
    theirs = client.get(reverse("monitoring:account", args=[account.pk]))

    assert mine.status_code == theirs.status_code == 200
    assert mine.context["ping_key"] == PingKey.objects.get(account=account)
    assert "ping_key" not in theirs.context
    rotate = reverse("monitoring:ping-rotate", args=[account.pk])
    assert rotate in mine.content.decode() and rotate not in theirs.content.decode()


# --- the compliance overview -----------------------------------------------------------------


def test_the_compliance_overview_is_not_for_plain_staff(client, outsider, owner, account):
    """RESP-1: staff without a role, and account owners, get 403."""
    client.force_login(outsider)
    assert client.get(OVERVIEW).status_code == 403
    client.force_login(owner)  # an account owner is not a manager either
    assert client.get(OVERVIEW).status_code == 403


def test_the_compliance_overview_requires_login(client):
    """RESP-1: anonymous visitors are sent to log in."""
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _findings():
    """Two no-owner findings and one missed-monitoring in a managed department, one no-owner
    finding elsewhere."""
    head = factories.UserFactory(username="head")
    department = factories.UnitFactory(manager=head)
    inside = [factories.SocialAccountFactory(unit=department) for _i in range(2)]
    outside = factories.SocialAccountFactory()
    for account in (*inside, outside):
        factories.FindingFactory(account=account, rule="no-owner")
    factories.FindingFactory(account=inside[0], rule="missed-monitoring")
    factories.FindingFactory(account=outside, rule="no-deputy", resolved_at=timezone.now())
    return head


@pytest.mark.parametrize("who", ["comms", "auditor"])
def test_comms_and_auditors_see_the_counts_by_rule_over_everything(who, request, client):
    """RESP-1, COMMS-1: open findings by rule over the whole inventory; resolved ones do not count."""
    _findings()
    client.force_login(request.getfixturevalue(who))

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    counts = {rule.id: n for rule, n in response.context["rules"]}
    assert counts == {**dict.fromkeys(RULES, 0), "no-owner": 3, "missed-monitoring": 1}
    assert response.context["open_total"] == 4


def test_a_manager_sees_the_counts_of_their_own_units(client):
    """RESP-1: the manager's view covers their department's accounts only."""
    head = _findings()
    client.force_login(head)

    response = client.get(OVERVIEW)

    assert response.status_code == 200
    counts = {rule.id: n for rule, n in response.context["rules"]}
    assert (counts["no-owner"], counts["missed-monitoring"], response.context["open_total"]) == (2, 1, 3)
    assert [row["n"] for row in response.context["by_unit"]] == [3]


def test_the_deputy_role_does_not_open_the_overview(client, account):
    """RESP-1: keeping an account as deputy is not a manager's role: 403."""
    deputy = Assignment.objects.get(account=account, role=Role.DEPUTY).person
    client.force_login(deputy)

    assert client.get(OVERVIEW).status_code == 403
