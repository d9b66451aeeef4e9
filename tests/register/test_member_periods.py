"""Reading one programme's members out of a register extract: the period file or DREAM."""

import datetime

import pytest

from helhed.register.imports import RegisterInputError, member_periods

D = datetime.date
TODAY = D(2026, 11, 24)
A, B, C = "0101701234", "0202801235", "0303901236"  # fictional, valid dates


def read(content, **kw):
    wanted = kw.pop("wanted", {f"i-{A}", f"i-{B}"})
    return member_periods(content, name=kw.pop("name", "u.csv"), kind=kw.pop("kind", "periods"), today=TODAY,
                          municipality=751, index_of=lambda cpr: f"i-{cpr}", wanted=wanted, **kw)


def test_only_wanted_people_with_a_period_in_the_municipality_are_kept_with_all_their_periods():
    content = (f"cpr,kommunekode,ydelse,start,slut\n"
               f"{A},751,kontanthjaelp_aktivitetsparat,2020-01-01,2026-03-31\n"
               f"{A},730,kontanthjaelp_aktivitetsparat,2026-04-01,\n"
               f"{B},101,kontanthjaelp_aktivitetsparat,2020-01-01,\n"
               f"{C},751,kontanthjaelp_aktivitetsparat,2020-01-01,\n").encode()
    got = read(content)
    assert got.rows == 4
    assert got.periods == {f"i-{A}": [(751, "kontanthjaelp_aktivitetsparat", D(2020, 1, 1), D(2026, 3, 31)),
                                      (730, "kontanthjaelp_aktivitetsparat", D(2026, 4, 1), None)]}


def test_a_dream_extract_is_read_with_its_code_table():
    content = f"cpr,kommunekode,y_2601,y_2602,y_2603\n{A},751,KH,KH,\n".encode()
    got = read(content, kind="dream", dream_codes=b"code,ydelse\nKH,kontanthjaelp_aktivitetsparat\n")
    assert got.periods[f"i-{A}"] == [(751, "kontanthjaelp_aktivitetsparat", D(2025, 12, 29), D(2026, 1, 11))]
    with pytest.raises(RegisterInputError):
        read(content, kind="dream")


def test_a_bad_row_names_the_row_and_never_the_cpr():
    content = f"cpr,kommunekode,ydelse,start,slut\n{A},751,findes_ikke,2020-01-01,\n".encode()
    with pytest.raises(RegisterInputError) as error:
        read(content)
    assert error.value.row == 1 and A not in str(error.value)
