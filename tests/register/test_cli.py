"""``helhed register ...`` on the command line: output files, exit status 2 on bad input
and no output file then."""

import csv
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.register.helpers import A, B, C, write_periods

KH_A = "kontanthjaelp_aktivitetsparat"


@pytest.fixture
def periods(tmp_path) -> Path:
    return write_periods(tmp_path / "perioder.csv", [
        (C, 101, KH_A, "2009-03-01", ""),
        (A, 751, KH_A, "2010-01-01", "2016-05-31"),
        (A, 461, KH_A, "2016-06-01", ""),
        (B, 751, KH_A, "2015-01-01", ""),  # too recent
    ])


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("register", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_targetgroup_writes_members_sorted_by_cpr(periods, tmp_path):
    out = tmp_path / "ud" / "maalgruppe.csv"
    code, _, err = run("targetgroup", "--periods", str(periods), "--as-of", "2017-04-09",
                       "--rule", "flere-skal-med-2017", "--out", str(out))
    assert code == 0
    assert rows(out) == [["cpr", "kommunekode", "stay_start", "days_in_stay"],
                         *sorted([[A, "461", "2010-01-01", "2656"], [C, "101", "2009-03-01", "2962"]])]
    assert "2 personer" in err and A not in err


def test_afklaringspulje_has_days_in_window(periods):
    code, out, _ = run("targetgroup", "--periods", str(periods), "--as-of", "2019-06-01",
                       "--rule", "afklaringspulje-2019")
    assert code == 0
    assert out.splitlines()[0] == "cpr,kommunekode,days_in_window"


def test_by_kommune_lists_all_98_with_zeros(periods, tmp_path):
    out = tmp_path / "kommuner.csv"
    assert run("targetgroup", "--periods", str(periods), "--as-of", "2017-04-09", "--rule",
               "flere-skal-med-2017", "--by-kommune", "--out", str(out))[0] == 0
    table = rows(out)
    assert table[0] == ["kommunekode", "count"] and len(table) == 99
    codes = [int(r[0]) for r in table[1:]]
    assert codes == sorted(codes)
    counts = {int(k): int(v) for k, v in table[1:]}
    assert counts[101] == 1 and counts[461] == 1 and counts[751] == 0 and sum(counts.values()) == 2


def test_bad_input_exits_2_names_file_and_row_and_writes_nothing(tmp_path):
    bad = write_periods(tmp_path / "bad.csv", [(A, 751, KH_A, "2010-01-01", ""), (B, 751, "pension", "2010-01-01", "")])
    out = tmp_path / "ud.csv"
    out_before = set(tmp_path.iterdir())
    code, stdout, err = run("targetgroup", "--periods", str(bad), "--as-of", "2017-04-09",
                            "--rule", "flere-skal-med-2017", "--out", str(out))
    assert code == 2
    assert f"{bad}, række 2: ydelsen 'pension' kendes ikke" in err
    assert not out.exists() and set(tmp_path.iterdir()) == out_before  # no temp file left either
    assert A not in err + stdout and B not in err + stdout


def test_an_existing_output_is_left_alone_on_error(tmp_path, periods):
    out = tmp_path / "ud.csv"
    out.write_text("old")
    missing = tmp_path / "missing.csv"
    assert run("targetgroup", "--periods", str(missing), "--as-of", "2017-04-09", "--rule",
               "flere-skal-med-2017", "--out", str(out))[0] == 2
    assert out.read_text() == "old"


def test_rules_are_listed_with_parameters_and_sources():
    code, out, _ = run("rules")
    assert "flere-skal-med-2017 (version 1)" in out and "max_gap_days = 90" in out
    assert "afklaringspulje-2019 (version 1)" in out and "min_share = 0.8" in out


def test_the_helhed_console_script_runs_it(periods, tmp_path, monkeypatch):
    from helhed.cli import main

    out = tmp_path / "m.csv"
    with pytest.raises(SystemExit) as exit:
        main(["helhed", "register", "targetgroup", "--periods", str(tmp_path / "nope.csv"), "--as-of",
              "2017-04-09", "--rule", "flere-skal-med-2017", "--out", str(out)])
    assert exit.value.code == 2 and not out.exists()
    main(["helhed", "register", "targetgroup", "--periods", str(periods), "--as-of", "2017-04-09",
          "--rule", "flere-skal-med-2017", "--out", str(out)])
    assert len(rows(out)) == 3
    assert sys.stderr is not None


def test_an_unknown_benefit_code_names_the_codes_to_use_instead_of_a_document(tmp_path):
    bad = write_periods(tmp_path / "bad.csv", [(A, 751, "kontanthjælp", "2010-01-01", "")])
    code, _, err = run("targetgroup", "--periods", str(bad), "--as-of", "2017-04-09", "--rule", "flere-skal-med-2017")
    assert code == 2 and err.startswith("Fejl: ")
    assert "docs/" not in err and "Brug en af koderne: kontanthjaelp_aktivitetsparat" in err and "folkepension" in err
