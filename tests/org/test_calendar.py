"""ANS-1 due times (org.calendar.answer_due) and the working-day calendar behind them.

Plain pytest, no database. Instants are compared in UTC throughout: two datetimes that share a
tzinfo compare and subtract by wall clock in Python, which would hide DST mistakes.
"""

import datetime

import holidays
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from org.calendar import STOCKHOLM, answer_due, is_working_day, next_working_day, within_answer_rule

UTC = datetime.UTC
ONE_DAY = datetime.timedelta(days=1)
MICROSECOND = datetime.timedelta(microseconds=1)


def sthlm(*args: int, fold: int = 0) -> datetime.datetime:
    """A Stockholm wall-clock time as an aware datetime."""
    return datetime.datetime(*args, tzinfo=STOCKHOLM, fold=fold)


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _reference_working_day(day: datetime.date) -> bool:
    """An independent statement of Act 1930:173, straight from the holidays package."""
    swedish = holidays.Sweden(years=day.year, categories=("public", "de_facto"))
    return day.weekday() < 5 and day not in swedish


# ---------------------------------------------------------------------------------------------
# A calendar table test of received time -> due time over 2026 and 2027 (Easter, Ascension Day,
# National Day, Midsummer Eve, All Saints' Day, Christmas, New Year, both DST changes, arrivals
# just before and after midnight in Europe/Stockholm).
#
# Holidays (holidays.Sweden, public + de_facto), weekdays checked:
#   2026: Thu Jan 1, Tue Jan 6, Fri Apr 3 (Good Friday), Mon Apr 6 (Easter Monday), Fri May 1,
#         Thu May 14 (Ascension), Sat Jun 6 (National Day), Fri Jun 19 (Midsummer Eve),
#         Sat Jun 20, Sat Oct 31 (All Saints), Thu Dec 24, Fri Dec 25, Sat Dec 26, Thu Dec 31.
#   2027: Fri Jan 1, Wed Jan 6, Fri Mar 26 (Good Friday), Mon Mar 29 (Easter Monday),
#         Sat May 1, Thu May 6 (Ascension), Sun Jun 6 (National Day), Fri Jun 25 (Midsummer
#         Eve), Sat Jun 26, Sat Nov 6 (All Saints), Fri Dec 24, Sat Dec 25, Sun Dec 26,
#         Fri Dec 31.   2028: Sat Jan 1.
# DST: 2026-03-29 and 2027-03-28 (CET -> CEST), 2026-10-25 and 2027-10-31 (CEST -> CET).
# Rule 2: working-day arrival -> same wall clock on the next working day.
# Rule 3: non-working-day arrival -> 00:00 of the working day after the next working day.
# `expected` is the Stockholm wall-clock due time.
# ---------------------------------------------------------------------------------------------
DUE_TABLE = [
    # --- Easter 2026 ---
    # Maundy Thu Apr 2 is a working day; Fri 3 Good Friday, Sat, Sun, Mon 6 Easter Monday are
    # not; next working day Tue Apr 7, same wall clock.
    pytest.param(sthlm(2026, 4, 2, 10, 0), datetime.datetime(2026, 4, 7, 10, 0), id="2026-maundy-thu-10:00"),
    # Maundy Thursday 23:59 is still Thursday in Stockholm: Tue Apr 7 23:59.
    pytest.param(sthlm(2026, 4, 2, 23, 59), datetime.datetime(2026, 4, 7, 23, 59), id="2026-maundy-thu-23:59"),
    # Good Friday (holiday): counts as Tue Apr 7 00:00 (first working day), due 00:00 Wed Apr 8.
    pytest.param(sthlm(2026, 4, 3, 12, 0), datetime.datetime(2026, 4, 8, 0, 0), id="2026-good-friday"),
    # Good Friday 00:01 (just after midnight Thu->Fri): non-working, same as above, Wed Apr 8 00:00.
    pytest.param(sthlm(2026, 4, 3, 0, 1), datetime.datetime(2026, 4, 8, 0, 0), id="2026-good-friday-00:01"),
    # Easter Monday 09:00 (holiday): effective Tue Apr 7, due Wed Apr 8 00:00.
    pytest.param(sthlm(2026, 4, 6, 9, 0), datetime.datetime(2026, 4, 8, 0, 0), id="2026-easter-monday"),
    # Tue Apr 7 00:01, working: Wed Apr 8 00:01.
    pytest.param(sthlm(2026, 4, 7, 0, 1), datetime.datetime(2026, 4, 8, 0, 1), id="2026-tue-after-easter-00:01"),
    # --- Easter 2027 (Easter Sunday is also the spring DST change) ---
    # Maundy Thu Mar 25 working; Fri 26 Good Friday, Sat, Sun 28 (DST), Mon 29 Easter Monday
    # not; due Tue Mar 30 10:00, now CEST (the real span is 4 days less one hour).
    pytest.param(sthlm(2027, 3, 25, 10, 0), datetime.datetime(2027, 3, 30, 10, 0), id="2027-maundy-thu-dst"),
    # Good Friday 2027 = the Friday before the DST change; non-working: effective Tue Mar 30,
    # due Wed Mar 31 00:00 CEST.
    pytest.param(sthlm(2027, 3, 26, 10, 0), datetime.datetime(2027, 3, 31, 0, 0), id="2027-good-friday-dst-friday"),
    # Easter Sunday 2027 = DST day, 12:00 CEST: effective Tue Mar 30, due Wed Mar 31 00:00.
    pytest.param(sthlm(2027, 3, 28, 12, 0), datetime.datetime(2027, 3, 31, 0, 0), id="2027-easter-sunday-dst"),
    # Easter Monday 2027 23:59 (holiday): effective Tue Mar 30, due Wed Mar 31 00:00.
    pytest.param(sthlm(2027, 3, 29, 23, 59), datetime.datetime(2027, 3, 31, 0, 0), id="2027-easter-monday-23:59"),
    # --- Ascension Day ---
    # Wed May 13 2026 working; Thu May 14 Ascension is not; Fri May 15 is: Fri 10:00.
    pytest.param(sthlm(2026, 5, 13, 10, 0), datetime.datetime(2026, 5, 15, 10, 0), id="2026-eve-of-ascension"),
    # Ascension Day 2026 (Thu May 14): effective Fri May 15, next working day Mon May 18 00:00.
    pytest.param(sthlm(2026, 5, 14, 10, 0), datetime.datetime(2026, 5, 18, 0, 0), id="2026-ascension"),
    # Wed May 5 2027 working; Thu May 6 Ascension not; Fri May 7 16:00.
    pytest.param(sthlm(2027, 5, 5, 16, 0), datetime.datetime(2027, 5, 7, 16, 0), id="2027-eve-of-ascension"),
    # Ascension Day 2027 23:59: effective Fri May 7, due Mon May 10 00:00.
    pytest.param(sthlm(2027, 5, 6, 23, 59), datetime.datetime(2027, 5, 10, 0, 0), id="2027-ascension-23:59"),
    # --- May 1 ---
    # Thu Apr 30 2026 working (Walpurgis Night is no holiday); Fri May 1 holiday: Mon May 4 10:00.
    pytest.param(sthlm(2026, 4, 30, 10, 0), datetime.datetime(2026, 5, 4, 10, 0), id="2026-walpurgis-thu"),
    # May Day 2026 (Fri): effective Mon May 4, due Tue May 5 00:00.
    pytest.param(sthlm(2026, 5, 1, 10, 0), datetime.datetime(2026, 5, 5, 0, 0), id="2026-may-day"),
    # May Day 2027 is a Saturday: effective Mon May 3, due Tue May 4 00:00.
    pytest.param(sthlm(2027, 5, 1, 10, 0), datetime.datetime(2027, 5, 4, 0, 0), id="2027-may-day-saturday"),
    # --- National Day ---
    # Fri Jun 5 2026 working; Sat Jun 6 National Day (no substitute day in Sweden), Sun; Mon 10:00.
    pytest.param(sthlm(2026, 6, 5, 10, 0), datetime.datetime(2026, 6, 8, 10, 0), id="2026-fri-before-national-day"),
    # National Day 2026 (Sat): effective Mon Jun 8, due Tue Jun 9 00:00.
    pytest.param(sthlm(2026, 6, 6, 10, 0), datetime.datetime(2026, 6, 9, 0, 0), id="2026-national-day-saturday"),
    # Fri Jun 4 2027 working; Sat, Sun Jun 6 National Day; Mon Jun 7 10:00.
    pytest.param(sthlm(2027, 6, 4, 10, 0), datetime.datetime(2027, 6, 7, 10, 0), id="2027-fri-before-national-day"),
    # National Day 2027 (Sun): effective Mon Jun 7, due Tue Jun 8 00:00.
    pytest.param(sthlm(2027, 6, 6, 10, 0), datetime.datetime(2027, 6, 8, 0, 0), id="2027-national-day-sunday"),
    # --- Midsummer ---
    # Thu Jun 18 2026 working; Fri 19 Midsummer Eve, Sat 20 Midsummer Day, Sun not: Mon Jun 22.
    pytest.param(sthlm(2026, 6, 18, 10, 0), datetime.datetime(2026, 6, 22, 10, 0), id="2026-thu-before-midsummer"),
    # Midsummer Eve 2026 (Fri Jun 19): effective Mon Jun 22, due Tue Jun 23 00:00.
    pytest.param(sthlm(2026, 6, 19, 10, 0), datetime.datetime(2026, 6, 23, 0, 0), id="2026-midsummer-eve"),
    # Thu Jun 24 2027 23:59 working; Fri 25 Midsummer Eve, Sat 26, Sun not: Mon Jun 28 23:59.
    pytest.param(sthlm(2027, 6, 24, 23, 59), datetime.datetime(2027, 6, 28, 23, 59), id="2027-thu-before-midsummer"),
    # Midsummer Eve 2027 (Fri Jun 25) 00:01: effective Mon Jun 28, due Tue Jun 29 00:00.
    pytest.param(sthlm(2027, 6, 25, 0, 1), datetime.datetime(2027, 6, 29, 0, 0), id="2027-midsummer-eve-00:01"),
    # Midsummer Day 2027 (Sat Jun 26): effective Mon Jun 28, due Tue Jun 29 00:00.
    pytest.param(sthlm(2027, 6, 26, 12, 0), datetime.datetime(2027, 6, 29, 0, 0), id="2027-midsummer-day"),
    # --- All Saints' Day ---
    # Fri Oct 30 2026 working (All Saints' Eve is no holiday); Sat 31 All Saints, Sun: Mon Nov 2.
    pytest.param(sthlm(2026, 10, 30, 10, 0), datetime.datetime(2026, 11, 2, 10, 0), id="2026-all-saints-eve-fri"),
    # All Saints' Day 2026 (Sat Oct 31): effective Mon Nov 2, due Tue Nov 3 00:00.
    pytest.param(sthlm(2026, 10, 31, 10, 0), datetime.datetime(2026, 11, 3, 0, 0), id="2026-all-saints"),
    # Fri Nov 5 2027 23:59 working; Sat 6 All Saints, Sun: Mon Nov 8 23:59.
    pytest.param(sthlm(2027, 11, 5, 23, 59), datetime.datetime(2027, 11, 8, 23, 59), id="2027-all-saints-eve-23:59"),
    # All Saints' Day 2027 (Sat Nov 6) 00:01: effective Mon Nov 8, due Tue Nov 9 00:00.
    pytest.param(sthlm(2027, 11, 6, 0, 1), datetime.datetime(2027, 11, 9, 0, 0), id="2027-all-saints-00:01"),
    # --- Christmas and New Year 2026/27 ---
    # Wed Dec 23 2026 working; Thu 24 Christmas Eve, Fri 25, Sat 26 Boxing Day, Sun: Mon Dec 28.
    pytest.param(sthlm(2026, 12, 23, 10, 0), datetime.datetime(2026, 12, 28, 10, 0), id="2026-dec-23"),
    # Christmas Eve 2026 (Thu): effective Mon Dec 28, due Tue Dec 29 00:00.
    pytest.param(sthlm(2026, 12, 24, 10, 0), datetime.datetime(2026, 12, 29, 0, 0), id="2026-christmas-eve"),
    # Christmas Day 2026 (Fri): effective Mon Dec 28, due Tue Dec 29 00:00.
    pytest.param(sthlm(2026, 12, 25, 10, 0), datetime.datetime(2026, 12, 29, 0, 0), id="2026-christmas-day"),
    # Boxing Day 2026 (Sat): effective Mon Dec 28, due Tue Dec 29 00:00.
    pytest.param(sthlm(2026, 12, 26, 10, 0), datetime.datetime(2026, 12, 29, 0, 0), id="2026-boxing-day"),
    # Wed Dec 30 2026 working; Thu 31 New Year's Eve, Fri Jan 1, Sat, Sun: Mon Jan 4 2027 10:00.
    pytest.param(sthlm(2026, 12, 30, 10, 0), datetime.datetime(2027, 1, 4, 10, 0), id="2026-dec-30"),
    # New Year's Eve 2026 (Thu) 23:59: effective Mon Jan 4, due Tue Jan 5 2027 00:00.
    pytest.param(sthlm(2026, 12, 31, 23, 59), datetime.datetime(2027, 1, 5, 0, 0), id="2026-new-years-eve-23:59"),
    # New Year's Day 2027 (Fri) 00:01: effective Mon Jan 4, due Tue Jan 5 00:00.
    pytest.param(sthlm(2027, 1, 1, 0, 1), datetime.datetime(2027, 1, 5, 0, 0), id="2027-new-years-day-00:01"),
    # --- Epiphany ---
    # Mon Jan 5 2026 working; Tue Jan 6 Epiphany not; Wed Jan 7 10:00.
    pytest.param(sthlm(2026, 1, 5, 10, 0), datetime.datetime(2026, 1, 7, 10, 0), id="2026-eve-of-epiphany"),
    # Tue Jan 5 2027 working; Wed Jan 6 Epiphany not; Thu Jan 7 10:00.
    pytest.param(sthlm(2027, 1, 5, 10, 0), datetime.datetime(2027, 1, 7, 10, 0), id="2027-eve-of-epiphany"),
    # Epiphany 2027 (Wed): effective Thu Jan 7, due Fri Jan 8 00:00.
    pytest.param(sthlm(2027, 1, 6, 10, 0), datetime.datetime(2027, 1, 8, 0, 0), id="2027-epiphany"),
    # --- Christmas and New Year 2027/28 ---
    # Thu Dec 23 2027 working; Fri 24 Christmas Eve, Sat 25, Sun 26: Mon Dec 27 10:00.
    pytest.param(sthlm(2027, 12, 23, 10, 0), datetime.datetime(2027, 12, 27, 10, 0), id="2027-dec-23"),
    # Thu Dec 30 2027 23:59 working; Fri 31 New Year's Eve, Sat Jan 1, Sun: Mon Jan 3 2028 23:59.
    pytest.param(sthlm(2027, 12, 30, 23, 59), datetime.datetime(2028, 1, 3, 23, 59), id="2027-dec-30-23:59"),
    # New Year's Eve 2027 (Fri): effective Mon Jan 3 2028, due Tue Jan 4 2028 00:00.
    pytest.param(sthlm(2027, 12, 31, 10, 0), datetime.datetime(2028, 1, 4, 0, 0), id="2027-new-years-eve"),
    # --- DST changes ---
    # Fri Mar 27 2026 10:00 CET, working: Mon Mar 30 10:00 CEST (71 real hours).
    pytest.param(sthlm(2026, 3, 27, 10, 0), datetime.datetime(2026, 3, 30, 10, 0), id="2026-spring-dst-friday"),
    # Sun Mar 29 2026 01:59 CET, a minute before the clocks jump: effective Mon Mar 30, Tue 31 00:00.
    pytest.param(sthlm(2026, 3, 29, 1, 59), datetime.datetime(2026, 3, 31, 0, 0), id="2026-spring-dst-sunday-01:59"),
    # Sun Mar 29 2026 03:00 CEST, just after the jump: same, Tue Mar 31 00:00.
    pytest.param(sthlm(2026, 3, 29, 3, 0), datetime.datetime(2026, 3, 31, 0, 0), id="2026-spring-dst-sunday-03:00"),
    # Fri Oct 23 2026 10:00 CEST, working: Mon Oct 26 10:00 CET (73 real hours).
    pytest.param(sthlm(2026, 10, 23, 10, 0), datetime.datetime(2026, 10, 26, 10, 0), id="2026-autumn-dst-friday"),
    # Sun Oct 25 2026 02:30 CEST (first of the repeated half hours): effective Mon 26, Tue 27 00:00.
    pytest.param(sthlm(2026, 10, 25, 2, 30), datetime.datetime(2026, 10, 27, 0, 0), id="2026-autumn-dst-sunday-fold0"),
    # Sun Oct 25 2026 02:30 CET (second occurrence, fold=1): still Sunday, Tue Oct 27 00:00.
    pytest.param(
        sthlm(2026, 10, 25, 2, 30, fold=1), datetime.datetime(2026, 10, 27, 0, 0), id="2026-autumn-dst-sunday-fold1"
    ),
    # Sun Mar 28 2027 (also Easter Sunday) 01:30 CET: effective Tue Mar 30, due Wed Mar 31 00:00.
    pytest.param(sthlm(2027, 3, 28, 1, 30), datetime.datetime(2027, 3, 31, 0, 0), id="2027-spring-dst-sunday"),
    # Fri Oct 29 2027 10:00 CEST, working: Mon Nov 1 10:00 CET (Nov 1 is no holiday in 2027).
    pytest.param(sthlm(2027, 10, 29, 10, 0), datetime.datetime(2027, 11, 1, 10, 0), id="2027-autumn-dst-friday"),
    # Sun Oct 31 2027 12:00 CET (DST day): effective Mon Nov 1, due Tue Nov 2 00:00.
    pytest.param(sthlm(2027, 10, 31, 12, 0), datetime.datetime(2027, 11, 2, 0, 0), id="2027-autumn-dst-sunday"),
    # --- Just before and after midnight, ordinary weeks ---
    # Mon Mar 2 2026 23:59 working: Tue Mar 3 23:59.
    pytest.param(sthlm(2026, 3, 2, 23, 59), datetime.datetime(2026, 3, 3, 23, 59), id="2026-mon-23:59"),
    # Tue Mar 3 2026 00:01 working: Wed Mar 4 00:01.
    pytest.param(sthlm(2026, 3, 3, 0, 1), datetime.datetime(2026, 3, 4, 0, 1), id="2026-tue-00:01"),
    # Fri Mar 6 2026 23:59 working: Mon Mar 9 23:59.
    pytest.param(sthlm(2026, 3, 6, 23, 59), datetime.datetime(2026, 3, 9, 23, 59), id="2026-fri-23:59"),
    # Sat Mar 7 2026 00:01: effective Mon Mar 9, due Tue Mar 10 00:00.
    pytest.param(sthlm(2026, 3, 7, 0, 1), datetime.datetime(2026, 3, 10, 0, 0), id="2026-sat-00:01"),
    # Sat Mar 7 2026 15:00 (the docstring's example): Tue Mar 10 00:00 (end of Monday).
    pytest.param(sthlm(2026, 3, 7, 15, 0), datetime.datetime(2026, 3, 10, 0, 0), id="2026-sat-15:00"),
    # Sun Mar 8 2026 23:59: effective Mon Mar 9, due Tue Mar 10 00:00.
    pytest.param(sthlm(2026, 3, 8, 23, 59), datetime.datetime(2026, 3, 10, 0, 0), id="2026-sun-23:59"),
    # Mon Mar 9 2026 00:00 exactly, working: Tue Mar 10 00:00.
    pytest.param(sthlm(2026, 3, 9, 0, 0), datetime.datetime(2026, 3, 10, 0, 0), id="2026-mon-00:00"),
    # Mon Mar 9 2026 00:01 working: Tue Mar 10 00:01.
    pytest.param(sthlm(2026, 3, 9, 0, 1), datetime.datetime(2026, 3, 10, 0, 1), id="2026-mon-00:01"),
    # --- Given in UTC: the Stockholm day decides ---
    # 22:59 UTC Fri Mar 6 2026 = 23:59 CET Friday (working): Mon Mar 9 23:59.
    pytest.param(utc(2026, 3, 6, 22, 59), datetime.datetime(2026, 3, 9, 23, 59), id="utc-fri-23:59-cet"),
    # 23:01 UTC Fri Mar 6 2026 = 00:01 CET Saturday (though Friday in UTC): Tue Mar 10 00:00.
    pytest.param(utc(2026, 3, 6, 23, 1), datetime.datetime(2026, 3, 10, 0, 0), id="utc-sat-00:01-cet"),
    # 21:59 UTC Fri Jun 5 2026 = 23:59 CEST Friday: Sat National Day, Sun: Mon Jun 8 23:59.
    pytest.param(utc(2026, 6, 5, 21, 59), datetime.datetime(2026, 6, 8, 23, 59), id="utc-fri-23:59-cest"),
    # 22:01 UTC Fri Jun 5 2026 = 00:01 CEST Sat Jun 6 (National Day): effective Mon Jun 8, Tue 9 00:00.
    pytest.param(utc(2026, 6, 5, 22, 1), datetime.datetime(2026, 6, 9, 0, 0), id="utc-national-day-00:01-cest"),
    # 22:30 UTC Wed Dec 23 2026 = 23:30 CET Wed (working): Mon Dec 28 23:30.
    pytest.param(utc(2026, 12, 23, 22, 30), datetime.datetime(2026, 12, 28, 23, 30), id="utc-dec-23-23:30-cet"),
    # 23:30 UTC Wed Dec 23 2026 = 00:30 CET Christmas Eve: effective Mon Dec 28, Tue Dec 29 00:00.
    pytest.param(utc(2026, 12, 23, 23, 30), datetime.datetime(2026, 12, 29, 0, 0), id="utc-christmas-eve-00:30-cet"),
]


@pytest.mark.parametrize(("received", "expected"), DUE_TABLE)
def test_answer_due_calendar_table(received, expected):
    due = answer_due(received)
    assert due.tzinfo is STOCKHOLM
    assert due.replace(tzinfo=None, fold=0) == expected
    # The offset is the one Stockholm has at that wall-clock time (CET or CEST).
    assert due.utcoffset() == expected.replace(tzinfo=STOCKHOLM).utcoffset()
    assert due.astimezone(UTC) > received.astimezone(UTC)


def test_nonexistent_due_wall_clock_is_normalised_through_utc(monkeypatch):
    """Unreachable with the real calendar (the DST Sundays are never working days), so pretend
    every day is a working day to reach the documented normalisation."""
    monkeypatch.setattr("org.calendar.is_working_day", lambda day: True)
    # Sat Mar 28 2026 02:30 -> Sun Mar 29 02:30, which does not exist: fold=0 reads it as CET,
    # i.e. 01:30 UTC, which is 03:30 CEST.
    due = answer_due(sthlm(2026, 3, 28, 2, 30))
    assert due.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert (due.hour, due.minute, due.utcoffset()) == (3, 30, datetime.timedelta(hours=2))
    # Sat Oct 24 2026 02:30 -> Sun Oct 25 02:30, which happens twice: fold=0, the CEST one.
    due = answer_due(sthlm(2026, 10, 24, 2, 30))
    assert due.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert due.utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("received", "hours"),
    [
        # Fri 10:00 CET -> Mon 10:00 CEST: the clocks went forward, 3 x 24 - 1 hours.
        (sthlm(2026, 3, 27, 10, 0), 71),
        # Fri 10:00 CEST -> Mon 10:00 CET: the clocks went back, 3 x 24 + 1 hours.
        (sthlm(2026, 10, 23, 10, 0), 73),
        # Good Friday 2027 10:00 CET -> Wed Mar 31 00:00 CEST: 4 days 14 hours less one.
        (sthlm(2027, 3, 26, 10, 0), 4 * 24 + 14 - 1),
        (sthlm(2027, 10, 29, 10, 0), 73),
    ],
)
def test_due_keeps_wall_clock_across_dst_so_the_real_span_changes(received, hours):
    span = answer_due(received).astimezone(UTC) - received.astimezone(UTC)
    assert span == datetime.timedelta(hours=hours)


def test_answer_due_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        answer_due(datetime.datetime(2026, 3, 4, 10, 0))
    with pytest.raises(ValueError):
        within_answer_rule(sthlm(2026, 3, 4, 10, 0), datetime.datetime(2026, 3, 4, 11, 0))


def test_within_answer_rule_spot_checks():
    received = sthlm(2026, 3, 6, 10, 0)  # Friday -> due Monday 10:00
    assert within_answer_rule(received, sthlm(2026, 3, 6, 10, 5))
    assert within_answer_rule(received, sthlm(2026, 3, 9, 10, 0))
    assert not within_answer_rule(received, sthlm(2026, 3, 9, 10, 0, 0) + MICROSECOND)
    # The same instant written in UTC counts the same.
    assert within_answer_rule(received, utc(2026, 3, 9, 9, 0))
    assert not within_answer_rule(received, utc(2026, 3, 9, 9, 0, 1))


# ---------------------------------------------------------------------------------------------
# is_working_day / next_working_day spot checks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 6, 19), False),  # Midsummer Eve (a Friday)
        (datetime.date(2027, 6, 25), False),  # Midsummer Eve (a Friday)
        (datetime.date(2026, 12, 24), False),  # Christmas Eve (a Thursday)
        (datetime.date(2027, 12, 24), False),  # Christmas Eve (a Friday)
        (datetime.date(2026, 12, 31), False),  # New Year's Eve (a Thursday)
        (datetime.date(2027, 12, 31), False),  # New Year's Eve (a Friday)
        (datetime.date(2026, 4, 3), False),  # Good Friday
        (datetime.date(2026, 5, 14), False),  # Ascension Day (a Thursday)
        (datetime.date(2026, 3, 7), False),  # an ordinary Saturday
        (datetime.date(2026, 3, 8), False),  # an ordinary Sunday
        (datetime.date(2026, 3, 5), True),  # an ordinary Thursday
        (datetime.date(2026, 4, 2), True),  # Maundy Thursday
        (datetime.date(2026, 4, 30), True),  # Walpurgis Night (a Thursday)
        (datetime.date(2026, 10, 30), True),  # All Saints' Eve (a Friday)
    ],
)
def test_is_working_day_spot_checks(day, working):
    assert is_working_day(day) is working
    assert _reference_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 3, 5), datetime.date(2026, 3, 6)),  # Thu -> Fri
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 9)),  # Fri -> Mon
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 9)),  # Sat -> Mon
        (datetime.date(2026, 6, 18), datetime.date(2026, 6, 22)),  # before Midsummer Eve -> Mon
        (datetime.date(2026, 12, 23), datetime.date(2026, 12, 28)),  # before Christmas Eve -> Mon
        (datetime.date(2026, 12, 30), datetime.date(2027, 1, 4)),  # before New Year's Eve -> Mon
        (datetime.date(2027, 12, 30), datetime.date(2028, 1, 3)),  # across the year end
    ],
)
def test_next_working_day_spot_checks(day, expected):
    assert next_working_day(day) == expected


# ---------------------------------------------------------------------------------------------
# Hypothesis properties, for any aware received time between 2025 and 2030
# ---------------------------------------------------------------------------------------------
received_times = st.builds(
    lambda naive, zone, fold: naive.replace(tzinfo=zone, fold=fold),
    st.datetimes(min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2030, 12, 31, 23, 59, 59)),
    st.sampled_from([UTC, STOCKHOLM]),
    st.sampled_from([0, 1]),
)

PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _effective_start_day(received: datetime.datetime) -> datetime.date:
    """The Stockholm day a message counts as received: its own day if working, else the next
    working day (found independently of org.calendar)."""
    day = received.astimezone(STOCKHOLM).date()
    while not _reference_working_day(day):
        day += ONE_DAY
    return day


@PROPERTY_SETTINGS
@given(received_times)
# Friday before a DST change, and the change Sundays themselves (gap, and both folds of the
# repeated hour).
@example(datetime.datetime(2026, 3, 27, 23, 59, 59, 999999, tzinfo=STOCKHOLM))
@example(datetime.datetime(2026, 3, 29, 2, 30, tzinfo=STOCKHOLM))
@example(datetime.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=1))
@example(datetime.datetime(2027, 10, 31, 2, 30, tzinfo=STOCKHOLM, fold=0))
@example(datetime.datetime(2026, 12, 31, 23, 0, tzinfo=UTC))  # Jan 1 00:00 Stockholm
def test_answer_due_properties(received):
    due = answer_due(received)
    received_local = received.astimezone(STOCKHOLM)
    due_day = due.date()

    # In Stockholm time, and strictly after the message arrived.
    assert due.tzinfo is STOCKHOLM
    assert due.astimezone(UTC) > received.astimezone(UTC)

    # On a working day.
    assert _reference_working_day(due_day)
    assert is_working_day(due_day)

    # Same wall clock if received on a working day, else midnight.
    if _reference_working_day(received_local.date()):
        assert due.time() == received_local.time()
    else:
        assert due.time() == datetime.time.min

    # The due day is the first working day after the effective start day: exactly one working
    # day in (start, due_day], and it is due_day itself.
    start = _effective_start_day(received)
    assert due_day > start
    between = [start + ONE_DAY * n for n in range(1, (due_day - start).days + 1)]
    assert [day for day in between if _reference_working_day(day)] == [due_day]

    # A working-day arrival gets at least 23 real hours (24 less a DST hour). The longest span in
    # 2025-2030 is 6 days (Tue 2025-12-23 00:00 -> Mon 2025-12-29 00:00, over Christmas).
    span = due.astimezone(UTC) - received.astimezone(UTC)
    assert span >= datetime.timedelta(hours=23) or not _reference_working_day(received_local.date())
    assert span <= datetime.timedelta(days=6, hours=1)


@PROPERTY_SETTINGS
@given(received_times)
def test_within_answer_rule_is_inclusive_up_to_the_microsecond(received):
    due = answer_due(received)
    assert within_answer_rule(received, due)
    assert within_answer_rule(received, due.astimezone(UTC))
    assert within_answer_rule(received, received)
    assert not within_answer_rule(received, due + MICROSECOND)
    assert not within_answer_rule(received, due.astimezone(UTC) + MICROSECOND)
