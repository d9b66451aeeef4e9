"""The cash-access API: the municipality's solutions and arrangements for municipal staff
(scoped; arrangement reads are audited by the selectors), and the partnership's aggregate
indicators, where a suppressed figure is ``null``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from helhed.cashaccess import selectors, services
from helhed.cashaccess.models import Acknowledgement, HandoutKind, SolutionType
from helhed.core.api import ErrorOut, api_user

router = Router(tags=["Kontantadgang"])


class SolutionOut(Schema):
    id: UUID
    municipality: int
    kind: str
    kind_label: str
    name: str
    provider: str
    locations: list[str]
    capacity: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    requirement_text: str
    bank: str
    contract_starts_on: datetime.date | None
    contract_ends_on: datetime.date | None
    card_kept_by: str
    handout_place: str


class SolutionIn(Schema):
    kind: SolutionType
    name: str = Field(..., min_length=1, max_length=150)
    provider: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    locations: list[str] = []
    capacity: int | None = Field(None, ge=0)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    requirement_text: str = ""
    bank: str = ""
    contract_starts_on: datetime.date | None = None
    contract_ends_on: datetime.date | None = None
    card_kept_by: str = ""
    handout_place: str = ""


class HandoutOut(Schema):
    id: UUID
    handed_out_on: datetime.date
    kind: str
    amount: Decimal | None
    card: str
    staff_name: str
    acknowledgement: str


class ArrangementOut(Schema):
    id: UUID
    citizen_id: UUID
    citizen_name: str
    solution_id: UUID
    solution_name: str
    status: str
    benefit: str
    payout_route: str
    schedule: str
    handed_out_by: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    following_payout_route: str
    handouts: list[HandoutOut]


class HandoutIn(Schema):
    idempotency_key: UUID
    handed_out_on: datetime.date
    kind: HandoutKind
    amount: Decimal | None = None
    card: str = ""
    acknowledgement: Acknowledgement


class CountOut(Schema):
    key: str
    label: str
    count: int | None = Field(..., description="`null`: under 5 eller skjult, så ingen borger kan genkendes")


class MunicipalityIndicatorOut(Schema):
    code: int
    name: str
    solution_kinds: list[str]
    bank_tender: bool
    citizens_with_arrangement: int | None
    handouts: int | None


class IndicatorsOut(Schema):
    period_start: datetime.date
    period_end: datetime.date
    citizens_with_arrangement: int | None
    citizens_by_solution_kind: list[CountOut]
    municipalities_by_solution_kind: list[CountOut]
    municipalities_with_bank_tender: int
    handouts: int | None
    handouts_by_month: list[CountOut]
    municipalities: list[MunicipalityIndicatorOut]


def _solution(s) -> SolutionOut:
    return SolutionOut(
        id=s.pk, municipality=s.municipality_id, kind=s.kind, kind_label=s.get_kind_display(), name=s.name,
        provider=s.provider, locations=s.location_list(), capacity=s.capacity, starts_on=s.starts_on,
        ends_on=s.ends_on, requirement_text=s.requirement_text, bank=s.bank,
        contract_starts_on=s.contract_starts_on, contract_ends_on=s.contract_ends_on,
        card_kept_by=s.card_kept_by, handout_place=s.handout_place,
    )


def _arrangement(detail) -> ArrangementOut:
    a = detail.arrangement
    return ArrangementOut(
        id=a.pk, citizen_id=a.citizen_id, citizen_name=a.citizen.full_name, solution_id=a.solution_id,
        solution_name=a.solution.name, status=a.status, benefit=a.benefit, payout_route=a.payout_route,
        schedule=a.schedule, handed_out_by=a.handed_out_by, starts_on=a.starts_on, ends_on=a.ends_on,
        following_payout_route=a.following_payout_route,
        handouts=[HandoutOut(id=h.pk, handed_out_on=h.handed_out_on, kind=h.kind, amount=h.amount, card=h.card,
                             staff_name=h.staff_name, acknowledgement=h.acknowledgement) for h in detail.handouts],
    )


@router.get("/cashaccess/solutions", response={200: list[SolutionOut], 403: ErrorOut},
            summary="Kommunens kontantløsninger")
def list_solutions(request):
    api_user(request, "cashaccess.view_solutions", "Kun kommunale medarbejdere ser kommunens løsninger.")
    return [_solution(s) for s in selectors.solutions_visible_to(request.auth)]


@router.post("/cashaccess/solutions", response={201: SolutionOut, 403: ErrorOut, 422: ErrorOut},
             summary="Registrér en kontantløsning for din kommune")
def create_solution(request, payload: SolutionIn):
    user = api_user(request, "cashaccess.record_solutions", "Din rolle kan ikke registrere løsninger.")
    municipalities = sorted(user.municipalities.values_list("code", flat=True))
    if not municipalities:
        raise HttpError(403, "Du er ikke knyttet til en kommune.")
    data = payload.dict()
    data["locations"] = "\n".join(data["locations"])
    solution = services.record_solution(municipality_id=municipalities[0], actor=user, **data)
    return Status(201, _solution(solution))


@router.get("/cashaccess/arrangements/{arrangement_id}", response={200: ArrangementOut, 403: ErrorOut, 404: ErrorOut},
            summary="En borgers kontantordning og udleveringslog")
def get_arrangement(request, arrangement_id: UUID):
    api_user(request, "cashaccess.serve_arrangements", "Din rolle giver ikke adgang til kontantordninger.")
    detail = selectors.arrangement_detail(user=request.auth, arrangement_id=arrangement_id,
                                          purpose="Kontantadgang: opslag via API", channel="api")
    return _arrangement(detail)


@router.post("/cashaccess/arrangements/{arrangement_id}/handouts",
             response={200: HandoutOut, 201: HandoutOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Registrér en udlevering (samme idempotency_key to gange giver én udlevering)")
def create_handout(request, arrangement_id: UUID, payload: HandoutIn):
    api_user(request, "cashaccess.serve_arrangements", "Din rolle giver ikke adgang til kontantordninger.")
    detail = selectors.arrangement_detail(user=request.auth, arrangement_id=arrangement_id,
                                          purpose="Kontantadgang: udlevering via API", channel="api")
    handout, created = services.log_handout(arrangement=detail.arrangement, staff=request.auth,
                                            today=timezone.localdate(), **payload.dict())
    out = HandoutOut(id=handout.pk, handed_out_on=handout.handed_out_on, kind=handout.kind, amount=handout.amount,
                     card=handout.card, staff_name=handout.staff_name, acknowledgement=handout.acknowledgement)
    return Status(201 if created else 200, out)


class PeriodIn(Schema):
    fra: datetime.date | None = None
    til: datetime.date | None = None


@router.get("/cashaccess/indicators", response={200: IndicatorsOut, 403: ErrorOut, 422: ErrorOut},
            summary="Partnerskabets indikatorer (kun samlede tal; tal under 5 er `null`)")
def get_indicators(request, period: Query[PeriodIn]):
    api_user(request, "cashaccess.view_indicators", "Kun for partnerskabet om kontantadgang.")
    today = timezone.localdate()
    start, end = period.fra or today.replace(month=1, day=1), period.til or today
    if end < start:
        raise HttpError(422, "Perioden slutter før den begynder.")
    i = selectors.indicators(user=request.auth, period_start=start, period_end=end)
    return IndicatorsOut(
        period_start=i.period_start, period_end=i.period_end,
        citizens_with_arrangement=i.citizens_total.value,
        citizens_by_solution_kind=[CountOut(key=r.key, label=r.label, count=r.cell.value) for r in i.citizens_by_kind],
        municipalities_by_solution_kind=[
            CountOut(key=k, label=label, count=n) for k, label, n in i.municipalities_by_kind
        ],
        municipalities_with_bank_tender=i.municipalities_with_bank_tender,
        handouts=i.handouts_total.value,
        handouts_by_month=[CountOut(key=r.key, label=r.label, count=r.cell.value) for r in i.handouts_by_month],
        municipalities=[
            MunicipalityIndicatorOut(code=m.code, name=m.name, solution_kinds=m.kinds, bank_tender=m.bank_tender,
                                     citizens_with_arrangement=m.citizens.value, handouts=m.handouts.value)
            for m in i.municipalities
        ],
    )
