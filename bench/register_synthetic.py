"""A generator of realistic synthetic benefit registers (one row per benefit period).

Every person follows a profile (self-supporting, young, pensioner, unemployed, vulnerable,
newcomer, reduced work capacity) that governs which benefits their spells are, how long
they last and how long the gaps between them are, from 1991 (when DREAM starts) to the end
of the history. People move between municipalities now and then, visitation categories
change within the kontanthjælp system, and some periods are still running at the end (empty
``slut``). Proportions are tuned so that, at 5 million persons and the reference date
2017-04-09, the counts are of the order DOMAIN.md gives for 2017: about 111,000 in the
kontanthjælp system, about 70,000 aktivitetsparate and about 27,000 of them five years or
more (the "Flere skal med" target group); see bench/RESULTS.md for what it actually gives.

CPR numbers are fictional by construction, as in ``helhed.demo.cpr``: never 1 January and
with a sequence that fails the modulus-11 check, so none can be a real person's.

Run: ``.venv/bin/python bench/register_synthetic.py --persons 100000 --out var/bench/periods.parquet``
(``.csv`` for CSV). With no arguments it writes 100,000 persons to var/bench/. Used by
bench/register_targetgroup.py and by the test suite (a small smoke test).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

YDELSER = (
    "kontanthjaelp_aktivitetsparat",       # 0
    "kontanthjaelp_jobparat",              # 1
    "uddannelseshjaelp_aktivitetsparat",   # 2
    "uddannelseshjaelp_uddannelsesparat",  # 3
    "integrationsydelse_aktivitetsparat",  # 4
    "integrationsydelse_jobparat",         # 5
    "ressourceforloeb",                    # 6
    "jobafklaringsforloeb",                # 7
    "fleksjob",                            # 8
    "ledighedsydelse",                     # 9
    "foertidspension",                     # 10
    "sygedagpenge",                        # 11
    "dagpenge",                            # 12
    "su",                                  # 13
    "folkepension",                        # 14
)
PERMANENT = {10, 14}  # a spell of these lasts until the end of the history

# Median spell length in days per benefit (log-normal, sigma below).
MEDIAN_DAYS = np.array([420, 180, 300, 200, 500, 250, 700, 300, 1500, 150, 99999, 60, 120, 900, 99999])

# Profiles: share of persons, mean spells, share of spells directly after the previous one
# (no gap), mean gap in days, and the weights of the benefits of their spells.
PROFILES = [
    # name,            share,  spells, nogap, gap,  weights over the 15 benefits
    ("selvforsørgende", 0.440, 5.0, 0.05, 1200, [0, 0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.40, 0.45, 0.14, 0]),
    ("ung", 0.170, 5.0, 0.20, 300, [0, 0.02, 0.005, 0.03, 0, 0, 0, 0, 0, 0, 0, 0.08, 0.10, 0.77, 0]),
    ("pensionist", 0.160, 5.0, 0.10, 900, [0, 0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0.02, 0.30, 0.45, 0, 0.22]),
    ("ledig", 0.150, 10.0, 0.25, 250, [0.01, 0.10, 0.005, 0.01, 0, 0, 0, 0, 0, 0.01, 0, 0.30, 0.52, 0.04, 0]),
    ("udsat", 0.045, 16.0, 0.75, 45, [0.46, 0.20, 0.08, 0.07, 0, 0, 0.04, 0.01, 0.01, 0, 0.005, 0.10, 0.01, 0.015, 0]),
    ("nytilkommen", 0.015, 10.0, 0.75, 60, [0.15, 0.08, 0.02, 0.02, 0.35, 0.25, 0.01, 0, 0, 0, 0, 0.06, 0.04, 0.02, 0]),
    ("nedsat arbejdsevne", 0.020, 8.0, 0.60, 120,
     [0.12, 0.03, 0.01, 0, 0, 0, 0.15, 0.15, 0.15, 0.08, 0.08, 0.22, 0.01, 0, 0]),
]

# A few large municipalities get more people; the rest share the remainder evenly.
BIG = {101: 0.11, 751: 0.06, 461: 0.035, 851: 0.037, 147: 0.018, 561: 0.021, 621: 0.019, 630: 0.019}

HISTORY_START = datetime.date(1991, 1, 1)
HISTORY_END = datetime.date(2017, 6, 30)
EPOCH = datetime.date(1970, 1, 1)


def _kommunekoder() -> np.ndarray:
    import csv

    with (ROOT / "src" / "helhed" / "core" / "data" / "kommuner.csv").open(encoding="utf-8") as handle:
        return np.array(sorted(int(r["kommunekode"]) for r in csv.DictReader(handle)))


def _days(day: datetime.date) -> int:
    return (day - EPOCH).days


def _fictional_cprs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Birth dates (days since 1970) and 4-digit sequences: unique numbers, never 1 January,
    failing the modulus-11 check, with the century digit that gives the birth year."""
    born = rng.integers(_days(datetime.date(1920, 1, 2)), _days(datetime.date(2001, 6, 30)), n)
    dates = born.astype("datetime64[D]")
    month_day = (dates - dates.astype("datetime64[Y]")).astype(int)
    born = np.where(month_day == 0, born + 1, born)  # not 1 January
    dates = born.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    order = np.argsort(born, kind="stable")
    sorted_born = born[order]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_born)) + 1]
    rank_sorted = np.arange(n) - np.repeat(first, np.diff(np.r_[first, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = rank_sorted
    if rank.max() >= 2000:
        raise ValueError("too many persons for one birth date")
    base = np.where(years >= 2000, 4000, 0)  # 7th digit 0-3 → 1900s; 4-7 (≤ 2036/2057) → 2000s
    sequence = base + 2 * rank
    day = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    yy = years % 100
    digits = np.stack([day // 10, day % 10, month // 10, month % 10, yy // 10, yy % 10,
                       sequence // 1000, sequence // 100 % 10, sequence // 10 % 10, sequence % 10])
    weights = np.array([4, 3, 2, 7, 6, 5, 4, 3, 2, 1])[:, None]
    passes = (digits * weights).sum(axis=0) % 11 == 0
    sequence = sequence + passes  # changing the last digit by one breaks the check
    return born, sequence


def generate(persons: int, *, seed: int = 2017) -> dict[str, np.ndarray]:
    """Benefit periods as arrays: person, kommunekode, ydelse (index into YDELSER), start and
    slut (days since 1970; slut -1 for ongoing), plus the persons' birth dates and sequences."""
    rng = np.random.default_rng(seed)
    codes = _kommunekoder()
    weights = np.array([BIG.get(int(c), 0.0) for c in codes])
    weights[weights == 0] = (1 - weights.sum()) / (weights == 0).sum()
    home = codes[rng.choice(len(codes), persons, p=weights)].astype(np.int16)
    born, sequence = _fictional_cprs(rng, persons)

    shares = np.array([p[1] for p in PROFILES])
    profile = rng.choice(len(PROFILES), persons, p=shares / shares.sum())
    mean_spells = np.array([p[2] for p in PROFILES])[profile]
    nogap = np.array([p[3] for p in PROFILES])[profile]
    mean_gap = np.array([p[4] for p in PROFILES])[profile]
    cumulative = np.cumsum(np.array([np.array(p[5]) / sum(p[5]) for p in PROFILES]), axis=1)
    spells = np.maximum(1, rng.poisson(mean_spells))

    start_day, end_day = _days(HISTORY_START), _days(HISTORY_END)
    adult = born + 16 * 365
    t = np.maximum(start_day, adult) + rng.exponential(mean_gap).astype(np.int64)
    pensioner = np.array([p[0] == "pensionist" for p in PROFILES])[profile]
    previous = np.full(persons, -1)
    alive = t <= end_day
    out = {k: [] for k in ("person", "kommunekode", "ydelse", "start", "slut")}
    step = 0
    while alive.any():
        idx = np.flatnonzero(alive)
        u = rng.random(len(idx))
        choice = (u[:, None] > cumulative[profile[idx]]).sum(axis=1)
        choice = np.minimum(choice, len(YDELSER) - 1)
        # Within the kontanthjælp system a person often keeps the same benefit and only the
        # visitation category changes; and folkepension comes at 65.
        keep = (previous[idx] >= 0) & (previous[idx] <= 5) & (rng.random(len(idx)) < 0.5)
        choice = np.where(keep, np.where(rng.random(len(idx)) < 0.6, previous[idx], previous[idx] ^ 1), choice)
        age_days = t[idx] - born[idx]
        choice = np.where(pensioner[idx] & (age_days >= 65 * 365), 14, np.where(choice == 14, 12, choice))
        choice = np.where((choice == 13) & (age_days > 35 * 365), 12, choice)
        duration = np.maximum(7, rng.lognormal(np.log(MEDIAN_DAYS[choice]), 0.8)).astype(np.int64)
        start = t[idx]
        slut = start + duration - 1
        ongoing = (slut >= end_day) | np.isin(choice, list(PERMANENT))
        moves = rng.random(len(idx)) < 0.03
        home[idx[moves]] = codes[rng.integers(0, len(codes), moves.sum())]
        out["person"].append(idx.astype(np.int32))
        out["kommunekode"].append(home[idx])
        out["ydelse"].append(choice.astype(np.int8))
        out["start"].append(start.astype(np.int32))
        out["slut"].append(np.where(ongoing, -1, slut).astype(np.int32))
        previous[idx] = choice
        gap = np.where(rng.random(len(idx)) < nogap[idx], 0, rng.exponential(mean_gap[idx]).astype(np.int64) + 1)
        t[idx] = slut + 1 + gap
        step += 1
        alive[idx] = ~ongoing & (t[idx] <= end_day) & (step < spells[idx])
    arrays = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((arrays["start"], arrays["person"]))
    arrays = {k: v[order] for k, v in arrays.items()}
    arrays["born"], arrays["sequence"] = born, sequence
    return arrays


def write(arrays: dict[str, np.ndarray], out: Path | str, *, fmt: str | None = None) -> int:
    """Write the periods as CSV or Parquet (by the file name unless ``fmt`` says), with
    columns cpr,kommunekode,ydelse,start,slut. Returns the number of rows."""
    import duckdb
    import pandas as pd

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = fmt or ("parquet" if out.suffix == ".parquet" else "csv")
    persons = pd.DataFrame({"born": arrays["born"].astype(np.int32), "sequence": arrays["sequence"].astype(np.int16)})
    periods = pd.DataFrame({k: arrays[k] for k in ("person", "kommunekode", "ydelse", "start", "slut")})
    names = "[" + ", ".join(f"'{y}'" for y in YDELSER) + "]"
    con = duckdb.connect()
    con.register("persons_df", persons)
    con.register("periods_df", periods)
    con.execute("""CREATE TEMP TABLE cprs AS
        SELECT row_number() OVER () - 1 AS person,
               strftime(DATE '1970-01-01' + born, '%d%m%y') || lpad(sequence::VARCHAR, 4, '0') AS cpr
        FROM persons_df""")
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    literal = str(out).replace("'", "''")
    con.execute(f"""COPY (
        SELECT c.cpr, p.kommunekode, {names}[p.ydelse + 1] AS ydelse,
               DATE '1970-01-01' + p.start AS start,
               CASE WHEN p.slut >= 0 THEN DATE '1970-01-01' + p.slut END AS slut
        FROM periods_df p JOIN cprs c USING (person)
        ORDER BY p.person, p.start
    ) TO '{literal}' ({options})""")
    con.close()
    return len(periods)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "periods-100k.parquet"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    arrays = generate(args.persons, seed=args.seed)
    generated = time.perf_counter()
    rows = write(arrays, args.out)
    print(f"{args.persons:,} persons, {rows:,} periods → {args.out} "
          f"(generated in {generated - started:.1f} s, written in {time.perf_counter() - generated:.1f} s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
