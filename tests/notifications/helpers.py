"""Helpers shared by the outbox's tests (tests/notifications, the Celery and chaos tests)."""

from notifications import services as outbox


def queue_emails(n: int, key: str) -> list[int]:
    """Queue n e-mails with dedupe keys <key>:<i> to bare addresses; returns their ids."""
    return [
        outbox.notification_queue(
            template="reminder-snapshot",
            dedupe_key=f"{key}:{i}",
            to_email=f"{key}-{i}@ki.se",
            language="sv",
            context={"accounts": []},
        ).pk
        for i in range(n)
    ]
