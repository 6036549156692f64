"""Writes about who has access to an account besides its owner and deputy (START-1, PRIV-2,
issue 15): the owner adds a publisher, the responsible manager confirms (recording that the person
acts for KI, not privately) or declines, the owner records the removal of access on the platform,
and once a year the owner confirms the whole list. Each service checks who may, records the audit
event and queues the e-mails in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.access_selectors import needs_removal
from accounts.choices import CURRENT_PUBLISHER_STATUSES, LIVE_STATUSES, AccountStatus, PublisherStatus
from accounts.models import AccessReview, Publisher, SocialAccount
from accounts.selectors import current_keepers
from accounts.services import _has_left, _notify_people, account_managers
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed

# Accounts that can be given publishers: requested ones being set up, and live ones.
OPEN_STATUSES = frozenset({AccountStatus.APPROVED, *LIVE_STATUSES})


def _lock_account(account_id: int) -> SocialAccount:
    return SocialAccount.objects.select_for_update(of=("self",)).select_related("unit", "platform").get(pk=account_id)


def _lock_publisher(publisher_id: int) -> Publisher:
    publisher = Publisher.objects.select_for_update(of=("self",)).select_related("person").get(pk=publisher_id)
    publisher.account = _lock_account(publisher.account_id)
    return publisher


def _facts(publisher: Publisher) -> dict:
    return {
        "publisher": publisher.name,
        "role": publisher.platform_role,
        "ends_on": publisher.ends_on.isoformat() if publisher.ends_on else None,
    }


@transaction.atomic
def publisher_add(
    *,
    actor,
    account_id: int,
    platform_role: str,
    person=None,
    agency_name: str = "",
    agency_contact: str = "",
    ends_on: datetime.date | None = None,
) -> Publisher:
    """The owner gives someone access (START-1): a KI person or an external agency (name and
    contact). The responsible manager is asked to confirm; until then the publisher is pending."""
    account = _lock_account(account_id)
    if not permissions.can_add_publisher(actor, account):
        raise NotAllowed(_("Only the account owner may give someone access to the account."))
    if account.status not in OPEN_STATUSES:
        raise ApplicationError(_("Publishers can be added once the account is approved, until it is closed."))
    agency_name, agency_contact = agency_name.strip(), agency_contact.strip()
    if (person is None) == (not agency_name):
        raise ApplicationError(_("Choose a person at KI or name an external agency, not both."))
    if person is None and not agency_contact:
        raise ApplicationError(_("Give the agency's contact person and how to reach them."))
    if person is not None and _has_left(person):
        raise ApplicationError(_("This person has left KI and cannot be given access."))
    if person is not None and person in current_keepers(account):
        raise ApplicationError(_("The account's owner and deputy already have access."))
    if ends_on is not None and ends_on < timezone.localdate():
        raise ApplicationError(_("The end date has already passed."))
    publisher = Publisher(
        account=account,
        person=person,
        agency_name=agency_name if person is None else "",
        agency_contact=agency_contact if person is None else "",
        platform_role=platform_role,
        ends_on=ends_on,
        added_by=actor,
    )
    try:
        publisher.full_clean()
        with transaction.atomic():
            publisher.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This person already has access to the account.")) from exc
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    audit_record(actor=actor, target=account, action="publisher.add", after=_facts(publisher))
    # The nearest responsible manager confirms, as for the account's request (START-1, RESP-1).
    managers = [m for m in account_managers(account) if m.pk != actor.pk][:1]
    _notify_people(
        account=account,
        people=managers,
        template="publisher-added",
        key=f"publisher:{publisher.pk}:added",
        context={"publisher": publisher, "actor": actor},
    )
    return publisher


@transaction.atomic
def publisher_decide(*, actor, publisher_id: int, confirm: bool, acts_for_ki: bool = False, note: str = ""):
    """The responsible manager confirms the publisher, recording that they act for KI and not as
    a private person (START-1, PRIV-2), or declines with a reason. The owner and the publisher
    are told."""
    publisher = _lock_publisher(publisher_id)
    account = publisher.account
    if not permissions.can_decide_publisher(actor, publisher):
        raise NotAllowed(_("Only a responsible manager of the account's unit may confirm its publishers."))
    if publisher.status != PublisherStatus.PENDING:
        raise ApplicationError(_("This publisher has already been decided on."))
    note = note.strip()
    if confirm and not acts_for_ki:
        raise ApplicationError(_("Confirm that the publisher acts for KI and not as a private person (PRIV-2)."))
    if not confirm and not note:
        raise ApplicationError(_("Say why the publisher is declined."))
    publisher.status = PublisherStatus.CONFIRMED if confirm else PublisherStatus.DECLINED
    publisher.acts_for_ki = confirm
    publisher.decided_by, publisher.decided_at, publisher.decision_note = actor, timezone.now(), note
    publisher.save(update_fields=["status", "acts_for_ki", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        target=account,
        action="publisher.confirm" if confirm else "publisher.decline",
        before={"status": PublisherStatus.PENDING},
        after={**_facts(publisher), "status": publisher.status, "acts_for_ki": confirm},
        note=note,
    )
    _notify_people(
        account=account,
        people=[publisher.added_by, current_keepers(account).owner, publisher.person],
        template="publisher-decided",
        key=f"publisher:{publisher.pk}:decided",
        context={"publisher": publisher, "actor": actor, "confirmed": confirm},
    )
    return publisher


@transaction.atomic
def publisher_remove(*, actor, publisher_id: int, removed_on: datetime.date, note: str = "") -> Publisher:
    """Record that the publisher's access on the platform has been removed (closes
    access-not-removed). The owner, the deputy or the communications department."""
    publisher = _lock_publisher(publisher_id)
    account = publisher.account
    if not permissions.can_record_removal(actor, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    if publisher.status not in CURRENT_PUBLISHER_STATUSES:
        raise ApplicationError(_("This publisher has no access to remove."))
    if removed_on > timezone.localdate():
        raise ApplicationError(_("Record the removal once it is done, not in advance."))
    before = publisher.status
    publisher.status, publisher.removed_by, publisher.removed_on = PublisherStatus.REMOVED, actor, removed_on
    publisher.save(update_fields=["status", "removed_by", "removed_on", "updated_at"])
    audit_record(
        actor=actor,
        target=account,
        action="publisher.remove",
        before={"status": before},
        after={**_facts(publisher), "status": publisher.status, "removed_on": removed_on.isoformat()},
        note=note.strip(),
    )
    return publisher


@transaction.atomic
def access_review_record(*, actor, account_id: int, still_needed: bool, still_at_ki: bool, note: str = ""):
    """The owner's yearly access review (START-1, rule access-review-overdue): everyone on the
    list still needs access and is still at KI (or works for the named agency). Refused while
    someone who should have lost access still has it: that is recorded first."""
    account = _lock_account(account_id)
    if not permissions.can_review_access(actor, account):
        raise NotAllowed(_("Only the account owner may confirm who has access."))
    if account.status not in LIVE_STATUSES:
        raise ApplicationError(_("Only a live account's access is reviewed."))
    if not (still_needed and still_at_ki):
        raise ApplicationError(
            _("Confirm both that everyone still needs access and that they are still at KI; remove anyone who is not.")
        )
    current = list(
        Publisher.objects.filter(account=account, status__in=CURRENT_PUBLISHER_STATUSES).select_related("person")
    )
    today = timezone.localdate()
    stale = [p.name for p in current if needs_removal(p, today)]
    if stale:
        raise ApplicationError(
            _("First record that the access of these people is removed: %(names)s.") % {"names": ", ".join(stale)}
        )
    review = AccessReview.objects.create(
        account=account,
        reviewed_by=actor,
        reviewed_by_repr=str(actor),
        reviewed_at=timezone.now(),
        publishers=len(current),
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        target=account,
        action="access_review.record",
        after={"publishers": [p.name for p in current]},
        note=review.note,
    )
    return review


def publisher_left_notify(*, actor, person, left_on, reason: str = "", actor_repr: str | None = None) -> None:
    """org.extensions.person_left_hooks: the owner of every account the leaver still has access to
    is asked to remove the access on the platform and record it (START-1, access-not-removed). In
    person_leave's transaction; nothing when the person was no publisher."""
    publishers = Publisher.objects.filter(person=person, status__in=CURRENT_PUBLISHER_STATUSES).select_related(
        "account__platform"
    )
    for publisher in publishers:
        _notify_people(
            account=publisher.account,
            people=[current_keepers(publisher.account).owner],
            template="publisher-left",
            key=f"publisher:{publisher.pk}:left",
            context={"publisher": publisher, "left_on": left_on},
        )
