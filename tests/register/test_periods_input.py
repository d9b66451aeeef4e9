"""Bad input stops with a message naming the file, the row and the problem, never the CPR."""

import datetime
from pathlib import Path

import duckdb
import pytest

from helhed.register.engine import connect
from helhed.register.periods import RegisterInputError, open_periods
from tests.register.helpers import TODAY, A, B, write_periods

GOOD = (A, 751, "kontanthjaelp_aktivitetsparat", "2010-01-01", "")


def check(path):
    con = connect()
    try:
        return open_periods(con, path, today=TODAY)
    finally:
        con.close()


def error_for(tmp_path, rows, header=("cpr", "kommunekode", "ydelse", "start", "slut")) -> RegisterInputError:
    path = write_periods(tmp_path / "perioder.csv", rows, header=header)
    with pytest.raises(RegisterInputError) as caught:
        check(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for cpr in (A, B):
        assert cpr not in message and cpr[:6] not in message
    return caught.value


def test_good_file_is_read(tmp_path):
    periods = check(write_periods(tmp_path / "p.csv", [GOOD, (B, "0101", "su", "2010-01-01", "2010-02-01")]))
    assert periods.rows == 2 and periods.source.format == "csv"


def test_missing_column(tmp_path):
    error = error_for(tmp_path, [GOOD[:4]], header=("cpr", "kommunekode", "ydelse", "start"))
    assert "mangler kolonnen 'slut'" in error.problem and error.row == 1 and error.where == "linje"


@pytest.mark.parametrize(("row", "text"), [
    ((A, 751, "kontanthjaelp", "2010-01-01", ""), "ydelsen 'kontanthjaelp' kendes ikke"),
    ((A, 999, "su", "2010-01-01", ""), "kommunekoden 999 er ikke en af de 98 kommuner"),
    ((A, "Aarhus", "su", "2010-01-01", ""), "kommunekoden 'Aarhus' er ikke et tal"),
    (("3201801234", 751, "su", "2010-01-01", ""), "CPR-nummeret er ikke gyldigt"),
    (("17058012", 751, "su", "2010-01-01", ""), "CPR-nummeret er ikke gyldigt"),
    (("", 751, "su", "2010-01-01", ""), "CPR-nummeret mangler"),
    ((A, 751, "su", "2010-02-01", "2010-01-31"), "slutdatoen 2010-01-31 ligger før startdatoen 2010-02-01"),
    ((A, 751, "su", "1. januar 2010", ""), "startdatoen '1. januar 2010' er ikke en dato"),
    ((A, 751, "su", "2010-01-01", "2010-02-30"), "slutdatoen '2010-02-30' er ikke en dato"),
    ((A, 751, "su", "", ""), "startdatoen mangler"),
])
def test_bad_row_names_row_and_problem(tmp_path, row, text):
    error = error_for(tmp_path, [GOOD, GOOD, row, row])
    assert text in error.problem
    assert error.row == 3 and error.where == "række"
    assert "1 andre rækker har også fejl" in error.problem


def test_a_cpr_number_in_another_column_is_not_echoed(tmp_path):
    error = error_for(tmp_path, [(A, 751, B, "2010-01-01", "")])
    assert "[CPR]" in error.problem


def test_unreadable_files(tmp_path):
    with pytest.raises(RegisterInputError, match="findes ikke"):
        check(tmp_path / "nope.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RegisterInputError, match="kan ikke læses som CSV"):
        check(binary)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f"cpr,kommunekode,ydelse,start,slut\n{A},751,su,2010-01-01,\n{B},751,su\n")
    with pytest.raises(RegisterInputError, match="kan ikke læses som CSV") as caught:
        check(ragged)
    assert B not in str(caught.value)


def test_dashed_cpr_and_parquet_are_accepted(tmp_path):
    dashed = A[:6] + "-" + A[6:]
    path = write_periods(tmp_path / "p.csv", [(dashed, 751, "su", "2010-01-01", "")])
    con = connect()
    open_periods(con, path, today=TODAY)
    assert con.execute("SELECT cpr FROM periods").fetchall() == [(A,)]
    parquet = tmp_path / "p.parquet"
    con.execute(f"COPY (SELECT cpr, kommunekode, ydelse, start, slut FROM periods) TO '{parquet}' (FORMAT parquet)")
    con.close()
    assert check(parquet).rows == 1


def test_parquet_with_numeric_cpr_is_refused(tmp_path):
    path = Path(tmp_path / "n.parquet")
    duckdb.sql(f"COPY (SELECT 1705801234::BIGINT AS cpr, 751 AS kommunekode, 'su' AS ydelse, "
               f"DATE '2010-01-01' AS start, NULL::DATE AS slut) TO '{path}' (FORMAT parquet)")
    with pytest.raises(RegisterInputError, match="skal være tekst"):
        check(path)


def test_future_birth_date_is_invalid(tmp_path):
    future = (TODAY + datetime.timedelta(days=30)).strftime("%d%m%y") + "4001"
    error = error_for(tmp_path, [(future, 751, "su", "2010-01-01", "")])
    assert "ikke gyldigt" in error.problem
