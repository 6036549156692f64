"""Days and working days in Europe/Stockholm.

Monitoring counts calendar days (MON-1/2: daily, weekends and holidays included). Deadlines count
working days as Swedish law does (Act 1930:173): not Saturdays, Sundays, public holidays,
Midsummer Eve, Christmas Eve or New Year's Eve.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_day(moment: datetime.datetime) -> datetime.date:
    """The calendar day in Stockholm of an aware moment."""
    return moment.astimezone(STOCKHOLM).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a Stockholm calendar day, as an aware datetime (DST-safe)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=STOCKHOLM)


@lru_cache(maxsize=32)
def _swedish_holidays(year: int):
    return holidays.Sweden(years=year, categories=("public", "de_facto"), language="sv")


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _swedish_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after `day`."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def answer_due(received: datetime.datetime) -> datetime.datetime:
    """The time by which a question or comment received at `received` must be handled (ANS-1).

    ANS-1: "questions and comments are handled within 24 hours on working days; at weekends, on
    the next working day." The rule, in Stockholm time:

    1. Working days are those of Swedish law for deadlines (Act 1930:173): not Saturdays,
       Sundays, public holidays, Midsummer Eve, Christmas Eve or New Year's Eve
       (`is_working_day`).
    2. A message received on a working day is due at the same Stockholm wall-clock time on the
       next working day ("within 24 hours on working days"):
         Wednesday 2026-03-04 14:30 -> Thursday 2026-03-05 14:30
         Friday 2026-03-06 10:00 -> Monday 2026-03-09 10:00
         Thursday 2026-06-18 10:00 (before Midsummer Eve) -> Monday 2026-06-22 10:00
    3. A message received on a non-working day counts as received at 00:00 on the next working
       day, so it is due at 00:00 of the working day after that, i.e. by the end of the next
       working day ("at weekends, on the next working day"):
         Saturday 2026-03-07 15:00 -> Tuesday 2026-03-10 00:00 (end of Monday)
         Good Friday 2026-04-03 12:00 -> Wednesday 2026-04-08 00:00 (end of Tuesday, as
         Easter Monday is a holiday)
    4. Across a DST change the due time keeps the wall-clock time, so the real span is an hour
       shorter or longer than the count of days suggests:
         Friday 2026-03-27 10:00 CET -> Monday 2026-03-30 10:00 CEST (71 hours)
         Friday 2026-10-23 10:00 CEST -> Monday 2026-10-26 10:00 CET (73 hours)
       A wall-clock time that does not exist on the due day (02:00-03:00 on the last Sunday of
       March) or occurs twice (02:00-03:00 on the last Sunday of October) cannot be a due time,
       because those days are Sundays and a due day is a working day. It is handled anyway: the
       due wall-clock time is taken with fold=0 and normalised through UTC, so a missing 02:30
       would become 03:30 CEST and a repeated 02:30 the first (CEST) occurrence.

    `received` must be aware (any zone); a naive datetime raises ValueError. The result is an
    aware datetime in Europe/Stockholm.
    """
    if received.tzinfo is None or received.utcoffset() is None:
        raise ValueError("answer_due needs an aware datetime")
    local = received.astimezone(STOCKHOLM)
    day = local.date()
    if is_working_day(day):
        due_day, wall_clock = next_working_day(day), local.time().replace(fold=0)
    else:
        due_day, wall_clock = next_working_day(next_working_day(day)), datetime.time.min
    due = datetime.datetime.combine(due_day, wall_clock, tzinfo=STOCKHOLM)
    return due.astimezone(datetime.UTC).astimezone(STOCKHOLM)


def within_answer_rule(received: datetime.datetime, answered: datetime.datetime) -> bool:
    """Whether a question or comment received at `received` and answered at `answered` was
    handled in time under ANS-1 (answered no later than `answer_due(received)`)."""
    if answered.tzinfo is None or answered.utcoffset() is None:
        raise ValueError("within_answer_rule needs an aware datetime")
    # Compare instants in UTC: two datetimes sharing a tzinfo compare by wall clock, ignoring fold.
    return answered.astimezone(datetime.UTC) <= answer_due(received).astimezone(datetime.UTC)
