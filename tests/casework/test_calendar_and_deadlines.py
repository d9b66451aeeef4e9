"""Business days (helhed.core.calendar) and the partshøring deadline around Easter and
Christmas: a deadline on a weekend or Danish holiday moves to the next business day."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from helhed.casework.policy import hearing_deadline
from helhed.core.calendar import (
    add_business_days,
    end_of_day,
    is_business_day,
    is_past_deadline,
    local_date,
    next_business_day,
)

D = datetime.date


@pytest.mark.parametrize("day, business", [
    (D(2026, 4, 1), True),    # Wednesday before Easter
    (D(2026, 4, 2), False),   # Skærtorsdag
    (D(2026, 4, 3), False),   # Langfredag
    (D(2026, 4, 4), False),   # Saturday
    (D(2026, 4, 5), False),   # Påskedag
    (D(2026, 4, 6), False),   # 2. påskedag
    (D(2026, 4, 7), True),
    (D(2026, 12, 24), True),  # Juleaften is not a public holiday
    (D(2026, 12, 25), False),
    (D(2026, 12, 26), False),
    (D(2027, 1, 1), False),
    (D(2026, 5, 14), False),  # Kristi himmelfartsdag
    (D(2026, 5, 25), False),  # 2. pinsedag
])
def test_business_days(day, business):
    assert is_business_day(day) is business


def test_next_business_day_moves_past_easter_and_christmas():
    assert next_business_day(D(2026, 4, 2)) == D(2026, 4, 7)
    assert next_business_day(D(2026, 12, 25)) == D(2026, 12, 28)
    assert next_business_day(D(2027, 12, 25)) == D(2027, 12, 27)
    assert next_business_day(D(2026, 3, 4)) == D(2026, 3, 4)


def test_add_business_days_skips_easter():
    assert add_business_days(D(2026, 4, 1), 1) == D(2026, 4, 7)
    assert add_business_days(D(2026, 12, 23), 2) == D(2026, 12, 28)
    assert add_business_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    with pytest.raises(ValueError):
        add_business_days(D(2026, 3, 2), -1)


def test_deadlines_are_danish_days():
    late_evening_utc = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)  # 00:30 in Copenhagen
    assert local_date(late_evening_utc) == D(2026, 7, 1)
    assert not is_past_deadline(D(2026, 6, 30), datetime.datetime(2026, 6, 30, 21, 59, tzinfo=datetime.UTC))
    assert is_past_deadline(D(2026, 6, 30), late_evening_utc)
    assert end_of_day(D(2026, 6, 30)).utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize("sent, expected", [
    (D(2026, 3, 2), D(2026, 3, 16)),     # an ordinary Monday: 14 days later
    (D(2026, 3, 7), D(2026, 3, 23)),     # falls on a Saturday: Monday
    (D(2026, 3, 19), D(2026, 4, 7)),     # falls on Skærtorsdag: the Tuesday after Easter
    (D(2026, 3, 20), D(2026, 4, 7)),     # Langfredag
    (D(2026, 3, 22), D(2026, 4, 7)),     # Påskedag
    (D(2026, 3, 23), D(2026, 4, 7)),     # 2. påskedag
    (D(2026, 3, 24), D(2026, 4, 7)),     # an ordinary Tuesday
    (D(2026, 12, 10), D(2026, 12, 24)),  # Juleaften is a business day
    (D(2026, 12, 11), D(2026, 12, 28)),  # Juledag (Friday): Monday
    (D(2026, 12, 12), D(2026, 12, 28)),  # 2. juledag (Saturday)
    (D(2027, 12, 11), D(2027, 12, 27)),  # Juledag on a Saturday, 2. juledag on Sunday
    (D(2026, 12, 18), D(2027, 1, 4)),    # Nytårsdag (Friday): Monday
])
def test_hearing_deadline_moves_to_next_business_day(sent, expected):
    assert hearing_deadline(sent) == expected
    assert is_business_day(hearing_deadline(sent))


def test_hearing_deadline_with_other_days_and_refused_zero():
    assert hearing_deadline(D(2026, 3, 26), days=7) == D(2026, 4, 7)  # 2 April: Skærtorsdag
    with pytest.raises(ValidationError):
        hearing_deadline(D(2026, 3, 2), days=0)
