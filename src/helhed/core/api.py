"""API authentication (session for the browser, hashed bearer tokens for clients) and the
caller's own identity."""

from __future__ import annotations

import datetime
from uuid import UUID

import rules
from django.conf import settings
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from helhed.core.lockout import record_api_key_failure, refuse_locked_api_caller
from helhed.core.services import authenticate_api_token


def api_user(request, perm: str, refusal: str, obj=None):
    """The API caller, when their role gives ``perm`` (on ``obj``, where given); otherwise a
    403 with ``refusal``, the Danish reason."""
    if not rules.has_perm(perm, request.auth, obj):
        raise HttpError(403, refusal)
    return request.auth


class BearerToken(HttpBearer):
    openapi_description = "En API-nøgle (hlh_…) lavet med `helhed create_api_token`."

    def authenticate(self, request, token):
        refuse_locked_api_caller(request, token)
        user = authenticate_api_token(token)
        if user is None:
            record_api_key_failure(request, token)
        else:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """Django's session cookie, with CSRF on unsafe methods (ninja's SessionAuth)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_demo and not settings.DEMO_MODE:
            return None
        return user


API_AUTH = [BearerToken(), BrowserSession()]

router = Router(tags=["Bruger"])


class MeOut(Schema):
    id: UUID
    username: str
    name: str
    role: str
    role_label: str
    municipalities: list[int]
    organisation: str


class ErrorOut(Schema):
    detail: str


class AuditRecordOut(Schema):
    at: datetime.datetime
    actor_name: str
    actor_role: str
    actor_organisation: str
    what: str
    purpose: str
    channel: str


@router.get("/me", response=MeOut, summary="Den indloggede bruger")
def me(request):
    user = request.auth
    return MeOut(
        id=user.uuid,
        username=user.get_username(),
        name=user.get_full_name(),
        role=user.role,
        role_label=user.get_role_display(),
        municipalities=sorted(user.municipalities.values_list("code", flat=True)),
        organisation=user.organisation_label(),
    )

