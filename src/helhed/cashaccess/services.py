"""Writes of cash access. One function per use case, one transaction each, keyword
arguments; every function refuses what the rules refuse with a Danish ``ValidationError``."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from helhed.cashaccess.models import (
    ALLOWED_TRANSITIONS,
    Acknowledgement,
    Arrangement,
    ArrangementStatus,
    ExpectedHandout,
    Handout,
    HandoutKind,
    PayoutRoute,
    Solution,
    SolutionType,
)
from helhed.cashaccess.selectors import Reconciled, amount_due, open_expected, reconcile
from helhed.core.calendar import add_business_days, month_bounds, next_business_day
from helhed.core.formats import kortdato, kroner
from helhed.core.idempotent import insert_once, made_before
from helhed.core.models import User
from helhed.registry.models import Citizen, NemKontoStatus

RECONCILIATION_TASK_BUSINESS_DAYS = 5

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


def collection_for(*, arrangement: Arrangement, paid_on: datetime.date) -> tuple[datetime.date, str]:
    """Where and from when a cash payment can be collected on an arrangement: from the
    payment day, or the first business day after it when it falls on a weekend or a Danish
    public holiday; at the solution's first place (else its hand-out place, else its
    provider). Our parameter: the texts leave where and when to the municipality's
    solution (seed 000, "løsninger, der varierer på tværs af landet")."""
    solution = arrangement.solution
    places = solution.location_list()
    place = places[0] if places else (solution.handout_place or solution.provider)
    return next_business_day(paid_on), place


def cash_arrangement_for(*, citizen: Citizen, on: datetime.date) -> Arrangement | None:
    """The citizen's active arrangement that pays in cash on ``on``, if any."""
    for arrangement in (Arrangement.objects.select_related("solution")
                        .filter(citizen=citizen, status=ArrangementStatus.ACTIVE, payout_route=PayoutRoute.CASH)):
        if arrangement.is_running(on):
            return arrangement
    return None


def expect_cash_handout(*, payment, actor: User | None) -> ExpectedHandout | None:
    """A benefit paid in cash ("Kontant udbetaling") is linked to the citizen's cash
    arrangement: it waits in the hand-out log until a hand-out confirms it, and its letter
    says where and from when to collect it (``collection_for``). Without an arrangement that
    pays cash, the municipality gets a task to agree on one: the payment is never held back
    (Folketingets Ombudsmand 2023; DOMAIN.md, seed 000 "Facts"). The same payment twice
    gives the same expected hand-out."""
    existing = ExpectedHandout.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    citizen = payment.citizen
    arrangement = cash_arrangement_for(citizen=citizen, on=payment.paid_on)
    if arrangement is None:
        from helhed.casework.models import Authority, TaskKind
        from helhed.casework.services import create_task

        create_task(
            kind=TaskKind.CASH_ARRANGEMENT, title="Aftal, hvor og hvornår borgeren får sine kontanter",
            description=f"{kroner(payment.amount)} udbetales kontant den {kortdato(payment.paid_on)}, men borgeren "
                        "har ingen aktiv kontantordning. Opret en, så udleveringen kan registreres.",
            citizen=citizen, case=payment.case, municipality_id=citizen.home_municipality_id,
            authority=Authority.MUNICIPALITY, due_on=add_business_days(payment.paid_on, 2),
            key=f"cash-arrangement-{payment.pk}")
        return None
    collect_from, place = collection_for(arrangement=arrangement, paid_on=payment.paid_on)
    return ExpectedHandout.objects.create(
        arrangement=arrangement, payment=payment, amount=payment.amount, collect_from=collect_from,
        place=place[:200], handed_out_by=arrangement.handed_out_by)


def log_handout(
    *,
    arrangement: Arrangement,
    staff: User,
    handed_out_on: datetime.date,
    kind: str,
    acknowledgement: str,
    idempotency_key: uuid.UUID,
    today: datetime.date,
    amount: Decimal | None = None,
    card: str = "",
    expected: ExpectedHandout | None = None,
) -> tuple[Handout, bool]:
    """Log one hand-out of cash or a card on an active arrangement. The date cannot lie after
    ``today`` (the log records what happened); cash cannot exceed what is due
    (``amount_due``). ``expected`` is the cash payment the hand-out confirms. The same
    ``idempotency_key`` twice (a form posted twice) gives the first hand-out back, so the
    log never holds a double. Returns ``(handout, created)``."""
    existing = made_before(Handout, idempotency_key, message="Formularen er allerede brugt til en anden ordning.",
                           arrangement_id=arrangement.pk)
    if existing is not None:
        return existing, False
    if arrangement.status != ArrangementStatus.ACTIVE:
        raise ValidationError(
            f"Ordningen er {arrangement.get_status_display().lower()}; der kan ikke udleveres på den.",
            code="not_active",
        )
    if handed_out_on > today:
        raise ValidationError({"handed_out_on": "Datoen ligger i fremtiden. Registrér udleveringen, når den er sket."},
                              code="future")
    if not arrangement.is_running(handed_out_on):
        raise ValidationError({"handed_out_on": "Datoen ligger uden for ordningens periode."})
    if acknowledgement not in Acknowledgement.values:
        raise ValidationError({"acknowledgement": "Vælg, hvordan borgeren har kvitteret."})
    if expected is not None and expected.arrangement_id != arrangement.pk:
        raise ValidationError({"expected": "Udbetalingen hører ikke til denne ordning."})
    if kind == HandoutKind.CASH:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": "Skriv det udleverede beløb i kroner."})
        card = ""
    elif kind == HandoutKind.CARD:
        if not card.strip():
            raise ValidationError({"card": "Skriv, hvilket kort der blev udleveret."})
        if expected is not None:
            raise ValidationError({"expected": "En kontant udbetaling bekræftes med kontanter, ikke et kort."})
        amount = None
    else:
        raise ValidationError({"kind": "Vælg kontanter eller kort."})
    with transaction.atomic():
        # One hand-out at a time per arrangement, so two cannot together exceed what is due.
        Arrangement.objects.select_for_update().filter(pk=arrangement.pk).first()
        if kind == HandoutKind.CASH:
            due = amount_due(arrangement)
            if amount > due:
                raise ValidationError({"amount": (
                    f"Beløbet er større end det, borgeren har til gode: {kroner(due)} Borgeren har ikke "
                    "fået udbetalt mere kontant, end der er udleveret.")}, code="above_due")
            if expected is not None and expected.pk not in {e.pk for e in open_expected(arrangement)}:
                raise ValidationError({"expected": "Udbetalingen er allerede udleveret."}, code="confirmed")
        handout = Handout(
            arrangement=arrangement, staff=staff, staff_name=staff.get_full_name() or staff.get_username(),
            handed_out_on=handed_out_on, kind=kind, amount=amount, card=card.strip(),
            acknowledgement=acknowledgement, idempotency_key=idempotency_key, expected=expected,
        )
        return insert_once(handout)


@transaction.atomic
def reverse_handout(*, handout: Handout, staff: User, reason: str, today: datetime.date,
                    idempotency_key: uuid.UUID) -> tuple[Handout, bool]:
    """Correct a mistake in the hand-out log: an appended reversal that cancels ``handout``
    (same kind and amount, the staff member and the reason), never an edit. A hand-out is
    reversed once; a reversal is not reversed (log the right hand-out anew instead). The
    payment it confirmed waits again. Returns ``(reversal, created)``."""
    existing = made_before(Handout, idempotency_key, message="Formularen er allerede brugt til noget andet.",
                           reverses_id=handout.pk)
    if existing is not None:
        return existing, False
    Arrangement.objects.select_for_update().filter(pk=handout.arrangement_id).first()
    if not reason.strip():
        raise ValidationError({"reason": "Skriv, hvorfor udleveringen tilbageføres."})
    if handout.reverses_id is not None:
        raise ValidationError({"handout": "En tilbageførsel kan ikke tilbageføres. Registrér den rigtige udlevering."},
                              code="reversal")
    if Handout.objects.filter(reverses=handout).exists():
        raise ValidationError({"handout": "Udleveringen er allerede tilbageført."}, code="reversed")
    reversal = Handout(
        arrangement_id=handout.arrangement_id, staff=staff, staff_name=staff.get_full_name() or staff.get_username(),
        handed_out_on=today, kind=handout.kind, amount=handout.amount, card=handout.card, acknowledgement="",
        reverses=handout, reason=reason.strip()[:300], idempotency_key=idempotency_key,
    )
    reversal.full_clean(exclude=["idempotency_key", "reverses"])
    reversal.save(force_insert=True)
    return reversal, True




@transaction.atomic
def reconcile_month(*, municipality_id: int, month: datetime.date, today: datetime.date) -> list[Reconciled]:
    """Reconcile a month that has ended for one municipality: every citizen whose cash paid
    and cash handed out differ gets a task in the municipality's queue (once per citizen and
    month, however often it is run). Returns the mismatches."""
    from helhed.casework.models import Authority, TaskKind
    from helhed.casework.services import create_task

    start, end = month_bounds(month)
    if end >= today:
        raise ValidationError({"month": "Måneden er ikke slut. Afstem en måned, der er gået."}, code="open_month")
    rows = [r for r in reconcile(arrangements=Arrangement.objects.filter(municipality_id=municipality_id),
                                 month=start) if not r.matches]
    for r in rows:
        create_task(
            kind=TaskKind.CASH_RECONCILIATION,
            title=f"Kontanter for {start:%m.%Y} stemmer ikke",
            description=(f"Udbetalt kontant: {kroner(r.paid)} Udleveret: {kroner(r.handed_out)} "
                         f"Forskel: {kroner(r.difference)} Find fejlen, og ret den i udleveringsloggen."),
            citizen=r.citizen, municipality_id=municipality_id, authority=Authority.MUNICIPALITY,
            due_on=add_business_days(today, RECONCILIATION_TASK_BUSINESS_DAYS),
            key=f"cash-reconcile-{r.arrangement.pk}-{start:%Y-%m}")
    return rows
