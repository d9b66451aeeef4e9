"""The checked copy of a register extract (``helhed.register.checked``): a run on the copy
gives exactly the result of a run that checks the file, and a copy that is changed, cut,
made from another file or by older checks is never used as it is."""

import datetime
import logging
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helhed.core.storage import SEALED_MAGIC
from helhed.register import services
from helhed.register.checked import CHECK_VERSION, CheckedInput, StaleCopy, write_checked_copy
from helhed.register.engine import connect, file_sha256, run_target_group
from helhed.register.periods import open_periods
from helhed.register.targetgroups import RULES
from tests.register.helpers import TODAY
from tests.register.test_cli import run
from tests.register.test_web import CSV, pool_officer  # noqa: F401  (a fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import register_synthetic  # noqa: E402

DATES = (datetime.date(2017, 4, 9), datetime.date(2019, 6, 1), datetime.date(2012, 2, 29))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("register") / "perioder.csv"
    register_synthetic.write(register_synthetic.generate(20_000, seed=3), path)
    return path


def make_copy(source: Path, target: Path):
    con = connect()
    try:
        periods = open_periods(con, source, today=TODAY)
        return write_checked_copy(con, periods, target, source_sha256=file_sha256(source), today=TODAY)
    finally:
        con.close()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_gives_the_same_result_on_the_copy_as_on_the_checked_file(synthetic, tmp_path, rule):
    copy = make_copy(synthetic, tmp_path / "kopi")
    checked = CheckedInput(path=tmp_path / "kopi", copy=copy, source_sha256=file_sha256(synthetic))
    assert copy.rows > 60_000 and 0 < copy.persons <= 20_000 and copy.check_version == CHECK_VERSION
    for as_of in DATES:
        raw = run_target_group(synthetic, rule=RULES[rule], as_of=as_of, today=TODAY)
        fast = run_target_group(None, rule=RULES[rule], as_of=as_of, today=TODAY, checked=checked)
        assert not raw.periods.checked and fast.periods.checked
        assert fast.members == raw.members and fast.counts == raw.counts and fast.columns == raw.columns
        assert fast.periods.rows == raw.periods.rows
    assert raw.total > 0


def test_the_copy_is_sealed_not_clear(synthetic, tmp_path):
    make_copy(synthetic, tmp_path / "kopi")
    sealed = (tmp_path / "kopi").read_bytes()
    some_cpr = synthetic.read_text().splitlines()[1].split(",")[0]
    assert sealed.startswith(SEALED_MAGIC) and some_cpr.encode() not in sealed and b"PAR1" not in sealed


@pytest.mark.parametrize("damage", ["flip", "cut", "extend"])
def test_a_changed_copy_is_refused(synthetic, tmp_path, damage):
    copy = make_copy(synthetic, tmp_path / "kopi")
    data = bytearray((tmp_path / "kopi").read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 1
    elif damage == "cut":
        del data[-100:]
    else:
        data += data[-200:]
    (tmp_path / "kopi").write_bytes(bytes(data))
    checked = CheckedInput(path=tmp_path / "kopi", copy=copy, source_sha256=copy.source_sha256)
    with pytest.raises(StaleCopy, match="kan ikke bruges"):
        run_target_group(None, rule=RULES["flere-skal-med-2017"], as_of=DATES[0], today=TODAY, checked=checked)


def test_a_copy_with_a_matching_hash_but_another_key_is_refused(synthetic, tmp_path, settings):
    copy = make_copy(synthetic, tmp_path / "kopi")
    from cryptography.fernet import Fernet

    settings.HELHED_CPR_KEYS = [Fernet.generate_key().decode()]
    checked = CheckedInput(path=tmp_path / "kopi", copy=copy, source_sha256=copy.source_sha256)
    with pytest.raises(StaleCopy, match="nøgler"):
        run_target_group(None, rule=RULES["flere-skal-med-2017"], as_of=DATES[0], today=TODAY, checked=checked)


def test_a_copy_of_another_file_or_older_checks_is_refused(synthetic, tmp_path):
    from dataclasses import replace

    copy = make_copy(synthetic, tmp_path / "kopi")
    rule = RULES["flere-skal-med-2017"]
    other = CheckedInput(path=tmp_path / "kopi", copy=copy, source_sha256="0" * 64)
    with pytest.raises(StaleCopy, match="anden fil"):
        run_target_group(None, rule=rule, as_of=DATES[0], today=TODAY, checked=other)
    older = CheckedInput(path=tmp_path / "kopi", copy=replace(copy, check_version="0"),
                         source_sha256=copy.source_sha256)
    with pytest.raises(StaleCopy, match="version 0"):
        run_target_group(None, rule=rule, as_of=DATES[0], today=TODAY, checked=older)


# -- the command line ------------------------------------------------------------------------

def targetgroup(path, out):
    return run("targetgroup", "--periods", str(path), "--as-of", "2017-04-09", "--rule", "flere-skal-med-2017",
               "--out", str(out))


def test_cli_check_then_targetgroup_reads_the_copy_with_the_same_result(synthetic, tmp_path):
    source = tmp_path / "p.csv"
    source.write_bytes(synthetic.read_bytes())
    code, _, before = targetgroup(source, tmp_path / "raw.csv")
    assert code == 0 and "kontrolleret kopi" not in before
    code, _, err = run("check", "--periods", str(source))
    assert code == 0 and "perioder for" in err
    assert (tmp_path / "p.csv.checked").exists() and (tmp_path / "p.csv.checked.json").exists()
    code, _, err = targetgroup(source, tmp_path / "fast.csv")
    assert code == 0 and "(kontrolleret kopi)" in err
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "raw.csv").read_bytes()


@pytest.mark.parametrize("change", ["copy", "source", "manifest"])
def test_cli_never_uses_a_copy_that_does_not_fit(synthetic, tmp_path, change):
    source = tmp_path / "p.csv"
    source.write_bytes(synthetic.read_bytes())
    targetgroup(source, tmp_path / "raw.csv")
    assert run("check", "--periods", str(source))[0] == 0
    if change == "copy":
        data = bytearray((tmp_path / "p.csv.checked").read_bytes())
        data[-5] ^= 1
        (tmp_path / "p.csv.checked").write_bytes(bytes(data))
        message = "kan ikke bruges"
    elif change == "source":
        source.write_bytes(source.read_bytes() + b"\n")  # an empty last line: same periods, another file
        message = "anden fil"
    else:
        (tmp_path / "p.csv.checked.json").write_text("{")
        message = "kan ikke læses"
    code, _, err = targetgroup(source, tmp_path / "again.csv")
    assert code == 0 and message in err and "Filen kontrolleres i stedet." in err and "(kontrolleret kopi)" not in err
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "raw.csv").read_bytes()


def test_cli_check_of_a_bad_file_writes_no_copy(tmp_path):
    bad = tmp_path / "p.csv"
    bad.write_bytes(CSV + b"1,751,kontanthjaelp_aktivitetsparat,2012-01-01,\n")
    code, _, err = run("check", "--periods", str(bad))
    assert code == 2 and "række 4: CPR-nummeret er ikke gyldigt" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]


# -- uploaded extracts -----------------------------------------------------------------------

@pytest.fixture
def extract(pool_officer):  # noqa: F811
    return services.upload_extract(user=pool_officer, upload=SimpleUploadedFile("u.csv", CSV),
                                   today=TODAY)


def run_rule(user, extract):
    return services.run_target_group(user=user, extract=extract, rule_name="flere-skal-med-2017",
                                     as_of=DATES[0], today=TODAY)


def test_the_upload_records_its_checked_copy_and_runs_read_only_the_copy(pool_officer, extract):  # noqa: F811
    extract.refresh_from_db()
    assert extract.checked_name == extract.file.name + ".checked" and extract.check_version == CHECK_VERSION
    assert extract.checked_source_sha256 == extract.sha256 and extract.checked_rows == 3
    assert extract.checked_persons == 3 and extract.checked_on == TODAY
    copy = Path(extract.file.storage.path(extract.checked_name))
    assert copy.read_bytes().startswith(SEALED_MAGIC) and file_sha256(copy) == extract.checked_sha256
    first = run_rule(pool_officer, extract)
    Path(extract.file.path).unlink()  # the stored file is not read while the copy is current
    second = run_rule(pool_officer, extract)
    assert (first.total, first.counts) == (second.total, second.counts) == (3, first.counts)


def test_a_changed_copy_is_written_anew_from_the_stored_file(pool_officer, extract, caplog):  # noqa: F811
    copy = Path(extract.file.storage.path(extract.checked_name))
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 1
    copy.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="helhed.register.services"):
        result = run_rule(pool_officer, extract)
    assert "The file is checked again" in caplog.text and result.total == 3
    extract.refresh_from_db()
    assert file_sha256(copy) == extract.checked_sha256 and copy.read_bytes() != bytes(data)
    Path(extract.file.path).unlink()
    assert run_rule(pool_officer, extract).total == 3  # the new copy is whole


def test_an_extract_without_a_copy_gets_one_on_its_first_run(pool_officer, extract):  # noqa: F811
    Path(extract.file.storage.path(extract.checked_name)).unlink()
    type(extract).objects.filter(pk=extract.pk).update(checked_name="", check_version="", checked_sha256="")
    extract.refresh_from_db()
    assert run_rule(pool_officer, extract).total == 3
    extract.refresh_from_db()
    assert extract.check_version == CHECK_VERSION and Path(extract.file.storage.path(extract.checked_name)).exists()


def test_a_changed_stored_file_is_refused_when_it_must_be_checked_again(pool_officer, extract):  # noqa: F811
    Path(extract.file.storage.path(extract.checked_name)).unlink()
    with open(extract.file.path, "ab") as handle:
        handle.write(b"\n")
    with pytest.raises(ValidationError, match="SHA-256"):
        run_rule(pool_officer, extract)
