import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from helhed.core.cpr import (
    cpr_blind_index,
    decrypt_cpr,
    encrypt_cpr,
    parse_cpr,
    passes_modulus_11,
)

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("cpr", "born", "sex"),
    [
        ("211062-0628", datetime.date(1962, 10, 21), "K"),  # 7th digit 0-3 -> 1900s
        ("211062-5629", datetime.date(1862, 10, 21), "M"),  # 5-8 with year >= 58 -> 1800s
        ("1505374121", datetime.date(1937, 5, 15), "M"),  # 4 with year >= 37 -> 1900s
        ("1505054121", datetime.date(2005, 5, 15), "M"),  # 4 with year <= 36 -> 2000s
        ("1505959121", datetime.date(1995, 5, 15), "M"),  # 9 with year >= 37 -> 1900s
        ("1505159120", datetime.date(2015, 5, 15), "K"),  # 9 with year <= 36 -> 2000s
        ("1505155121", datetime.date(2015, 5, 15), "M"),  # 5-8 with year <= 57 -> 2000s
    ],
)
def test_century_rules_and_derived_facts(cpr, born, sex):
    facts = parse_cpr(cpr, today=TODAY)
    assert facts.birth_date == born
    assert facts.sex == sex
    assert facts.number == cpr.replace("-", "")


def test_modulus_11_is_not_required():
    # 010170-0010 fails the old check; numbers like it are issued since 2007.
    assert not passes_modulus_11("0101700010")
    assert parse_cpr("010170-0010", today=TODAY).birth_date == datetime.date(1970, 1, 1)


@pytest.mark.parametrize(
    ("cpr", "code", "text"),
    [
        ("", "required", "Skriv et CPR-nummer"),
        ("12345", "length", "10 cifre"),
        ("12345678901", "length", "10 cifre"),
        ("1505AB4121", "format", "kun indeholde tal"),
        ("320199-1234", "date", "ikke en gyldig dato"),
        ("300299-1234", "date", "ikke en gyldig dato"),
        ("011230-4123", "future", "fremtiden"),  # 1 Dec 2030
        ("0101364122", "future", "fremtiden"),  # 1 Jan 2036
    ],
)
def test_invalid_cpr_gets_a_clear_danish_message_without_the_number(cpr, code, text):
    with pytest.raises(ValidationError) as error:
        parse_cpr(cpr, today=TODAY)
    assert error.value.code == code
    assert text in error.value.message
    digits = cpr.replace("-", "")
    if digits:
        assert digits not in error.value.message and cpr not in error.value.message


@given(st.dates(min_value=datetime.date(1858, 1, 1), max_value=TODAY), st.integers(0, 9999))
def test_every_well_formed_number_round_trips_its_birth_date(born, sequence):
    century_digit = int(f"{sequence:04d}"[0])
    number = born.strftime("%d%m%y") + f"{sequence:04d}"
    try:
        facts = parse_cpr(number, today=TODAY)
    except ValidationError as error:
        assert error.code in {"date", "future"}  # century digit does not fit this year
        return
    assert facts.birth_date.strftime("%d%m%y") == born.strftime("%d%m%y")
    assert facts.sex == ("M" if sequence % 2 else "K")
    if century_digit <= 3:
        assert 1900 <= facts.birth_date.year <= 1999


def test_encryption_round_trips_and_does_not_contain_the_number():
    token = encrypt_cpr("2110625629")
    assert "2110625629" not in token
    assert decrypt_cpr(token) == "2110625629"
    assert encrypt_cpr("2110625629") != token  # randomised


def test_blind_index_is_stable_keyed_and_not_the_number(settings):
    digest = cpr_blind_index("2110625629")
    assert digest == cpr_blind_index("2110625629")
    assert "2110625629" not in digest
    settings.HELHED_CPR_INDEX_KEY = "another key"
    assert cpr_blind_index("2110625629") != digest
