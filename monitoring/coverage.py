"""Which days of an account are covered (MON-2, DECOM-2): reads of monitoring.Cover for the
coverage-gap rule, the missed-monitoring rule, the coverage calendar, the reminders and the Today
page. Set-based: each helper is one query (or three), whatever the number of accounts. The
services that record and cancel a cover are in monitoring.cover."""

import datetime
from collections import defaultdict

from accounts.choices import Role
from accounts.models import Assignment, SocialAccount
from monitoring.choices import CoverMeasure
from monitoring.models import Cover
from org.models import Absence


def _days(first: datetime.date, last: datetime.date):
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


def uncovered_gaps(candidates: set[int], first: datetime.date, last: datetime.date) -> set[int]:
    """Of the accounts whose owner and deputy are both away on some day of [first, last] (the
    coverage-gap rule's candidates), those with at least one such day that no cover includes.

    One query in the common case (the covers touching the window, a few rows); for the accounts
    that have covers, two more: their owner's and deputy's absences, compared day by day."""
    rows = [
        row
        for row in Cover.objects.touching(first, last)
        .order_by()
        .values_list("account_id", "first_day", "last_day", "stand_in_id", "stand_in__is_active", "stand_in__left_on")
        if row[0] in candidates
    ]
    if not rows:
        return candidates
    stand_ins = {(person, active, left_on) for *_, person, active, left_on in rows if person}
    away = _absences_of({person for person, _a, _l in stand_ins}, first, last)
    unavailable = stand_ins_unavailable(stand_ins, away, first, last)
    covers = defaultdict(set)
    for account_id, lo, hi, stand_in, _active, _left_on in rows:
        covers[account_id] |= _days(max(lo, first), min(hi, last)) - unavailable.get(stand_in, set())
    away = _away_days(list(covers), first, last)
    still = {a for a in covers if (away[a][Role.OWNER] & away[a][Role.DEPUTY]) - covers[a]}
    return (candidates - set(covers)) | still


def stand_ins_unavailable(stand_ins, away: dict, first: datetime.date, last: datetime.date) -> dict[int, set]:
    """{stand-in: the days of [first, last] they cannot monitor} (MON-2): the days of their own
    registered absences, and every day from when they left KI (or all, once deactivated). A cover
    does not cover those days, so the coverage-gap rule asks for cover again.

    `stand_ins`: (person id, is_active, left_on) of each stand-in; `away`: {person id: days away}
    (absent_days), theirs included. No query of its own: the callers read both with what they
    read anyway."""
    result = defaultdict(set)
    for person_id, active, left_on in stand_ins:
        if not active:
            result[person_id] = _days(first, last)
            continue
        if left_on is not None and left_on <= last:
            result[person_id] |= _days(max(left_on, first), last)
        result[person_id] |= away.get(person_id, set())
    return result


def absent_days(absences, first: datetime.date, last: datetime.date) -> dict[int, set]:
    """{person id: the days of [first, last] they are away}, from (person id, first day, last day)
    rows of their absences."""
    result = defaultdict(set)
    for person_id, lo, hi in absences:
        result[person_id] |= _days(max(lo, first), min(hi, last))
    return result


def _absences_of(person_ids, first, last) -> dict[int, set]:
    """absent_days of these people, in one query (none without people)."""
    rows = Absence.objects.filter(person_id__in=person_ids, first_day__lte=last, last_day__gte=first)
    return absent_days(rows.values_list("person_id", "first_day", "last_day"), first, last)


def _away_days(account_ids, first, last) -> dict[int, dict[str, set]]:
    """{account: {role: days in [first, last] its current owner / deputy is away}}."""
    holders = list(
        Assignment.objects.current()
        .filter(account_id__in=account_ids, role__in=(Role.OWNER, Role.DEPUTY), person__is_active=True)
        .values_list("account_id", "role", "person_id")
    )
    absences = _absences_of({p for _a, _r, p in holders}, first, last)
    result = defaultdict(lambda: {Role.OWNER: set(), Role.DEPUTY: set()})
    for account_id, role, person_id in holders:
        result[account_id][role] |= absences.get(person_id, set())
    return result


def comments_off_on(day: datetime.date) -> set[int]:
    """The accounts whose comments are switched off on `day` (DECOM-2): one query."""
    return set(
        Cover.objects.on(day).filter(measure=CoverMeasure.COMMENTS_OFF).order_by().values_list("account_id", flat=True)
    )


def stand_ins_by_person(account_ids, day: datetime.date) -> dict[int, list[int]]:
    """person id -> the accounts (among account_ids) they stand in for on `day` (MON-2)."""
    result = defaultdict(list)
    for person_id, account_id in (
        Cover.objects.on(day)
        .filter(account_id__in=account_ids, stand_in__isnull=False)
        .values_list("stand_in_id", "account_id")
    ):
        result[person_id].append(account_id)
    return result


def covered_by_comms(account_ids, day: datetime.date) -> list[int]:
    """The accounts (among account_ids) the communications department monitors on `day`."""
    return list(
        Cover.objects.on(day)
        .filter(account_id__in=account_ids, measure=CoverMeasure.COMMS)
        .values_list("account_id", flat=True)
    )


def stand_in_account_ids(user, day: datetime.date):
    """A subquery: the accounts the user stands in for on `day` (the Today page)."""
    return Cover.objects.on(day).filter(stand_in=user).values("account")


def covers_of(account: SocialAccount, *, today: datetime.date):
    """The account's covers that include today or begin later, in order (the account page)."""
    return Cover.objects.filter(account=account, last_day__gte=today).select_related("stand_in")
