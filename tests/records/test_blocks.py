"""The blocking log (CONT-1, REC-1): its services, the rule block-unreviewed and its pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.choices import Severity
from monitoring.rules import RULES
from records import blocks
from records.choices import BlockAction, Category
from records.models import Block

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.timedelta(days=1)


@pytest.fixture
def client(client):
    """The pages in English: the locale middleware would otherwise switch to Swedish for the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def account(evidence_account):
    """An active official account: every logged-in user sees it, but not its blocking log."""
    return evidence_account


def record(actor, account, **overrides) -> Block:
    data = {
        "visitor": "@trollkonto",
        "action": BlockAction.BLOCK,
        "reason": Category.DEFAMATION,
        "blocked_at": timezone.now() - datetime.timedelta(hours=1),
        **overrides,
    }
    return blocks.block_record(actor=actor, account_id=account.pk, **data)


def make_block(account, *, blocked_at, reviewed_at=None, unblocked_at=None) -> Block:
    """A block row written directly, for the rule: only its times matter."""
    return Block.objects.create(
        account=account,
        visitor="@besökare",
        reason=Category.INCITEMENT,
        blocked_at=blocked_at,
        reviewed_at=reviewed_at,
        unblocked_at=unblocked_at,
        decided_by_repr="test",
    )


# The services


@pytest.mark.parametrize("who", ["owner", "deputy", "manager", "comms"])
def test_keepers_managers_and_comms_can_record_a_block(request, account, who):
    """CONT-1, REC-1: the owner, deputy, a responsible manager or comms records who was blocked and why."""
    actor = request.getfixturevalue(who)

    block = record(actor, account, reason_note="Hot mot en doktorand.")

    block.refresh_from_db()
    assert (block.account, block.visitor, block.action, block.reason) == (
        account,
        "@trollkonto",
        BlockAction.BLOCK,
        Category.DEFAMATION,
    )
    assert (block.decided_by, block.decided_by_repr) == (actor, str(actor))
    assert block.reviewed_at is None and block.unblocked_at is None


def test_recording_a_block_writes_an_audit_row_without_the_visitor(account, owner):
    """The account's history is shown to everyone who sees the account: the visitor's identity
    stays in the access-restricted log, the audit row names the block by id."""
    block = record(owner, account)

    event = AuditEvent.objects.for_object(account).get(action="block.record")
    assert event.actor == owner
    assert event.after["block"] == block.pk
    assert (event.after["action"], event.after["reason"]) == ("block", "c_defamation")
    assert "trollkonto" not in str(event.after)


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_auditor_and_outsider_cannot_record_a_block(request, account, who):
    """Auditors only read the log; other staff do not even see it. Nothing is written."""
    with pytest.raises(NotAllowed):
        record(request.getfixturevalue(who), account)

    assert not Block.objects.exists() and not AuditEvent.objects.exists()


def test_a_breach_of_the_accounts_rules_needs_a_note(account, owner):
    """CONT-1 or the account's rules: for the latter, the log says which rule."""
    with pytest.raises(ApplicationError, match="which of the account's rules"):
        record(owner, account, reason=Category.ACCOUNT_RULES)

    assert not Block.objects.exists()


def test_a_block_in_the_future_is_refused(account, owner):
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        record(owner, account, blocked_at=timezone.now() + DAY)

    assert not Block.objects.exists()


def test_reviewing_sets_the_review_time_and_writes_an_audit_row(account, owner):
    """A block that is still justified is reviewed and kept: its six months start again."""
    block = record(owner, account)

    blocks.block_review(actor=owner, block_id=block.pk)

    block.refresh_from_db()
    assert block.reviewed_at is not None and block.unblocked_at is None
    event = AuditEvent.objects.get(action="block.review")
    assert event.after["block"] == block.pk and event.before == {"reviewed_at": None}
    assert Block.objects.count() == 1


def test_unblocking_keeps_the_row_and_writes_an_audit_row(account, owner, deputy):
    """REC-1: the log is a record; unblocking never deletes the entry."""
    block = record(owner, account)

    blocks.block_unblock(actor=deputy, block_id=block.pk)

    block.refresh_from_db()
    assert block.unblocked_at is not None and block.unblocked_by_repr == str(deputy)
    assert block.decided_by == owner  # who decided the block stays on record
    assert Block.objects.count() == 1
    assert AuditEvent.objects.get(action="block.unblock").after["block"] == block.pk


def test_unblocking_twice_or_reviewing_after_unblocking_is_refused(account, owner):
    block = record(owner, account)
    blocks.block_unblock(actor=owner, block_id=block.pk)
    unblocked_at = Block.objects.get().unblocked_at

    with pytest.raises(ApplicationError, match="already been unblocked"):
        blocks.block_unblock(actor=owner, block_id=block.pk)
    with pytest.raises(ApplicationError, match="already been unblocked"):
        blocks.block_review(actor=owner, block_id=block.pk)

    block.refresh_from_db()
    assert (block.unblocked_at, block.reviewed_at) == (unblocked_at, None)
    assert AuditEvent.objects.filter(action__in=["block.unblock", "block.review"]).count() == 1


def test_auditor_cannot_review_or_unblock(account, owner, auditor):
    block = record(owner, account)

    for service in (blocks.block_review, blocks.block_unblock):
        with pytest.raises(NotAllowed):
            service(actor=auditor, block_id=block.pk)

    block.refresh_from_db()
    assert block.reviewed_at is None and block.unblocked_at is None


# The rule block-unreviewed


def test_the_rule_is_registered_with_its_clauses_and_severity():
    rule = RULES["block-unreviewed"]
    assert (rule.clauses, rule.severity) == ("CONT-1, REC-1", Severity.MEDIUM)


def test_a_block_181_days_old_is_fine_and_183_days_old_is_a_finding(account):
    """Six months without review (182 days) makes a finding."""
    now = timezone.now()
    make_block(account, blocked_at=now - 181 * DAY)
    assert RULES["block-unreviewed"].violators(now) == set()

    make_block(account, blocked_at=now - 183 * DAY)
    assert RULES["block-unreviewed"].violators(now) == {account.pk}


def test_a_recent_review_keeps_an_old_block_fine(account):
    now = timezone.now()
    make_block(account, blocked_at=now - 400 * DAY, reviewed_at=now - 10 * DAY)

    assert RULES["block-unreviewed"].violators(now) == set()


def test_a_review_older_than_six_months_is_a_finding(account):
    now = timezone.now()
    make_block(account, blocked_at=now - 400 * DAY, reviewed_at=now - 183 * DAY)

    assert RULES["block-unreviewed"].violators(now) == {account.pk}


def test_an_unblocked_visitor_is_fine_however_old_the_block(account):
    now = timezone.now()
    make_block(account, blocked_at=now - 400 * DAY, unblocked_at=now - 300 * DAY)

    assert RULES["block-unreviewed"].violators(now) == set()


@pytest.mark.parametrize(
    "status", [AccountStatus.APPROVED, AccountStatus.DECOMMISSIONING, AccountStatus.DECOMMISSIONED]
)
def test_only_active_accounts_are_flagged(account, status):
    """The rules govern active accounts (monitoring.rules.governed)."""
    now = timezone.now()
    make_block(account, blocked_at=now - 183 * DAY)
    account.status = status
    account.save(update_fields=["status"])

    assert RULES["block-unreviewed"].violators(now) == set()


def test_reviewing_through_the_service_clears_the_finding(account, owner):
    now = timezone.now()
    block = make_block(account, blocked_at=now - 200 * DAY)
    assert RULES["block-unreviewed"].violators(now) == {account.pk}

    blocks.block_review(actor=owner, block_id=block.pk)

    assert RULES["block-unreviewed"].violators(timezone.now()) == set()


# The pages


def list_url(account) -> str:
    return reverse("records:blocks", args=[account.pk])


def form_data(**overrides) -> dict:
    return {
        "visitor": "@trollkonto",
        "visitor_url": "",
        "action": BlockAction.MUTE,
        "reason": Category.ADVERTISING,
        "reason_note": "",
        "blocked_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **overrides,
    }


def test_anonymous_is_sent_to_log_in(client, account, owner):
    block = record(owner, account)
    urls = [list_url(account), reverse("records:block-review", args=[block.pk])]
    for url in urls:
        response = client.get(url) if url == urls[0] else client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_outsider_gets_404_for_the_log_of_a_public_account(client, account, owner, outsider):
    """The log is evidence: other staff see the account, not who was blocked on it."""
    block = record(owner, account)
    client.force_login(outsider)

    assert client.get(list_url(account)).status_code == 404
    assert client.post(list_url(account), form_data()).status_code == 404
    for name in ("records:block-review", "records:block-unblock"):
        assert client.post(reverse(name, args=[block.pk])).status_code == 404
    block.refresh_from_db()
    assert block.reviewed_at is None and block.unblocked_at is None
    assert Block.objects.count() == 1


@pytest.mark.parametrize("who", ["owner", "deputy", "manager", "comms", "auditor"])
def test_people_who_see_evidence_see_the_log(request, client, account, owner, who):
    record(owner, account)
    client.force_login(request.getfixturevalue(who))

    response = client.get(list_url(account))

    assert response.status_code == 200
    assert [b.visitor for b in response.context["blocks"]] == ["@trollkonto"]
    assert response.context["can_write"] is (who != "auditor")
    assert ("Record a block" in response.content.decode()) is (who != "auditor")


def test_auditor_cannot_write_through_the_pages(client, account, owner, auditor):
    """Auditors read only: every POST is 403 and nothing changes."""
    block = record(owner, account)
    client.force_login(auditor)

    assert client.post(list_url(account), form_data()).status_code == 403
    for name in ("records:block-review", "records:block-unblock"):
        assert client.post(reverse(name, args=[block.pk])).status_code == 403
    block.refresh_from_db()
    assert block.reviewed_at is None and block.unblocked_at is None
    assert Block.objects.count() == 1
    assert AuditEvent.objects.filter(action="block.record").count() == 1


@pytest.mark.parametrize("who", ["owner", "manager", "comms"])
def test_a_permitted_user_records_a_block_through_the_form(request, client, account, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post(list_url(account), form_data())

    assert response.status_code == 302 and response.url == list_url(account)
    block = Block.objects.get()
    assert (block.account, block.action, block.reason, block.decided_by) == (
        account,
        "mute",
        "f_advertising",
        user,
    )
    assert AuditEvent.objects.filter(action="block.record").count() == 1


def test_the_form_asks_which_rule_for_a_breach_of_the_accounts_rules(client, account, owner):
    client.force_login(owner)

    response = client.post(list_url(account), form_data(reason=Category.ACCOUNT_RULES))

    assert response.status_code == 200
    assert "reason_note" in response.context["form"].errors
    assert not Block.objects.exists()


def test_review_and_unblock_through_the_pages(client, account, owner):
    block = record(owner, account)
    client.force_login(owner)

    response = client.post(reverse("records:block-review", args=[block.pk]))
    assert response.status_code == 302 and response.url == list_url(account)
    block.refresh_from_db()
    assert block.reviewed_at is not None

    client.post(reverse("records:block-unblock", args=[block.pk]))
    block.refresh_from_db()
    assert block.unblocked_at is not None
    assert Block.objects.count() == 1

    # A second unblock is refused with a message, not an error page.
    response = client.post(reverse("records:block-unblock", args=[block.pk]), follow=True)
    assert "already been unblocked" in response.content.decode()


def test_review_and_unblock_are_post_only(client, account, owner):
    block = record(owner, account)
    client.force_login(owner)

    assert client.get(reverse("records:block-review", args=[block.pk])).status_code == 405
    assert client.get(reverse("records:block-unblock", args=[block.pk])).status_code == 405


def test_an_overdue_review_is_marked_on_the_page(client, account, owner):
    make_block(account, blocked_at=timezone.now() - 200 * DAY)
    client.force_login(owner)

    response = client.get(list_url(account))

    assert response.context["blocks"][0].review_overdue is True
    assert "Review due" in response.content.decode()


def test_the_log_page_makes_a_fixed_number_of_queries(client, account, owner):
    """Templates never query in loops: five blocks cost what one does."""
    client.force_login(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url(account)).status_code == 200
        return len(captured)

    make_block(account, blocked_at=timezone.now())
    one = queries()
    for n in range(1, 5):
        make_block(account, blocked_at=timezone.now() - n * DAY)
    assert queries() == one
