"""The SQL definition of a valid CPR number (helhed.register.cprsql) agrees with
``helhed.core.cpr.parse_cpr``: same verdict and same birth date, in the per-row macro and in
the fast check used on large files."""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from helhed.core.cpr import parse_cpr
from helhed.register.cprsql import birth_dates

TODAY = datetime.date(2026, 11, 24)


def python_verdict(value):
    try:
        return parse_cpr(value, today=TODAY).birth_date
    except ValidationError:
        return None


# Well-formed numbers of every century digit, and noise around them: separators, spaces,
# tabs, letters, wrong lengths.
NUMBERS = st.builds(lambda born, seq: born.strftime("%d%m%y") + f"{seq:04d}",
                    st.dates(datetime.date(1858, 1, 1), datetime.date(2057, 12, 31)), st.integers(0, 9999))
DIGIT_STRINGS = st.text(alphabet="0123456789", min_size=9, max_size=11)
NOISY = st.text(alphabet="0123456789 -\tax+._e", min_size=0, max_size=13)


def _decorate(number, where, sep):
    return number[:where] + sep + number[where:]


DECORATED = st.builds(_decorate, NUMBERS, st.integers(0, 10), st.sampled_from(["-", " ", "\t", "--", "x", ""]))
VALUES = st.one_of(NUMBERS, DIGIT_STRINGS, NOISY, DECORATED,
                   st.builds(lambda n: f" {n}\n", NUMBERS), st.builds(lambda n: n[:6] + "-" + n[6:], NUMBERS))


@settings(max_examples=25, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=60))
def test_sql_and_parse_cpr_agree(values):
    got = birth_dates(values, today=TODAY)
    for value, (sql_birth, fast_valid) in zip(values, got, strict=True):
        expected = python_verdict(value)
        assert sql_birth == expected, repr(value)
        assert fast_valid == (expected is not None), repr(value)


def test_known_cases():
    values = ["211062-0628", "2110625629", "1505374121", "1505054121", "1505959121", "1505159120",
              "320199-1234", "300299-1234", "011230-4123", "0101364122", "2902001234", "2902004234", "", None]
    got = [b for b, _ in birth_dates(values, today=TODAY)]
    assert got == [python_verdict(v) if v is not None else None for v in values]
    assert got[0] == datetime.date(1962, 10, 21) and got[1] == datetime.date(1862, 10, 21)
    assert got[11] == datetime.date(2000, 2, 29) and got[10] is None  # 1900 was not a leap year
