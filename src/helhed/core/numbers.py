"""Numbers as Danes type them: the one parser behind every amount and count a person enters,
in a form or on the command line.

Accepted: "4.800", "1.250,50", "1250,50", "1250", "1 250 000" (thousands grouped by a point
or a space, in threes), with spaces around trimmed and a trailing "kr." allowed. A minus
sign only where the field allows negatives (a correction may be negative, a rent may not).

Refused, with a Danish message that shows how to write it: "1e3" (scientific notation),
"1.25" and "1250.50" (a point is never a decimal separator in Danish), "12.10.2026" (a
date), "1,2,3", "inf", "nan", and more decimals than the field holds.

Source: Dansk Sprognævn, Retskrivningsreglerne § 38 (punktum mellem tusinder, komma før
decimaler); issue 20 ("Type numbers as Danes do in every form and CLI option").
"""

from __future__ import annotations

import re
from decimal import Decimal

# Digits grouped in threes by points or by spaces (one kind in a number), or not grouped.
# A grouped number starts with 1 to 9 ("0.001" is no Danish number).
_NUMBER = re.compile(r"(?P<sign>-?)(?P<whole>[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+|\d+)"
                     r"(?:,(?P<frac>\d+))?", re.ASCII)
_SPACES = "\xa0\u202f\u2009"
_MINUS = "\u2212"  # the typographic minus sign, as copied from a letter


class DanishNumberError(ValueError):
    """Text that is not a number as Danes write it; the message is Danish and shows the way."""


def example(places: int) -> str:
    """How to write a number with ``places`` decimals, for messages."""
    return "1.250,50 eller 1250" if places else "4.800 eller 4800"


def parse_number(text: str, *, places: int = 2, allow_negative: bool = False, what: str = "tallet") -> Decimal:
    """The value of ``text`` written the Danish way, with at most ``places`` decimals.

    ``places=0`` is a count or a whole amount: no decimal comma at all. ``what`` names the
    value in messages ("beløbet"). Messages never repeat the input (it could be anything,
    a CPR number included); the command line adds it where the user typed it."""
    cleaned = str(text)
    for space in _SPACES:
        cleaned = cleaned.replace(space, " ")
    cleaned = cleaned.strip().replace(_MINUS, "-")
    cleaned = re.sub(r"\s*kr\.?$", "", cleaned).strip()
    subject = what[:1].upper() + what[1:]
    if not cleaned:
        raise DanishNumberError(f"Skriv {what}.")
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"-?\d+\.\d{1,2}", cleaned, re.ASCII):
            raise DanishNumberError(f"Brug komma før decimaler, ikke punktum: skriv {what} som {example(places)}.")
        raise DanishNumberError(f"Skriv {what} som {example(places)}.")
    frac = (match["frac"] or "").rstrip("0")
    if places == 0 and frac:
        raise DanishNumberError(f"Skriv {what} som et helt tal uden komma, fx 4.800 eller 4800.")
    if len(frac) > places:
        raise DanishNumberError("Skriv højst 2 decimaler (øre)." if places == 2 and what == "beløbet"
                                else f"Skriv højst {places} decimal{'er' if places > 1 else ''}.")
    if match["sign"] and not allow_negative:
        raise DanishNumberError(f"{subject} må ikke være negativt.")
    digits = match["whole"].replace(".", "").replace(" ", "")
    return Decimal(f"{match['sign']}{digits}.{frac}" if frac else f"{match['sign']}{digits}")


def parse_count(text: str, *, allow_negative: bool = False) -> int:
    """A whole number as Danes write it ("4.800", "4800")."""
    return int(parse_number(text, places=0, allow_negative=allow_negative, what="antallet"))


def number_text(value: Decimal | int, *, places: int = 2) -> str:
    """``value`` written the Danish way without a unit: "1.250,50", "4.800" (decimals only
    where the value has them, then all ``places`` of them). The inverse of ``parse_number``."""
    amount = Decimal(value)
    whole = amount == amount.to_integral_value()
    text = f"{abs(amount):,.0f}" if whole or places == 0 else f"{abs(amount):,.{places}f}"
    text = text.replace(",", "X").replace(".", ",").replace("X", ".")
    return f"-{text}" if amount < 0 and text.strip("0.,") else text
