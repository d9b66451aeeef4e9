"""A slow, obvious reference implementation of the target-group rules: day by day, in plain
Python, straight from the issue's wording. The tests check that the DuckDB engine agrees."""

from __future__ import annotations

import datetime
from collections import defaultdict
from fractions import Fraction

from helhed.register.targetgroups import ContinuousStay, ShareOfWindow, years_before

DAY = datetime.timedelta(days=1)


def _days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += DAY


def _by_person(rows):
    people = defaultdict(list)
    for cpr, kommunekode, ydelse, start, slut in rows:
        people[cpr].append((kommunekode, ydelse, start, slut))
    return people


def _home(periods, aktiv, day):
    """The kommunekode of the aktiv period covering ``day`` that started latest (ties: the
    lowest code), or None if no aktiv period covers it."""
    covering = [(start, k) for k, y, start, slut in periods
                if y in aktiv and start <= day and (slut is None or slut >= day)]
    if not covering:
        return None
    latest = max(start for start, _ in covering)
    return min(k for start, k in covering if start == latest)


def _covered(periods, system, first, last):
    days = set()
    for _, y, start, slut in periods:
        if y in system:
            days.update(_days(max(start, first), min(slut or last, last)))
    return days


def continuous_stay(rule: ContinuousStay, rows, as_of):
    out = []
    for cpr, periods in sorted(_by_person(rows).items()):
        home = _home(periods, rule.aktiv, as_of)
        if home is None:
            continue
        covered = _covered(periods, rule.system, datetime.date(1900, 1, 1), as_of)
        assert as_of in covered
        day = as_of
        while True:
            while day - DAY in covered:
                day -= DAY
            # ``day`` starts a run of covered days. An earlier covered day with at most
            # max_gap_days days strictly between it and ``day`` continues the same stay.
            earlier = [day - k * DAY for k in range(2, rule.max_gap_days + 2) if day - k * DAY in covered]
            if not earlier:
                break
            day = earlier[0]
        if day <= years_before(as_of, rule.years):
            out.append((cpr, home, day, (as_of - day).days + 1))
    return out


def share_of_window(rule: ShareOfWindow, rows, as_of):
    out = []
    window_start = years_before(as_of, rule.window_years)  # excluded
    window_days = (as_of - window_start).days
    for cpr, periods in sorted(_by_person(rows).items()):
        home = _home(periods, rule.aktiv, as_of)
        if home is None:
            continue
        days = len(_covered(periods, rule.system, window_start + DAY, as_of))
        if Fraction(days) >= Fraction(rule.min_share) * window_days:
            out.append((cpr, home, days))
    return out
