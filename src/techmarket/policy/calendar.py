"""Working days by the official holiday calendar (``chinese_calendar``), with a marked fallback.

``chinese_calendar`` knows the State Council's holiday arrangements (holidays and the adjusted working
weekends, 调休) for a range of years. For a day outside that range the functions here fall back to
Monday–Friday and report the result as *provisional*, so a deadline can be shown and later confirmed.
"""

from __future__ import annotations

import datetime
import functools

import chinese_calendar
from chinese_calendar import constants as _calendar_data

_ONE_DAY = datetime.timedelta(days=1)


@functools.cache
def known_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese_calendar`` has official data for."""
    years = [d.year for d in _calendar_data.holidays]
    return min(years), max(years)


def _is_known(day: datetime.date) -> bool:
    first, last = known_years()
    return first <= day.year <= last


def is_working_day(day: datetime.date) -> tuple[bool, bool]:
    """``(working, provisional)``: whether ``day`` is a working day; ``provisional`` when the year is
    beyond the calendar's data and Monday–Friday was assumed."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if _is_known(day):
        return bool(chinese_calendar.is_workday(day)), False
    return day.weekday() < 5, True


def add_working_days(start: datetime.date, days: int) -> tuple[datetime.date, bool]:
    """The date on which the ``days``-th working day after ``start`` falls, and whether it is provisional.

    Counting starts on the day after ``start`` (``start`` itself never counts), so a notice received on a
    Friday with ``days=1`` is due on the next working day. ``days=0`` returns ``start``. The result is
    provisional when any day counted lies in a year the calendar does not know.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError("days must be a non-negative integer")
    if isinstance(start, datetime.datetime):
        start = start.date()
    current = start
    provisional = False
    remaining = days
    while remaining > 0:
        current += _ONE_DAY
        working, guessed = is_working_day(current)
        provisional = provisional or guessed
        if working:
            remaining -= 1
    return current, provisional


def working_days_between(start: datetime.date, end: datetime.date) -> tuple[int, bool]:
    """Working days ``d`` with ``start < d <= end`` and whether any was assumed (provisional).

    The inverse of :func:`add_working_days`: ``working_days_between(s, add_working_days(s, n)[0])[0] == n``.
    If ``end`` is before ``start`` the count is negative: ``-working_days_between(end, start)``.
    """
    if isinstance(start, datetime.datetime):
        start = start.date()
    if isinstance(end, datetime.datetime):
        end = end.date()
    if end < start:
        count, provisional = working_days_between(end, start)
        return -count, provisional
    count = 0
    provisional = False
    current = start
    while current < end:
        current += _ONE_DAY
        working, guessed = is_working_day(current)
        provisional = provisional or guessed
        if working:
            count += 1
    return count, provisional
