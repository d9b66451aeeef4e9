"""The allocation rule (largest remainder, exact fractions) and ``helhed pool allocate``."""

import csv
import io
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from helhed.pools.allocation import AllocationError, allocate, largest_remainder
from helhed.register.kommuner import kommunekoder

CODES = kommunekoder()

counts_strategy = st.dictionaries(st.sampled_from(CODES), st.integers(0, 40_000), min_size=1, max_size=98).filter(
    lambda d: sum(d.values()) > 0)


@settings(max_examples=200, deadline=None)
@given(counts=counts_strategy, units=st.integers(1, 10**9), unit=st.sampled_from([1, 5, 1000]))
def test_allocations_sum_exactly_to_the_total(counts, units, unit):
    amounts = allocate(Decimal(units * unit), counts, Decimal(unit))
    assert sum(amounts.values()) == units * unit
    assert set(amounts) == set(counts)
    assert all(a % unit == 0 and a >= 0 for a in amounts.values())


@settings(max_examples=200, deadline=None)
@given(counts=counts_strategy, units=st.integers(1, 10**7))
def test_each_share_is_within_one_unit_of_its_quota(counts, units):
    shares = largest_remainder(units, counts)
    total = sum(counts.values())
    for code, n in counts.items():
        quota = Fraction(units * n, total)
        assert abs(shares[code] - quota) < 1
        assert shares[code] in (quota.numerator // quota.denominator, quota.numerator // quota.denominator + 1)


@settings(max_examples=100, deadline=None)
@given(counts=counts_strategy, units=st.integers(1, 10**7))
def test_the_same_input_in_any_order_gives_the_same_allocation(counts, units):
    reversed_counts = dict(reversed(list(counts.items())))
    assert largest_remainder(units, counts) == largest_remainder(units, reversed_counts)


@settings(max_examples=200, deadline=None)
@given(counts=counts_strategy, units=st.integers(1, 10**6), data=st.data())
def test_a_larger_count_never_gets_less(counts, units, data):
    shares = largest_remainder(units, counts)
    a = data.draw(st.sampled_from(sorted(counts)))
    b = data.draw(st.sampled_from(sorted(counts)))
    if counts[a] > counts[b]:
        assert shares[a] >= shares[b]


def test_ties_go_to_the_larger_count_then_the_lower_code():
    # 1 unit left over, remainders equal (1/2 each): the lower code gets it.
    assert largest_remainder(3, {751: 1, 101: 1}) == {101: 2, 751: 1}
    # Quotas 10*2/7 = 2 6/7, 10*2/7, 10*3/7 = 4 2/7: the two 6/7 remainders win, lower code first.
    assert largest_remainder(10, {751: 2, 147: 2, 101: 3}) == {101: 4, 147: 3, 751: 3}
    # Equal remainders (quota 1/3 of 1 unit each = 1/3... ): larger count first.
    assert largest_remainder(1, {101: 1, 147: 1, 751: 1}) == {101: 1, 147: 0, 751: 0}
    assert largest_remainder(2, {101: 2, 147: 4}) == {101: 1, 147: 1}  # exact, no remainders
    assert largest_remainder(1, {101: 1, 147: 3}) == {101: 0, 147: 1}
    assert largest_remainder(7, {101: 2, 147: 5, 751: 7}) == {101: 1, 147: 2, 751: 4}


def test_a_larger_count_wins_a_tie_of_remainders():
    # 5 units over counts 1 and 3 (sum 4): quotas 5/4 and 15/4, remainders 1/4 and 3/4.
    assert largest_remainder(5, {101: 1, 147: 3}) == {101: 1, 147: 4}
    # 3 units over 2, 4 (sum 6): quotas 1 and 2, no remainder.
    # 2 units over 3, 3, 6 (sum 12): quotas 1/2, 1/2, 1: the larger count has no remainder,
    # so the 1/2 tie goes to the lower code.
    assert largest_remainder(2, {751: 3, 101: 3, 147: 6}) == {101: 1, 147: 1, 751: 0}
    # Equal remainders with different counts: 4 units over 1 and 7 ... quotas 1/2 and 7/2.
    assert largest_remainder(4, {101: 1, 147: 7}) == {101: 0, 147: 4}
    assert largest_remainder(4, {147: 1, 101: 7}) == {101: 4, 147: 0}


def test_the_seed_pool_over_all_98():
    counts = {code: 100 + code % 17 for code in CODES}
    amounts = allocate(Decimal("262500000"), counts)
    assert sum(amounts.values()) == Decimal("262500000")
    assert len(amounts) == 98


def test_bad_totals_are_refused():
    with pytest.raises(AllocationError, match="positivt"):
        allocate(Decimal(0), {101: 1})
    with pytest.raises(AllocationError, match="helt antal enheder"):
        allocate(Decimal(1001), {101: 1}, Decimal(1000))
    with pytest.raises(AllocationError, match="intet at fordele"):
        allocate(Decimal(10), {101: 0, 147: 0})


# --- The command -------------------------------------------------------------------------

def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("pool", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_allocate_writes_sorted_rows_summing_to_the_total(tmp_path):
    counts = write(tmp_path / "c.csv", "kommunekode,count\n751,2\n101,3\n147,2\n")
    out = tmp_path / "a.csv"
    code, _, err = run("allocate", "--total", "100", "--counts", counts, "--out", str(out))
    assert code == 0, err
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows == [["kommunekode", "count", "amount"], ["101", "3", "43"], ["147", "2", "29"], ["751", "2", "28"]]


def test_allocate_takes_the_total_and_unit_as_danes_write_them(tmp_path):
    counts = write(tmp_path / "c.csv", "kommunekode,count\n751,1\n101,2\n")
    code, out, err = run("allocate", "--total", "262.500.000", "--counts", counts, "--unit", "1.000")
    assert code == 0, err
    assert out.splitlines() == ["kommunekode,count,amount", "101,2,175000000", "751,1,87500000"]


def test_allocate_with_a_unit(tmp_path):
    counts = write(tmp_path / "c.csv", "kommunekode,count\n751,1\n101,2\n")
    code, out, err = run("allocate", "--total", "10000", "--counts", counts, "--unit", "1000")
    assert code == 0, err
    assert out.splitlines() == ["kommunekode,count,amount", "101,2,7000", "751,1,3000"]


@pytest.mark.parametrize(("total", "unit", "content", "message"), [
    ("100", "3", "kommunekode,count\n101,1\n", "helt antal enheder"),
    ("0", "1", "kommunekode,count\n101,1\n", "positivt"),
    ("-5", "1", "kommunekode,count\n101,1\n", "positivt"),
    ("12,5", "1", "kommunekode,count\n101,1\n", "helt antal enheder"),
    ("12.5", "1", "kommunekode,count\n101,1\n", "Brug komma før decimaler"),
    ("1e3", "1", "kommunekode,count\n101,1\n", "et tal i kroner"),
    ("inf", "1", "kommunekode,count\n101,1\n", "et tal i kroner"),
    ("100", "1e1", "kommunekode,count\n101,1\n", "Enheden"),
    ("abc", "1", "kommunekode,count\n101,1\n", "et tal i kroner"),
    ("100", "0", "kommunekode,count\n101,1\n", "Enheden"),
    ("100", "1", "kommunekode,count\n,1\n", "kommunekoden mangler"),
    ("100", "1", "kommunekode,count\n101,1\n101,2\n", "mere end én gang"),
    ("100", "1", "kommunekode,count\n999,1\n", "ikke en af de 98"),
    ("100", "1", "kommunekode,count\nKBH,1\n", "ikke en af de 98"),
    ("100", "1", "kommunekode,count\n101,-1\n", "negativt"),
    ("100", "1", "kommunekode,count\n101,1.5\n", "helt tal"),
    ("100", "1", "kommunekode,count\n101,\n", "helt tal"),
    ("100", "1", "kommunekode,count\n101,0\n147,0\n", "alle antal er 0"),
    ("100", "1", "kode,antal\n101,1\n", "overskriften"),
    ("100", "1", "kommunekode,count\n101\n", "2 felter"),
])
def test_bad_input_exits_2_with_a_message_and_no_output(tmp_path, total, unit, content, message):
    counts = write(tmp_path / "c.csv", content)
    out = tmp_path / "a.csv"
    code, stdout, err = run("allocate", "--total", total, "--counts", counts, "--unit", unit, "--out", str(out))
    assert code == 2
    assert message in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "c.csv"]  # no temporary file left behind either


def test_a_missing_counts_file_exits_2(tmp_path):
    code, _, err = run("allocate", "--total", "100", "--counts", str(tmp_path / "nope.csv"))
    assert code == 2 and "kan ikke læses" in err


def test_the_console_script_exit_status(tmp_path):
    counts = write(tmp_path / "c.csv", "kommunekode,count\n101,-1\n")
    helhed = str(Path(sys.executable).with_name("helhed"))
    command = [helhed, "pool", "allocate", "--total", "100", "--counts", counts]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)  # noqa: S603  (our own command)
    assert done.returncode == 2
    assert "negativt" in done.stderr and done.stdout == ""
