"""Money, dates and times as Danes read them: the one place. Pages use the filters of the
same names (``helhed.core.templatetags.danish``, built into every template), letters and
PDFs are pages, and Python text (timeline entries, messages, CSV) calls these functions.

- Money: ``kroner`` → "1.250,50 kr."; øre only where the amount has them ("4.800 kr.").
- Dates: ``dato`` → "2. december 2026" (text and letters), ``kortdato`` → "02.12.2026"
  (tables); times ``klokken`` → "13.45". The names come from Django's Danish locale, the
  formats from ``helhed/formats/da/formats.py``; nothing here types a month name.
- CSV: ``csv_amount`` → "1250,50" (no thousands point, no unit; whole amounts without øre).

Source: Dansk Sprognævn, Retskrivningsreglerne § 38; issue 20.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import formats, timezone, translation

from helhed.core.numbers import number_text

NO_AMOUNT = "–"


def kroner(amount: Decimal | int | None) -> str:
    """Danish money: "1.250,50 kr.", "4.800 kr." (øre only where there are any)."""
    if amount is None or amount == "":
        return NO_AMOUNT
    return f"{number_text(Decimal(str(amount)))} kr."


def tal(value: Decimal | int | None) -> str:
    """A count or a measure as Danes write it: "12.345", "2,5" (no unit)."""
    if value is None or value == "":
        return ""
    try:
        return number_text(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def csv_amount(amount: Decimal | int) -> str:
    """An amount in a CSV cell: "1250,50" or "7000" (decimal comma, no thousands point, no unit)."""
    return number_text(Decimal(amount)).replace(".", "")


def _format(value: datetime.date | datetime.datetime | None, name: str) -> str:
    if not isinstance(value, datetime.date):
        return ""  # as Django's |date: nothing for an empty or unknown value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override("da"):
        return formats.date_format(value, name)


def dato(value: datetime.date | None) -> str:
    """The long date, "2. december 2026", for text and letters."""
    return _format(value, "DATE_FORMAT")


def kortdato(value: datetime.date | None) -> str:
    """The short date, "02.12.2026", for tables."""
    return _format(value, "SHORT_DATE_FORMAT")


def klokken(value: datetime.datetime | datetime.time | None) -> str:
    """The time of day, "13.45"."""
    if isinstance(value, datetime.time):
        with translation.override("da"):
            return formats.time_format(value, "TIME_FORMAT")
    return _format(value, "TIME_FORMAT")


def dato_klokken(value: datetime.datetime | None) -> str:
    """The long date and time, "2. december 2026 kl. 13.45"."""
    return _format(value, "DATETIME_FORMAT")


def kortdato_klokken(value: datetime.datetime | None) -> str:
    """The short date and time, "02.12.2026 13.45", for tables and logs people read."""
    return _format(value, "SHORT_DATETIME_FORMAT")


def ugedag_dato(value: datetime.date | None) -> str:
    """The weekday and long date, "onsdag 2. december 2026", for appointments."""
    return _format(value, r"l j. F Y") if value else ""


def ugedag_dato_klokken(value: datetime.datetime | None) -> str:
    """The weekday, long date and time, "tirsdag 24. november 2026 kl. 10.15", for appointments."""
    return _format(value, r"l j. F Y \k\l. H.i") if value else ""


def maaned(value: datetime.date | None) -> str:
    """The month and year, "december 2026"."""
    return _format(value, "YEAR_MONTH_FORMAT")


def figure(value) -> str:
    """A figure stored as JSON (a rule's figures per member): an ISO date as the short date,
    a number the Danish way, anything else as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("ja" if value else "nej")
    if isinstance(value, int):
        return tal(value)
    if isinstance(value, float):
        number = Decimal(str(value))
        return number_text(number, places=max(0, -number.as_tuple().exponent))
    if isinstance(value, str):
        try:
            return kortdato(datetime.date.fromisoformat(value)) if len(value) == 10 else value
        except ValueError:
            return value
    return str(value)
