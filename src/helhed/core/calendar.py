"""Danish time and business days for every deadline in helhed.

Source: DOMAIN.md, "Rules and facts for the code": deadlines are Danish (Europe/Copenhagen),
on business days that skip Danish public holidays (the ``holidays`` package, ``holidays.DK``;
Store bededag exists until 2023).
"""

from __future__ import annotations

import calendar
import datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@cache
def _danish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.DK(years=year))


def is_public_holiday(day: datetime.date) -> bool:
    return day in _danish_holidays(day.year)


def is_business_day(day: datetime.date) -> bool:
    """Monday to Friday and not a Danish public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def next_business_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a business day, else the first business day after it: a
    deadline that falls on a weekend or a holiday moves to the next business day."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_business_days(day: datetime.date, n: int) -> datetime.date:
    """The business day ``n`` business days after ``day`` (``n`` ≥ 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def local_date(moment: datetime.datetime) -> datetime.date:
    """The Danish calendar date of an aware moment."""
    return moment.astimezone(COPENHAGEN).date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in Danish time (23:59:59.999999 local), aware. A deadline
    "on ``day``" is met by anything up to and including this moment."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=COPENHAGEN)


def is_past_deadline(deadline: datetime.date, now: datetime.datetime) -> bool:
    """True when ``now`` is after the end of the deadline day in Danish time."""
    return local_date(now) > deadline


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of ``day``'s month."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later (or earlier, when negative); the month's
    last day when it is shorter (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s through ``last``'s, oldest first."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months
