"""The grant-pool API: pools with their tranche schedule, applications, allocations,
tranches with payouts and forfeitures, and a municipality's dashboard figures (the same
figures as the page and the PDF). Pool officers see every municipality; a municipality's
staff see their own only. No citizen data is ever returned."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import rules
from django.utils import timezone
from ninja import Field, Router, Schema

from helhed.core.api import ErrorOut, api_user
from helhed.core.rules import municipality_scope
from helhed.pools import selectors
from helhed.pools.models import Forfeiture, Payout

router = Router(tags=["Puljer"])


class TrancheOut(Schema):
    number: int
    percent: Decimal
    milestone: str = Field(..., description="at_start, all_resolved eller effort_share")
    description: str
    threshold_percent: Decimal | None
    consecutive_months: int | None
    latest_on: datetime.date


class PoolOut(Schema):
    id: UUID
    name: str
    legal_basis: str
    total: Decimal
    unit: int
    period_start: datetime.date
    period_end: datetime.date
    opens_on: datetime.date
    deadline: datetime.date
    target_rule: str
    reference_date: datetime.date
    allocation_basis: str
    parent: UUID | None
    allocated: bool
    tranches_in_order: bool = Field(..., description="En senere rate udbetales først, når de tidligere er nået")
    unclaimed: Decimal | None = Field(None, description="Kun for puljeansvarlige")
    tranches: list[TrancheOut]


class StaffingOut(Schema):
    role: str
    fte: Decimal
    cost: Decimal


class PoolApplicationOut(Schema):
    id: UUID
    municipality: int
    status: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    reason: str
    staffing: list[StaffingOut]


class AllocationOut(Schema):
    municipality: int
    count: int
    amount: Decimal
    applied: bool


class DecisionOut(Schema):
    tranche: int
    municipality: int
    outcome: str = Field(..., description="udbetalt eller bortfaldet")
    amount: Decimal
    met_on: datetime.date | None
    rule_version: str
    evidence: dict
    batch: UUID | None = Field(None, description="Det godkendte forslag, udbetalingen bygger på")
    approved_at: datetime.datetime | None = None


class BatchLineOut(Schema):
    tranche: int
    municipality: int
    outcome: str = Field(..., description="`pay` eller `forfeit`")
    amount: Decimal
    met_on: datetime.date | None
    rule_version: str
    evidence: dict


class BatchOut(Schema):
    id: UUID
    as_of: datetime.date
    status: str = Field(..., description="`proposed`, `recommended`, `approved` eller `rejected`")
    proposed_at: datetime.datetime
    recommended_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    reason: str
    rule_version: str
    lines: list[BatchLineOut]


class MonthOut(Schema):
    month: str
    recipients: int | None
    in_virksomhedsrettet_indsats: int | None
    percent: Decimal | None


class DashboardTrancheOut(Schema):
    number: int
    percent: Decimal
    milestone: str
    latest_on: datetime.date
    amount: Decimal
    status: str
    met_on: datetime.date | None


class FiguresOut(Schema):
    """Counts below the small-count threshold, and those that would reveal them, are null."""

    target_group: int | None
    gross_target_group: int | None
    resolved: int | None
    resolved_percent: Decimal | None
    effort_percent_last_month: Decimal | None


class DashboardOut(Schema):
    municipality: int
    today: datetime.date
    allocation: Decimal | None
    paid: Decimal
    figures: FiguresOut
    national: FiguresOut
    months: list[MonthOut]
    tranches: list[DashboardTrancheOut]


def _require(request):
    api_user(request, "pools.view_pools", "Din rolle giver ikke adgang til puljer.")


def _pool(p, user) -> PoolOut:
    manage = rules.has_perm("pools.manage_pools", user)
    return PoolOut(
        id=p.pk, name=p.name, legal_basis=p.legal_basis, total=p.total, unit=p.unit, period_start=p.period_start,
        period_end=p.period_end, opens_on=p.opens_on, deadline=p.deadline, target_rule=p.rule_name,
        reference_date=p.reference_date, allocation_basis=p.allocation_basis, parent=p.parent_id,
        allocated=p.allocated_at is not None, tranches_in_order=p.tranches_in_order,
        unclaimed=selectors.unclaimed(p) if manage and p.allocated_at else None,
        tranches=[TrancheOut(number=t.number, percent=t.percent, milestone=t.kind, description=t.description,
                             threshold_percent=t.threshold, consecutive_months=t.months, latest_on=t.latest_on)
                  for t in p.tranches.all()],
    )


def _in_scope(user, code: int) -> bool:
    return rules.has_perm("pools.view_municipality", user, code)


@router.get("/pools", response={200: list[PoolOut], 403: ErrorOut}, summary="Puljer med raterne")
def list_pools(request):
    _require(request)
    return [_pool(p, request.auth) for p in selectors.pools_with_totals(request.auth)]


@router.get("/pools/{pool_id}", response={200: PoolOut, 403: ErrorOut, 404: ErrorOut}, summary="Én pulje")
def get_pool(request, pool_id: UUID):
    _require(request)
    return _pool(selectors.get_pool(user=request.auth, pool_id=pool_id), request.auth)


@router.get("/pools/{pool_id}/applications", response={200: list[PoolApplicationOut], 403: ErrorOut, 404: ErrorOut},
            summary="Ansøgninger (kommunens egen, eller alle for puljeansvarlige)")
def list_applications(request, pool_id: UUID):
    _require(request)
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    return [PoolApplicationOut(id=a.pk, municipality=a.municipality_id, status=a.status, submitted_at=a.submitted_at,
                           decided_at=a.decided_at, reason=a.reason,
                           staffing=[StaffingOut(role=s.role, fte=s.fte, cost=s.cost) for s in a.staffing.all()])
            for a in selectors.applications(user=request.auth, pool=p)]


@router.get("/pools/{pool_id}/allocations", response={200: list[AllocationOut], 403: ErrorOut, 404: ErrorOut},
            summary="Fordelingen (kommunens egen, eller alle for puljeansvarlige)")
def list_allocations(request, pool_id: UUID):
    _require(request)
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    scope = None if rules.has_perm("pools.manage_pools", request.auth) else municipality_scope(request.auth)
    rows = p.allocations.all() if scope is None else p.allocations.filter(municipality_id__in=scope)
    return [AllocationOut(municipality=a.municipality_id, count=a.count, amount=a.amount, applied=a.applied)
            for a in rows]


@router.get("/pools/{pool_id}/payouts", response={200: list[DecisionOut], 403: ErrorOut, 404: ErrorOut},
            summary="Udbetalte og bortfaldne rater med dokumentation")
def list_payouts(request, pool_id: UUID):
    _require(request)
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    out = []
    for model, outcome in ((Payout, "udbetalt"), (Forfeiture, "bortfaldet")):
        for d in model.objects.filter(tranche__pool=p).select_related("tranche", "batch").order_by("municipality_id",
                                                                                           "tranche__number"):
            if _in_scope(request.auth, d.municipality_id):
                out.append(DecisionOut(tranche=d.tranche.number, municipality=d.municipality_id, outcome=outcome,
                                       amount=d.amount, met_on=d.met_on, rule_version=d.rule_version,
                                       evidence=d.evidence, batch=d.batch_id,
                                       approved_at=d.batch.decided_at if d.batch_id else None))
    return out


@router.get("/pools/{pool_id}/batches", response={200: list[BatchOut], 403: ErrorOut, 404: ErrorOut},
            summary="Forslag til udbetalinger og bortfald, med dokumentation (kun puljeansvarlige)")
def list_batches(request, pool_id: UUID):
    _require(request)
    api_user(request, "pools.manage_pools", "Kun puljeansvarlige ser forslag til udbetalinger.")
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    return [BatchOut(id=b.pk, as_of=b.as_of, status=b.status, proposed_at=b.proposed_at,
                     recommended_at=b.recommended_at, decided_at=b.decided_at, reason=b.reason,
                     rule_version=b.rule_version,
                     lines=[BatchLineOut(tranche=line.tranche.number, municipality=line.municipality_id,
                                         outcome=line.outcome, amount=line.amount, met_on=line.met_on,
                                         rule_version=line.rule_version, evidence=line.evidence)
                            for line in b.lines.all()])
            for b in p.batches.prefetch_related("lines__tranche").order_by("-proposed_at")]


def _figures(f) -> FiguresOut:
    return FiguresOut(target_group=f.shown("target_group"), gross_target_group=f.shown("gross"),
                      resolved=f.shown("resolved"), resolved_percent=f.resolved_percent,
                      effort_percent_last_month=f.last_month.shown_percent if f.last_month else None)


@router.get("/pools/{pool_id}/municipalities/{code}/dashboard",
            response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut},
            summary="Kommunens fremdrift (samme tal som siden og PDF'en)")
def get_dashboard(request, pool_id: UUID, code: int):
    _require(request)
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    d = selectors.dashboard(user=request.auth, pool=p, code=code, today=timezone.localdate())
    return DashboardOut(
        municipality=d.municipality.code, today=d.today,
        allocation=d.allocation.amount if d.allocation and d.allocation.applied else None, paid=d.paid_total,
        figures=_figures(d.figures), national=_figures(d.national),
        months=[MonthOut(**m.as_json()) for m in d.months],
        tranches=[DashboardTrancheOut(number=t.number, percent=t.percent, milestone=t.description,
                                      latest_on=t.latest_on, amount=t.amount, status=t.status, met_on=t.met_on)
                  for t in d.tranches],
    )


class AmbassadorOut(Schema):
    id: UUID
    municipality: int
    municipality_name: str
    name: str
    title: str
    email: str
    phone: str
    results: str
    added_at: datetime.datetime


@router.get("/ambassadors", response={200: list[AmbassadorOut], 403: ErrorOut},
            summary="Ambassadørkorpset: kommunale medarbejdere med gode resultater (hele landet)")
def list_ambassadors(request):
    from helhed.pools.ambassadors import ambassadors_visible_to

    api_user(request, "pools.view_ambassadors", "Din rolle giver ikke adgang til ambassadørkorpset.")
    return [AmbassadorOut(id=a.pk, municipality=a.municipality_id, municipality_name=a.municipality.name,
                          name=a.name, title=a.title, email=a.email, phone=a.phone, results=a.results,
                          added_at=a.added_at) for a in ambassadors_visible_to(request.auth)]


class OutcomePointOut(Schema):
    months: int
    point_on: datetime.date
    measured: bool
    extract_id: UUID | None
    extract_data_as_of: datetime.date | None
    extract_sha256: str
    not_measured_because: str
    counts: dict[str, int | None] = Field(..., description="Antal pr. udfald i hele landet; `null`: skjult (under 5 "
                                                           "eller kan udledes)")


@router.get("/pools/{pool_id}/outcomes", response={200: list[OutcomePointOut], 403: ErrorOut, 404: ErrorOut},
            summary="Udfald efter 6, 12 og 24 måneder med det udtræk, hvert er målt på (puljeansvarlige)")
def list_outcomes(request, pool_id: UUID):
    api_user(request, "pools.export", "Kun puljeansvarlige ser evalueringens udfald.")
    p = selectors.get_pool(user=request.auth, pool_id=pool_id)
    e = selectors.evaluation_overview(pool=p, today=timezone.localdate())
    out = []
    for i, pt in enumerate(e.points):
        counts = {c: (None if v == ".." else v) for c, values in e.categories if (v := values[i]) != "–"}
        out.append(OutcomePointOut(months=pt.months, point_on=pt.on, measured=pt.measured,
                                   extract_id=pt.extract_id if pt.measured else None,
                                   extract_data_as_of=pt.extract_data_as_of if pt.measured else None,
                                   extract_sha256=pt.extract_sha256 if pt.measured else "",
                                   not_measured_because=pt.reason, counts=counts))
    return out
