"""Weeding (gallring, WEED-1/2): deleting an account's stored material for a period once it is no
longer needed, by a recorded decision.

Stored evidence in the portal is deleted only through such a decision. It is refused while a
request for public records holds the material (disclosure.legal_hold_applies) and when the
account is assessed as having future research value or a public interest in access (WEED-2).
The decision itself is kept, with the list of what was deleted.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Snapshot, SocialAccount
from audit.services import audit_record, diff
from audit.services import snapshot as field_values
from core.exceptions import ApplicationError, NotAllowed
from org.calendar import local_day
from records import permissions
from records.disclosure import open_requests_for
from records.models import Incident, Retention, WeedingDecision

RETENTION_FIELDS = ("research_value", "public_interest", "note")


def _require_comms(user):
    if not permissions.can_weed(user):
        raise NotAllowed(_("Only the communications department may decide on weeding."))


def _lock_account(account_id: int) -> SocialAccount:
    return SocialAccount.objects.select_for_update(of=("self",)).get(pk=account_id)


def retention_of(account: SocialAccount) -> Retention | None:
    return Retention.objects.filter(account=account).first()


def weeding_refusal(account: SocialAccount, start: datetime.date, end: datetime.date) -> str | None:
    """Why the account's material in [start, end] may not be weeded, or None if it may (WEED-2)."""
    held = open_requests_for(account, start, end).first()
    if held is not None:
        return _(
            "Weeding is refused: the request for public records no. %(number)s, received %(date)s, is open "
            "and covers this account from %(start)s to %(end)s (legal hold). Close the request first."
        ) % {
            "number": held.pk,
            "date": timezone.localtime(held.received_at).strftime("%Y-%m-%d"),
            "start": held.period_start,
            "end": held.period_end,
        }
    retention = retention_of(account)
    if retention is not None and retention.research_value:
        return _("Weeding is refused: the account's material is assessed as having future research value (WEED-2).")
    if retention is not None and retention.public_interest:
        return _(
            "Weeding is refused: weeding the account's material would set aside the public's right of access (WEED-2)."
        )
    return None


@transaction.atomic
def retention_set(*, actor, account_id: int, research_value: bool, public_interest: bool, note: str = "") -> Retention:
    """Record whether the account's material must be kept (WEED-2)."""
    _require_comms(actor)
    account = _lock_account(account_id)
    retention = retention_of(account) or Retention(account=account)
    before = field_values(retention, RETENTION_FIELDS) if retention.pk else {}
    retention.research_value, retention.public_interest, retention.note = research_value, public_interest, note.strip()
    retention.full_clean()
    retention.save()
    changed_before, changed_after = diff(before, field_values(retention, RETENTION_FIELDS))
    if changed_after:
        audit_record(actor=actor, target=account, action="retention.set", before=changed_before, after=changed_after)
    return retention


@transaction.atomic
def weeding_decide(
    *, actor, account_id: int, period_start: datetime.date, period_end: datetime.date, basis: str
) -> WeedingDecision:
    """Weed the account's stored screenshots dated in the period (WEED-1), and keep the decision.

    1. Lock the account: a request for public records logged at the same moment waits for this
       decision or is seen by it (records_request_log locks its accounts too).
    2. Refuse under a legal hold or a retention assessment (WEED-2).
    3. Refuse a period with nothing stored: the decision is the record that material was deleted,
       and one that deleted nothing (or the same form sent twice) would say otherwise (WEED-1).
    4. A screenshot that is evidence of a removed post may be weeded only when that post's record
       has been handed off, and not while a request holds the post's own date.
    5. Unlink the evidence, delete the rows, record the decision and what it deleted.
    6. Delete the files once the transaction has committed, so that a rollback loses nothing.
    """
    _require_comms(actor)
    account = _lock_account(account_id)
    if not basis.strip():
        raise ApplicationError(_("Give the basis: the decision that allows weeding."))
    if period_end < period_start:
        raise ApplicationError(_("The period cannot end before it starts."))
    if period_end > timezone.localdate():
        raise ApplicationError(_("The period cannot end in the future."))
    refusal = weeding_refusal(account, period_start, period_end)
    if refusal:
        raise ApplicationError(refusal)

    snapshots = list(
        Snapshot.objects.select_for_update()
        .filter(account=account, taken_on__gte=period_start, taken_on__lte=period_end)
        .order_by("taken_on", "kind", "pk")
    )
    if not snapshots:
        raise ApplicationError(
            _(
                "There are no stored screenshots of the account dated from %(start)s to %(end)s: there is nothing "
                "to weed, and no decision was recorded."
            )
            % {"start": period_start, "end": period_end}
        )
    incidents = list(
        Incident.objects.filter(evidence__in=snapshots).select_related("account").distinct().order_by("pk")
    )
    for incident in incidents:
        if not incident.hand_off:
            raise ApplicationError(
                _(
                    "Weeding is refused: the screenshots of removed post no. %(number)s are its only record; hand "
                    "the record to the registry or the archive first."
                )
                % {"number": incident.pk}
            )
        removed_on = local_day(incident.removed_at)
        if open_requests_for(incident.account, removed_on, removed_on).exists():
            raise ApplicationError(
                _(
                    "Weeding is refused: removed post no. %(number)s is held by an open request for public records "
                    "(legal hold)."
                )
                % {"number": incident.pk}
            )

    Incident.evidence.through.objects.filter(snapshot__in=snapshots).delete()
    deleted = [{"kind": s.kind, "taken_on": s.taken_on.isoformat(), "sha256": s.sha256} for s in snapshots]
    names = {s.file.name for s in snapshots if s.file}
    Snapshot.objects.filter(pk__in=[s.pk for s in snapshots]).delete()
    decision = WeedingDecision(
        account=account,
        period_start=period_start,
        period_end=period_end,
        basis=basis.strip(),
        decided_by=actor,
        decided_by_repr=str(actor),
        deleted=deleted,
    )
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        target=account,
        action="weeding.decide",
        after={
            "decision": decision.pk,
            "period_start": period_start,
            "period_end": period_end,
            "basis": decision.basis,
            "deleted": len(deleted),
            "incidents_unlinked": [i.pk for i in incidents],
        },
    )
    # Two rows may share a stored file; delete only files no remaining row uses.
    names -= set(Snapshot.objects.filter(file__in=names).values_list("file", flat=True))
    storage = Snapshot._meta.get_field("file").storage

    def delete_files():
        for name in sorted(names):
            storage.delete(name)

    transaction.on_commit(delete_files)
    return decision


def weeding_decisions(account: SocialAccount):
    """The account's weeding decisions, newest first."""
    return WeedingDecision.objects.filter(account=account).select_related("decided_by").order_by("-created_at", "-pk")
