"""CPR numbers for fictional people that can never be a real person's."""

import datetime
import random

from helhed.core.cpr import passes_modulus_11


def _century_digits(year: int) -> list[int]:
    """Seventh digits that give ``year`` under the CPR century rules (DOMAIN.md)."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return [0, 1, 2, 3] + ([4, 9] if yy >= 37 else [])
    if 2000 <= year <= 2036:
        return [4, 9, 5, 6, 7, 8]
    if 2037 <= year <= 2057:
        return [5, 6, 7, 8]
    raise ValueError(f"no demo CPR for birth year {year}")


def demo_cpr(birth_date: datetime.date, sex: str, rng: random.Random, taken: set[str]) -> str:
    """A CPR number that is valid by today's rules but impossible for a real person.

    Numbers without the modulus-11 check are only issued for people born on 1 January
    (CPR-kontoret; DOMAIN.md: "since 2007 numbers without the modulus-11 check are issued").
    A birth date that is not 1 January with a sequence that FAILS the check is therefore
    never a real person's number.
    """
    if (birth_date.month, birth_date.day) == (1, 1):
        raise ValueError("demo CPR numbers must not be for 1 January")
    date_part = birth_date.strftime("%d%m%y")
    for _ in range(10_000):
        first = rng.choice(_century_digits(birth_date.year))
        middle = rng.randrange(100)
        last = rng.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
        number = f"{date_part}{first}{middle:02d}{last}"
        if not passes_modulus_11(number) and number not in taken:
            taken.add(number)
            return number
    raise RuntimeError("no free demo CPR number for this birth date")
