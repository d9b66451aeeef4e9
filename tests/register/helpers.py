import csv
import datetime
import random
import tempfile
from pathlib import Path

from helhed.demo.cpr import demo_cpr
from helhed.register.engine import run_target_group

TODAY = datetime.date(2026, 11, 24)
_rng = random.Random(7)
_taken: set[str] = set()


def cprs(n: int) -> list[str]:
    """Fictional CPR numbers (never a real person's, see ``helhed.demo.cpr``)."""
    return [demo_cpr(datetime.date(1960 + i % 40, 1 + i % 12, 2 + i % 27), "KM"[i % 2], _rng, _taken)
            for i in range(n)]


A, B, C, D_, E = cprs(5)


def write_periods(path: Path, rows, header=("cpr", "kommunekode", "ydelse", "start", "slut")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, datetime.date) else v for v in row])
    return path


def run_rows(rows, rule, as_of):
    """Run ``rule`` through the engine on ``rows`` (cpr, kommunekode, ydelse, start, slut)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_periods(Path(tmp) / "periods.csv", rows)
        return run_target_group(path, rule=rule, as_of=as_of, today=TODAY)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
