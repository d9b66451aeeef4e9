"""Benchmark: the register engine finds the "Flere skal med" target group in a national register.

1. National scale: a synthetic register of N persons (default 5,000,000) with 26 years of
   history (bench/register_synthetic.py; tens of millions of periods, Parquet), cached in
   var/bench/. The command a user runs,
   ``helhed register targetgroup --periods FILE --as-of 2017-04-09 --rule flere-skal-med-2017 --out FILE``,
   is timed as a subprocess (wall time and peak resident memory from wait4), after one
   warm-up run; median of --repeat runs. The engine's own time, split into checking the
   input and running the rule, is taken in this process too.
2. Baseline: a straightforward pandas implementation of the same work (read the file, check
   every row, apply the rule person by person with groupby-apply), in this script, on a
   smaller sample (default 200,000 persons, CSV), against the engine on the same file. Both
   must find the same members.

Figures go to bench/results/register_targetgroup.json; bench/RESULTS.md has the summary.
Run: make bench  (or: .venv/bin/python bench/register_targetgroup.py [--persons 5000000] [--sample 200000])
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import register_synthetic  # noqa: E402

AS_OF = datetime.date(2017, 4, 9)  # the day the pool was announced (seed 002)
RULE = "flere-skal-med-2017"


def ensure_register(persons: int, seed: int, fmt: str) -> Path:
    path = ROOT / "var" / "bench" / f"periods-{persons}-{seed}.{fmt}"
    if not path.exists():
        started = time.perf_counter()
        rows = register_synthetic.write(register_synthetic.generate(persons, seed=seed), path)
        print(f"generated {persons:,} persons, {rows:,} periods in {time.perf_counter() - started:.0f} s → {path}",
              file=sys.stderr)
    return path


def run_command(periods: Path, out: Path) -> dict:
    """One run of the real command as a child process: wall time, peak RSS, engine seconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: compiled
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603  (our own console script)
        [str(ROOT / ".venv" / "bin" / "helhed"), "register", "targetgroup", "--periods", str(periods),
         "--as-of", AS_OF.isoformat(), "--rule", RULE, "--out", str(out), "--no-progress"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    stderr = child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {stderr}")
    engine = re.search(r"på ([\d.]+) s", stderr)
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024), "engine_s": float(engine[1])}


# -- the baseline: straightforward pandas -------------------------------------------------

def pandas_flere_skal_med(path: Path, as_of: datetime.date, *, years: int = 5, max_gap_days: int = 90):
    """What an analyst would write: read the CSV, check every row, then walk each person's
    periods of the kontanthjælp system in a Python function per person (groupby-apply)."""
    import pandas as pd
    from django.core.exceptions import ValidationError

    from helhed.core.cpr import parse_cpr
    from helhed.register.kommuner import kommunekoder
    from helhed.register.targetgroups import years_before
    from helhed.register.vocabulary import AKTIVITETSPARAT, SYSTEM, YDELSER

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    # Check the input as the engine does (each distinct CPR number once, through parse_cpr).
    valid = {}
    for cpr in df["cpr"].unique():
        try:
            parse_cpr(cpr)
            valid[cpr] = True
        except ValidationError:
            valid[cpr] = False
    df["kommunekode"] = pd.to_numeric(df["kommunekode"], errors="coerce")
    df["start"] = pd.to_datetime(df["start"], format="%Y-%m-%d", errors="coerce")
    df["slut"] = pd.to_datetime(df["slut"].replace("", None), format="%Y-%m-%d", errors="coerce")
    bad = (~df["cpr"].map(valid) | ~df["kommunekode"].isin(kommunekoder()) | ~df["ydelse"].isin(list(YDELSER))
           | df["start"].isna() | (df["slut"] < df["start"]))
    if bad.any():
        raise ValueError(f"bad row {int(bad.idxmax()) + 1}")

    day = pd.Timestamp(as_of)
    cutoff = pd.Timestamp(years_before(as_of, years))

    def stay_start(periods):
        periods = periods.sort_values(["start", "slut"])
        begin = end = None
        for start, slut in zip(periods["start"], periods["slut"], strict=True):
            slut = day if pd.isna(slut) or slut > day else slut
            if end is None or (start - end).days - 1 > max_gap_days:
                begin = start
            end = slut if end is None else max(end, slut)
        return begin

    system = df[df["ydelse"].isin(SYSTEM) & (df["start"] <= day)]
    starts = system.groupby("cpr")[["start", "slut"]].apply(stay_start)
    aktiv = df[df["ydelse"].isin(AKTIVITETSPARAT) & (df["start"] <= day) & (df["slut"].isna() | (df["slut"] >= day))]
    home = (aktiv.sort_values(["cpr", "start", "kommunekode"], ascending=[True, False, True])
            .groupby("cpr")["kommunekode"].first())
    out = []
    for cpr, kommunekode in home.items():
        begin = starts.get(cpr)
        if begin is not None and begin <= cutoff:
            out.append((cpr, int(kommunekode), begin.date(), (day - begin).days + 1))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=5_000_000)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    import duckdb

    from helhed.register.engine import run_target_group
    from helhed.register.targetgroups import get_rule

    rule = get_rule(RULE)
    figures: dict = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
                    "load_average_at_start": os.getloadavg()},
        "as_of": AS_OF.isoformat(), "rule": RULE,
    }

    # 1. National scale, the command a user runs.
    national = ensure_register(args.persons, args.seed, "parquet")
    out = ROOT / "var" / "bench" / "members.csv"
    run_command(national, out)  # warm-up: OS file cache and compiled bytecode
    runs = [run_command(national, out) for _ in range(args.repeat)]
    engine_runs = []
    for _ in range(args.repeat):
        run = run_target_group(national, rule=rule, as_of=AS_OF)
        engine_runs.append({"total_s": round(run.seconds, 2), **{k: round(v, 2) for k, v in run.timings.items()}})
    figures["national"] = {
        "persons": args.persons, "periods": run.periods.rows, "file_mb": round(national.stat().st_size / 2**20),
        "members": run.total, "command_runs": runs,
        "command_wall_s_median": statistics.median(r["wall_s"] for r in runs),
        "command_peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
        "engine_runs_in_process": engine_runs,
        "engine_s_median": statistics.median(r["total_s"] for r in engine_runs),
    }
    print(json.dumps(figures["national"], indent=1), file=sys.stderr)

    # 2. The pandas baseline on a sample, against the engine on the same file.
    sample = ensure_register(args.sample, args.seed, "csv")
    started = time.perf_counter()
    expected = pandas_flere_skal_med(sample, AS_OF)
    pandas_s = time.perf_counter() - started
    engine_s = []
    for _ in range(args.repeat):
        run = run_target_group(sample, rule=rule, as_of=AS_OF)
        engine_s.append(run.seconds)
    if run.members != expected:
        raise SystemExit("pandas and the engine disagree")
    figures["baseline"] = {
        "persons": args.sample, "periods": run.periods.rows, "members": run.total,
        "pandas_s": round(pandas_s, 2), "engine_s_median": round(statistics.median(engine_s), 3),
        "speed-up": round(pandas_s / statistics.median(engine_s), 1),
    }
    print(json.dumps(figures["baseline"], indent=1), file=sys.stderr)
    results = HERE / "results" / "register_targetgroup.json"
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(figures, indent=2) + "\n")
    wall, peak = figures["national"]["command_wall_s_median"], figures["national"]["command_peak_rss_mb_max"]
    verdict = "within" if wall < 10 and peak < 4096 else "OVER"
    print(f"national: {wall} s, {peak} MB peak ({verdict} 10 s / 4 GB); "
          f"pandas baseline {figures['baseline']['speed-up']}× slower. Written to {results}")


if __name__ == "__main__":
    main()
