"""Writes of cash access. One function per use case, one transaction each, keyword
arguments; every function refuses what the rules refuse with a Danish ``ValidationError``."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helhed.cashaccess.models import (
    ALLOWED_TRANSITIONS,
    Arrangement,
    ArrangementStatus,
    Handout,
    HandoutKind,
    PayoutRoute,
    Solution,
    SolutionType,
)
from helhed.core.models import User
from helhed.registry.models import Citizen, NemKontoStatus

SOLUTION_FIELDS = (
    "kind", "name", "description", "provider", "locations", "capacity", "starts_on", "ends_on",
    "requirement_text", "bank", "contract_starts_on", "contract_ends_on", "card_kept_by", "handout_place",
)


def payout_route_problem(*, nemkonto: str, payout_route: str) -> str | None:
    """No benefit payment is left without a payout route.

    A municipality may not withhold kontanthjælp because a citizen has no NemKonto; it must
    pay another way, e.g. in cash (Folketingets Ombudsmand, 2023; DOMAIN.md, seed 000
    "Facts"). So every arrangement, and every pause or end of one, names a route, and a
    citizen without NemKonto can never be sent to NemKonto. Returns the Danish reason the
    route is refused, or ``None`` when the benefit has somewhere to go.
    """
    if payout_route not in PayoutRoute.values:
        return "Vælg, hvordan ydelsen skal udbetales. En ydelse må ikke stå uden udbetalingsvej."
    if payout_route == PayoutRoute.NEMKONTO and nemkonto == NemKontoStatus.MISSING:
        return ("Borgeren har ingen NemKonto. Ydelsen må ikke holdes tilbage af den grund; "
                "den skal udbetales på anden måde, fx kontant (Ombudsmanden 2023).")
    return None


def _require_payout_route(*, citizen: Citizen, payout_route: str, field: str) -> None:
    problem = payout_route_problem(nemkonto=citizen.nemkonto, payout_route=payout_route)
    if problem:
        raise ValidationError({field: problem}, code="no_payout_route")


def _check_solution(solution: Solution) -> None:
    errors = {}
    if solution.ends_on and solution.ends_on < solution.starts_on:
        errors["ends_on"] = "Slutdatoen ligger før startdatoen."
    if solution.kind == SolutionType.BANK_TENDER:
        for name in ("requirement_text", "bank", "contract_starts_on", "contract_ends_on"):
            if not getattr(solution, name):
                errors[name] = "Skal udfyldes for et krav i bankudbuddet."
        if (solution.contract_starts_on and solution.contract_ends_on
                and solution.contract_ends_on < solution.contract_starts_on):
            errors["contract_ends_on"] = "Kontraktens slutdato ligger før dens startdato."
    if solution.kind == SolutionType.PAYMENT_CARD_HANDLING:
        for name in ("card_kept_by", "handout_place"):
            if not getattr(solution, name):
                errors[name] = "Skal udfyldes for håndtering og udlevering af betalingskort."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_solution(*, municipality_id: int, actor: User | None, **fields) -> Solution:
    """A municipality records a cash-access solution it offers (seed 000, "Partnerskabet")."""
    solution = Solution(municipality_id=municipality_id, created_by=actor,
                        **{k: v for k, v in fields.items() if k in SOLUTION_FIELDS})
    _check_solution(solution)
    solution.full_clean()
    solution.save()
    return solution


@transaction.atomic
def change_solution(*, solution: Solution, **fields) -> Solution:
    for name in SOLUTION_FIELDS:
        if name in fields:
            setattr(solution, name, fields[name])
    _check_solution(solution)
    solution.full_clean()
    solution.save()
    return solution


@transaction.atomic
def set_up_arrangement(
    *,
    citizen: Citizen,
    solution: Solution,
    actor: User,
    incapacity: str,
    benefit: str,
    payout_route: str,
    schedule: str,
    handed_out_by: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    incapacity_note: str = "",
) -> Arrangement:
    """Record that the citizen cannot use payment or cash cards, and why, and set up their
    arrangement on one of their municipality's solutions. The benefit must have a payout
    route (``payout_route_problem``)."""
    if solution.municipality_id != citizen.home_municipality_id:
        raise ValidationError({"solution": "Løsningen hører ikke til borgerens kommune."})
    if solution.kind == SolutionType.BANK_TENDER:
        raise ValidationError({"solution": "Et krav i bankudbuddet er ikke en ordning for den enkelte borger."})
    if not solution.is_active(starts_on):
        raise ValidationError({"solution": "Løsningen er ikke i drift på ordningens startdato."})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "Slutdatoen ligger før startdatoen."})
    _require_payout_route(citizen=citizen, payout_route=payout_route, field="payout_route")
    if Arrangement.objects.filter(citizen=citizen).exclude(status=ArrangementStatus.ENDED).exists():
        raise ValidationError("Borgeren har allerede en kontantordning, der ikke er afsluttet.", code="duplicate")
    arrangement = Arrangement(
        citizen=citizen, solution=solution, municipality_id=citizen.home_municipality_id,
        incapacity=incapacity, incapacity_note=incapacity_note, benefit=benefit,
        payout_route=payout_route, schedule=schedule, handed_out_by=handed_out_by,
        starts_on=starts_on, ends_on=ends_on, created_by=actor,
    )
    arrangement.full_clean()
    arrangement.save()
    return arrangement


@transaction.atomic
def change_arrangement_status(
    *,
    arrangement: Arrangement,
    status: str,
    on: datetime.date,
    reason: str,
    following_payout_route: str = "",
) -> Arrangement:
    """Pause, resume or end an arrangement. Only the transitions in ``ALLOWED_TRANSITIONS``
    are possible. Pausing or ending names how the benefit is paid meanwhile or afterwards:
    no benefit payment is left without a payout route (``payout_route_problem``)."""
    arrangement = Arrangement.objects.select_for_update().select_related("citizen").get(pk=arrangement.pk)
    current = ArrangementStatus(arrangement.status)
    if status not in ALLOWED_TRANSITIONS[current]:
        target = ArrangementStatus(status).label.lower() if status in ArrangementStatus.values else status
        raise ValidationError(
            f"En ordning, der er {current.label.lower()}, kan ikke blive {target}.", code="illegal_transition"
        )
    if not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse."})
    if on < arrangement.starts_on:
        raise ValidationError({"on": "Datoen ligger før ordningens startdato."})
    if status in (ArrangementStatus.PAUSED, ArrangementStatus.ENDED):
        _require_payout_route(citizen=arrangement.citizen, payout_route=following_payout_route,
                              field="following_payout_route")
        arrangement.following_payout_route = following_payout_route
    else:
        arrangement.following_payout_route = ""
    if status == ArrangementStatus.ENDED:
        arrangement.ends_on = on
    arrangement.status = status
    arrangement.status_reason = reason.strip()
    arrangement.save(update_fields=["status", "status_reason", "following_payout_route", "ends_on"])
    return arrangement


def log_handout(
    *,
    arrangement: Arrangement,
    staff: User,
    handed_out_on: datetime.date,
    kind: str,
    acknowledgement: str,
    idempotency_key: uuid.UUID,
    amount: Decimal | None = None,
    card: str = "",
) -> tuple[Handout, bool]:
    """Log one hand-out of cash or a card on an active arrangement. The same
    ``idempotency_key`` twice (a form posted twice) gives the first hand-out back, so the
    log never holds a double. Returns ``(handout, created)``."""
    existing = Handout.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.arrangement_id != arrangement.pk:
            raise ValidationError("Formularen er allerede brugt til en anden ordning.", code="key_reused")
        return existing, False
    if arrangement.status != ArrangementStatus.ACTIVE:
        raise ValidationError(
            f"Ordningen er {arrangement.get_status_display().lower()}; der kan ikke udleveres på den.",
            code="not_active",
        )
    if not arrangement.is_running(handed_out_on):
        raise ValidationError({"handed_out_on": "Datoen ligger uden for ordningens periode."})
    if kind == HandoutKind.CASH:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": "Skriv det udleverede beløb i kroner."})
        card = ""
    elif kind == HandoutKind.CARD:
        if not card.strip():
            raise ValidationError({"card": "Skriv, hvilket kort der blev udleveret."})
        amount = None
    else:
        raise ValidationError({"kind": "Vælg kontanter eller kort."})
    handout = Handout(
        arrangement=arrangement, staff=staff, staff_name=staff.get_full_name() or staff.get_username(),
        handed_out_on=handed_out_on, kind=kind, amount=amount, card=card.strip(),
        acknowledgement=acknowledgement, idempotency_key=idempotency_key,
    )
    handout.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            handout.save(force_insert=True)
    except IntegrityError:
        # Two posts of the same form at the same moment: the other one won.
        existing = Handout.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return handout, True
