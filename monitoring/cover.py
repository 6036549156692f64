"""Temporary cover (MON-2, DECOM-2): while an account's owner and deputy are both away, a named
stand-in (a colleague or the communications department) monitors it, or comments are switched off
on the platform for the period. The services record and cancel a cover; the helpers below tell the
coverage-gap rule, the coverage calendar and the reminders which days are covered (monitoring.coverage)
and the to-do page which accounts still need cover.

Missed monitoring during a comments-off period (decided from DECOM-2 and MON-1, docs/monitoring.md):
DECOM-2 switches comments off precisely because nobody can monitor them, so nothing comes in that
needs a daily check and those days are not missed. The check-ins are due again from the day after
the period: its first day without a check-in is a missed day, as any other.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import Assignment, SocialAccount
from accounts.selectors import social_account_within_reach
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from monitoring import permissions
from monitoring.choices import CoverMeasure
from monitoring.models import Cover, Finding
from monitoring.services import MONITORED_STATUSES
from notifications.services import notification_queue
from org.calendar import local_day
from org.models import Unit

COVERAGE_GAP = "coverage-gap"


# --------------------------------------------------------------------------- services


@transaction.atomic
def cover_record(
    *,
    actor,
    account_id: int,
    measure: str,
    first_day: datetime.date,
    last_day: datetime.date,
    stand_in=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Cover:
    """The owner or the responsible manager names a stand-in, hands the monitoring to the
    communications department, or records that comments are switched off on the platform, for a
    period (MON-2, DECOM-2). The stand-in (or the communications department's mailbox) is told."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("platform").get(pk=account_id)
    if not permissions.can_arrange_cover(actor, account):
        raise NotAllowed(_("Only the account's owner or a responsible manager arranges cover."))
    if account.status not in MONITORED_STATUSES:
        raise ApplicationError(_("Only active accounts are monitored."))
    if measure not in CoverMeasure.values:
        raise ApplicationError(_("Choose how the account is covered."))
    if last_day < first_day:
        raise ApplicationError(_("The last day cannot be before the first day."))
    if last_day < local_day(now or timezone.now()):
        raise ApplicationError(_("The period has already ended: a cover is arranged for today or later."))
    if measure == CoverMeasure.STAND_IN:
        if stand_in is None:
            raise ApplicationError(_("Name the stand-in."))
        if not stand_in.is_active or stand_in.left_on is not None:
            raise ApplicationError(_("The stand-in must be someone who works at KI."))
        if Assignment.objects.current().filter(account=account, person=stand_in).exists():
            raise ApplicationError(_("The stand-in must be someone other than the account's owner and deputy."))
    else:
        stand_in = None
    if measure == CoverMeasure.COMMENTS_OFF and not account.platform.can_disable_comments:
        raise ApplicationError(
            _("%(platform)s does not let comments be switched off: name a stand-in instead.")
            % {"platform": account.platform.name}
        )
    cover = Cover(
        account=account,
        measure=measure,
        stand_in=stand_in,
        first_day=first_day,
        last_day=last_day,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    cover.full_clean()
    cover.save()
    audit_record(
        actor=actor,
        target=account,
        action="cover.record",
        after={
            "measure": measure,
            "stand_in": stand_in.username if stand_in else "",
            "first_day": first_day,
            "last_day": last_day,
        },
        note=cover.note,
    )
    _tell_whoever_covers(cover, "cover-named", cover.pk, {"account": account, "cover": cover}, stand_in_link="today")
    return cover


@transaction.atomic
def cover_cancel(*, actor, cover_id: int, now: datetime.datetime | None = None) -> Cover | None:
    """Cancel a cover. One that has not begun is removed; one under way ends yesterday, so the
    days it covered stay on record (MON-2 evidence). A cover that has ended cannot be changed.
    Whoever was told of the cover (the stand-in, or the communications department's mailbox) is
    told that it is cancelled, so nobody goes on checking an account they no longer answer for."""
    cover = (
        Cover.objects.select_for_update(of=("self",)).select_related("account__platform", "stand_in").get(pk=cover_id)
    )
    if not permissions.can_arrange_cover(actor, cover.account):
        raise NotAllowed(_("Only the account's owner or a responsible manager arranges cover."))
    today = local_day(now or timezone.now())
    if cover.last_day < today:
        raise ApplicationError(_("This cover has ended; it stays on record."))
    before = {"measure": cover.measure, "first_day": cover.first_day, "last_day": cover.last_day}
    cover_pk = cover.pk
    if cover.first_day >= today:
        cover.delete()
        result = None
    else:
        cover.last_day = today - datetime.timedelta(days=1)
        cover.save(update_fields=["last_day", "updated_at"])
        result = cover
    audit_record(
        actor=actor,
        target=cover.account,
        action="cover.cancel",
        before=before,
        after={"last_day": cover.last_day} if result else {},
    )
    context = {"account": cover.account, "cover": cover, "before": before, "ended_early": result is not None}
    _tell_whoever_covers(cover, "cover-cancelled", cover_pk, context)
    return result


def _tell_whoever_covers(cover: Cover, template: str, cover_pk: int, context: dict, stand_in_link: str = "") -> None:
    """E-mail the stand-in, or the communications department's mailbox (in Swedish) for a cover it
    took; a comments-off period has nobody to tell. The mailbox's link opens the account's monitoring."""
    if cover.measure == CoverMeasure.COMMENTS_OFF:
        return
    stand_in = cover.stand_in
    notification_queue(
        template=template,
        dedupe_key=f"{template}:{cover_pk}",
        recipient=stand_in,
        to_email="" if stand_in else settings.COMMS_EMAIL,
        language=None if stand_in else "sv",
        context=context,
        link=(reverse(f"monitoring:{stand_in_link}") if stand_in_link else "")
        if stand_in
        else reverse("monitoring:account", args=[cover.account_id]),
    )


# --------------------------------------------------------------------------- reads


def cover_needed(user):
    """To-do section (MON-2, DECOM-2): the accounts with a predicted coverage gap that the user
    owns or, as a responsible manager, answers for: name a stand-in or switch comments off.

    Its count (to 99, the to-do page's badge) reads the open gaps through their partial index
    (monitoring_one_open_finding) and each one's account by primary key for its current unit (not
    the finding's unit, the unit at the time), and stops at the hundredth: as a join PostgreSQL
    walked every account of KI in id order testing the units (issue 12). One open finding per
    rule and account: a finding counts one account."""
    gaps = Finding.objects.filter(rule=COVERAGE_GAP, resolved_at__isnull=True)
    owned = Assignment.objects.current().filter(person=user, role=Role.OWNER).values("account")
    managed = Unit.objects.managed_by(user)
    # Owned or managed: within what the user may see, so no visibility test (issue 12).
    accounts = (
        social_account_within_reach(user=user)
        .filter(pk__in=gaps.values("account"))
        .filter(Q(pk__in=owned) | Q(unit__in=managed))
    )
    unit_now = Subquery(SocialAccount.objects.filter(pk=OuterRef("account_id")).values("unit")[:1])
    counted = gaps.alias(unit_now=unit_now).filter(Q(account__in=owned) | Q(unit_now__in=managed)).values("pk")
    return (
        "cover_needed",
        gettext_lazy("Coverage gaps: name a stand-in or switch comments off (MON-2, DECOM-2)"),
        accounts.order_by("name", "id"),
        "monitoring:cover",
        counted,
    )
