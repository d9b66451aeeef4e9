"""Numbers as Danes type them (helhed.core.numbers): the one parser behind every amount and
count field and command-line option, and its inverse, the one money format."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhed.core.formats import csv_amount, kroner
from helhed.core.numbers import DanishNumberError, number_text, parse_count, parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("4.800", Decimal(4800)), ("1.250,50", Decimal("1250.50")), ("1250,50", Decimal("1250.50")),
    ("1250", Decimal(1250)), ("  1250 ", Decimal(1250)), ("262.500.000", Decimal(262500000)),
    ("1 250 000", Decimal(1250000)), ("1\xa0250,5", Decimal("1250.5")), ("450000,50 kr.", Decimal("450000.50")),
    ("2.650,00", Decimal(2650)), ("0,5", Decimal("0.5")), ("999", Decimal(999)),
])
def test_danish_numbers_are_read(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "1e3", "1E3", "1.25", "1250.50", "0.001", "0.000", "00.250", "12.10.2026", "1,2,3", "inf", "nan", "Infinity",
    "0x10", "1_000",
    "12.5", "1.2500", "1.250.5", ",5", "1,", "kr.", "mange", "+5", "1 250.000", "--5", "١٢٣",
])
def test_anything_else_is_refused_with_a_danish_message(text):
    with pytest.raises(DanishNumberError) as refused:
        parse_number(text, what="beløbet")
    assert "beløbet" in str(refused.value) or "Brug komma" in str(refused.value)


def test_the_message_shows_how_to_write_it_and_never_repeats_the_input():
    with pytest.raises(DanishNumberError, match=r"^Skriv beløbet som 1\.250,50 eller 1250\.$"):
        parse_number("010170-1234", what="beløbet")
    with pytest.raises(DanishNumberError, match="Brug komma før decimaler"):
        parse_number("1250.50")


def test_negatives_only_where_the_field_allows_them():
    with pytest.raises(DanishNumberError, match="må ikke være negativt"):
        parse_number("-1.250,50", what="beløbet")
    assert parse_number("-1.250,50", allow_negative=True) == Decimal("-1250.50")
    assert parse_number("\u22121.250", allow_negative=True) == Decimal(-1250)  # the typographic minus


def test_decimals_are_bounded_by_the_field():
    with pytest.raises(DanishNumberError, match="højst 2 decimaler"):
        parse_number("1250,505", what="beløbet")
    assert parse_number("1250,500") == Decimal("1250.5")  # trailing zeros are no extra precision
    with pytest.raises(DanishNumberError, match="helt tal"):
        parse_count("12,5")
    assert parse_count("4.800") == 4800
    with pytest.raises(DanishNumberError):
        parse_count("1e3")


def test_one_money_format():
    assert kroner(Decimal("1250.50")) == "1.250,50 kr."
    assert kroner(Decimal("4800.00")) == "4.800 kr."
    assert kroner(Decimal("450000.50")) == "450.000,50 kr."
    assert kroner(Decimal("83522727.00")) == "83.522.727 kr."
    assert kroner(Decimal("2650")) == "2.650 kr."
    assert kroner(Decimal("0.5")) == "0,50 kr."
    assert kroner(Decimal("-1250.5")) == "-1.250,50 kr."
    assert kroner(None) == "–"
    assert csv_amount(Decimal("1250.50")) == "1250,50" and csv_amount(Decimal("262500000.00")) == "262500000"


_amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False,
                       allow_infinity=False)


@given(_amounts)
def test_formatting_then_parsing_returns_the_amount(amount):
    assert parse_number(number_text(amount), allow_negative=True) == amount
    assert parse_number(kroner(amount), allow_negative=True) == amount
    assert parse_number(csv_amount(amount), allow_negative=True) == amount


@given(st.integers(min_value=0, max_value=10**15))
def test_formatting_then_parsing_returns_the_count(count):
    assert parse_count(number_text(count, places=0)) == count


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_python_float_text_is_never_taken_for_a_danish_number(value):
    text = repr(value)
    if re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+", text):
        return  # "1.234" is 1234 as Danes write it: the one reading the parser must take
    if "." in text or "e" in text or "inf" in text or "nan" in text:
        with pytest.raises(DanishNumberError):
            parse_number(text, allow_negative=True)
