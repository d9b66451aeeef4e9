"""CPR validation inside DuckDB, vectorised, with the same meaning as
``helhed.core.cpr.parse_cpr``.

A register extract holds tens of millions of rows; calling ``parse_cpr`` once per row would
take minutes, so the engine validates in SQL. This module is the one SQL definition; the
test suite checks with hypothesis that it accepts and rejects exactly what ``parse_cpr``
does and derives the same birth date (tests/register/test_cprsql.py).

Rules (DOMAIN.md, "Rules and facts for the code"; ``stdnum.dk.cpr``, which ``parse_cpr``
uses): spaces and dashes are removed and surrounding whitespace stripped; ten digits
DDMMYY-SSSS remain; the 7th digit with the two-digit year gives the century (0-3: 1900s;
4 or 9: 2000s if the year is 00-36, else 1900s; 5-8: 2000s if the year is 00-57, else
1800s); the date must exist and not lie after today. The modulus-11 check is NOT required.

One deliberate difference: Python's ``str.isdigit`` also accepts non-ASCII digits (e.g.
Arabic-Indic); the SQL accepts ASCII digits only, which is what a register file holds.
"""

from __future__ import annotations

import datetime

import duckdb

# Each macro is one step of the definition. Integer arithmetic instead of date functions:
# a national extract has tens of millions of rows, and this runs on every one of them.
MACROS = (
    # Ten ASCII digits and nothing else (the form nearly every row of a real extract has).
    r"""CREATE OR REPLACE MACRO cpr_is_plain(x) AS regexp_full_match(x, '[0-9]{10}')""",
    # stdnum's compact(): drop ' ' and '-', then strip surrounding whitespace.
    r"""CREATE OR REPLACE MACRO cpr_compact(x) AS
        CASE WHEN cpr_is_plain(x) THEN x
             ELSE regexp_replace(regexp_replace(x, '[ -]', '', 'g'), '^[\t\n\r\f\v]+|[\t\n\r\f\v]+$', '', 'g')
        END""",
    # The birth year from the two-digit year and the 7th digit (the century rules).
    r"""CREATE OR REPLACE MACRO cpr_year(n) AS
        CASE WHEN n // 1000 % 10 BETWEEN 5 AND 8 AND n // 10000 % 100 >= 58 THEN 1800 + n // 10000 % 100
             WHEN n // 1000 % 10 <= 3 OR (n // 1000 % 10 IN (4, 9) AND n // 10000 % 100 >= 37)
                  THEN 1900 + n // 10000 % 100
             ELSE 2000 + n // 10000 % 100
        END""",
    r"""CREATE OR REPLACE MACRO cpr_month_days(y, m) AS
        CASE WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
             WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END""",
    # ``n``: the ten digits as a number. True when DDMMYY with the century is a real date
    # that is not after ``today`` (given as the number YYYYMMDD).
    r"""CREATE OR REPLACE MACRO cpr_number_valid(n, today) AS
        n // 1000000 % 100 BETWEEN 1 AND 12
        AND n // 100000000 BETWEEN 1 AND cpr_month_days(cpr_year(n), n // 1000000 % 100)
        AND cpr_year(n) * 10000 + (n // 1000000 % 100) * 100 + n // 100000000 <= today""",
    # The definition: is the value ``x`` (as written in the file) a valid CPR number today?
    r"""CREATE OR REPLACE MACRO cpr_valid(x, today) AS
        CASE WHEN cpr_is_plain(x) THEN cpr_number_valid(x::UBIGINT, today)
             ELSE coalesce(cpr_is_plain(cpr_compact(x))
                           AND cpr_number_valid(try_cast(cpr_compact(x) AS UBIGINT), today), false)
        END""",
    # The birth date of a valid number (NULL otherwise), for tests and the DREAM import.
    r"""CREATE OR REPLACE MACRO cpr_birth_date(x, today) AS
        CASE WHEN cpr_valid(x, today)
             THEN make_date(cpr_year(cpr_compact(x)::UBIGINT)::INTEGER,
                            (cpr_compact(x)::UBIGINT // 1000000 % 100)::INTEGER,
                            (cpr_compact(x)::UBIGINT // 100000000)::INTEGER)
        END""",
)


def today_number(today: datetime.date) -> int:
    """``today`` as the number YYYYMMDD the macros compare with."""
    return today.year * 10000 + today.month * 100 + today.day


def install(con: duckdb.DuckDBPyConnection, *, today: datetime.date | None = None) -> None:
    """Define the CPR macros on a DuckDB connection; with ``today``, also the fast check
    ``cpr_valid_today(x)`` for large files.

    The fast check is the same definition, precomputed: whether a ten-character value is a
    valid number depends only on its first seven characters (DDMMYY and the century digit)
    and on the last three being digits, so ``cpr_number_valid`` is evaluated once for every
    possible seven-digit prefix (372,000 of them) and each row is then a check for ten digits
    and one hash look-up of an integer instead of date arithmetic. Values of another length go
    through ``cpr_valid``."""
    for statement in MACROS:
        con.execute(statement)
    if today is None:
        return
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cpr_valid_prefixes AS
        SELECT p::UINTEGER AS prefix FROM (
            SELECT d * 100000 + m * 1000 + y * 10 + c AS p
            FROM range(1, 32) t1(d), range(1, 13) t2(m), range(0, 100) t3(y), range(0, 10) t4(c)
        ) WHERE cpr_number_valid(p * 1000, ?)""",
        [today_number(today)],
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP MACRO cpr_valid_today(x) AS
        CASE WHEN strlen(x) = 10
             THEN cpr_is_plain(x)
                  AND (try_cast(x AS UBIGINT) // 1000)::UINTEGER IN (SELECT prefix FROM cpr_valid_prefixes)
             ELSE cpr_valid(x, {today_number(today)})
        END"""
    )


def birth_dates(values: list[str | None], *, today: datetime.date) -> list[tuple[datetime.date | None, bool]]:
    """For each value: its birth date by the SQL definition (None where it is not a valid
    CPR number) and the verdict of the fast check. For tests and small inputs."""
    con = duckdb.connect()
    install(con, today=today)
    con.execute("CREATE TABLE v(i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(
        "SELECT i, cpr_birth_date(x, ?), coalesce(cpr_valid_today(x), false) FROM v ORDER BY i",
        [today_number(today)],
    ).fetchall()
    con.close()
    return [(row[1], row[2]) for row in rows]
