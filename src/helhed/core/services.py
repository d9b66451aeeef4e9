"""Writes in core: API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helhed.core.models import ApiToken, User

TOKEN_PREFIX = "hlh_"  # noqa: S105  (a marker, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(
    *, user: User, name: str, days: int | None = None, now: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a bearer token for ``user``. Returns the stored token and the secret, which is
    shown once and never stored (only its SHA-256 hash is)."""
    now = now or timezone.now()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        key_hash=hash_token(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days or settings.HELHED_API_TOKEN_DAYS),
    )
    return token, secret


def revoke_api_token(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(secret: str, *, now: datetime.datetime | None = None) -> User | None:
    """The active user behind a usable token, or None. Marks the token as used."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret))
        .first()
    )
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.user.is_demo and not settings.DEMO_MODE:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
