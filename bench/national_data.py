"""A national-size dataset in PostgreSQL, fast: citizens and their cases written with COPY.

Every citizen is derived from its number ``i`` (``citizen(i)``): a fictional CPR number
(it never passes the modulus-11 check, so it cannot be a real person's; see
``helhed.core.cpr.passes_modulus_11``), a home municipality (``codes[i % 98]``) and
``--cases-per-citizen`` cases with references derived from ``i``. So a load generator can
recompute which CPR numbers live in which municipality without reading the database.

Columns are taken from the Django models, and every column this script does not know gets
the model field's default, so the generator keeps working when the models gain fields.

Run (a separate database, so tests are not disturbed):

    DATABASE_URL=postgres://helhed:helhed@127.0.0.1:5432/helhed_bench_national \\
        .venv/bin/python bench/national_data.py --citizens 1000000 --cases-per-citizen 3

It creates the database if missing, migrates it, and refuses to add citizens to a database
that already has some (``--reset`` empties the citizen and case tables first).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

FIRST_NAMES = ["Anna", "Jens", "Mette", "Lars", "Sofie", "Peter", "Ida", "Mads", "Karen", "Ole", "Fatima", "Ali"]
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen"]
BENEFITS = [("folkepension", "udk"), ("boligstoette", "udk"), ("boerne_ungeydelse", "udk"),
            ("barselsdagpenge", "udk"), ("foertidspension", "municipality"), ("kontanthjaelp", "municipality")]
STATUSES = ["received", "processing", "hearing", "decided", "complaint", "closed"]
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
FIRST_BIRTH = datetime.date(1930, 1, 1)
DAYS = 25_550  # birth dates 1930-1999: the 7th CPR digit 0-3 gives the 1900s


def _weighted_ok(number: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(w * int(d) for w, d in zip(weights, number, strict=True)) % 11 != 0


def citizen_cpr(i: int) -> str:
    """The fictional CPR number (10 digits) of citizen ``i``: unique for i < DAYS * 1000."""
    born = FIRST_BIRTH + datetime.timedelta(days=i % DAYS)
    k = i // DAYS
    for j in (0, 1):  # of two neighbouring serials at most one passes modulus 11
        number = f"{born:%d%m%y}{1000 + 3 * k + j:04d}"
        if _weighted_ok(number):
            return number
    raise AssertionError("unreachable")


def case_reference(n: int) -> str:
    """A unique case reference for case number ``n`` (same shape as casework's)."""
    chars = []
    for _ in range(8):
        n, r = divmod(n, 32)
        chars.append(ALPHABET[r])
    return "2025-" + "".join(reversed(chars))


def municipality_of(i: int, codes: list[int]) -> int:
    return codes[i % len(codes)]


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _columns(model, known: dict) -> tuple[list[str], list]:
    """(column names, constant values or None where ``known`` supplies them per row)."""
    names, constants = [], []
    for field in model._meta.concrete_fields:
        names.append(field.column)
        if field.attname in known:
            constants.append(None)
        elif field.has_default():
            default = field.get_default()
            constants.append(_copy_value(json.dumps(default) if isinstance(default, list | dict) else default))
        elif field.null:
            constants.append(r"\N")
        elif field.blank:
            constants.append("")
        else:
            raise SystemExit(f"{model.__name__}.{field.name} has no default: teach bench/national_data.py about it")
    return names, constants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--cases-per-citizen", type=int, default=3)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (COPY is PostgreSQL's)")
    _create_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from helhed.casework.models import Case
    from helhed.core.cpr import cpr_blind_index, encrypt_cpr
    from helhed.core.models import Municipality
    from helhed.registry.models import Citizen

    call_command("migrate", verbosity=0)
    codes = sorted(Municipality.objects.values_list("code", flat=True))
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute("TRUNCATE casework_case, registry_citizen CASCADE")
        cursor.execute("SELECT count(*) FROM registry_citizen")
        if cursor.fetchone()[0]:
            raise SystemExit("The database already has citizens (use --reset to start again)")

    now = datetime.datetime.now(datetime.UTC)
    today = now.date()
    started = time.perf_counter()
    citizen_cols, citizen_const = _columns(Citizen, {
        "id": 1, "cpr_encrypted": 1, "cpr_index": 1, "birth_date": 1, "sex": 1, "first_name": 1, "last_name": 1,
        "search_name": 1, "home_municipality_id": 1, "created_at": 1, "updated_at": 1})
    case_cols, case_const = _columns(Case, {
        "id": 1, "reference": 1, "citizen_id": 1, "benefit_area": 1, "authority": 1, "municipality_id": 1,
        "status": 1, "opened_on": 1, "decided_on": 1, "created_at": 1, "updated_at": 1})
    stamp = now.isoformat()
    raw = connection.connection  # psycopg 3
    batch = 50_000
    # Two passes (citizens, then cases) so each COPY streams alone.
    citizen_ids: list[uuid.UUID] = []
    with raw.cursor() as cur, cur.copy(f"COPY registry_citizen ({', '.join(citizen_cols)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for i in range(args.citizens):
            number = citizen_cpr(i)
            cid = uuid.uuid4()
            citizen_ids.append(cid)
            first = FIRST_NAMES[i % len(FIRST_NAMES)]
            last = LAST_NAMES[(i // 7) % len(LAST_NAMES)]
            born = FIRST_BIRTH + datetime.timedelta(days=i % DAYS)
            values = {
                "id": str(cid), "cpr_encrypted": encrypt_cpr(number), "cpr_index": cpr_blind_index(number),
                "birth_date": born.isoformat(), "sex": "M" if int(number[-1]) % 2 else "K", "first_name": first,
                "last_name": last, "search_name": f"{first} {last}".lower(),
                "home_municipality_id": municipality_of(i, codes), "created_at": stamp, "updated_at": stamp,
            }
            buf.write("\t".join(c if c is not None else _copy_value(values[f.attname])
                                for f, c in zip(Citizen._meta.concrete_fields, citizen_const, strict=True)))
            buf.write("\n")
            if i % batch == batch - 1:
                copy.write(buf.getvalue())
                buf = io.StringIO()
                print(f"\rcitizens {i + 1:,}", end="", file=sys.stderr)
        copy.write(buf.getvalue())
    citizens_done = time.perf_counter()
    print(f"\ncitizens: {args.citizens:,} in {citizens_done - started:.1f} s", file=sys.stderr)

    n = 0
    with raw.cursor() as cur, cur.copy(f"COPY casework_case ({', '.join(case_cols)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for i, cid in enumerate(citizen_ids):
            code = municipality_of(i, codes)
            for j in range(args.cases_per_citizen):
                area, authority = BENEFITS[(i + j) % len(BENEFITS)]
                status = STATUSES[(i * 7 + j) % len(STATUSES)]
                opened = today - datetime.timedelta(days=(i * 13 + j * 101) % 1500)
                decided = opened + datetime.timedelta(days=30) if status in ("decided", "closed", "complaint") else None
                values = {
                    "id": str(uuid.uuid4()), "reference": case_reference(n), "citizen_id": str(cid),
                    "benefit_area": area, "authority": authority, "municipality_id": code, "status": status,
                    "opened_on": opened.isoformat(), "decided_on": decided.isoformat() if decided else None,
                    "created_at": stamp, "updated_at": stamp,
                }
                buf.write("\t".join(c if c is not None else _copy_value(values[f.attname])
                                    for f, c in zip(Case._meta.concrete_fields, case_const, strict=True)))
                buf.write("\n")
                n += 1
            if i % batch == batch - 1:
                copy.write(buf.getvalue())
                buf = io.StringIO()
                print(f"\rcases {n:,}", end="", file=sys.stderr)
        copy.write(buf.getvalue())
    raw.commit() if not raw.autocommit else None
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_citizen")
        cursor.execute("ANALYZE casework_case")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"\ncases: {n:,} in {time.perf_counter() - citizens_done:.1f} s; database size {size}", file=sys.stderr)


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
