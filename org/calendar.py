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
