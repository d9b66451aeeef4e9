"""Allocation of a pool's money by target-group counts: the largest-remainder method.

Source: seed 002 (press release 9 April 2017): "Puljen fordeles efter antallet af
langvarige modtagere i kommunen"; issue "Grant pools" (the allocation contract): each
quota = (AMOUNT / U) × count / (sum of counts), computed exactly with fractions; each
municipality gets the whole part of its quota; the units left over go one each to the
largest fractional remainders; ties go to the larger count, then to the lower kommunekode.
The result is whole multiples of U kroner summing exactly to AMOUNT.

Everything here is pure (no database), so the command line and the services share it.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections.abc import Hashable, Mapping
from decimal import Decimal
from pathlib import Path

from helhed.core.commands import InputError, read_text_input
from helhed.core.formats import csv_amount, kroner
from helhed.core.numbers import DanishNumberError, parse_number
from helhed.register.kommuner import kommunekoder

RULE_VERSION = "1"
DIGITS = re.compile(r"[0-9]+")


# A counts file lists at most the 98 municipalities (a few kilobytes); this bound keeps a wrong
# file from being read into memory and stays under the csv module's field limit. Our parameter.
MAX_COUNTS_BYTES = 100_000


class AllocationError(InputError, ValueError):
    """Bad input to an allocation; the message is Danish and names the problem."""


def parse_amount(text: str, *, what: str = "beløbet") -> Decimal:
    """An amount typed the Danish way ("262.500.000", "1250,50"): ``helhed.core.numbers``.
    A negative amount is read here and refused by ``units_of`` with its own message."""
    try:
        return parse_number(text, places=2, allow_negative=True, what=what.lower())
    except DanishNumberError as error:
        raise AllocationError(f"{what} skal være et tal i kroner: {error} (fik {text!r}).") from None


def units_of(total: Decimal, unit: Decimal) -> int:
    """How many whole units of ``unit`` kroner make ``total``; refuses anything else."""
    if unit <= 0 or unit != unit.to_integral_value():
        raise AllocationError(f"Enheden skal være et positivt helt antal kroner (fik {unit}).")
    if total <= 0:
        raise AllocationError(f"Beløbet skal være positivt (fik {total}).")
    units = total / unit
    if units != units.to_integral_value():
        raise AllocationError(f"Beløbet {kroner(total)} er ikke et helt antal enheder af {kroner(unit)}.")
    return int(units)


def largest_remainder(units: int, weights: Mapping[Hashable, int]) -> dict[Hashable, int]:
    """Split ``units`` whole units in proportion to ``weights`` (non-negative integers, not all
    zero) by the largest-remainder method; ties go to the larger weight, then the lower key.

    Source: issue "Grant pools" (the allocation contract); seed 002 (allocation by the
    number of long-term recipients)."""
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise AllocationError("Alle antal er 0; der er intet at fordele efter.")
    # Every quota units·w/Σw is a fraction over the same denominator Σw, so its whole part and
    # its remainder are exact integers (divmod); no float is ever involved.
    parts = {key: divmod(units * w, total_weight) for key, w in weights.items()}
    shares = {key: whole for key, (whole, _) in parts.items()}
    left = units - sum(shares.values())
    for key in heapq.nsmallest(left, parts, key=lambda k: (-parts[k][1], -weights[k], k)):
        shares[key] += 1
    return shares


def allocate(total: Decimal, counts: Mapping[int, int], unit: Decimal = Decimal(1)) -> dict[int, Decimal]:
    """Kroner per key: whole multiples of ``unit`` that sum exactly to ``total``."""
    units = units_of(total, unit)
    return {key: n * unit for key, n in largest_remainder(units, counts).items()}


def read_counts(path: Path | str) -> dict[int, int]:
    """Read ``kommunekode,count`` from a CSV file, refusing every kind of bad row with a
    message that names the row. A file may list a subset of the 98 municipalities."""
    valid = set(kommunekoder())
    try:
        text = read_text_input(path, max_bytes=MAX_COUNTS_BYTES, what="antalsfilen")
    except InputError as error:
        raise AllocationError(str(error)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != ["kommunekode", "count"]:
            raise AllocationError(f"{path}: første linje skal være overskriften kommunekode,count.")
        counts: dict[int, int] = {}
        for number, row in enumerate(reader, start=1):
            where = f"{path}, række {number}"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != 2:
                raise AllocationError(f"{where}: der skal være 2 felter (kommunekode,count), der er {len(row)}.")
            code_text, count_text = (cell.strip() for cell in row)
            if not code_text:
                raise AllocationError(f"{where}: kommunekoden mangler.")
            if not DIGITS.fullmatch(code_text) or int(code_text) not in valid:
                raise AllocationError(f"{where}: {code_text!r} er ikke en af de 98 kommunekoder.")
            code = int(code_text)
            if code in counts:
                raise AllocationError(f"{where}: kommunekode {code} står der mere end én gang.")
            if count_text.startswith("-") and DIGITS.fullmatch(count_text[1:]):
                raise AllocationError(f"{where}: antallet må ikke være negativt (fik {count_text}).")
            if not DIGITS.fullmatch(count_text):
                raise AllocationError(f"{where}: antallet skal være et helt tal 0 eller derover (fik {count_text!r}).")
            counts[code] = int(count_text)
    except csv.Error as error:
        raise AllocationError(f"{path}, linje {reader.line_num}: kan ikke læses som CSV ({error}).") from None
    if not counts:
        raise AllocationError(f"{path}: filen har ingen kommuner.")
    if not any(counts.values()):
        raise AllocationError(f"{path}: alle antal er 0; der er intet at fordele efter.")
    return counts


def write_allocation(handle, counts: Mapping[int, int], amounts: Mapping[int, Decimal]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(("kommunekode", "count", "amount"))
    for code in sorted(counts):
        writer.writerow((code, counts[code], csv_amount(amounts[code])))
