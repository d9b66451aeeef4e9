"""How an organisation's key authenticates on the Kvik-linje routes: ``Authorization:
Bearer hlk_…``. The key is found by its hash and the call counted against its per-minute
limit (``services.authenticate_call``); over the limit the call is answered 429 with
Retry-After. Keys that open nothing count towards a lock-out of the address and the key's
prefix (``helhed.core.lockout``), also answered 429 with Retry-After.
Users' own tokens (hlh_…) and browser sessions do not open these routes, and organisation
keys open no other route."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from helhed.core.lockout import record_api_key_failure, refuse_locked_api_caller
from helhed.fasttrack.services import authenticate_call


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class OrganisationKey(HttpBearer):
    openapi_description = (
        "En Kvik-linje-nøgle (hlk_…) udstedt til en kommune eller brugerorganisation "
        "(`helhed fasttrack create-key`). Hver nøgle har rettigheder (`scopes`) og en grænse for kald pr. minut."
    )

    def authenticate(self, request, token):
        refuse_locked_api_caller(request, token)
        key, retry_after = authenticate_call(token, now=timezone.now())
        if key is None:
            record_api_key_failure(request, token)
            return None
        if retry_after is not None:
            raise RateLimited(retry_after)
        return key


def rate_limited(request, exc: RateLimited):
    from helhed.api import api

    response = api.create_response(
        request, {"detail": f"For mange kald med denne nøgle. Prøv igen om {exc.retry_after} sekunder."}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
