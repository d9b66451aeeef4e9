"""Benefit periods: reading and checking a register extract in DuckDB.

The format is the municipal reporting format (DOMAIN.md: "Municipal benefit periods are
reported per citizen as (CPR, start date, end date, benefit code, municipality code)"),
one row per period, as CSV (comma-separated, UTF-8, header row) or Parquet, with the
columns ``cpr,kommunekode,ydelse,start,slut``. Dates are ISO dates (YYYY-MM-DD), both ends
inclusive; an empty ``slut`` is an ongoing period. Further columns are ignored.

``open_periods`` checks the whole file in one vectorised pass and stops at the first bad
row with a ``RegisterInputError`` that names the file, the row and the problem (never the
CPR number). Only then does it define the view ``periods`` the rules read:
``periods(cpr VARCHAR, kommunekode SMALLINT, ydelse VARCHAR, start DATE, slut DATE)``.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from helhed.core.commands import InputError
from helhed.core.logging import redact_cpr
from helhed.register import cprsql
from helhed.register.kommuner import kommunekoder
from helhed.register.vocabulary import YDELSER, YDELSER_ALLOWED

COLUMNS = ("cpr", "kommunekode", "ydelse", "start", "slut")
PARQUET_MAGIC = b"PAR1"


class RegisterInputError(InputError):
    """Bad input. The message names the file, the row (when there is one) and the problem;
    it never repeats a CPR number. Commands exit with status 2 on it."""

    def __init__(self, path: Path | str, problem: str, *, row: int | None = None, where: str = "række"):
        self.path, self.problem, self.row, self.where = str(path), problem, row, where
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f", {self.where} {self.row}" if self.row is not None else ""
        return f"{self.path}{place}: {self.problem}"


@dataclass(frozen=True)
class Source:
    """A file the engine reads: its path, format and columns (with their DuckDB types)."""

    path: Path
    format: str  # "csv" or "parquet"
    columns: dict[str, str]

    def relation_sql(self, *, ordinality: bool = False) -> str:
        """A FROM-clause item reading the file; with ``ordinality`` the column ``ordinality``
        is the 1-based data row (the row after the header is row 1)."""
        literal = "'" + str(self.path).replace("'", "''") + "'"
        if self.format == "parquet":
            reader = f"read_parquet({literal})"
        else:
            columns = ", ".join(f"'{_q(name)}': 'VARCHAR'" for name in self.columns)
            reader = (
                f"read_csv({literal}, header=true, auto_detect=false, delim=',', quote='\"', "
                f"escape='\"', columns={{{columns}}}, strict_mode=true, null_padding=false)"
            )
        return f"{reader} WITH ORDINALITY" if ordinality else reader


def _q(name: str) -> str:
    return name.replace("'", "''")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def inspect_source(path: Path | str) -> Source:
    """Recognise the file's format and read its column names, or raise ``RegisterInputError``."""
    path = Path(path)
    if not path.is_file():
        raise RegisterInputError(path, "filen findes ikke eller kan ikke læses.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise RegisterInputError(path, f"filen kan ikke læses ({error.strerror}).") from None
    if magic == PARQUET_MAGIC:
        try:
            con = duckdb.connect()
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{_q(str(path))}')").fetchall()
            con.close()
        except duckdb.Error:
            raise RegisterInputError(path, "filen kan ikke læses som Parquet.") from None
        types = {row[0]: str(row[1]) for row in described}
        return Source(path=path, format="parquet", columns=types)
    opener = gzip.open if magic[:2] == b"\x1f\x8b" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        raise RegisterInputError(path, "filen kan ikke læses som CSV (UTF-8, kommasepareret).",
                                 row=1, where="linje") from None
    if not header:
        raise RegisterInputError(path, "filen er tom: første linje skal være kolonnenavnene.", row=1, where="linje")
    names = [name.strip() for name in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RegisterInputError(path, f"kolonnen {duplicates[0]!r} står flere gange i overskriften.",
                                 row=1, where="linje")
    return Source(path=path, format="csv", columns={name: "VARCHAR" for name in names})


def require_columns(source: Source, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in source.columns]
    if missing:
        where = {"row": 1, "where": "linje"} if source.format == "csv" else {}
        raise RegisterInputError(
            source.path,
            f"mangler kolonnen {missing[0]!r} (filen skal have kolonnerne {', '.join(required)}).",
            **where,
        )


def source_error(source: Source, error: duckdb.Error) -> RegisterInputError:
    """A DuckDB read error as a message without the file's content (it may hold CPR numbers)."""
    text = str(error)
    line = re.search(r"line[: ]+(\d+)", text, re.IGNORECASE)
    if source.format == "csv":
        problem = "rækken kan ikke læses som CSV (forkert antal felter, citationstegn eller tegnsæt)."
        return RegisterInputError(source.path, problem, row=int(line[1]) if line else None, where="linje")
    return RegisterInputError(source.path, "filen kan ikke læses som Parquet.")


def _date_expr(source: Source, column: str) -> str:
    kind = source.columns[column].upper()
    if kind == "DATE":
        return _ident(column)
    return f"try_cast({_ident(column)} AS DATE)"


def _kommune_expr(source: Source) -> str:
    kind = source.columns["kommunekode"].upper()
    if kind in ("SMALLINT", "INTEGER", "BIGINT", "USMALLINT", "UINTEGER", "UBIGINT", "TINYINT", "UTINYINT"):
        return "try_cast(kommunekode AS SMALLINT)"
    return "try_cast(trim(kommunekode::VARCHAR) AS SMALLINT)"


def _ok_expr(source: Source) -> str:
    """True for a good row: the fast form of ``_problem_expr(...) IS NULL``, for the pass over
    every row (a conjunction is cheaper than finding which problem a row has)."""
    start, slut = _date_expr(source, "start"), _date_expr(source, "slut")
    return f"""coalesce(
        cpr_valid_today(cpr)
        AND {_kommune_expr(source)} IN (SELECT kommunekode FROM register_kommuner)
        AND ydelse IN (SELECT ydelse FROM register_ydelser)
        AND {start} IS NOT NULL
        AND (slut IS NULL OR {slut} >= {start}), false)"""


def _problem_expr(source: Source) -> str:
    """The first problem of a row (a short code), or NULL for a good row. Order matters: it
    is the order in which problems are reported."""
    start, slut = _date_expr(source, "start"), _date_expr(source, "slut")
    return f"""CASE
        WHEN cpr IS NULL OR trim(cpr) = '' THEN 'cpr_missing'
        WHEN NOT cpr_valid_today(cpr) THEN 'cpr_invalid'
        WHEN kommunekode IS NULL THEN 'kommune_missing'
        WHEN {_kommune_expr(source)} IS NULL THEN 'kommune_format'
        WHEN {_kommune_expr(source)} NOT IN (SELECT kommunekode FROM register_kommuner) THEN 'kommune_unknown'
        WHEN ydelse IS NULL THEN 'ydelse_missing'
        WHEN ydelse NOT IN (SELECT ydelse FROM register_ydelser) THEN 'ydelse_unknown'
        WHEN start IS NULL THEN 'start_missing'
        WHEN {start} IS NULL THEN 'start_format'
        WHEN slut IS NOT NULL AND {slut} IS NULL THEN 'slut_format'
        WHEN {slut} < {start} THEN 'slut_before_start'
    END"""


PROBLEMS = {
    "cpr_missing": "CPR-nummeret mangler.",
    "cpr_invalid": "CPR-nummeret er ikke gyldigt (10 cifre DDMMÅÅXXXX med en rigtig fødselsdato, "
    "der ikke ligger i fremtiden).",
    "kommune_missing": "kommunekoden mangler.",
    "kommune_format": "kommunekoden {kommunekode!r} er ikke et tal.",
    "kommune_unknown": "kommunekoden {kommunekode} er ikke en af de 98 kommuner.",
    "ydelse_missing": "ydelsen mangler.",
    "ydelse_unknown": "ydelsen {ydelse!r} kendes ikke. " + YDELSER_ALLOWED,
    "start_missing": "startdatoen mangler.",
    "start_format": "startdatoen {start!r} er ikke en dato (ÅÅÅÅ-MM-DD).",
    "slut_format": "slutdatoen {slut!r} er ikke en dato (ÅÅÅÅ-MM-DD).",
    "slut_before_start": "slutdatoen {slut} ligger før startdatoen {start}.",
}


def _shown(value) -> str:
    """A value from the file as it may appear in a message: short, and never a CPR number."""
    text = "" if value is None else str(value)
    return redact_cpr(text[:60])


@dataclass(frozen=True)
class Periods:
    source: Source
    rows: int
    checked: bool = False  # read from the checked copy (``helhed.register.checked``)


def open_periods(con: duckdb.DuckDBPyConnection, path: Path | str, *, today: datetime.date,
                 execute=None) -> Periods:
    """Check the benefit periods in ``path`` and define the view ``periods`` on ``con``.

    ``execute(con, sql, params, label)`` runs a long query (the command line passes one that
    shows progress); by default the query simply runs."""
    execute = execute or _execute
    source = inspect_source(path)
    require_columns(source, COLUMNS)
    if source.format == "parquet" and source.columns["cpr"].upper() != "VARCHAR":
        raise RegisterInputError(source.path, "kolonnen cpr skal være tekst (10 cifre med foranstillede nuller), "
                                 f"ikke {source.columns['cpr']}.")
    install(con, today=today)
    problem = _problem_expr(source)
    try:
        rows, bad, not_compact = execute(
            con,
            f"SELECT count(*), count(*) FILTER (WHERE NOT {_ok_expr(source)}), "
            f"count(*) FILTER (WHERE strlen(cpr) <> 10) "
            f"FROM {source.relation_sql()}",
            {},
            "Kontrollerer perioderne",
        ).fetchone()
        if bad:
            first = con.execute(
                f"SELECT ordinality, {problem} AS problem, kommunekode::VARCHAR, ydelse::VARCHAR, "
                f"start::VARCHAR, slut::VARCHAR FROM {source.relation_sql(ordinality=True)} "
                f"WHERE problem IS NOT NULL ORDER BY ordinality LIMIT 1",
                {},
            ).fetchone()
    except duckdb.Error as error:
        raise source_error(source, error) from None
    if bad:
        row, code, kommunekode, ydelse, start, slut = first
        values = {"kommunekode": _shown(kommunekode), "ydelse": _shown(ydelse), "start": _shown(start),
                  "slut": _shown(slut)}
        more = f" ({bad - 1} andre rækker har også fejl.)" if bad > 1 else ""
        raise RegisterInputError(source.path, PROBLEMS[code].format(**values) + more, row=row)
    cpr = "cpr" if not not_compact else "cpr_compact(cpr)"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW periods AS
        SELECT {cpr} AS cpr, {_kommune_expr(source)} AS kommunekode, ydelse::VARCHAR AS ydelse,
               {_date_expr(source, 'start')} AS start, {_date_expr(source, 'slut')} AS slut
        FROM {source.relation_sql()}"""
    )
    return Periods(source=source, rows=rows)


def install(con: duckdb.DuckDBPyConnection, *, today: datetime.date) -> None:
    """The CPR macros and the small tables the checks look values up in."""
    cprsql.install(con, today=today)
    con.execute("CREATE OR REPLACE TEMP TABLE register_kommuner AS SELECT unnest(?::SMALLINT[]) AS kommunekode",
                [list(kommunekoder())])
    con.execute("CREATE OR REPLACE TEMP TABLE register_ydelser AS SELECT unnest(?::VARCHAR[]) AS ydelse",
                [list(YDELSER)])


def _execute(con, sql, params, label):
    return con.execute(sql, params)
