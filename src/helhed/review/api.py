"""The case-review API: programmes and their progress figures (the same figures as the
progress page; a pool officer gets them for every programme, never a citizen), one review
case (audited), and the caseworker's writes: status changes with optimistic locking and
efforts with an idempotency key."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import rules
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from helhed.core.api import ErrorOut, api_user
from helhed.review import selectors, services
from helhed.review.models import Approval, EffortKind
from helhed.review.models import Status as CaseStatus

router = Router(tags=["Gennemgang"])


class ProgrammeOut(Schema):
    id: UUID
    name: str
    municipality: int
    rule_name: str
    as_of: datetime.date
    started_on: datetime.date
    due_on: datetime.date
    gross_target_group: int
    resolved: int
    visiteret: int


class ReviewCountOut(Schema):
    label: str
    count: int


class ReviewMonthOut(Schema):
    month: str = Field(..., description="ÅÅÅÅ-MM")
    recipients: int = Field(..., description="Nævneren: modtagere af en ydelse i måneden (programmets definition)")
    in_virksomhedsrettet_indsats: int
    share: float | None
    target_met: bool | None


class WorkloadOut(Schema):
    caseworker: str
    open_cases: int
    overdue: int
    resolved: int


class ProgressOut(Schema):
    programme: ProgrammeOut
    denominator: str
    by_status: list[ReviewCountOut]
    afklaret: int
    visiteret: int
    resolved: int
    all_afklaret_og_visiteret: bool
    visitation: list[ReviewCountOut]
    rehabilitation_outcomes: list[ReviewCountOut]
    close_reasons: list[ReviewCountOut]
    months: list[ReviewMonthOut]
    overdue: int
    unassigned: int
    workload: list[WorkloadOut] | None = Field(None, description="Kun for kommunens egne medarbejdere")


class EffortOut(Schema):
    id: UUID
    kind: str
    starts_on: datetime.date = Field(..., description="Gælder fra (indsatsens start)")
    ends_on: datetime.date | None
    hours_per_week: Decimal | None
    employer: str
    entered_at: datetime.datetime = Field(..., description="Registreret (serverens ur)")
    approval: Approval = Field(..., description="Tæller uden godkendelse, afventer, godkendt eller afvist")
    entered_reason: str


class CaseEventOut(Schema):
    id: int
    entered_at: datetime.datetime = Field(..., description="Registreret (serverens ur)")
    effective_on: datetime.date = Field(..., description="Gælder fra")
    actor: str
    from_status: str
    to_status: str
    text: str
    approval: Approval
    entered_reason: str


class BenefitCorrectionOut(Schema):
    id: int
    ydelse: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    entered_at: datetime.datetime
    approval: Approval
    entered_reason: str


class DecisionIn(Schema):
    approve: bool
    reason: str = Field(..., description="Begrundelse for godkendelsen eller afvisningen")


class DecisionOut(Schema):
    kind: str
    id: str
    approval: Approval
    decided_by: str
    decided_at: datetime.datetime


class ReviewCaseOut(Schema):
    id: UUID
    number: int
    programme_id: UUID
    citizen_id: UUID | None
    citizen_name: str | None
    caseworker: str | None
    status: str
    version: int
    exemption: str
    track: str
    effort_kind: str
    rehab_outcome: str
    afklaret_on: datetime.date | None
    visiteret_on: datetime.date | None
    closed_on: datetime.date | None
    close_reason: str
    efforts: list[EffortOut]
    events: list[CaseEventOut]
    benefit_corrections: list[BenefitCorrectionOut]


class StatusIn(Schema):
    version: int
    to: CaseStatus
    on: datetime.date | None = None
    close_reason: str = ""
    close_note: str = ""
    reason: str = Field("", description="Begrundelse, når datoen ligger mere end 14 dage tilbage")


class EffortIn(Schema):
    idempotency_key: UUID
    kind: EffortKind
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    hours_per_week: Decimal | None = None
    employer: str = ""
    reason: str = Field("", description="Begrundelse, når startdatoen ligger mere end 14 dage tilbage")


def _programme(row) -> ProgrammeOut:
    p = row.programme
    return ProgrammeOut(id=p.pk, name=p.name, municipality=p.municipality_id, rule_name=p.rule_name, as_of=p.as_of,
                        started_on=p.started_on, due_on=p.due_on, gross_target_group=p.gross_target_group,
                        resolved=row.resolved, visiteret=row.visiteret)


def _effort(e) -> EffortOut:
    return EffortOut(id=e.pk, kind=e.kind, starts_on=e.starts_on, ends_on=e.ends_on,
                     hours_per_week=e.hours_per_week, employer=e.employer, entered_at=e.created_at,
                     approval=e.state, entered_reason=e.entered_reason)


def _case(detail) -> ReviewCaseOut:
    c = detail.case
    return ReviewCaseOut(
        id=c.pk, number=c.number, programme_id=c.programme_id, citizen_id=c.citizen_id,
        citizen_name=c.citizen.full_name if c.citizen else None,
        caseworker=(c.caseworker.get_full_name() or c.caseworker.username) if c.caseworker else None,
        status=c.status, version=c.version, exemption=c.exemption, track=c.track, effort_kind=c.effort_kind,
        rehab_outcome=c.rehab_outcome, afklaret_on=c.afklaret_on, visiteret_on=c.visiteret_on,
        closed_on=c.closed_on, close_reason=c.close_reason, efforts=[_effort(e) for e in detail.efforts],
        events=[CaseEventOut(id=e.pk, entered_at=e.at, effective_on=e.on, actor=e.actor_name,
                             from_status=e.from_status, to_status=e.to_status, text=e.text, approval=e.state,
                             entered_reason=e.entered_reason) for e in detail.events],
        benefit_corrections=[BenefitCorrectionOut(id=b.pk, ydelse=b.ydelse, starts_on=b.starts_on, ends_on=b.ends_on,
                                                  entered_at=b.created_at, approval=b.state,
                                                  entered_reason=b.entered_reason) for b in detail.benefit_periods],
    )


def _require(request):
    api_user(request, "review.view_programmes", "Din rolle giver ikke adgang til gennemgange.")


@router.get("/review/programmes", response={200: list[ProgrammeOut], 403: ErrorOut},
            summary="Gennemgangsprogrammer med antal afklarede og visiterede")
def list_programmes(request):
    _require(request)
    return [_programme(r) for r in selectors.programme_rows(request.auth)]


@router.get("/review/programmes/{programme_id}/progress", response={200: ProgressOut, 403: ErrorOut, 404: ErrorOut},
            summary="Programmets fremdrift (samme tal som siden)")
def get_progress(request, programme_id: UUID):
    _require(request)
    user = request.auth
    p = selectors.get_programme(user=user, programme_id=programme_id)
    g = selectors.progress(user=user, programme=p, today=timezone.localdate(), channel="api")
    row = selectors.ProgrammeRow(p, g.resolved.count, g.visiteret.count)
    municipal = rules.has_perm("review.view_cases", user, p)
    return ProgressOut(
        programme=_programme(row), denominator=p.denominator,
        by_status=[ReviewCountOut(label=s.label, count=s.count) for s in g.by_status],
        afklaret=g.afklaret.count, visiteret=g.visiteret.count, resolved=g.resolved.count,
        all_afklaret_og_visiteret=bool(g.all_resolved.met),
        visitation=[ReviewCountOut(label=s.label, count=s.count) for s in g.tracks],
        rehabilitation_outcomes=[ReviewCountOut(label=s.label, count=s.count) for s in g.rehab_outcomes],
        close_reasons=[ReviewCountOut(label=s.label, count=s.count) for s in g.close_reasons],
        months=[ReviewMonthOut(month=m.month.isoformat()[:7], recipients=m.denominator,
                         in_virksomhedsrettet_indsats=m.numerator,
                         share=(m.numerator / m.denominator) if m.denominator else None, target_met=m.met)
                for m in g.months],
        overdue=g.overdue_count, unassigned=g.unassigned,
        workload=[WorkloadOut(caseworker=w.name, open_cases=w.open_cases, overdue=w.overdue, resolved=w.resolved)
                  for w in g.workload] if municipal else None,
    )


@router.get("/review/cases/{case_id}", response={200: ReviewCaseOut, 403: ErrorOut, 404: ErrorOut},
            summary="En gennemgangssag (opslaget logges)")
def get_case(request, case_id: UUID):
    _require(request)
    detail = selectors.case_detail(user=request.auth, case_id=case_id, purpose="Gennemgang: opslag via API",
                                   channel="api")
    return _case(detail)


@router.post("/review/cases/{case_id}/status", response={200: ReviewCaseOut, 403: ErrorOut, 404: ErrorOut,
                                                         409: ErrorOut, 422: ErrorOut},
             summary="Skift sagens status (version skal være den, du læste; ellers 409)")
def change_status(request, case_id: UUID, payload: StatusIn):
    _require(request)
    detail = selectors.case_detail(user=request.auth, case_id=case_id, purpose="Gennemgang: statusskift via API",
                                   channel="api")
    services.change_status(case=detail.case, version=payload.version, to=payload.to, actor=request.auth,
                           on=payload.on or timezone.localdate(), close_reason=payload.close_reason,
                           close_note=payload.close_note, reason=payload.reason)
    return _case(selectors.case_detail(user=request.auth, case_id=case_id, purpose="Gennemgang: statusskift via API",
                                       channel="api"))


@router.post("/review/cases/{case_id}/efforts",
             response={200: EffortOut, 201: EffortOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Registrér en indsats (samme idempotency_key to gange giver én indsats)")
def create_effort(request, case_id: UUID, payload: EffortIn):
    _require(request)
    detail = selectors.case_detail(user=request.auth, case_id=case_id, purpose="Gennemgang: indsats via API",
                                   channel="api")
    effort, created = services.add_effort(case=detail.case, actor=request.auth, **payload.dict())
    return Status(201 if created else 200, _effort(effort))


@router.post("/review/facts/{kind}/{fact_id}/decision",
             response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Godkend eller afvis en oplysning, der venter (aldrig din egen)")
def decide_fact(request, kind: Literal["event", "effort", "period"], fact_id: str, payload: DecisionIn):
    _require(request)
    model = services.FACT_MODELS[kind]
    try:
        model._meta.pk.to_python(fact_id)
    except ValidationError:
        raise HttpError(404, "Oplysningen findes ikke.") from None
    fact = model.objects.select_related("case__programme").filter(pk=fact_id).first()
    if fact is None or not rules.has_perm("review.work_case", request.auth, fact.case):
        raise HttpError(404, "Oplysningen findes ikke eller er ikke tilgængelig for dig.")
    fact = services.decide_fact(kind=kind, pk=fact.pk, approve=payload.approve, reason=payload.reason,
                                actor=request.auth)
    decision = fact.decision_made
    return DecisionOut(kind=kind, id=str(fact.pk), approval=fact.state, decided_by=decision.decided_by_name,
                       decided_at=decision.decided_at)
