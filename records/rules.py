"""The records floor's compliance rules, added to monitoring's catalogue (REQUIREMENTS.md)."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from monitoring.choices import Severity
from monitoring.rules import Rule, _ids, governed, register
from org.calendar import day_start, is_working_day, local_day, next_working_day
from records.models import Incident, Inquiry

HAND_OFF_WORKING_DAYS = 2


def working_days_ago(now: datetime.datetime, days: int) -> datetime.datetime:
    """The start of the Stockholm day that lies `days` working days before today."""
    day = local_day(now)
    counted = 0
    while counted < days:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day_start(day)


def hand_off_due(removed_at: datetime.datetime) -> datetime.datetime:
    """The moment a removed post must have been archived or sent to the registry (CONT-2, REC-4):
    the end of the second working day after the day it was removed. `incident_unregistered`
    flags exactly the posts still not handed off at this moment; reports use it for "in time"."""
    day = local_day(removed_at)
    for _step in range(HAND_OFF_WORKING_DAYS):
        day = next_working_day(day)
    return day_start(day + datetime.timedelta(days=1))


def overdue_inquiries(now) -> Q:
    """ANS-1: the questions that make an account break inquiry-overdue (on a governed account):
    unanswered past their due time. The comms queue "questions overdue" uses the same condition
    (accounts.registers), so the queue and the rule never disagree."""
    return Q(answered_at__isnull=True, due_at__lt=now)


def unregistered_incidents(now) -> Q:
    """CONT-2, REC-3, REC-4: the removed posts that make an account break incident-unregistered
    (on a governed account): not handed off two working days after their removal. Also the comms
    queue "removed posts not registered"."""
    return Q(removed_at__lt=working_days_ago(now, HAND_OFF_WORKING_DAYS), hand_off="")


def inquiry_overdue(now):
    """ANS-1: a logged question or comment is unanswered past its due time."""
    late = Inquiry.objects.filter(overdue_inquiries(now), account=OuterRef("pk"))
    return _ids(governed().filter(Exists(late)))


def incident_unregistered(now):
    """CONT-2, REC-3, REC-4: a removed post is neither archived nor sent to the registry two
    working days after its removal. (A hand-off needs the screenshots, so this also covers
    missing evidence; screenshots weeded later under a decision do not reopen it.)"""
    late = Incident.objects.filter(unregistered_incidents(now), account=OuterRef("pk"))
    return _ids(governed().filter(Exists(late)))


# The questions the registry must get: marked for registration (REC-3: critical or unlawful;
# criticism and complaints always are), or criticism routed to the responsible manager (ANS-2).
TO_REGISTER = Q(needs_registration=True) | Q(routed_to__isnull=False)


def inquiry_unregistered(now):
    """REC-3, REC-4: a question or comment to be registered is neither sent to the registry nor
    kept in the archive two working days after it was received (the same grace as a removed post,
    counted in Stockholm working days, org.calendar). One query for every account."""
    cutoff = working_days_ago(now, HAND_OFF_WORKING_DAYS)
    late = Inquiry.objects.filter(TO_REGISTER, account=OuterRef("pk"), received_at__lt=cutoff, hand_off="")
    return _ids(governed().filter(Exists(late)))


register(
    Rule(
        "inquiry-overdue",
        "ANS-1",
        Severity.HIGH,
        _("A question is unanswered past its due time"),
        _("Answer the question and record the reply."),
        inquiry_overdue,
    )
)
register(
    Rule(
        "incident-unregistered",
        "CONT-2, REC-3, REC-4",
        Severity.HIGH,
        _("A removed post is not registered"),
        _("Add the screenshots and send the record to the registry, or keep it in the archive."),
        incident_unregistered,
    )
)
register(
    Rule(
        "inquiry-unregistered",
        "REC-3, REC-4",
        Severity.HIGH,
        _("A question to be registered is not registered"),
        _("Record the answer, add the screenshots and send the record to the registry, or keep it in the archive."),
        inquiry_unregistered,
    )
)
