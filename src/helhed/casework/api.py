"""The casework API: cases (list, one case, its status and timeline), its letters, the
state machine's actions (optimistic locking: send the version you read, else 409), and the
work queue. Every read of a citizen's data is audited by the selectors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import rules
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from helhed.casework import selectors, services
from helhed.casework.models import (
    BenefitArea,
    CaseStatus,
    ComplaintOutcome,
    RespondedBy,
    ResponseChannel,
    TaskKind,
    TaskStatus,
)
from helhed.core.api import ErrorOut, api_user

router = Router(tags=["Sagsbehandling"])


class CaseOut(Schema):
    id: UUID
    reference: str
    citizen_id: UUID
    citizen_name: str
    benefit_area: str
    authority: str
    municipality: int
    status: str
    version: int
    opened_on: datetime.date
    decided_on: datetime.date | None
    decision: str
    monthly_amount: Decimal | None
    benefit_starts_on: datetime.date | None
    hearing_deadline: datetime.date | None


class StatusOut(Schema):
    reference: str
    status: str
    status_label: str
    version: int
    hearing_deadline: datetime.date | None
    decision: str


class EventOut(Schema):
    kind: str
    label: str
    on: datetime.date
    at: datetime.datetime
    actor: str
    on_behalf_of_representative: bool
    from_status: str
    to_status: str
    text: str
    amount: Decimal | None


class LetterOut(Schema):
    id: UUID
    case_id: UUID
    kind: str
    subject: str
    written_on: datetime.date
    lix: float
    status: str
    channel: str
    pdf_url: str


class TaskOut(Schema):
    id: UUID
    kind: str
    title: str
    citizen_id: UUID | None
    case_id: UUID | None
    due_on: datetime.date | None
    status: str
    assigned_to: str | None


class ActionIn(Schema):
    version: int
    action: str = Field(..., description="`behandling`, `partshoering`, `svar`, `afkald`, `forlaeng`, `bevilg`, "
                                         "`afslag`, `efterregulering`, `tilbagebetaling` eller `afslut`")
    on: datetime.date | None = None
    facts: str = Field("", max_length=4000)
    days: int = Field(14, ge=1, le=90)
    answer: str = Field("", max_length=4000)
    monthly_amount: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    starts_on: datetime.date | None = None
    reasons: str = Field("", max_length=4000)
    year: int | None = Field(None, ge=2000, le=2100)
    difference: Decimal | None = Field(None, max_digits=10, decimal_places=2)
    amount: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    reason: str = Field("", max_length=4000)
    due_on: datetime.date | None = None
    responded_by: RespondedBy | None = Field(None, description="svar/afkald: hvem svarer (standard: staff)")
    channel: ResponseChannel | None = Field(None, description="svar/afkald: hvordan svaret kom (standard: letter)")
    deadline: datetime.date | None = Field(None, description="`forlaeng`: den nye svarfrist")
    no_hearing_ground: str = Field("", max_length=40, description="afslag/tilbagebetaling uden partshøring: "
                                                                 "grunden (forvaltningsloven § 19, stk. 2)")
    no_hearing_reason: str = Field("", max_length=500)


class HearingOut(Schema):
    purpose: str
    sent_on: datetime.date
    deadline: datetime.date
    extension_reason: str
    response: str
    responded_on: datetime.date | None
    responded_by: str
    channel: str
    on_behalf_of_representative: bool
    concluded_on: datetime.date | None


class ComplaintOut(Schema):
    id: UUID
    received_on: datetime.date
    stage: str
    stage_label: str
    decision_delivered_on: datetime.date | None
    complaint_deadline: datetime.date | None
    late: bool
    late_decision_reason: str
    reconsideration_due: datetime.date | None
    reconsideration_reasons: str
    forwarded_on: datetime.date | None
    outcome: str


class ComplaintStepIn(Schema):
    step: str = Field(..., description="late (for sen klage: accept, reason), change (monthly_amount, starts_on, "
                                       "reasons), forward (reasons) eller outcome (outcome, note)")
    on: datetime.date
    accept: bool | None = None
    reason: str = Field("", max_length=4000)
    reasons: str = Field("", max_length=4000)
    monthly_amount: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=2)
    starts_on: datetime.date | None = None
    outcome: ComplaintOutcome | None = None
    note: str = Field("", max_length=2000)


def _case(c) -> CaseOut:
    return CaseOut(id=c.pk, reference=c.reference, citizen_id=c.citizen_id, citizen_name=c.citizen.full_name,
                   benefit_area=c.benefit_area, authority=c.authority, municipality=c.municipality_id,
                   status=c.status, version=c.version, opened_on=c.opened_on, decided_on=c.decided_on,
                   decision=c.decision, monthly_amount=c.monthly_amount, benefit_starts_on=c.benefit_starts_on,
                   hearing_deadline=c.hearing_deadline)


def _letter(x) -> LetterOut:
    return LetterOut(id=x.pk, case_id=x.case_id, kind=x.kind, subject=x.subject, written_on=x.written_on,
                     lix=float(x.lix), status=x.status, channel=x.channel,
                     pdf_url=reverse("casework:letter_pdf", args=[x.pk]))


def _task(t) -> TaskOut:
    return TaskOut(id=t.pk, kind=t.kind, title=t.title, citizen_id=t.citizen_id, case_id=t.case_id, due_on=t.due_on,
                   status=t.status,
                   assigned_to=(t.assigned_to.get_full_name() or t.assigned_to.username) if t.assigned_to else None)


def _require(request, perm="casework.view_cases"):
    if not rules.has_perm(perm, request.auth):
        raise HttpError(403, "Din rolle giver ikke adgang til sager.")


def _detail(request, case_id, purpose):
    return selectors.case_detail(user=request.auth, case_id=case_id, purpose=purpose, channel="api")


@router.get("/casework/cases", response={200: list[CaseOut], 403: ErrorOut}, summary="Sager (opslaget logges)")
def list_cases(request, status: CaseStatus | None = None, benefit_area: BenefitArea | None = None):
    _require(request)
    return [_case(c) for c in selectors.case_list(user=request.auth, channel="api", status=status or "",
                                                  benefit_area=benefit_area or "")]


@router.get("/casework/cases/{case_id}", response={200: CaseOut, 403: ErrorOut, 404: ErrorOut},
            summary="En sag (opslaget logges)")
def get_case(request, case_id: UUID):
    _require(request)
    return _case(_detail(request, case_id, "Sagsbehandling: opslag via API").case)


@router.get("/casework/cases/{case_id}/status", response={200: StatusOut, 403: ErrorOut, 404: ErrorOut},
            summary="Sagens status og version")
def get_status(request, case_id: UUID):
    _require(request)
    c = _detail(request, case_id, "Sagsbehandling: status via API").case
    return StatusOut(reference=c.reference, status=c.status, status_label=c.get_status_display(), version=c.version,
                     hearing_deadline=c.hearing_deadline, decision=c.decision)


@router.get("/casework/cases/{case_id}/events", response={200: list[EventOut], 403: ErrorOut, 404: ErrorOut},
            summary="Sagens tidslinje")
def list_events(request, case_id: UUID):
    _require(request)
    d = _detail(request, case_id, "Sagsbehandling: tidslinje via API")
    return [EventOut(kind=e.kind, label=e.get_kind_display(), on=e.on, at=e.at, actor=e.actor_name,
                     on_behalf_of_representative=e.representative_id is not None, from_status=e.from_status,
                     to_status=e.to_status, text=e.text, amount=e.amount) for e in d.events]


@router.get("/casework/cases/{case_id}/letters", response={200: list[LetterOut], 403: ErrorOut, 404: ErrorOut},
            summary="Sagens breve (PDF via pdf_url)")
def list_letters(request, case_id: UUID):
    _require(request)
    return [_letter(x) for x in _detail(request, case_id, "Sagsbehandling: breve via API").letters]


_ACTION_FIELDS = {
    "behandling": [], "partshoering": ["facts", "days"], "svar": ["answer"], "afkald": [],
    "forlaeng": ["deadline", "reason"],
    "bevilg": ["monthly_amount", "starts_on"], "afslag": ["reasons"], "efterregulering": ["year", "difference"],
    "tilbagebetaling": ["amount", "reason", "due_on"], "afslut": [],
}
_OPTIONAL_FIELDS = {
    "svar": ["responded_by", "channel"], "afkald": ["responded_by", "channel"],
    "afslag": ["no_hearing_ground", "no_hearing_reason"], "tilbagebetaling": ["no_hearing_ground", "no_hearing_reason"],
}


@router.post("/casework/cases/{case_id}/actions",
             response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Flyt sagen (version skal være den, du læste; ellers 409; ulovlige skift giver 422)")
def case_action(request, case_id: UUID, payload: ActionIn):
    _require(request)
    c = _detail(request, case_id, "Sagsbehandling: handling via API").case
    perm = "casework.respond_to_hearing" if payload.action in ("svar", "afkald") else "casework.work_case"
    if not rules.has_perm(perm, request.auth, c):
        raise HttpError(403, "Du kan se sagen, men ikke ændre den.")
    if payload.action not in _ACTION_FIELDS:
        raise HttpError(422, "Ukendt handling.")
    if any(d is not None and not 2000 <= d.year <= 2100
           for d in (payload.on, payload.starts_on, payload.due_on, payload.deadline)):
        raise HttpError(422, "Skriv datoer mellem år 2000 og 2100.")
    values = {name: getattr(payload, name) for name in _ACTION_FIELDS[payload.action]}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise HttpError(422, f"Mangler: {', '.join(missing)}.")
    for name in _OPTIONAL_FIELDS.get(payload.action, []):
        value = getattr(payload, name)
        values[name] = value if value is not None else ""
    if payload.action in ("afslag", "tilbagebetaling"):
        values["today"] = timezone.localdate()
    services.ACTIONS[payload.action](case=c, version=payload.version, actor=request.auth,
                              on=payload.on or timezone.localdate(), **values)
    return _case(_detail(request, case_id, "Sagsbehandling: handling via API").case)


class NoteIn(Schema):
    text: str = Field(..., max_length=500)


class QuestionIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=4000)


class QuestionOut(Schema):
    id: UUID
    case_id: UUID
    subject: str
    status: str
    due_on: datetime.date


def _event(e) -> EventOut:
    return EventOut(kind=e.kind, label=e.get_kind_display(), on=e.on, at=e.at, actor=e.actor_name,
                    on_behalf_of_representative=e.representative_id is not None, from_status=e.from_status,
                    to_status=e.to_status, text=e.text, amount=e.amount)


@router.post("/casework/cases/{case_id}/notes", response={200: EventOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Skriv et notat i sagens tidslinje (borgerens kontaktperson eller sagsbehandleren)")
def add_note(request, case_id: UUID, payload: NoteIn):
    _require(request)
    c = selectors.get_case(user=request.auth, case_id=case_id)
    api_user(request, "casework.add_note", "Du kan se sagen, men ikke skrive notater i den.", c)
    return _event(services.add_note(case=c, actor=request.auth, on=timezone.localdate(), text=payload.text))


@router.post("/casework/cases/{case_id}/questions",
             response={200: QuestionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Spørg Udbetaling Danmark om sagen (borgerens kontaktperson i kommunen)")
def ask_udk(request, case_id: UUID, payload: QuestionIn):
    from helhed.fasttrack.services import ask_about_case

    _require(request)
    c = selectors.get_case(user=request.auth, case_id=case_id)
    api_user(request, "casework.ask_udk", "Kun borgerens kontaktperson kan spørge Udbetaling Danmark om sagen.", c)
    q = ask_about_case(actor=request.auth, case=c, subject=payload.subject, body=payload.body)
    return QuestionOut(id=q.pk, case_id=q.case_id, subject=q.subject, status=q.status, due_on=q.due_on)
@router.get("/casework/cases/{case_id}/hearings", response={200: list[HearingOut], 403: ErrorOut, 404: ErrorOut},
            summary="Sagens partshøringer: frist, svar, af hvem og hvordan")
def list_hearings(request, case_id: UUID):
    _require(request)
    d = _detail(request, case_id, "Sagsbehandling: partshøringer via API")
    return [HearingOut(purpose=h.purpose, sent_on=h.sent_on, deadline=h.deadline,
                       extension_reason=h.extension_reason, response=h.response, responded_on=h.responded_on,
                       responded_by=h.responded_by, channel=h.response_channel,
                       on_behalf_of_representative=h.representative_id is not None, concluded_on=h.concluded_on)
            for h in d.hearings]


def _complaint(k) -> ComplaintOut:
    return ComplaintOut(id=k.pk, received_on=k.received_on, stage=k.stage, stage_label=k.get_stage_display(),
                        decision_delivered_on=k.decision_delivered_on, complaint_deadline=k.complaint_deadline,
                        late=k.late, late_decision_reason=k.late_decision_reason,
                        reconsideration_due=k.reconsideration_due, reconsideration_reasons=k.reconsideration_reasons,
                        forwarded_on=k.forwarded_on, outcome=k.outcome)


@router.get("/casework/cases/{case_id}/complaints",
            response={200: list[ComplaintOut], 403: ErrorOut, 404: ErrorOut},
            summary="Sagens klager: hvor er klagen, klagefrist og genvurdering")
def list_complaints(request, case_id: UUID):
    _require(request)
    return [_complaint(k) for k in _detail(request, case_id, "Sagsbehandling: klager via API").complaints]


_COMPLAINT_STEP_FIELDS = {
    "late": (services.decide_late_complaint, ["accept", "reason"]),
    "change": (services.change_decision, ["monthly_amount", "starts_on", "reasons"]),
    "forward": (services.forward_complaint, ["reasons"]),
    "outcome": (services.record_complaint_outcome, ["outcome", "note"]),
}


@router.post("/casework/complaints/{complaint_id}/steps",
             response={200: ComplaintOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Klagens næste trin: for sen klage, genvurdering (ændr eller send til Ankestyrelsen), "
                     "Ankestyrelsens afgørelse")
def complaint_step(request, complaint_id: UUID, payload: ComplaintStepIn):
    _require(request)
    complaint = selectors.get_complaint(user=request.auth, complaint_id=complaint_id)
    c = _detail(request, complaint.case_id, "Sagsbehandling: klage via API").case
    api_user(request, "casework.work_case", "Du kan se sagen, men ikke ændre den.", c)
    if payload.step not in _COMPLAINT_STEP_FIELDS:
        raise HttpError(422, "Ukendt trin.")
    if not 2000 <= payload.on.year <= 2100 or (payload.starts_on and not 2000 <= payload.starts_on.year <= 2100):
        raise HttpError(422, "Skriv datoer mellem år 2000 og 2100.")
    service, names = _COMPLAINT_STEP_FIELDS[payload.step]
    values = {name: getattr(payload, name) for name in names}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise HttpError(422, f"Mangler: {', '.join(missing)}.")
    updated = service(complaint=complaint, actor=request.auth, on=payload.on, **values)
    return _complaint(updated)


@router.get("/casework/tasks", response={200: list[TaskOut], 403: ErrorOut}, summary="Arbejdskøen (opslaget logges)")
def list_tasks(request, status: TaskStatus | None = TaskStatus.OPEN, kind: TaskKind | None = None,
               mine: bool = False):
    _require(request, "casework.view_work_queue")
    return [_task(t) for t in selectors.work_queue(user=request.auth, channel="api", status=status or "",
                                                   kind=kind or "", mine=mine)]


@router.post("/casework/tasks/{task_id}/take", response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Tag opgaven")
def take_task(request, task_id: UUID):
    _require(request, "casework.view_work_queue")
    task = selectors.get_task(user=request.auth, task_id=task_id)
    return _task(services.take_task(task=task, actor=request.auth))


@router.post("/casework/tasks/{task_id}/done", response={200: TaskOut, 403: ErrorOut, 404: ErrorOut},
             summary="Markér opgaven som løst")
def complete_task(request, task_id: UUID):
    _require(request, "casework.view_work_queue")
    task = selectors.get_task(user=request.auth, task_id=task_id)
    return _task(services.complete_task(task=task, actor=request.auth, now=timezone.now()))
