"""Writes to the citizen registry. Each function is one use case and one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helhed.core.cpr import cpr_blind_index, encrypt_cpr, parse_cpr
from helhed.core.models import Municipality
from helhed.registry.models import (
    Citizen,
    DigitalPostExemption,
    NemKontoStatus,
    Representation,
)


def search_name_for(first_name: str, last_name: str) -> str:
    """Case-folded full name, so that name search ignores case also for æ, ø and å."""
    return f"{first_name} {last_name}".casefold()


def new_citizen(
    *,
    cpr: str,
    first_name: str,
    last_name: str,
    home_municipality: Municipality | int,
    today: datetime.date | None = None,
    **details,
) -> Citizen:
    """An unsaved citizen with CPR encrypted and indexed and birth date and sex derived.
    Raises ``ValidationError`` (in Danish, without the number) for an invalid CPR."""
    facts = parse_cpr(cpr, today=today)
    municipality_field = (
        {"home_municipality_id": home_municipality}
        if isinstance(home_municipality, int)
        else {"home_municipality": home_municipality}
    )
    return Citizen(
        cpr_encrypted=encrypt_cpr(facts.number),
        cpr_index=cpr_blind_index(facts.number),
        birth_date=facts.birth_date,
        sex=facts.sex,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        search_name=search_name_for(first_name.strip(), last_name.strip()),
        **municipality_field,
        **details,
    )


def register_citizen(**kwargs) -> Citizen:
    """Register a citizen. The same CPR number cannot be registered twice."""
    citizen = new_citizen(**kwargs)
    citizen.full_clean(exclude=["cpr_index", "search_name", "cpr_encrypted"])
    try:
        with transaction.atomic():
            citizen.save(force_insert=True)
    except IntegrityError:
        if Citizen.objects.filter(cpr_index=citizen.cpr_index).exists():
            raise ValidationError(
                "Der findes allerede en borger med dette CPR-nummer.", code="duplicate"
            ) from None
        raise
    return citizen


def digital_post_exemption_expiry(registered_on: datetime.date) -> datetime.date:
    """An exemption from Digital Post normally lasts until 1 November of the second
    calendar year after it was registered (seed 004; bekendtgørelse nr. 1553 af 2022 om
    fritagelse for digital post fra offentlige afsendere § 5, as summarised in DOMAIN.md)."""
    return datetime.date(registered_on.year + 2, 11, 1)


@transaction.atomic
def register_digital_post_exemption(
    *, citizen: Citizen, ground: str, registered_on: datetime.date, signed_by_representative=False
) -> DigitalPostExemption:
    exemption = DigitalPostExemption(
        citizen=citizen,
        ground=ground,
        registered_on=registered_on,
        expires_on=digital_post_exemption_expiry(registered_on),
        signed_by_representative=signed_by_representative,
    )
    exemption.full_clean()
    exemption.save()
    return exemption


@transaction.atomic
def grant_representation(
    *,
    citizen: Citizen,
    representative: Citizen,
    kind: str,
    scope: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Representation:
    if citizen.pk == representative.pk:
        raise ValidationError("En borger kan ikke være sin egen repræsentant.", code="self")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError("Slutdatoen ligger før startdatoen.", code="period")
    return Representation.objects.create(
        citizen=citizen,
        representative=representative,
        kind=kind,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def set_nemkonto_status(*, citizen: Citizen, status: NemKontoStatus) -> Citizen:
    citizen.nemkonto = status
    citizen.save(update_fields=["nemkonto", "updated_at"])
    return citizen
