"""DREAM (the national benefit-history register) in wide format → benefit periods.

DREAM holds one benefit code per person per ISO week since 1991, delivered wide: one column
per week named ``y_YYWW`` (two-digit year, two-digit ISO week), plus ``cpr`` and
``kommunekode`` (DOMAIN.md, "Volumes for realistic data"). A blank cell is a week without a
public benefit. A two-digit year from 91 to 99 is 1991-1999 and from 00 to 90 is 2000-2090
(DREAM starts in 1991).

A mapping file ``code,ydelse`` translates DREAM codes into the vocabulary of
``helhed.register.vocabulary``. Every code that occurs in the file must be in the mapping, so
that no benefit is dropped by mistake; a code mapped to an empty ydelse is deliberately
ignored (a week with it counts as a week without benefit). Consecutive weeks with the same
mapped ydelse become one period from the Monday of the first week to the Sunday of the last
(the issue "Register engine"); the person's ``kommunekode`` is the one on their row.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from helhed.register.engine import atomic_output, connect
from helhed.register.periods import (
    RegisterInputError,
    _ident,
    _shown,
    inspect_source,
    install,
    require_columns,
    source_error,
)
from helhed.register.vocabulary import YDELSER, YDELSER_ALLOWED

WEEK_COLUMN = re.compile(r"^y_(\d{2})(\d{2})$")


@dataclass(frozen=True)
class DreamImport:
    persons: int
    weeks: int
    periods: int


def week_monday(column: str) -> datetime.date | None:
    """The Monday of the ISO week a ``y_YYWW`` column holds, or None if there is no such week."""
    match = WEEK_COLUMN.match(column)
    if not match:
        return None
    yy, week = int(match[1]), int(match[2])
    year = 1900 + yy if yy >= 91 else 2000 + yy
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def read_codes(path: Path | str) -> dict[str, str | None]:
    """The mapping ``code → ydelse`` (None: ignore the code), checked line by line."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        raise RegisterInputError(path, "kodeoversættelsen kan ikke læses som CSV (UTF-8).") from None
    if not rows or [c.strip() for c in rows[0][:2]] != ["code", "ydelse"]:
        raise RegisterInputError(path, "første linje skal være kolonnenavnene code,ydelse.", row=1, where="linje")
    mapping: dict[str, str | None] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise RegisterInputError(path, "linjen skal have to felter: code,ydelse.", row=line, where="linje")
        code, ydelse = row[0].strip(), row[1].strip()
        if not code:
            raise RegisterInputError(path, "koden mangler.", row=line, where="linje")
        if code in mapping:
            raise RegisterInputError(path, f"koden {_shown(code)!r} står flere gange.", row=line, where="linje")
        if ydelse and ydelse not in YDELSER:
            raise RegisterInputError(path, f"ydelsen {_shown(ydelse)!r} kendes ikke. {YDELSER_ALLOWED}",
                                     row=line, where="linje")
        mapping[code] = ydelse or None
    return mapping


def import_dream(path: Path | str, *, codes: Path | str, out: Path | str,
                 today: datetime.date | None = None) -> DreamImport:
    """Turn the DREAM file ``path`` into benefit periods written to ``out`` (.parquet or CSV).
    Raises ``RegisterInputError`` before anything is written."""
    today = today or datetime.date.today()
    mapping = read_codes(codes)
    source = inspect_source(path)
    require_columns(source, ("cpr", "kommunekode"))
    header = {"row": 1, "where": "linje"} if source.format == "csv" else {}
    weeks: dict[str, datetime.date] = {}
    for column in source.columns:
        if column.startswith("y_"):
            monday = week_monday(column)
            if monday is None:
                raise RegisterInputError(source.path, f"kolonnen {_shown(column)!r} er ikke en ISO-uge (y_ÅÅUU).",
                                         **header)
            weeks[column] = monday
    if not weeks:
        raise RegisterInputError(source.path, "filen har ingen ugekolonner (y_ÅÅUU).", **header)

    con = connect()
    try:
        install(con, today=today)
        con.execute("CREATE TEMP TABLE dream_codes(code VARCHAR PRIMARY KEY, ydelse VARCHAR)")
        if mapping:
            con.executemany("INSERT INTO dream_codes VALUES (?, ?)", list(mapping.items()))
        con.execute("CREATE TEMP TABLE dream_weeks(week VARCHAR PRIMARY KEY, monday DATE, position INTEGER)")
        con.executemany("INSERT INTO dream_weeks VALUES (?, ?, ?)",
                        [(w, m, i) for i, (w, m) in enumerate(weeks.items())])
        week_columns = ", ".join(f"trim({_ident(w)}::VARCHAR) AS {_ident(w)}" for w in weeks)
        kommune = "try_cast(trim(kommunekode::VARCHAR) AS SMALLINT)"
        try:
            con.execute(f"""CREATE TEMP TABLE dream_rows AS
                SELECT ordinality AS row, cpr, kommunekode::VARCHAR AS kommunekode_raw, {kommune} AS kommunekode,
                       {week_columns}
                FROM {source.relation_sql(ordinality=True)}""")
        except duckdb.Error as error:
            raise source_error(source, error) from None
        bad = con.execute("""SELECT row, CASE
                WHEN cpr IS NULL OR trim(cpr) = '' THEN 'CPR-nummeret mangler.'
                WHEN NOT cpr_valid_today(cpr) THEN 'CPR-nummeret er ikke gyldigt (10 cifre DDMMÅÅXXXX med en '
                     || 'rigtig fødselsdato, der ikke ligger i fremtiden).'
                WHEN kommunekode IS NULL THEN 'kommunekoden mangler eller er ikke et tal.'
                ELSE 'kommunekoden ' || kommunekode || ' er ikke en af de 98 kommuner.'
            END
            FROM dream_rows
            WHERE NOT coalesce(cpr_valid_today(cpr) AND kommunekode IN (SELECT kommunekode FROM register_kommuner),
                               false)
            ORDER BY row LIMIT 1""").fetchone()
        if bad:
            raise RegisterInputError(source.path, bad[1], row=bad[0])
        con.execute("""CREATE TEMP TABLE dream_long AS
            SELECT row, cpr_compact(cpr) AS cpr, kommunekode, week, code
            FROM (UNPIVOT dream_rows ON COLUMNS('^y_') INTO NAME week VALUE code)
            WHERE code <> ''""")
        unknown = con.execute("""SELECT l.row, l.week, l.code FROM dream_long l JOIN dream_weeks w USING (week)
            WHERE l.code NOT IN (SELECT code FROM dream_codes) ORDER BY l.row, w.position LIMIT 1""").fetchone()
        if unknown:
            raise RegisterInputError(
                source.path, f"koden {_shown(unknown[2])!r} i kolonnen {unknown[1]} står ikke i kodeoversættelsen "
                f"{Path(codes).name}.", row=unknown[0])
        # Consecutive weeks of the same ydelse: the week number minus the rank within
        # (person, ydelse) is constant along a run of consecutive weeks.
        con.execute("""CREATE TEMP TABLE dream_periods AS
            WITH mapped AS (
                SELECT l.cpr, l.kommunekode, c.ydelse, w.monday,
                       (w.monday - DATE '1990-01-01') // 7 AS week_number
                FROM dream_long l JOIN dream_codes c USING (code) JOIN dream_weeks w USING (week)
                WHERE c.ydelse IS NOT NULL
            ),
            runs AS (
                SELECT *, week_number - row_number() OVER (PARTITION BY cpr, ydelse ORDER BY monday) AS run
                FROM mapped
            )
            SELECT cpr, any_value(kommunekode) AS kommunekode, ydelse, min(monday) AS start, max(monday) + 6 AS slut
            FROM runs GROUP BY cpr, ydelse, run""")
        persons = con.execute("SELECT count(DISTINCT cpr) FROM dream_rows").fetchone()[0]
        periods = con.execute("SELECT count(*) FROM dream_periods").fetchone()[0]
        out = Path(out)
        fmt = "parquet" if out.suffix.lower() == ".parquet" else "csv"
        with atomic_output(out, suffix=f".{fmt}") as tmp:
            options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
            literal = str(tmp).replace("'", "''")
            con.execute(f"""COPY (SELECT cpr, kommunekode, ydelse, start, slut FROM dream_periods
                                  ORDER BY cpr, start, ydelse) TO '{literal}' ({options})""")
    finally:
        con.close()
    return DreamImport(persons=persons, weeks=len(weeks), periods=periods)
