import logging
import sys

from helhed.core.logging import RedactCprFilter, redact_cpr


def test_cpr_shapes_are_redacted():
    assert redact_cpr("søgte 211062-5629 og 2110625629 og 211062 5629") == "søgte [CPR] og [CPR] og [CPR]"
    assert redact_cpr("sag 12345 og telefon 20112233") == "sag 12345 og telefon 20112233"


def test_log_filter_blanks_cpr_in_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "opslag på %s", ("211062-5629",), None)
    assert RedactCprFilter().filter(record)
    assert record.getMessage() == "opslag på [CPR]"


def test_every_configured_log_handler_redacts_cpr():
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server")]
    handlers = [h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler]  # ours, not pytest's
    assert handlers
    for handler in handlers:
        record = logging.LogRecord("helhed", logging.ERROR, __file__, 1, "fejl for %s", ("2110625629",), None)
        assert all(f.filter(record) for f in handler.filters)
        assert "2110625629" not in handler.format(record)


def test_log_filter_blanks_cpr_in_a_traceback():
    try:
        raise ValueError("ukendt borger 211062-5629")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "fejl", (), sys.exc_info())
    assert RedactCprFilter().filter(record)
    written = logging.Formatter().format(record)
    assert "ValueError: ukendt borger [CPR]" in written and "211062-5629" not in written
