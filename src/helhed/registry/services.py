"""Writes to the citizen registry. Each function is one use case and one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helhed.core.cpr import cpr_blind_index, encrypt_cpr, parse_cpr
from helhed.core.models import Municipality
from helhed.registry.models import (
    AccountOpenedAt,
    Citizen,
    DigitalPostExemption,
    NeedsConclusion,
    NeedsFactor,
    NemKontoChange,
    NemKontoStatus,
    Representation,
    RepresentationKind,
    RepresentationScope,
    SpecialNeedsAssessment,
)
from helhed.registry.rules import representation_permits


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
    *, citizen: Citizen, ground: str, registered_on: datetime.date, signed_by_representative=False,
    expires_on: datetime.date | None = None, declaration=None, representation: Representation | None = None,
    actor=None,
) -> DigitalPostExemption:
    """Register an exemption from Digital Post. The end defaults to
    ``digital_post_exemption_expiry``; the declaration is signed by the citizen in person or
    by a representative with a power of attorney in force that lets them act (seed 004)."""
    if expires_on is not None and expires_on <= registered_on:
        raise ValidationError({"expires_on": "Slutdatoen skal ligge efter registreringsdatoen."})
    if representation is not None:
        if representation.citizen_id != citizen.pk or not representation_permits(
            representation, action="act", benefit_area=None, today=registered_on
        ):
            raise ValidationError({"representation": "Repræsentanten har ikke en gyldig fuldmagt til at handle "
                                                     "for borgeren."})
        signed_by_representative = True
    elif signed_by_representative:
        raise ValidationError({"representation": "Vælg den fuldmagt, repræsentanten kom med."})
    exemption = DigitalPostExemption(
        citizen=citizen,
        ground=ground,
        registered_on=registered_on,
        expires_on=expires_on or digital_post_exemption_expiry(registered_on),
        signed_by_representative=signed_by_representative,
        representation=representation,
        registered_by=actor,
    )
    if declaration is not None:
        exemption.declaration.save(declaration.name, declaration, save=False)
    exemption.full_clean(exclude=["declaration"])
    exemption.save()
    return exemption


def find_citizen_by_cpr(cpr: str) -> Citizen:
    """The registered citizen with this CPR number (for choosing a representative; the number
    comes by POST, never in a URL). Raises ``ValidationError`` in Danish."""
    facts = parse_cpr(cpr)
    citizen = Citizen.objects.filter(cpr_index=cpr_blind_index(facts.number)).first()
    if citizen is None:
        raise ValidationError("Der er ingen registreret borger med dette CPR-nummer.", code="unknown")
    return citizen


def scope_text(scope_kind: str, benefit_areas: list[str]) -> str:
    """The scope in words, as the citizen and staff read it."""
    if scope_kind == RepresentationScope.AREAS:
        from helhed.casework.models import BenefitArea

        return "Ansøgninger og sager om " + ", ".join(str(BenefitArea(a).label).lower() for a in benefit_areas)
    return str(RepresentationScope(scope_kind).label)


@transaction.atomic
def grant_representation(
    *,
    citizen: Citizen,
    representative: Citizen,
    kind: str = RepresentationKind.POWER_OF_ATTORNEY,
    scope: str = "",
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    scope_kind: str = RepresentationScope.FULL,
    benefit_areas: list[str] | None = None,
    actor=None,
) -> Representation:
    """Give ``representative`` power to act for ``citizen`` within a scope: full, certain
    benefit areas, or read-only (``representation_permits``). The same fuldmagt given again
    while it is in force (a double click) returns the one there is."""
    if citizen.pk == representative.pk:
        raise ValidationError("En borger kan ikke være sin egen repræsentant.", code="self")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError("Slutdatoen ligger før startdatoen.", code="period")
    if scope_kind not in RepresentationScope.values:
        raise ValidationError("Vælg fuldmagtens omfang.", code="scope")
    areas = sorted(set(benefit_areas or [])) if scope_kind == RepresentationScope.AREAS else []
    if scope_kind == RepresentationScope.AREAS:
        from helhed.casework.models import BenefitArea

        if not areas:
            raise ValidationError({"benefit_areas": "Vælg mindst én ydelse, fuldmagten gælder."})
        if not set(areas) <= set(BenefitArea.values):
            raise ValidationError({"benefit_areas": "Ukendt ydelse."})
    same = Representation.objects.filter(
        citizen=citizen, representative=representative, kind=kind, valid_from=valid_from, valid_until=valid_until,
        scope_kind=scope_kind, revoked_at__isnull=True).order_by("pk")
    for existing in same:
        if sorted(existing.benefit_areas or []) == areas:
            return existing  # the same form sent twice (a double click): one fuldmagt
    return Representation.objects.create(
        citizen=citizen,
        representative=representative,
        kind=kind,
        scope=scope or scope_text(scope_kind, areas),
        valid_from=valid_from,
        valid_until=valid_until,
        scope_kind=scope_kind,
        benefit_areas=areas,
        granted_by=actor,
    )


@transaction.atomic
def revoke_representation(*, representation: Representation, actor, now: datetime.datetime) -> Representation:
    """Revoke a power of attorney at once (the citizen may do so at any time). Revoking
    twice is refused, so the first revocation's time and person stay."""
    locked = Representation.objects.select_for_update().get(pk=representation.pk)
    if locked.revoked_at is not None:
        raise ValidationError("Fuldmagten er allerede tilbagekaldt.", code="revoked")
    locked.revoked_at = now
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def assessment_problems(*, citizen: Citizen, municipality_id: int, factors: list[str], citizen_description: str,
                        conclusion: str, reasoning: str, contact_person, assessed_on: datetime.date,
                        review_on: datetime.date) -> dict[str, str]:
    """What is missing or wrong in a helhedsvurdering. Source: seed 004 (lov om Udbetaling
    Danmark § 3 stk. 2 and 3): the citizen's own description of abilities and needs must be
    recorded and given considerable weight; a citizen with special needs gets a named
    municipal contact person (a user of the citizen's municipality)."""
    problems: dict[str, str] = {}
    if not set(factors) <= set(NeedsFactor.values):
        problems["factors"] = "Ukendt forhold."
    if not citizen_description.strip():
        problems["citizen_description"] = "Skriv borgerens egen beskrivelse af sine evner og behov."
    if conclusion not in NeedsConclusion.values:
        problems["conclusion"] = "Vælg en konklusion."
    if not reasoning.strip():
        problems["reasoning"] = "Skriv en begrundelse for konklusionen."
    if review_on <= assessed_on:
        problems["review_on"] = "Datoen for revurdering skal ligge efter vurderingen."
    if conclusion == NeedsConclusion.SPECIAL_NEEDS:
        from helhed.core.roles import MUNICIPAL_ROLES

        if contact_person is None:
            problems["contact_person"] = "En borger med særlige behov skal have en navngiven kontaktperson."
        elif contact_person.role not in MUNICIPAL_ROLES or not contact_person.is_active or not (
            contact_person.municipalities.filter(code=municipality_id).exists()
        ):
            problems["contact_person"] = "Kontaktpersonen skal være ansat i borgerens kommune."
    return problems


@transaction.atomic
def record_needs_assessment(*, citizen: Citizen, actor, factors: list[str], factors_note: str = "",
                            citizen_description: str, conclusion: str, reasoning: str, contact_person=None,
                            assessed_on: datetime.date, review_on: datetime.date) -> SpecialNeedsAssessment:
    """Record the municipality's helhedsvurdering; the newest one is in force."""
    municipality_id = citizen.home_municipality_id
    problems = assessment_problems(
        citizen=citizen, municipality_id=municipality_id, factors=factors, citizen_description=citizen_description,
        conclusion=conclusion, reasoning=reasoning, contact_person=contact_person, assessed_on=assessed_on,
        review_on=review_on)
    if problems:
        raise ValidationError(problems)
    return SpecialNeedsAssessment.objects.create(
        citizen=citizen, municipality_id=municipality_id, factors=sorted(set(factors)),
        factors_note=factors_note.strip(), citizen_description=citizen_description.strip(),
        conclusion=conclusion, reasoning=reasoning.strip(),
        contact_person=contact_person if conclusion != NeedsConclusion.NONE else None,
        assessed_on=assessed_on, review_on=review_on, assessed_by=actor)


def set_nemkonto_status(*, citizen: Citizen, status: NemKontoStatus) -> Citizen:
    citizen.nemkonto = status
    citizen.save(update_fields=["nemkonto", "updated_at"])
    return citizen


@transaction.atomic
def record_account_opened(*, citizen: Citizen, actor, opened_at: str, opened_on: datetime.date,
                          today: datetime.date) -> NemKontoChange:
    """Staff record that a citizen without NemKonto has opened an account: through Udbetaling
    Danmark's bank it becomes "konto via Udbetaling Danmarks bank", elsewhere "har NemKonto"
    (seed 004: "A citizen can get an account usable as NemKonto through UDK's bank"). The
    open NemKonto task is closed: its work is done. Payments from now on go to the account
    (``casework.policy.payment_method``)."""
    locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
    errors = {}
    if opened_at not in AccountOpenedAt.values:
        errors["opened_at"] = "Vælg, hvor kontoen er åbnet."
    if opened_on is None:
        errors["opened_on"] = "Skriv, hvornår kontoen er åbnet."
    elif opened_on > today:
        errors["opened_on"] = "Datoen ligger i fremtiden. Registrér kontoen, når den er åbnet."
    if errors:
        raise ValidationError(errors)
    if locked.nemkonto != NemKontoStatus.MISSING:
        raise ValidationError(f"Borgeren har allerede en NemKonto ({locked.get_nemkonto_display().lower()}).",
                              code="has_nemkonto")
    new_status = NemKontoStatus.UDK_ACCOUNT if opened_at == AccountOpenedAt.UDK_BANK else NemKontoStatus.REGISTERED
    change = NemKontoChange.objects.create(citizen=locked, from_status=locked.nemkonto, to_status=new_status,
                                           opened_at=opened_at, opened_on=opened_on, recorded_by=actor)
    locked.nemkonto = new_status
    locked.save(update_fields=["nemkonto", "updated_at"])
    from helhed.casework.models import Task, TaskKind, TaskStatus  # casework builds on the registry

    Task.objects.filter(citizen=locked, kind=TaskKind.NEMKONTO, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=timezone.now(), done_by=actor)
    citizen.nemkonto = new_status
    return change
