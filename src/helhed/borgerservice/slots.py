"""Slot generation: pure functions, no database. A slot is a start time (aware, in
Europe/Copenhagen) on a day the service point is open, inside its opening hours."""

from __future__ import annotations

import datetime

from helhed.core.calendar import COPENHAGEN, is_public_holiday


def is_closed_day(day: datetime.date, closed_days: set[datetime.date]) -> bool:
    """Closed on a Danish public holiday (``helhed.core.calendar``) or on a closed day the
    service point has registered."""
    return day in closed_days or is_public_holiday(day)


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime | None:
    """``day`` at the local wall-clock time ``at``, or ``None`` when that time does not exist
    (the hour skipped when daylight-saving time begins)."""
    moment = datetime.datetime.combine(day, at, tzinfo=COPENHAGEN)
    roundtrip = moment.astimezone(datetime.UTC).astimezone(COPENHAGEN)
    if roundtrip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def slot_starts(
    *, day: datetime.date, hours: list[tuple[datetime.time, datetime.time]], minutes: int,
    closed_days: set[datetime.date] = frozenset(),
) -> list[datetime.datetime]:
    """Every slot start on ``day``: from each opening until a whole slot no longer fits
    before closing, in wall-clock time, so a slot at 10.00 is at 10.00 also on the day
    daylight-saving time begins or ends. A wall-clock time that does not exist that day is
    left out; one that exists twice (the hour repeated in October) is the first of them."""
    if is_closed_day(day, set(closed_days)):
        return []
    step = datetime.timedelta(minutes=minutes)
    starts: list[datetime.datetime] = []
    for opens, closes in sorted(hours):
        at = datetime.datetime.combine(day, opens)
        end = datetime.datetime.combine(day, closes)
        while at + step <= end:
            moment = _local(day, at.time())
            if moment is not None:
                starts.append(moment)
            at += step
    return sorted(set(starts))
