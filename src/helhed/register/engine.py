"""The register engine: runs a target-group rule over a register extract, in process, on
DuckDB (ARCHITECTURE.md: "register analytics: DuckDB over Parquet/CSV, in process").

The engine knows nothing about any particular rule: it checks the input
(``helhed.register.periods``), runs the rule's query, counts the members per municipality
(all 98, zeros included) and hands back the result. Nothing here touches the Django database,
so the command line works without one.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from helhed.register.checked import CheckedInput, open_checked
from helhed.register.kommuner import kommunekoder
from helhed.register.periods import Periods, open_periods
from helhed.register.targetgroups import TargetGroupRule

# Progress callback: (label of the step, fraction done 0..1 or None when unknown).
Progress = Callable[[str, float | None], None]

MEMORY_LIMIT = os.environ.get("HELHED_DUCKDB_MEMORY_LIMIT", "3GB")


@dataclass
class TargetGroupRun:
    """The outcome of one run: the rule and its parameters, the reference date, the input,
    the members (sorted by CPR number) and the count per municipality."""

    rule: TargetGroupRule
    as_of: datetime.date
    periods: Periods
    columns: tuple[str, ...]
    members: list[tuple]
    counts: dict[int, int]
    seconds: float
    parameters: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.members)


def connect(*, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory ceiling, so a national extract stays inside the
    machine (spilling to a temporary directory if it must)."""
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def run_query(progress: Progress | None):
    """An ``execute`` that reports DuckDB's own progress of a long query to ``progress``."""

    def execute(con, sql, params, label):
        if progress is None:
            return con.execute(sql, params)
        progress(label, 0.0)
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        outcome: dict = {}

        def work():
            try:
                outcome["result"] = con.execute(sql, params)
            except BaseException as error:  # noqa: BLE001  (re-raised in the calling thread)
                outcome["error"] = error

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
            try:
                done = con.query_progress()
            except duckdb.Error:
                done = -1
            progress(label, done / 100 if done and done >= 0 else None)
        progress(label, 1.0)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return execute


def run_target_group(
    path: Path | str,
    *,
    rule: TargetGroupRule,
    as_of: datetime.date,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    checked: CheckedInput | None = None,
    after_check: Callable[[duckdb.DuckDBPyConnection, Periods], None] | None = None,
) -> TargetGroupRun:
    """Run ``rule`` on the benefit periods in ``path`` for the reference date ``as_of``.
    Raises ``RegisterInputError`` for bad input (before anything is computed).

    With ``checked`` the rule reads the checked copy instead, and ``path`` is not read
    (``helhed.register.checked``; ``StaleCopy`` when the copy cannot be used). Without it,
    ``after_check`` is called once the file has passed the checks (to write its copy)."""
    started = time.perf_counter()
    today = today or datetime.date.today()
    execute = run_query(progress)
    con = connect(threads=threads)
    timings: dict[str, float] = {}
    # The clear copy of a checked copy lives until the rule has run (the stack closes it).
    with ExitStack() as stack:
        stack.callback(con.close)
        if checked is not None:
            periods = stack.enter_context(open_checked(con, checked))
        else:
            periods = open_periods(con, path, today=today, execute=execute)
        timings["check"] = time.perf_counter() - started
        if checked is None and after_check is not None:
            after_check(con, periods)
            timings["copy"] = time.perf_counter() - started - timings["check"]
        ruled = time.perf_counter()
        sql, params = rule.query(as_of)
        execute(con, f"CREATE TEMP TABLE members AS {sql}", params, f"Finder målgruppen ({rule.name})")
        timings["rule"] = time.perf_counter() - ruled
        members = con.execute("SELECT * FROM members ORDER BY cpr").fetchall()
        counts = dict.fromkeys(kommunekoder(), 0)
        for code, n in con.execute("SELECT kommunekode, count(*) FROM members GROUP BY 1").fetchall():
            counts[code] = n
    return TargetGroupRun(
        rule=rule, as_of=as_of, periods=periods, columns=("cpr", "kommunekode", *rule.figures),
        members=members, counts=counts, seconds=time.perf_counter() - started, parameters=rule.parameters(),
        timings=timings,
    )


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@contextmanager
def atomic_output(path: Path | str, *, suffix: str = ""):
    """Yield a temporary path beside ``path``; rename it to ``path`` only when the block
    succeeds, so a failed run leaves no output (and no half-written file) behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_members(run: TargetGroupRun, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(run.columns)
    for row in run.members:
        writer.writerow([_csv_value(v) for v in row])


def write_counts(run: TargetGroupRun, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(("kommunekode", "count"))
    for code, count in sorted(run.counts.items()):
        writer.writerow((code, count))


def file_sha256(path: Path | str, *, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
