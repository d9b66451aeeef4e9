"""The back payment when a citizen is placed as if guided correctly, to the øre."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from helhed.casework.policy import back_payment
from helhed.core.calendar import add_months, month_bounds, months_between
from helhed.core.formats import kroner

D = datetime.date


@pytest.mark.parametrize("rate, start, end, months, days, amount", [
    # 3 whole months (15 Sep – 15 Dec) and 17 days of December's 31: 22,500 + 7,500 × 17/31
    ("7500.00", D(2025, 9, 15), D(2026, 1, 1), 3, 17, "26612.90"),
    ("1000.00", D(2026, 1, 1), D(2026, 4, 1), 3, 0, "3000.00"),
    # 31 January + 1 month is 28 February, + 2 months is 31 March
    ("1000.00", D(2026, 1, 31), D(2026, 3, 31), 2, 0, "2000.00"),
    ("3100.00", D(2026, 3, 10), D(2026, 3, 20), 0, 10, "1000.00"),
    # a leap year's February has 29 days
    ("2900.00", D(2024, 2, 10), D(2024, 3, 1), 0, 20, "2000.00"),
    # 100 × 1/30 = 3.333… → 3.33
    ("100.00", D(2026, 4, 1), D(2026, 4, 2), 0, 1, "3.33"),
    # half an øre rounds up: 0.15 × 1/30 = 0.005 → 0.01
    ("0.15", D(2026, 4, 1), D(2026, 4, 2), 0, 1, "0.01"),
    # 12,345.67 × 13 + 12,345.67 × 5/30 (the rest starts in April 2025) = 160,493.71 + 2,057.611…
    ("12345.67", D(2024, 3, 27), D(2025, 5, 2), 13, 5, "162551.32"),
])
def test_back_payment_to_the_ore(rate, start, end, months, days, amount):
    result = back_payment(monthly_rate=Decimal(rate), start=start, end=end)
    assert (result.whole_months, result.remaining_days) == (months, days)
    assert result.amount == Decimal(amount)
    assert isinstance(result.amount, Decimal)
    assert result.amount.as_tuple().exponent == -2
    assert f"= {kroner(result.amount)}" in result.explanation()


def test_back_payment_refuses_nonsense():
    with pytest.raises(ValidationError):
        back_payment(monthly_rate=Decimal("100"), start=D(2026, 3, 2), end=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        back_payment(monthly_rate=Decimal("0"), start=D(2026, 3, 2), end=D(2026, 4, 2))


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28) and add_months(D(2027, 1, 1), -1) == D(2026, 12, 1)
    assert month_bounds(D(2024, 2, 10)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert months_between(D(2026, 11, 30), D(2027, 1, 1)) == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]


@given(st.dates(D(2000, 1, 1), D(2040, 1, 1)), st.integers(1, 2000),
       st.decimals(Decimal("1.00"), Decimal("50000.00"), places=2))
def test_back_payment_never_exceeds_a_month_per_started_month(start, n_days, rate):
    end = start + datetime.timedelta(days=n_days)
    result = back_payment(monthly_rate=rate, start=start, end=end)
    assert result.whole_months * rate <= result.amount <= (result.whole_months + 1) * rate
    assert 0 <= result.remaining_days < 31
    assert add_months(start, result.whole_months) + datetime.timedelta(days=result.remaining_days) == end
