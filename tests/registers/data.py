"""Records of every kind for the register tests: one of each on the evidence account (held by the
owner and deputy, under the manager's department) and one of each on another unit's draft account
that only comms, auditors and registrars may see."""

import datetime
import itertools

from django.utils import timezone

from approvals.models import Decision
from records.models import Block, Incident, Inquiry, MediaConsent, RecordsRequest
from tests import factories

HOUR = datetime.timedelta(hours=1)
_n = itertools.count()


def ago(hours: float) -> datetime.datetime:
    return timezone.now() - hours * HOUR


def incident(account, *, removed_hours_ago: float = 2, **kwargs) -> Incident:
    fields = {
        "seen_at": ago(removed_hours_ago + 1),
        "removed_at": ago(removed_hours_ago),
        "poster": "visitor",
        "category": "f_advertising",
        "description": f"Reklam {next(_n)}.",
        "logged_by_repr": "Olivia Ägare",
        **kwargs,
    }
    return Incident.objects.create(account=account, **fields)


def inquiry(account, *, due_hours_ago: float = -20, **kwargs) -> Inquiry:
    fields = {
        "received_at": ago(due_hours_ago + 24),
        "due_at": ago(due_hours_ago),
        "kind": "question",
        "summary": f"Fråga {next(_n)}",
        **kwargs,
    }
    return Inquiry.objects.create(account=account, **fields)


def block(account, *, blocked_hours_ago: float = 3, **kwargs) -> Block:
    fields = {
        "visitor": f"@visitor{next(_n)}",
        "reason": "c_defamation",
        "blocked_at": ago(blocked_hours_ago),
        "decided_by_repr": "Olivia Ägare",
        **kwargs,
    }
    return Block.objects.create(account=account, **fields)


def consent(account, **kwargs) -> MediaConsent:
    fields = {
        "subject": f"Person {next(_n)}",
        "form": "written",
        "given_on": timezone.localdate(),
        "publication": "Instagram",
        "photographer": "Fotograf",
        "photographer_consents": True,
        **kwargs,
    }
    return MediaConsent.objects.create(account=account, **fields)


def records_request(accounts, **kwargs) -> RecordsRequest:
    fields = {
        "received_at": ago(1),
        "requester": f"Journalist {next(_n)}",
        "asked_for": "Allt.",
        "period_start": timezone.localdate() - datetime.timedelta(days=30),
        "period_end": timezone.localdate(),
        **kwargs,
    }
    request = RecordsRequest.objects.create(**fields)
    request.accounts.set(accounts)
    return request


def decision(account, **kwargs) -> Decision:
    fields = {
        "step": "manager",
        "outcome": "approve",
        "decided_by_repr": "Maja Chef",
        "clauses": "START-1",
        "unit_repr": str(account.unit),
        "registry_email": "diariet@ki.se",
        **kwargs,
    }
    return Decision.objects.create(account=account, **fields)


def one_of_each(account) -> dict:
    """{register slug: the record made on this account}."""
    return {
        "removed-posts": incident(account),
        "questions": inquiry(account),
        "blocks": block(account),
        "media-consents": consent(account),
        "records-requests": records_request([account]),
        "decisions": decision(account),
    }


def hidden_account():
    """A draft of another unit with no keepers the tests know: only comms, auditors and
    registrars see it."""
    return factories.staffed_account(status="draft", unit=factories.UnitFactory())
