"""Log filters: no CPR number reaches a log line, and every line carries the request id."""

import logging
import re

from helhed.core.middleware import current_request_id

# Six digits (a date) optionally followed by a dash or space and four digits.
CPR_SHAPE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def redact_cpr(text: str) -> str:
    return CPR_SHAPE.sub("[CPR]", text)


class RedactCprFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_cpr(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
