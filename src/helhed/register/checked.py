"""The checked copy of a register extract: checked once, read by every target-group run.

Checking a national extract (every CPR number, municipality, benefit and date of some 27
million rows) is most of a run's time, and the answer does not change: a row that passed
the checks on the day of the import passes them on every later day (a birth date that was
not in the future is still not). So an extract is checked once, when it is imported, and
the checked rows are written as a columnar copy: Parquet with the typed columns of the view
``periods`` (``cpr`` compact, ``kommunekode`` SMALLINT, ``start`` and ``slut`` DATE), sorted
by benefit, person and start so that a rule's filter on benefits skips whole row groups.
The copy holds CPR numbers, so it is sealed at rest (``helhed.core.storage.seal_file``).

A copy is used only while it is current: it was made from a source with the SHA-256 the
caller expects, by the checks of ``CHECK_VERSION``, and the sealed file still has the
SHA-256 recorded when it was written. Otherwise ``StaleCopy`` says why, and the caller
checks the raw file instead (and may write a new copy); a copy is never trusted silently.

Where the record lives: for an uploaded extract on ``RegisterExtract`` (the
``checked_*`` fields, ``helhed.register.services``); for a file on the command line in a
manifest beside it (``FILE.checked.json`` for the copy ``FILE.checked``).
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from helhed.core.storage import EncryptedFileError, opened_sealed, seal_file
from helhed.register.periods import Periods, Source

# Bumped whenever the checks in ``helhed.register.periods`` or the columns of the view
# ``periods`` change, so that copies made by the earlier checks are no longer used.
CHECK_VERSION = "1"
ORDER = "ydelse, cpr, start, kommunekode, slut"


class StaleCopy(Exception):
    """The checked copy cannot be used; the message says why (in Danish, no CPR number)."""


@dataclass(frozen=True)
class CheckedCopy:
    """What is recorded about a checked copy when it is written."""

    source_sha256: str  # the file that was checked
    sha256: str  # the sealed copy as it lies on disk
    rows: int
    persons: int
    check_version: str
    checked_on: str  # ISO date of the check

    def require_current(self, source_sha256: str) -> None:
        if self.check_version != CHECK_VERSION:
            raise StaleCopy(f"den kontrollerede kopi er lavet af kontrol version {self.check_version}, "
                            f"ikke den nuværende {CHECK_VERSION}.")
        if self.source_sha256 != source_sha256:
            raise StaleCopy("den kontrollerede kopi er lavet af en anden fil (SHA-256 passer ikke).")


def write_checked_copy(con: duckdb.DuckDBPyConnection, periods: Periods, target: Path, *,
                       source_sha256: str, today: datetime.date) -> CheckedCopy:
    """Write the rows of the view ``periods`` on ``con`` (just checked by ``open_periods``)
    sealed to ``target``. The clear Parquet exists only in a private temporary directory."""
    with tempfile.TemporaryDirectory(prefix="helhed-checked-") as tmp:
        clear = Path(tmp) / "perioder.parquet"
        con.execute(f"COPY (SELECT cpr, kommunekode, ydelse, start, slut FROM periods ORDER BY {ORDER}) "
                    f"TO '{clear}' (FORMAT parquet, COMPRESSION zstd)")
        persons = con.execute(f"SELECT count(DISTINCT cpr) FROM read_parquet('{clear}')").fetchone()[0]
        sha256 = seal_file(clear, target)
    return CheckedCopy(source_sha256=source_sha256, sha256=sha256, rows=periods.rows, persons=persons,
                       check_version=CHECK_VERSION, checked_on=today.isoformat())


@dataclass(frozen=True)
class CheckedInput:
    """A checked copy to run on: where it lies, its record, and the SHA-256 of the source
    the caller means (the copy must have been made from it)."""

    path: Path
    copy: CheckedCopy
    source_sha256: str


@contextmanager
def open_checked(con: duckdb.DuckDBPyConnection, checked: CheckedInput) -> Iterator[Periods]:
    """Define the view ``periods`` on ``con`` over the checked copy, for the length of the
    block. Raises ``StaleCopy`` when the copy is not current or not whole."""
    copy = checked.copy
    copy.require_current(checked.source_sha256)
    with ExitStack() as stack:
        try:
            clear = stack.enter_context(opened_sealed(checked.path, sha256=copy.sha256, suffix=".parquet"))
        except FileNotFoundError:
            raise StaleCopy("den kontrollerede kopi findes ikke.") from None
        except EncryptedFileError as error:
            raise StaleCopy(f"den kontrollerede kopi kan ikke bruges: {error}") from None
        literal = str(clear).replace("'", "''")
        con.execute("CREATE OR REPLACE TEMP VIEW periods AS "
                    f"SELECT cpr, kommunekode, ydelse, start, slut FROM read_parquet('{literal}')")
        source = Source(path=clear, format="parquet", columns={
            "cpr": "VARCHAR", "kommunekode": "SMALLINT", "ydelse": "VARCHAR", "start": "DATE", "slut": "DATE"})
        yield Periods(source=source, rows=copy.rows, checked=True)


# -- a file on the command line: the copy and its manifest beside it ------------------------

def copy_path(source: Path | str) -> Path:
    source = Path(source)
    return source.with_name(source.name + ".checked")


def manifest_path(source: Path | str) -> Path:
    source = Path(source)
    return source.with_name(source.name + ".checked.json")


def write_manifest(source: Path | str, copy: CheckedCopy) -> Path:
    path = manifest_path(source)
    partial = path.with_name("." + path.name + ".partial")
    partial.write_text(json.dumps(asdict(copy), indent=1) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def read_manifest(source: Path | str) -> CheckedCopy | None:
    """The manifest beside ``source``, or None when there is none. A manifest that cannot be
    read raises ``StaleCopy``."""
    path = manifest_path(source)
    if not path.exists():
        return None
    try:
        return CheckedCopy(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise StaleCopy(f"beskrivelsen af den kontrollerede kopi kan ikke læses ({type(error).__name__}).") from None
