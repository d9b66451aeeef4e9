"""Efforts from a CSV file, checked with the register engine's discipline (docs/register.md,
"Bad input"): the whole file is checked before anything is written; the first bad row is
reported with the file, the row (data row 1 is the line after the header) and the problem,
and how many other rows are bad; a CPR number is never repeated in a message.

Columns (UTF-8, comma-separated, header row; other columns are ignored):
``cpr, type, start, slut, timer, arbejdsgiver`` — ``type`` is an ``EffortKind`` value,
``start``/``slut`` ISO dates (``slut`` empty: ongoing), ``timer`` hours per week (may be
empty; decimal comma or point), ``arbejdsgiver`` required for a virksomhedsrettet indsats.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from helhed.core.cpr import cpr_blind_index, parse_cpr
from helhed.core.logging import redact_cpr
from helhed.review.models import EffortKind

COLUMNS = ("cpr", "type", "start", "slut", "timer", "arbejdsgiver")
MAX_ROWS = 100_000


class EffortInputError(Exception):
    def __init__(self, name: str, problem: str, row: int | None = None, where: str = "række"):
        place = f", {where} {row}" if row is not None else ""
        super().__init__(f"Fejl i inddata: {name}{place}: {problem}")


@dataclass(frozen=True)
class EffortRow:
    case_id: int
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    hours_per_week: Decimal | None
    employer: str


def _shown(value: str) -> str:
    return redact_cpr(value[:60])


def _date(value: str, column: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {_shown(value)!r} er ikke en dato (ÅÅÅÅ-MM-DD).") from None


def _row(record: dict[str, str], case_for_index: Callable[[str], int | None]) -> EffortRow:
    from helhed.review.services import effort_problems  # the same checks as the form

    try:
        number = parse_cpr(record["cpr"]).number
    except ValidationError:
        raise ValueError("CPR-nummeret er ikke gyldigt (10 cifre DDMMÅÅXXXX med en rigtig fødselsdato).") from None
    case_id = case_for_index(cpr_blind_index(number))
    if case_id is None:
        raise ValueError("borgeren er ikke i programmets bruttomålgruppe.")
    kind = record["type"]
    if kind not in EffortKind.values:
        raise ValueError(f"typen {_shown(kind)!r} kendes ikke (brug {', '.join(EffortKind.values)}).")
    starts_on = _date(record["start"], "startdatoen")
    if starts_on is None:
        raise ValueError("startdatoen mangler.")
    ends_on = _date(record["slut"], "slutdatoen")
    hours = None
    if record["timer"]:
        try:
            hours = Decimal(record["timer"].replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"timer {_shown(record['timer'])!r} er ikke et tal.") from None
    problems = effort_problems(kind=kind, starts_on=starts_on, ends_on=ends_on, hours_per_week=hours,
                               employer=record["arbejdsgiver"])
    if problems:
        problem = next(iter(problems.values()))
        raise ValueError(problem[0].lower() + problem[1:])
    return EffortRow(case_id=case_id, kind=kind, starts_on=starts_on, ends_on=ends_on, hours_per_week=hours,
                     employer=record["arbejdsgiver"][:150])


def parse_efforts(content: bytes, *, name: str, case_for_index: Callable[[str], int | None]) -> list[EffortRow]:
    """Every row of the file, checked; raises ``EffortInputError`` on the first bad row."""
    try:
        text = content.decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [c.strip() for c in (reader.fieldnames or [])]
    except (UnicodeDecodeError, csv.Error):
        raise EffortInputError(name, "filen kan ikke læses som CSV (UTF-8).") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise EffortInputError(name, f"mangler kolonnen '{missing[0]}' (filen skal have kolonnerne "
                               f"{', '.join(COLUMNS)}).", row=1, where="linje")
    reader.fieldnames = header
    rows, first_error, bad = [], None, 0
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise EffortInputError(name, f"filen har mere end {MAX_ROWS} rækker.")
            cleaned = {c: (record.get(c) or "").strip() for c in COLUMNS}
            if not any(cleaned.values()):
                continue
            try:
                rows.append(_row(cleaned, case_for_index))
            except ValueError as error:
                bad += 1
                first_error = first_error or (number, str(error))
    except csv.Error:
        raise EffortInputError(name, "filen kan ikke læses som CSV (UTF-8).") from None
    if first_error:
        more = f" ({bad - 1} andre rækker har også fejl.)" if bad > 1 else ""
        raise EffortInputError(name, first_error[1] + more, row=first_error[0])
    if not rows:
        raise EffortInputError(name, "filen har ingen rækker med indsatser.")
    return rows
