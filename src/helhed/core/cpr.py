"""CPR numbers: validation, derived facts, encryption at rest and the blind index.

The CPR number (DDMMYY-SSSS) is sensitive personal data. It is validated here, stored
only encrypted, found only through a keyed blind index (HMAC), and never put in a URL,
a log line or an error message. Error messages therefore never repeat the number.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

MODULUS_11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


@dataclass(frozen=True)
class CprFacts:
    number: str  # ten digits, no separator
    birth_date: datetime.date
    sex: str  # "M" or "K"


def parse_cpr(value: str, *, today: datetime.date | None = None) -> CprFacts:
    """Validate a CPR number and derive birth date and sex.

    Rules (DOMAIN.md, "Rules and facts for the code"; CPR-loven and cpr.dk): DDMMYY-SSSS;
    the 7th digit with the two-digit year gives the century; an odd last digit is a man.
    The modulus-11 check is NOT required: numbers without it have been issued since 2007
    (python-stdnum's ``stdnum.dk.cpr`` follows this and supplies the century rules).
    """
    today = today or datetime.date.today()
    number = stdnum_cpr.compact(value or "")
    if not number:
        raise ValidationError("Skriv et CPR-nummer.", code="required")
    if not number.isdigit():
        raise ValidationError(
            "Et CPR-nummer må kun indeholde tal og evt. en bindestreg (DDMMÅÅ-XXXX).",
            code="format",
        )
    if len(number) != 10:
        raise ValidationError(
            "Et CPR-nummer skal have 10 cifre (DDMMÅÅ-XXXX).", code="length"
        )
    try:
        birth_date = stdnum_cpr.get_birth_date(number)
    except StdnumError:
        raise ValidationError(
            "De første 6 cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ).",
            code="date",
        ) from None
    if birth_date > today:
        raise ValidationError(
            "CPR-nummeret har en fødselsdato i fremtiden. Tjek cifrene.", code="future"
        )
    return CprFacts(number=number, birth_date=birth_date, sex="M" if int(number[-1]) % 2 else "K")


def passes_modulus_11(number: str) -> bool:
    """The pre-2007 modulus-11 check. Not a validity rule (see ``parse_cpr``); used to make
    demo numbers that can never belong to a real person (see ``helhed.demo``)."""
    return sum(w * int(d) for w, d in zip(MODULUS_11_WEIGHTS, number, strict=True)) % 11 == 0


def format_cpr(number: str) -> str:
    return stdnum_cpr.format(number)


def mask_cpr(number: str) -> str:
    """Birth date part only, for places that need to tell people apart but not identify."""
    return f"{number[:6]}-xxxx"


def _fernet() -> MultiFernet:
    # The first key encrypts; all keys decrypt, so keys can be rotated.
    return MultiFernet([Fernet(key) for key in settings.HELHED_CPR_KEYS])


def encrypt_cpr(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt_cpr(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError("The stored CPR number cannot be decrypted with the configured keys") from None


def cpr_blind_index(number: str) -> str:
    """Keyed blind index: equal numbers give equal digests, the digest reveals nothing
    without the key, and the key is not the encryption key."""
    return hmac.new(settings.HELHED_CPR_INDEX_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
