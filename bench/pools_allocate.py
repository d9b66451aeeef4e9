"""Benchmark: the pool allocation rule (largest remainder over exact fractions).

Measures ``helhed.pools.allocation.allocate`` for the seed pool (262.5 million DKK over the
98 municipalities, about 27,000 members) and, as a stress case, 262.5 million over 100,000
keys. Figures are written to bench/results/pools_allocate.json.
Run: .venv/bin/python bench/pools_allocate.py
"""

import json
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from helhed.pools.allocation import allocate  # noqa: E402
from helhed.register.kommuner import kommunekoder  # noqa: E402


def timed(counts, repeat):
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        amounts = allocate(Decimal("262500000"), counts)
        runs.append(time.perf_counter() - started)
        assert sum(amounts.values()) == Decimal("262500000")
    return statistics.median(runs)


def main() -> None:
    rng = random.Random(2017)
    national = {code: rng.randrange(20, 600) for code in kommunekoder()}
    wide = {i: rng.randrange(0, 40_000) for i in range(100_000)}
    figures = {
        "machine": platform.platform(), "python": platform.python_version(),
        "seed_pool_98_municipalities_members": sum(national.values()),
        "seed_pool_98_median_ms": round(1000 * timed(national, 500), 3),
        "stress_100000_keys_median_s": round(timed(wide, 3), 3),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "pools_allocate.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
