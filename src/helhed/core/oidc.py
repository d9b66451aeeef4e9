"""Login through OpenID Connect: citizens with MitID through NemLog-in, staff through their
organisation's identity provider. helhed is the relying party; Authlib does the protocol.

Authorisation code flow with PKCE (S256) and a nonce; the ID token's signature (the
provider's published keys), issuer, audience, expiry, issue time and nonce are checked by
Authlib (``authorize_access_token``) before any claim is read. The state, nonce and PKCE
verifier live in the server-side session and are used once, so a callback cannot be replayed.

- A citizen is matched by the CPR blind index; a citizen unknown to helhed is refused, and no
  citizen record is created from a login. A known citizen without a self-service login gets
  one, linked to the record, at the first login. The assurance level must be one of
  ``loa_accepted`` (NSIS "betydelig" or higher by default).
- A staff member is created or updated from the claims at every login; role, organisation
  and municipalities come from ``StaffGroupRole`` (maintained by an administrator). Groups
  that map to no role, or to more than one, give no access.

Settings: ``HELHED_OIDC_CITIZEN``, ``HELHED_OIDC_STAFF`` and ``HELHED_OIDC_LEEWAY``
(docs/operations.md). Every login and every refusal is logged to ``helhed.security`` by the
user's UUID or the reason: never a CPR number, a name or a token.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from joserfc.errors import JoseError
from requests import RequestException

from helhed.core.cpr import cpr_blind_index, parse_cpr
from helhed.core.models import StaffGroupRole, User
from helhed.core.roles import Role

logger = logging.getLogger("helhed.security")

CITIZEN, STAFF = "citizen", "staff"
SESSION_KEY = "helhed_oidc"
BACKEND = "helhed.core.auth.OpenIDConnectBackend"


class LoginRefused(Exception):
    """A login that must not open a session. ``reason`` names the Danish page shown."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def config(provider: str) -> dict:
    return settings.HELHED_OIDC_CITIZEN if provider == CITIZEN else settings.HELHED_OIDC_STAFF


def configured(provider: str) -> bool:
    return bool(config(provider)["issuer"])


def client(provider: str):
    """The Authlib client of a provider, made once per configuration (it keeps the provider's
    discovery document and keys)."""
    c = config(provider)
    return _client(provider, c["issuer"], c["client_id"], c["client_secret"], c["scope"])


@functools.lru_cache(maxsize=8)
def _client(provider: str, issuer: str, client_id: str, client_secret: str, scope: str):
    oauth = OAuth()
    return oauth.register(
        name=provider,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=client_id,
        client_secret=client_secret,
        client_kwargs={"scope": scope, "code_challenge_method": "S256", "timeout": 10},
    )


def verified_claims(request, provider: str) -> tuple[dict, str]:
    """The claims and the ID token the provider answered the callback with, after Authlib has
    checked the token. Raises ``LoginRefused("failed")`` for anything wrong: an error from the
    provider, an unknown or used state, a bad signature, the wrong issuer or audience, an
    expired token, a nonce from another login."""
    c = config(provider)
    try:
        token = client(provider).authorize_access_token(
            request,
            leeway=settings.HELHED_OIDC_LEEWAY,
            claims_options={"iss": {"essential": True, "values": [c["issuer"].rstrip("/")]},
                            "exp": {"essential": True}, "nonce": {"essential": True}},
        )
    except (OAuthError, JoseError, RequestException, KeyError, ValueError) as error:
        logger.warning("OpenID Connect login refused (%s): %s %s", provider, type(error).__name__,
                       getattr(error, "description", "") or "")
        raise LoginRefused("failed") from error
    claims = token.get("userinfo")
    if not claims:
        logger.warning("OpenID Connect login refused (%s): no ID token", provider)
        raise LoginRefused("failed")
    return dict(claims), token["id_token"]


def citizen_user(claims: dict) -> User:
    """The citizen login for a MitID login's claims (see the module's docstring)."""
    c = config(CITIZEN)
    if claims.get(c["loa_claim"]) not in c["loa_accepted"]:
        logger.warning("MitID login refused: assurance level too low")
        raise LoginRefused("loa")
    try:
        number = parse_cpr(str(claims.get(c["cpr_claim"]) or "")).number
    except ValidationError as error:
        logger.warning("MitID login refused: no valid CPR number in the claims")
        raise LoginRefused("unknown_citizen") from error
    from helhed.registry.models import Citizen

    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().filter(
            cpr_index=cpr_blind_index(number)).first()
        if citizen is None:
            logger.warning("MitID login refused: the citizen is not registered in helhed")
            raise LoginRefused("unknown_citizen")
        user = citizen.user
        if user is None:
            user = User(username=f"borger-{citizen.pk}", role=Role.CITIZEN)
            user.set_unusable_password()
        if user.role != Role.CITIZEN or not user.is_active or (user.is_demo and not settings.DEMO_MODE):
            logger.warning("MitID login refused: the citizen's login %s is blocked", user.uuid)
            raise LoginRefused("blocked")
        # The name MitID gives (the person's own, as the read log shows who acted), else the record's.
        full_name = str(claims.get(c["name_claim"]) or "").strip()
        first, _, last = full_name.rpartition(" ")
        if not first:
            first, last = citizen.first_name, citizen.last_name
        user.first_name, user.last_name = first[:150], last[:150]
        user.save()
        if citizen.user_id != user.pk:
            citizen.user = user
            citizen.save(update_fields=["user"])
    return user


def represents_anyone(user: User) -> bool:
    """Whether a citizen holds a power of attorney in force, and so chooses whom to act for."""
    from django.utils import timezone

    from helhed.registry.models import Representation
    from helhed.registry.selectors import in_force

    return Representation.objects.filter(in_force(timezone.localdate()), representative__user=user).exists()


@dataclass(frozen=True)
class StaffAccess:
    role: str
    organisation: str
    municipality_codes: frozenset[int]


def staff_access(groups: list[str]) -> StaffAccess:
    """The role, organisation and municipalities the provider's groups give, by the mapping an
    administrator keeps (``StaffGroupRole``). Groups that map to no role, or to two different
    roles, give none: a user has exactly one role (helhed.core.roles)."""
    mappings = list(StaffGroupRole.objects.filter(group__in=groups).prefetch_related("municipalities"))
    roles = {m.role for m in mappings}
    if len(roles) != 1:
        raise LoginRefused("no_role" if not roles else "many_roles")
    return StaffAccess(
        role=roles.pop(),
        organisation=next((m.organisation for m in mappings if m.organisation), ""),
        municipality_codes=frozenset(mu.code for m in mappings for mu in m.municipalities.all()),
    )


def staff_username(issuer: str, subject: str) -> str:
    """A user name no local user can have chosen: the provider's subject, which is stable but
    not readable, hashed together with the issuer."""
    return "oidc." + hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:40]


@transaction.atomic
def staff_user(claims: dict) -> User:
    """The staff user for a login through the organisation's provider, created or updated from
    the claims and the group mapping. An administrator's block (inactive) stands."""
    c = config(STAFF)
    groups = claims.get(c["groups_claim"]) or []
    if isinstance(groups, str):
        groups = [groups]
    try:
        access = staff_access([str(g) for g in groups])
    except LoginRefused as refused:
        logger.warning("Staff login refused: the groups give %s", refused.reason)
        raise
    user, _ = User.objects.select_for_update().get_or_create(
        username=staff_username(c["issuer"], str(claims["sub"])),
        defaults={"password": "!", "role": access.role},
    )
    if not user.is_active:
        logger.warning("Staff login refused: user %s is blocked", user.uuid)
        raise LoginRefused("blocked")
    user.first_name = str(claims.get(c["given_name_claim"]) or "")[:150]
    user.last_name = str(claims.get(c["family_name_claim"]) or "")[:150]
    user.email = str(claims.get(c["email_claim"]) or "")[:254]
    user.role = access.role
    user.organisation = access.organisation
    user.is_staff = user.is_superuser = access.role == Role.ADMINISTRATOR
    user.save()
    if set(user.municipalities.values_list("code", flat=True)) != access.municipality_codes:
        user.municipalities.set(access.municipality_codes)  # bumps the access version
    return user


def logout_url(request, session_data: dict | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout), or
    None when the session did not come from a provider."""
    if not session_data or not configured(session_data.get("provider", "")):
        return None
    try:
        return client(session_data["provider"]).create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            id_token_hint=session_data["id_token"],
        )["url"]
    except (OAuthError, RequestException, KeyError, RuntimeError):
        logger.warning("The provider's session could not be ended: no end-session endpoint")
        return None
