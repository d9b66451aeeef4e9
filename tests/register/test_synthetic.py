"""A smoke test of the synthetic register generator (bench/register_synthetic.py): its files
pass the engine's checks, its CPR numbers are fictional by construction, and the rule finds
people in it."""

import datetime
import sys
from pathlib import Path

from helhed.core.cpr import passes_modulus_11
from helhed.register.engine import run_target_group
from helhed.register.targetgroups import FLERE_SKAL_MED_2017

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import register_synthetic  # noqa: E402


def test_generator_writes_a_register_the_engine_accepts(tmp_path):
    arrays = register_synthetic.generate(20_000, seed=1)
    path = tmp_path / "p.parquet"
    rows = register_synthetic.write(arrays, path)
    assert rows > 20_000 * 3
    run = run_target_group(path, rule=FLERE_SKAL_MED_2017, as_of=datetime.date(2017, 4, 9))
    assert run.periods.rows == rows
    assert 20 < run.total < 400  # about 0.5-0.7 % of the population, as in 2017
    csv_path = tmp_path / "p.csv"
    register_synthetic.write(arrays, csv_path)
    again = run_target_group(csv_path, rule=FLERE_SKAL_MED_2017, as_of=datetime.date(2017, 4, 9))
    assert again.members == run.members
    for cpr, *_ in run.members:
        assert not passes_modulus_11(cpr) and cpr[:4] != "0101"
