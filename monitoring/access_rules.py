"""The rules about who has access to an account besides its owner and deputy (START-1, PRIV-2,
issue 15), added to the catalogue of monitoring.rules. Each is one set-based query; the conditions
are accounts.access_selectors', which the owner's to-do list and the account page share."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.access_selectors import removal_due, review_overdue
from accounts.choices import CURRENT_PUBLISHER_STATUSES
from accounts.models import Publisher
from monitoring.choices import Severity
from monitoring.rules import Rule, _ids, governed, register
from monitoring.services import findings_evaluate_accounts


def access_review_overdue(now):
    """START-1: the owner has not confirmed the people with access for 13 months (since the last
    review, or since go-live)."""
    return _ids(review_overdue(governed(), now))


def access_not_removed(now):
    """START-1, PRIV-2: someone who left KI (left_on set, or user deactivated) or whose temporary
    access ended still has access, until the owner records its removal from the platform."""
    return _ids(removal_due(governed(), now))


register(
    Rule(
        "access-review-overdue",
        "START-1",
        Severity.MEDIUM,
        _("Access to the account not reviewed in 13 months"),
        _("Confirm who has access to the account: everyone still needs it and is still at KI."),
        access_review_overdue,
    )
)
register(
    Rule(
        "access-not-removed",
        "START-1, PRIV-2",
        Severity.HIGH,
        _("Someone who left KI or whose access ended still has access"),
        _("Remove their access on the platform and record the removal on the account's access page."),
        access_not_removed,
    )
)


def leaver_access_findings_open(*, person, **_context) -> None:
    """org.extensions.person_left_hooks: once the leaver's transaction commits, open
    access-not-removed on the accounts the person still has access to, rather than at the next
    hourly sweep (as leaver_findings_open does for no-owner / no-deputy)."""
    account_ids = list(
        Publisher.objects.filter(person=person, status__in=CURRENT_PUBLISHER_STATUSES)
        .order_by()
        .values_list("account_id", flat=True)
    )
    if account_ids:
        evaluate = partial(findings_evaluate_accounts, account_ids=account_ids, rule_ids=("access-not-removed",))
        transaction.on_commit(evaluate, robust=True)
