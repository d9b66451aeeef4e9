"""Log filters: no CPR number reaches a log line, and every line carries the request id."""

import logging
import re

from helhed.core.middleware import current_request_id

# Six digits (a date) optionally followed by a dash or space and four digits.
CPR_SHAPE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def redact_cpr(text: str) -> str:
    return CPR_SHAPE.sub("[CPR]", text)


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
