"""The blocking log: visitors blocked or muted on an account, their review and unblocking (CONT-1,
REC-1), and the rule block-unreviewed.

The log is a record (allmän handling): a row is never deleted. Unblocking sets unblocked_at and
keeps the row, because an authority was criticised by the Parliamentary Ombudsman for blocking
visitors and deleting its block list. Like screenshots, the log is shown only to those who may see
an account's evidence (accounts.snapshots.can_see_snapshots).

Audit rows name the block by id, never the visitor: the account's history is shown to everyone
who may see the account, and the visitor's identity belongs in the access-restricted log.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SocialAccount
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from monitoring.choices import Severity
from monitoring.rules import Rule, _ids, governed, register
from records import permissions
from records.choices import BlockAction, Category
from records.models import Block

# "A block older than six months without review becomes a finding": six months as 182 days.
REVIEW_AFTER = datetime.timedelta(days=182)
# The clock of the person recording may run a little ahead of the server's.
_CLOCK_SKEW = datetime.timedelta(minutes=5)


def _refuse_unless_writer(user, account: SocialAccount) -> None:
    if not permissions.can_write_blocks(user, account):
        raise NotAllowed(
            _(
                "Only the account's owner, its deputy, a responsible manager or the communications "
                "department may do this."
            )
        )


def review_due_since(block: Block) -> datetime.datetime:
    """The moment the six months run from: the last review, or the blocking if never reviewed."""
    return block.reviewed_at or block.blocked_at


def is_review_overdue(block: Block, now: datetime.datetime) -> bool:
    """The block is still in force and was not reviewed for six months (what the rule flags)."""
    return block.unblocked_at is None and review_due_since(block) < now - REVIEW_AFTER


@transaction.atomic
def block_record(
    *,
    actor,
    account_id: int,
    visitor: str,
    action: str,
    reason: str,
    blocked_at: datetime.datetime,
    reason_note: str = "",
    visitor_url: str = "",
) -> Block:
    """Record that a visitor was blocked or muted on the account, why (a CONT-1 category or the
    account's own rules) and who decided."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    _refuse_unless_writer(actor, account)
    visitor, reason_note = visitor.strip(), reason_note.strip()
    if not visitor:
        raise ApplicationError(_("Enter the visitor's public identity on the platform."))
    if action not in BlockAction.values:
        raise ApplicationError(_("Choose whether the visitor was blocked or muted."))
    if reason not in Category.values:
        raise ApplicationError(_("Choose the reason for the block."))
    if reason == Category.ACCOUNT_RULES and not reason_note:
        raise ApplicationError(_("Say which of the account's rules the visitor broke."))
    if blocked_at > timezone.now() + _CLOCK_SKEW:
        raise ApplicationError(_("The time of the block cannot be in the future."))
    block = Block(
        account=account,
        visitor=visitor,
        visitor_url=visitor_url,
        action=action,
        reason=reason,
        reason_note=reason_note,
        blocked_at=blocked_at,
        decided_by=actor,
        decided_by_repr=str(actor),
    )
    block.full_clean()
    block.save()
    audit_record(
        actor=actor,
        target=account,
        action="block.record",
        after={"block": block.pk, "action": action, "reason": reason, "blocked_at": blocked_at},
    )
    return block


def _lock_block(block_id: int) -> Block:
    # Lock the block only; two people reviewing or unblocking at once are serialised on it.
    return Block.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=block_id)


@transaction.atomic
def block_review(*, actor, block_id: int, note: str = "") -> Block:
    """Record that the block was reviewed and kept: the six months start again."""
    block = _lock_block(block_id)
    _refuse_unless_writer(actor, block.account)
    if block.unblocked_at is not None:
        raise ApplicationError(_("This visitor has already been unblocked; there is nothing to review."))
    before = block.reviewed_at
    block.reviewed_at = timezone.now()
    block.save(update_fields=["reviewed_at", "updated_at"])
    audit_record(
        actor=actor,
        target=block.account,
        action="block.review",
        before={"reviewed_at": before},
        after={"block": block.pk, "reviewed_at": block.reviewed_at},
        note=note,
    )
    return block


@transaction.atomic
def block_unblock(*, actor, block_id: int, note: str = "") -> Block:
    """Record that the visitor was unblocked. The row stays: the log is never deleted."""
    block = _lock_block(block_id)
    _refuse_unless_writer(actor, block.account)
    if block.unblocked_at is not None:
        raise ApplicationError(_("This visitor has already been unblocked."))
    block.unblocked_at, block.unblocked_by_repr = timezone.now(), str(actor)
    block.save(update_fields=["unblocked_at", "unblocked_by_repr", "updated_at"])
    audit_record(
        actor=actor,
        target=block.account,
        action="block.unblock",
        after={"block": block.pk, "unblocked_at": block.unblocked_at},
        note=note,
    )
    return block


def block_list(*, account: SocialAccount):
    """The account's whole log, newest first. The caller has checked that the user may see it
    (accounts.snapshots.snapshot_account_get)."""
    return Block.objects.filter(account=account).order_by("-blocked_at", "-id")


def block_unreviewed(now: datetime.datetime) -> set[int]:
    """CONT-1, REC-1: an active account has a block still in force whose last review (or the
    blocking, if it was never reviewed) is more than six months (182 days) old."""
    stale = Block.objects.filter(review_due(now), account=OuterRef("pk"))
    return _ids(governed().filter(Exists(stale)))


def review_due(now: datetime.datetime) -> Q:
    """The blocks that make an account break block-unreviewed (on a governed account): still in
    force and not reviewed for six months (is_review_overdue, as a query). Also the comms queue
    "blocks due for review"."""
    cutoff = now - REVIEW_AFTER
    return Q(unblocked_at__isnull=True) & (
        Q(reviewed_at__isnull=True, blocked_at__lt=cutoff) | Q(reviewed_at__lt=cutoff)
    )


register(
    Rule(
        "block-unreviewed",
        "CONT-1, REC-1",
        Severity.MEDIUM,
        gettext_lazy("A block has not been reviewed for six months"),
        gettext_lazy("Review the blocking log: keep each block that is still justified, or unblock the visitor."),
        block_unreviewed,
    )
)
