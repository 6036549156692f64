"""Impostor cases (issue 14, feature row 29; SEND-1): the public report, and every change comms
makes to a case. Each service checks who may act, writes the case, records the audit event and
queues the e-mails in one transaction (docs/impostors.md).

A case moves new → triaged → (takedown requested) → closed. Triage says what the account is:
official after all, an impostor, a parody or not about KI. A takedown is asked of the platform
for impostors and parodies (date and the platform's reference). Closing records the outcome.
Comms may list an impostor publicly as "not official": the directory's answer for its address
says so, and the public list shows it.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import urlparse
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue
from records import permissions
from records.choices import OPEN_CASE_STATUSES, TAKEDOWN_VERDICTS, CaseOutcome, CaseStatus, CaseVerdict
from records.models import ImpostorCase, ImpostorReport

PUBLIC_ACTOR = "public:impostor-report"
STALE_AFTER = datetime.timedelta(days=14)


def address_read(address: str) -> tuple[str, str, str]:
    """(key, platform slug, handle) of a reported address: a recognised profile address by its
    platform and normalised handle, so that two spellings of one profile are one case; anything
    else by its text, without a leading "@", case-folded."""
    text = address.strip()
    try:
        found = urlparse.recognise(text)
    except urlparse.UnrecognisedURL:
        bare = text.removeprefix("@").casefold()
        return f"text:{bare}"[:320], "", ""
    return f"{found.platform}:{found.handle.casefold()}"[:320], found.platform, found.handle


# Public


@transaction.atomic
def impostor_report_submit(*, address: str, reason: str, contact: str = "") -> ImpostorCase:
    """A visitor reports an address (no login). It joins the open case of the same address or
    opens a new one; the communications department's mailbox is told of each new case."""
    address, reason, contact = address.strip(), reason.strip(), contact.strip()
    if not address or not reason:
        raise ApplicationError(_("Give the address and what made you doubt."))
    key, platform, handle = address_read(address)
    now = timezone.now()
    case = ImpostorCase.objects.select_for_update().filter(key=key, status__in=OPEN_CASE_STATUSES).first()
    created = case is None
    if created:
        try:
            with transaction.atomic():  # a concurrent twin report made the case first
                case = ImpostorCase.objects.create(
                    key=key, address=address, platform_slug=platform, handle=handle, last_action_at=now
                )
        except IntegrityError:
            case = ImpostorCase.objects.select_for_update().get(key=key, status__in=OPEN_CASE_STATUSES)
            created = False
    ImpostorReport.objects.create(case=case, reason=reason, contact=contact)
    ImpostorCase.objects.filter(pk=case.pk).update(reports_count=F("reports_count") + 1, updated_at=now)
    case.refresh_from_db()
    audit_record(
        actor=None,
        actor_repr=PUBLIC_ACTOR,
        target=case,
        action="impostor_case.report",
        after={"address": address, "new_case": created, "reports": case.reports_count},
    )
    if created:
        notification_queue(
            template="impostor-report",
            dedupe_key=f"impostor-report:{case.pk}",
            to_email=settings.COMMS_EMAIL,
            language=settings.LANGUAGE_CODE,
            context={"case": case, "reason": reason},
            link=reverse("records:impostor-case", args=[case.pk]),
        )
    return case


# Comms


def _case_for_change(actor, case_id: int) -> ImpostorCase:
    if not permissions.can_handle_impostor_cases(actor):
        raise NotAllowed(_("Only the communications department may handle impostor cases."))
    return ImpostorCase.objects.select_for_update().get(pk=case_id)


def _save(case: ImpostorCase, *, before: dict, fields: list[str]) -> dict:
    """Save the changed fields and the time of this action; returns the audit event's "after"."""
    case.last_action_at = timezone.now()
    case.save(update_fields=[*fields, "last_action_at", "updated_at"])
    return {f: _plain(getattr(case, f)) for f in before}


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def _require_open(case: ImpostorCase) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(_("The case is closed."))


@transaction.atomic
def impostor_case_triage(*, actor, case_id: int, verdict: str, note: str = "") -> ImpostorCase:
    """Say what the reported account is. Triage may be changed while the case is open."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if verdict not in CaseVerdict.values:
        raise ApplicationError(_("Choose what the account is."))
    if case.listed_publicly and verdict != CaseVerdict.IMPOSTOR:
        raise ApplicationError(_("The account is listed publicly as an impostor: take it off the list first."))
    before = {"status": case.status, "verdict": case.verdict, "triage_note": case.triage_note}
    case.verdict, case.triage_note = verdict, note.strip()
    case.triaged_by, case.triaged_at = actor, timezone.now()
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.TRIAGED
    after = _save(case, before=before, fields=["status", "verdict", "triage_note", "triaged_by", "triaged_at"])
    audit_record(actor=actor, target=case, action="impostor_case.triage", before=before, after=after)
    return case


@transaction.atomic
def impostor_case_takedown(
    *, actor, case_id: int, requested_on: datetime.date, platform_reference: str = ""
) -> ImpostorCase:
    """Record that comms asked the platform to take the account down (impostors and parodies)."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if case.verdict not in TAKEDOWN_VERDICTS:
        raise ApplicationError(_("A takedown is requested only for an impostor or a parody."))
    if requested_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."))
    before = {
        "status": case.status,
        "takedown_requested_on": _plain(case.takedown_requested_on),
        "platform_reference": case.platform_reference,
    }
    case.status = CaseStatus.TAKEDOWN_REQUESTED
    case.takedown_requested_on, case.platform_reference = requested_on, platform_reference.strip()
    after = _save(case, before=before, fields=["status", "takedown_requested_on", "platform_reference"])
    audit_record(actor=actor, target=case, action="impostor_case.takedown", before=before, after=after)
    return case


@transaction.atomic
def impostor_case_close(*, actor, case_id: int, outcome: str, closed_on: datetime.date, note: str = "") -> ImpostorCase:
    """Close the case with its outcome. A case is triaged before it is closed."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if not case.verdict:
        raise ApplicationError(_("Triage the case before closing it."))
    if outcome not in CaseOutcome.values:
        raise ApplicationError(_("Choose the outcome."))
    if closed_on > timezone.localdate() or closed_on < timezone.localtime(case.created_at).date():
        raise ApplicationError(_("The case cannot close before it was opened, nor in the future."))
    before = {"status": case.status, "outcome": case.outcome, "closed_on": None, "outcome_note": case.outcome_note}
    case.status, case.outcome, case.closed_on, case.outcome_note = CaseStatus.CLOSED, outcome, closed_on, note.strip()
    after = _save(case, before=before, fields=["status", "outcome", "closed_on", "outcome_note"])
    audit_record(actor=actor, target=case, action="impostor_case.close", before=before, after=after)
    return case


@transaction.atomic
def impostor_case_list_publicly(*, actor, case_id: int, listed: bool) -> ImpostorCase:
    """List a known impostor publicly as "not official" (or take it off the list)."""
    case = _case_for_change(actor, case_id)
    if listed and case.verdict != CaseVerdict.IMPOSTOR:
        raise ApplicationError(_("Only an account triaged as an impostor can be listed publicly."))
    if case.listed_publicly == listed:
        return case
    before = {"listed_publicly": case.listed_publicly}
    case.listed_publicly = listed
    case.listed_at = timezone.now() if listed else None
    after = _save(case, before=before, fields=["listed_publicly", "listed_at"])
    audit_record(
        actor=actor,
        target=case,
        action="impostor_case.list" if listed else "impostor_case.unlist",
        before=before,
        after=after,
    )
    return case


# Selectors


def impostor_case_list(*, user, status: str = ""):
    """The cases the user may see (comms and auditors; none for anyone else), newest first."""
    if not permissions.can_see_impostor_cases(user):
        return ImpostorCase.objects.none()
    cases = ImpostorCase.objects.all()
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-created_at", "-id")


def impostors_listed():
    """The impostors comms listed publicly, newest listing first (public data only)."""
    return (
        ImpostorCase.objects.filter(listed_publicly=True)
        .only("address", "platform_slug", "handle", "listed_at")
        .order_by("-listed_at", "-id")
    )


def impostor_listed_for(recognised, query: str) -> ImpostorCase | None:
    """The listed impostor behind a checked address (the directory's answer), if any."""
    key = f"{recognised.platform}:{recognised.handle.casefold()}" if recognised else address_read(query)[0]
    return impostors_listed().filter(key=key).first()


def impostor_cases_stale(now: datetime.datetime):
    """impostor-case-stale (SEND-1): open cases with no action for STALE_AFTER (14 days)."""
    return ImpostorCase.objects.filter(status__in=OPEN_CASE_STATUSES, last_action_at__lt=now - STALE_AFTER)


def impostor_cases_new(now: datetime.datetime):
    """impostor-case-new: reported cases not yet triaged."""
    return ImpostorCase.objects.filter(status=CaseStatus.NEW)
