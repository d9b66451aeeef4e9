"""The ambassador corps of "Flere skal med" (seed 002): municipal employees with good results
in small jobs for vulnerable citizens, listed nationally with their municipality and contact.

Writes (``add_ambassador``, ``withdraw_ambassador``) and reads (``ambassadors_visible_to``).
Pool officers keep the national list; a jobcentre manager adds and withdraws the ambassadors
of their own municipality. Pool officers and municipal staff see the whole list.
"""

from __future__ import annotations

import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from helhed.core.models import Municipality, User
from helhed.pools.models import Ambassador


def ambassadors_visible_to(user: User, *, include_withdrawn: bool = False) -> QuerySet[Ambassador]:
    if not rules.has_perm("pools.view_ambassadors", user):
        return Ambassador.objects.none()
    qs = Ambassador.objects.select_related("municipality").order_by("municipality__name", "name")
    return qs if include_withdrawn else qs.filter(withdrawn_at__isnull=True)


@transaction.atomic
def add_ambassador(*, actor: User, municipality_id: int, name: str, title: str, email: str, results: str,
                   phone: str = "", now: datetime.datetime) -> Ambassador:
    if not rules.has_perm("pools.manage_ambassadors", actor, municipality_id):
        raise PermissionDenied("Du kan kun optage ambassadører fra din egen kommune.")
    errors = {}
    if not Municipality.objects.filter(pk=municipality_id).exists():
        errors["municipality"] = "Vælg en af de 98 kommuner."
    for field, value, text in (("name", name, "Skriv navnet."), ("title", title, "Skriv stillingen."),
                               ("email", email, "Skriv en e-mailadresse."),
                               ("results", results, "Beskriv de gode resultater kort.")):
        if not value.strip():
            errors[field] = text
    if not errors and Ambassador.objects.filter(municipality_id=municipality_id, email__iexact=email.strip(),
                                                withdrawn_at__isnull=True).exists():
        errors["email"] = "Der er allerede en ambassadør med denne e-mailadresse i kommunen."
    if errors:
        raise ValidationError(errors)
    return Ambassador.objects.create(municipality_id=municipality_id, name=name.strip(), title=title.strip(),
                                     email=email.strip(), phone=phone.strip(), results=results.strip(),
                                     added_by=actor, added_at=now)


@transaction.atomic
def withdraw_ambassador(*, actor: User, ambassador: Ambassador, reason: str, now: datetime.datetime) -> Ambassador:
    ambassador = Ambassador.objects.select_for_update().get(pk=ambassador.pk)
    if not rules.has_perm("pools.manage_ambassadors", actor, ambassador.municipality_id):
        raise PermissionDenied("Du kan kun lade ambassadører fra din egen kommune udtræde.")
    if ambassador.withdrawn_at is not None:
        raise ValidationError("Ambassadøren er allerede udtrådt.")
    if not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse."})
    ambassador.withdrawn_at, ambassador.withdrawn_by, ambassador.withdrawal_reason = now, actor, reason.strip()
    ambassador.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return ambassador
