"""DREAM wide format → benefit periods."""

import csv
import datetime

import duckdb
import pytest
from django.core.management import call_command

from helhed.register.dream import import_dream, week_monday
from helhed.register.periods import RegisterInputError
from tests.register.helpers import TODAY, A, B

CODES = "code,ydelse\n130,kontanthjaelp_aktivitetsparat\n131,kontanthjaelp_jobparat\n740,dagpenge\n890,\n"


def write(tmp_path, header, rows, codes=CODES):
    dream = tmp_path / "dream.csv"
    with dream.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    mapping = tmp_path / "koder.csv"
    mapping.write_text(codes)
    return dream, mapping


def periods(path):
    with open(path) as handle:
        return list(csv.DictReader(handle))


def test_week_columns_are_iso_weeks():
    assert week_monday("y_1701") == datetime.date(2017, 1, 2)
    assert week_monday("y_9101") == datetime.date(1990, 12, 31)
    assert week_monday("y_1553") == datetime.date(2015, 12, 28)  # 2015 has 53 weeks
    assert week_monday("y_1653") is None and week_monday("y_1700") is None and week_monday("x_1701") is None


def test_consecutive_weeks_become_one_period_monday_to_sunday(tmp_path):
    dream, codes = write(tmp_path, ["cpr", "kommunekode", "y_1552", "y_1553", "y_1601", "y_1602", "y_1603", "y_1604"], [
        [A, "751", "130", "130", "130", "", "131", "890"],  # across the 53-week year end; a gap; another code
        [B, "0101", "", "740", "740", "130", "130", "130"],  # code changes
    ])
    out = tmp_path / "perioder.csv"
    summary = import_dream(dream, codes=codes, out=out, today=TODAY)
    assert (summary.persons, summary.weeks, summary.periods) == (2, 6, 4)
    got = [(p["cpr"], p["kommunekode"], p["ydelse"], p["start"], p["slut"]) for p in periods(out)]
    assert got == [
        (A, "751", "kontanthjaelp_aktivitetsparat", "2015-12-21", "2016-01-10"),
        (A, "751", "kontanthjaelp_jobparat", "2016-01-18", "2016-01-24"),
        (B, "101", "dagpenge", "2015-12-28", "2016-01-10"),
        (B, "101", "kontanthjaelp_aktivitetsparat", "2016-01-11", "2016-01-31"),
    ]


def test_the_same_benefit_twice_with_a_gap_is_two_periods(tmp_path):
    dream, codes = write(tmp_path, ["cpr", "kommunekode", "y_1701", "y_1702", "y_1703"], [[A, "751", "130", "", "130"]])
    out = tmp_path / "p.parquet"
    import_dream(dream, codes=codes, out=out, today=TODAY)
    got = duckdb.sql(f"SELECT start::VARCHAR, slut::VARCHAR FROM '{out}' ORDER BY start").fetchall()
    assert got == [("2017-01-02", "2017-01-08"), ("2017-01-16", "2017-01-22")]


def test_a_missing_week_column_breaks_a_run(tmp_path):
    dream, codes = write(tmp_path, ["cpr", "kommunekode", "y_1701", "y_1703"], [[A, "751", "130", "130"]])
    out = tmp_path / "p.csv"
    assert import_dream(dream, codes=codes, out=out, today=TODAY).periods == 2


@pytest.mark.parametrize(("header", "row", "codes", "text"), [
    (["cpr", "kommunekode", "y_1701"], [A, "751", "999"], CODES, "koden '999' i kolonnen y_1701 står ikke i"),
    (["cpr", "kommunekode", "y_1653"], [A, "751", "130"], CODES, "kolonnen 'y_1653' er ikke en ISO-uge"),
    (["cpr", "y_1701"], [A, "130"], CODES, "mangler kolonnen 'kommunekode'"),
    (["cpr", "kommunekode", "y_1701"], ["3201801234", "751", "130"], CODES, "CPR-nummeret er ikke gyldigt"),
    (["cpr", "kommunekode", "y_1701"], [A, "998", "130"], CODES, "kommunekoden 998 er ikke en af de 98"),
    (["cpr", "kommunekode", "y_1701"], [A, "751", "130"], "code,ydelse\n130,kontanthjælp\n", "ydelsen 'kontanthjælp'"),
    (["cpr", "kommunekode", "y_1701"], [A, "751", "130"], "kode,ydelse\n", "code,ydelse"),
])
def test_bad_dream_input_is_refused_without_output(tmp_path, header, row, codes, text):
    dream, mapping = write(tmp_path, header, [[B, "751"] + ["130"] * (len(header) - 2), row], codes=codes)
    out = tmp_path / "ud.csv"
    with pytest.raises(RegisterInputError) as caught:
        import_dream(dream, codes=mapping, out=out, today=TODAY)
    assert text in str(caught.value)
    assert A not in str(caught.value) and not out.exists()


def test_command_exits_2_on_bad_input(tmp_path, capsys):
    dream, codes = write(tmp_path, ["cpr", "kommunekode", "y_1701"], [[A, "751", "777"]])
    with pytest.raises(SystemExit) as exit:
        call_command("register", "import-dream", str(dream), "--codes", str(codes), "--out", str(tmp_path / "o.csv"))
    assert exit.value.code == 2
    assert not (tmp_path / "o.csv").exists()
