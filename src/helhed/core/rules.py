"""Who may do what, as ``rules`` predicates. Object-level scoping of citizens lives in
``helhed.registry.rules``; the municipal scope itself is defined once, here."""

from __future__ import annotations

import rules
from django.db.models import QuerySet
from django.http import Http404

from helhed.core.roles import CITIZEN_SERVING_ROLES, MUNICIPAL_ROLES, Role

ALL_MUNICIPALITIES = None


def municipality_scope(user) -> frozenset[int] | None:
    """The municipality codes whose citizens the user may serve.

    ``None`` means every municipality (Udbetaling Danmark is national, lov om Udbetaling
    Danmark § 1); an empty set means none. Municipal staff serve the citizens of the
    municipalities they are attached to (the municipality is the data controller for its
    own citizens' cases).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.role == Role.UDK_STAFF:
        return ALL_MUNICIPALITIES
    if user.role in MUNICIPAL_ROLES:
        cached = getattr(user, "_municipality_scope", None)
        if cached is None:
            cached = frozenset(m.code for m in user.municipalities.all())  # prefetched per request
            user._municipality_scope = cached
        return cached
    return frozenset()


def serves_municipality(user, municipality_id: int) -> bool:
    """The user may serve citizens of municipality ``municipality_id`` (``municipality_scope``)."""
    scope = municipality_scope(user)
    return scope is None or municipality_id in scope


def own_municipalities(user) -> frozenset[int]:
    """The municipalities the user is attached to as municipal staff; none for everyone
    else, Udbetaling Danmark's national scope included. For what a municipality does as
    itself: its own pool applications, its own Kvik-linje organisation, its own register
    members."""
    return municipality_scope(user) or frozenset()


def scoped(qs: QuerySet, user, field: str = "municipality_id") -> QuerySet:
    """``qs`` limited to the rows whose ``field`` is a municipality the user serves."""
    scope = municipality_scope(user)
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def permitted_or_404(obj, *, user, perm: str, message: str):
    """``obj`` when it exists and ``user`` has ``perm`` on it; otherwise a 404 with
    ``message``, the same answer whether it is missing or out of reach, so a page never
    reveals that something the user may not see exists."""
    if obj is None or not rules.has_perm(perm, user, obj):
        raise Http404(message)
    return obj


@rules.predicate
def municipality_in_scope(user, obj) -> bool:
    """``obj`` carries its municipality (``municipality_id``): a service point, an
    appointment, a cash solution or arrangement, a review programme, a referral."""
    return obj is not None and serves_municipality(user, obj.municipality_id)


def has_role(*roles):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user) -> bool:
        return getattr(user, "is_authenticated", False) and user.is_active and user.role in roles

    return predicate


is_citizen = has_role(Role.CITIZEN)
is_administrator = has_role(Role.ADMINISTRATOR)
serves_citizens = has_role(*CITIZEN_SERVING_ROLES)

rules.add_perm("core.view_own_audit_log", is_citizen)
