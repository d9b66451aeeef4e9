"""Log filters: no CPR number reaches a log line, and every line carries the request id."""

import logging
import re

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

from helhed.core.middleware import current_request_id

# Anything shaped like a CPR number: six digits, optionally a dash or a space, four digits,
# not inside a longer run of digits. Used where a broad test is wanted (the outbox refuses
# a message with such a number in it); log lines use ``redact_cpr``, which is precise.
CPR_SHAPE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")

# An identifier, which is left whole: a UUID (8-4-4-4-12 hex digits) or a run of 16 or more
# hex digits (a UUID without dashes, a request id, a hash), standing on its own, that is not
# glued to another letter or digit.
_HEX_ID = r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|[0-9A-Fa-f]{16,})(?![0-9A-Za-z])"
_ID_OR_CPR = re.compile(
    rf"(?P<id>{_HEX_ID})|(?P<cpr>(?<!\d)(?P<date>\d{{6}})[- ]?(?P<serial>\d{{4}})(?!\d))", re.ASCII
)


def is_cpr_date(digits: str) -> bool:
    """Whether ten digits begin with a real birth date: DDMMYY in the century the seventh
    digit gives (CPR-loven; the century table of cpr.dk, as python-stdnum implements it)."""
    try:
        stdnum_cpr.get_birth_date(digits)
    except StdnumError:
        return False
    return True


def _redact(match: re.Match) -> str:
    if match["id"] is not None:
        return match["id"]
    return "[CPR]" if is_cpr_date(match["date"] + match["serial"]) else match["cpr"]


def redact_cpr(text: str) -> str:
    """Replaces every CPR number in a text with ``[CPR]``, and nothing else.

    A CPR number here is ten digits, or six and four with a dash or one space between them
    (DDMMYY-SSSS), that are not part of a longer run of digits, whose first six digits are a
    real date in the century the seventh digit gives (``is_cpr_date``), and that do not lie
    inside an identifier (a UUID or a run of 16 or more hex digits, see ``_HEX_ID``). Letters
    or signs attached to the number do not save it: an ``x`` or a ``cpr=`` written right before
    it does not stop the redaction (tests/core/test_logging.py has the examples). The
    modulus-11 check is not used: numbers without it are issued since 2007.

    The price of leaving identifiers whole: a CPR number glued to enough hex letters that
    the whole word is a 16-character hex run is not redacted (docs/operations.md)."""
    return _ID_OR_CPR.sub(_redact, text)


def contains_cpr(text: str) -> bool:
    return redact_cpr(text) != text


class RedactCprFilter(logging.Filter):
    """Redacts the message, and the traceback and stack a record carries: an exception's
    text (a failed validation, a database error quoting a row) can hold a CPR number too."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_cpr(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text once it is set, so the traceback is written redacted.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_cpr(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_cpr(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
