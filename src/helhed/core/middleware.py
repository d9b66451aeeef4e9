"""A request id for every request: taken from a well-formed ``X-Request-ID`` header (set by
a proxy) or made here, returned in the response, written into log lines and audit records."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from django.utils.cache import add_never_cache_headers

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response Django makes: pages, API answers, error
    pages and file downloads. Nearly all of them show personal data or depend on who is
    logged in, and a rule with exceptions would be one more thing to get wrong; only static
    files (served before this middleware by WhiteNoise) may be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        # A header that could carry a CPR number (ten digits) is not trusted.
        trusted = _VALID.match(incoming) and not re.search(r"\d{10}", incoming)
        request_id = incoming if trusted else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
