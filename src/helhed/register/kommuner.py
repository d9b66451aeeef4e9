"""The 98 municipality codes, read from the project's own list (``core/data/kommuner.csv``),
so that the register engine needs no database."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

KOMMUNER_CSV = Path(__file__).resolve().parent.parent / "core" / "data" / "kommuner.csv"


@cache
def kommuner() -> dict[int, str]:
    """Municipality code → name, in code order."""
    with KOMMUNER_CSV.open(encoding="utf-8") as handle:
        rows = sorted((int(row["kommunekode"]), row["navn"]) for row in csv.DictReader(handle))
    return dict(rows)


def kommunekoder() -> tuple[int, ...]:
    return tuple(kommuner())
