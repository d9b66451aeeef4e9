"""Slot generation across opening hours, Danish public holidays and daylight-saving changes."""

import datetime

from helhed.borgerservice.slots import COPENHAGEN, is_public_holiday, slot_starts
from helhed.core.formats import ugedag_dato_klokken

NINE_TO_TWELVE = [(datetime.time(9), datetime.time(12))]


def test_slots_fill_the_opening_hours_and_the_last_one_ends_at_closing():
    starts = slot_starts(day=datetime.date(2026, 11, 24), hours=NINE_TO_TWELVE, minutes=25)
    local = [s.astimezone(COPENHAGEN).strftime("%H:%M") for s in starts]
    assert local == ["09:00", "09:25", "09:50", "10:15", "10:40", "11:05", "11:30"]  # 11:55 would end 12:20


def test_a_lunch_break_leaves_a_gap():
    hours = [(datetime.time(13), datetime.time(14)), (datetime.time(9), datetime.time(10))]
    starts = slot_starts(day=datetime.date(2026, 11, 24), hours=hours, minutes=30)
    assert [s.astimezone(COPENHAGEN).hour for s in starts] == [9, 9, 13, 13]


def test_danish_public_holidays_have_no_slots():
    for holiday in (datetime.date(2026, 12, 25), datetime.date(2026, 4, 2), datetime.date(2026, 5, 14),
                    datetime.date(2026, 5, 25)):
        assert is_public_holiday(holiday)
        assert slot_starts(day=holiday, hours=NINE_TO_TWELVE, minutes=15) == []
    # Store bededag was a holiday until 2023.
    assert is_public_holiday(datetime.date(2023, 5, 5))
    assert not is_public_holiday(datetime.date(2024, 4, 26))
    assert slot_starts(day=datetime.date(2024, 4, 26), hours=NINE_TO_TWELVE, minutes=60)


def test_a_registered_closed_day_has_no_slots():
    day = datetime.date(2026, 11, 27)
    assert slot_starts(day=day, hours=NINE_TO_TWELVE, minutes=15, closed_days={day}) == []


def test_slots_keep_their_wall_clock_time_when_summer_time_begins():
    saturday, sunday = datetime.date(2026, 3, 28), datetime.date(2026, 3, 29)  # clocks go 02:00 → 03:00
    before = slot_starts(day=saturday, hours=NINE_TO_TWELVE, minutes=60)
    after = slot_starts(day=sunday, hours=NINE_TO_TWELVE, minutes=60)
    assert [s.astimezone(datetime.UTC).hour for s in before] == [8, 9, 10]  # UTC+1
    assert [s.astimezone(datetime.UTC).hour for s in after] == [7, 8, 9]  # UTC+2
    assert [s.astimezone(COPENHAGEN).hour for s in after] == [9, 10, 11]


def test_a_wall_clock_time_skipped_by_summer_time_is_left_out():
    night = [(datetime.time(1), datetime.time(4))]
    starts = slot_starts(day=datetime.date(2026, 3, 29), hours=night, minutes=30)
    assert [s.astimezone(COPENHAGEN).strftime("%H:%M") for s in starts] == ["01:00", "01:30", "03:00", "03:30"]
    assert len({s.astimezone(datetime.UTC) for s in starts}) == 4


def test_slots_when_summer_time_ends_are_each_one_moment():
    sunday = datetime.date(2026, 10, 25)  # clocks go 03:00 → 02:00
    starts = slot_starts(day=sunday, hours=[(datetime.time(1), datetime.time(4))], minutes=60)
    utc = [s.astimezone(datetime.UTC).strftime("%H:%M") for s in starts]
    assert utc == ["23:00", "00:00", "02:00"]  # 01:00 (+2), 02:00 (first, +2), 03:00 (+1)
    assert [s.astimezone(datetime.UTC).hour for s in
            slot_starts(day=sunday, hours=NINE_TO_TWELVE, minutes=60)] == [8, 9, 10]  # back to UTC+1


def test_times_are_written_in_danish():
    moment = datetime.datetime(2026, 11, 24, 9, 15, tzinfo=datetime.UTC)
    assert ugedag_dato_klokken(moment) == "tirsdag 24. november 2026 kl. 10.15"
