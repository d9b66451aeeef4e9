"""Every ``helhed`` command that reads a file answers a bad one with one Danish line,
``Fejl: …``, on standard error and exit status 2: never a traceback, never an output file.
Fed the files a user gets wrong: not UTF-8, empty, binary, huge, a folder, missing."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helhed.cli import main

# A few megabytes: large enough to pass any field, line or header limit, small enough for a unit test.
HUGE_BYTES = 6_000_000


def _bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "ikke-utf8": b"kommunekode,count\n101,5\n147,3\n\xe6\xf8\xe5,2\n",  # Latin-1 æøå
        "tom": b"",
        "binær": bytes(range(256)) * 40,
        "kæmpe": b"kommunekode,count\n" + b"1" * HUGE_BYTES + b",1\n",
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_bytes(content)
    paths["mappe"] = folder / "en-mappe"
    paths["mappe"].mkdir()
    paths["mangler"] = folder / "findes-ikke.csv"
    return paths


def _commands(file: Path, good: Path, out: Path) -> dict[str, list[str]]:
    """Each command and file argument, with the other arguments valid."""
    return {
        "pool allocate --counts": ["pool", "allocate", "--total", "1000", "--counts", str(file), "--out", str(out)],
        "register targetgroup --periods": ["register", "targetgroup", "--periods", str(file), "--as-of",
                                           "2017-04-09", "--rule", "flere-skal-med-2017", "--out", str(out)],
        "register import-dream FILE": ["register", "import-dream", str(file), "--codes", str(good),
                                       "--out", str(out)],
        "register import-dream --codes": ["register", "import-dream", str(good), "--codes", str(file),
                                          "--out", str(out)],
        "restore": ["restore", str(file), "--yes"],
    }


COMMANDS = list(_commands(Path("f"), Path("g"), Path("o")))
KINDS = ["ikke-utf8", "tom", "binær", "kæmpe", "mappe", "mangler"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_file_gets_one_danish_line_and_exit_2(command, kind, tmp_path, capsys):
    files = _bad_files(tmp_path)
    good = tmp_path / "god.csv"
    good.write_text("cpr,kommunekode,y_1701\n0101801234,751,1\n", encoding="utf-8")
    out = tmp_path / "resultat.csv"
    before = set(tmp_path.iterdir())
    with pytest.raises(SystemExit) as exit:
        main(["helhed", *_commands(files[kind], good, out)[command]])
    err = capsys.readouterr().err
    assert exit.value.code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fejl: "), err
    assert "Traceback" not in err and not re.search(r"\w+(Error|Exception):", err)
    assert set(tmp_path.iterdir()) == before  # no output, no temporary file


def test_the_message_says_what_is_wrong_with_the_counts_file(tmp_path, capsys):
    files = _bad_files(tmp_path)
    expected = {"ikke-utf8": "linje 4: antalsfilen er ikke UTF-8", "tom": "antalsfilen er tom",
                "binær": "binær fil", "kæmpe": "for stor", "mappe": "er en mappe", "mangler": "findes ikke"}
    for kind, message in expected.items():
        with pytest.raises(SystemExit):
            main(["helhed", "pool", "allocate", "--total", "1000", "--counts", str(files[kind])])
        assert message in capsys.readouterr().err, kind


def test_the_console_script_answers_a_latin1_counts_file_without_a_traceback(tmp_path):
    counts = tmp_path / "antal.csv"
    counts.write_bytes("kommunekode,count\n101,5\nKøbenhavn,1\n".encode("latin-1"))
    helhed = str(Path(sys.executable).with_name("helhed"))
    done = subprocess.run([helhed, "pool", "allocate", "--total", "100", "--counts", str(counts)],  # noqa: S603
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("Fejl: ") and "Traceback" not in done.stderr and done.stdout == ""


def test_a_command_error_from_the_command_line_is_a_fejl_line_too(tmp_path, capsys):
    """``restore`` without ``--yes`` on a file that is not a backup: the same form as every bad file."""
    not_a_backup = tmp_path / "kopi.tar.gz"
    not_a_backup.write_bytes(b"ikke et arkiv")
    with pytest.raises(SystemExit) as exit:
        main(["helhed", "restore", str(not_a_backup)])
    assert exit.value.code == 2
    assert capsys.readouterr().err.startswith("Fejl: ")
