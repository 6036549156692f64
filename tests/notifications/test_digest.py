"""The daily digest (issue 13, notifications.digest): people who chose it get the portal's
e-mails once a day in one message, in their language; urgent kinds still go at once."""

import pytest
from django.conf import settings
from django.core import mail

from notifications.digest import digest_queue
from notifications.models import Notification
from notifications.services import notification_queue, notifications_send
from notifications.tasks import digest_send_task
from org.choices import NotificationMode
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(db):
    return factories.SocialAccountFactory(name="KI Medicin Solna")


@pytest.fixture
def digest_reader(db):
    return factories.UserFactory(username="digest-reader", language="en", notification_mode=NotificationMode.DIGEST)


def queue(account, recipient, key: str, template: str = "request-to-decide"):
    return notification_queue(
        template=template,
        dedupe_key=key,
        recipient=recipient,
        context={"account": account, "requester": "Rut Sökande", "accounts": [account]},
        link=f"/requests/{account.pk}/",
    )


def test_the_sender_leaves_a_digest_readers_mail_for_the_digest(account, digest_reader):
    """START-1 requests still reach the manager, but not one by one: the per-minute sender skips them."""
    queue(account, digest_reader, "to-decide:1")

    assert notifications_send() == 0
    assert mail.outbox == []
    assert Notification.objects.get().sent_at is None


def test_the_digest_sends_one_email_listing_the_days_messages_and_marks_them_sent(account, digest_reader):
    """One e-mail with each waiting message's subject, first lines and link; the rows are marked
    sent; the digest is in the recipient's language (English here)."""
    queue(account, digest_reader, "to-decide:1")
    queue(factories.SocialAccountFactory(name="KI Biblioteket"), digest_reader, "to-decide:2")

    assert digest_send_task() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [digest_reader.email]
    assert message.subject == "Your daily digest: 2 messages from the social media registry"
    assert "Decide on a request for an account: KI Medicin Solna" in message.body
    assert "Decide on a request for an account: KI Biblioteket" in message.body
    assert f"{settings.SITE_URL}/requests/{account.pk}/" in message.body
    assert not Notification.objects.filter(kind="request-to-decide", sent_at__isnull=True).exists()


def test_a_second_run_sends_nothing(account, digest_reader):
    """Idempotent: the rows went into the first digest, so a second run the same day finds nothing."""
    queue(account, digest_reader, "to-decide:1")
    digest_send_task()

    assert digest_send_task() == 0
    assert digest_queue() == 0
    assert len(mail.outbox) == 1


def test_the_digest_is_in_swedish_for_a_swedish_reader(account):
    reader = factories.UserFactory(language="sv", notification_mode=NotificationMode.DIGEST)
    queue(account, reader, "to-decide:sv")

    digest_send_task()

    assert mail.outbox[0].subject.startswith("Din dagliga sammanfattning")


def test_escalations_still_go_at_once_to_a_digest_reader(account, digest_reader):
    """Escalations (RESP-1, MON-2) are urgent: sent at once whatever the recipient chose."""
    queue(account, digest_reader, "escalation:1", template="escalation")

    assert notifications_send() == 1
    assert digest_queue() == 0
    assert len(mail.outbox) == 1


def test_people_who_want_each_email_at_once_get_no_digest(account):
    reader = factories.UserFactory(notification_mode=NotificationMode.IMMEDIATE)
    queue(account, reader, "to-decide:now")

    assert notifications_send() == 1
    assert digest_queue() == 0


def test_the_digest_is_scheduled_daily():
    """The beat schedule runs the digest task once a day."""
    entry = settings.CELERY_BEAT_SCHEDULE["daily-digest"]
    assert entry["task"] == "notifications.tasks.digest_send_task"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}


def test_the_send_digests_command_does_what_the_task_does(account, digest_reader):
    """Every periodic job is also a command, so it runs without a broker."""
    from django.core.management import call_command

    queue(account, digest_reader, "to-decide:cmd")

    call_command("send_digests", verbosity=0)

    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Your daily digest")
