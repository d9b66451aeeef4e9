"""The casework API: cases (list, one case, its status and timeline), its letters, the
state machine's actions (optimistic locking: send the version you read, else 409), and the
work queue. Every read of a citizen's data is audited by the selectors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import rules
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from helhed.casework import selectors, services
from helhed.casework.models import BenefitArea, CaseStatus, TaskKind, TaskStatus
from helhed.core.api import ErrorOut

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
    action: str = Field(..., description="behandling, partshoering, svar, bevilg, afslag, efterregulering, "
                                         "tilbagebetaling eller afslut")
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
    "behandling": [], "partshoering": ["facts", "days"], "svar": ["answer"],
    "bevilg": ["monthly_amount", "starts_on"], "afslag": ["reasons"], "efterregulering": ["year", "difference"],
    "tilbagebetaling": ["amount", "reason", "due_on"], "afslut": [],
}


@router.post("/casework/cases/{case_id}/actions",
             response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Flyt sagen (version skal være den, du læste; ellers 409; ulovlige skift giver 422)")
def case_action(request, case_id: UUID, payload: ActionIn):
    _require(request)
    c = _detail(request, case_id, "Sagsbehandling: handling via API").case
    if not rules.has_perm("casework.work_case", request.auth, c):
        raise HttpError(403, "Du kan se sagen, men ikke ændre den.")
    if payload.action not in _ACTION_FIELDS:
        raise HttpError(422, "Ukendt handling.")
    if any(d is not None and not 2000 <= d.year <= 2100 for d in (payload.on, payload.starts_on, payload.due_on)):
        raise HttpError(422, "Skriv datoer mellem år 2000 og 2100.")
    values = {name: getattr(payload, name) for name in _ACTION_FIELDS[payload.action]}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise HttpError(422, f"Mangler: {', '.join(missing)}.")
    try:
        services.ACTIONS[payload.action](case=c, version=payload.version, actor=request.auth,
                                  on=payload.on or timezone.localdate(), **values)
    except ValidationError as error:
        raise HttpError(409 if getattr(error, "code", None) == "stale" else 422, " ".join(error.messages)) from None
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
    if not rules.has_perm("casework.add_note", request.auth, c):
        raise HttpError(403, "Du kan se sagen, men ikke skrive notater i den.")
    try:
        return _event(services.add_note(case=c, actor=request.auth, on=timezone.localdate(), text=payload.text))
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None


@router.post("/casework/cases/{case_id}/questions",
             response={200: QuestionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Spørg Udbetaling Danmark om sagen (borgerens kontaktperson i kommunen)")
def ask_udk(request, case_id: UUID, payload: QuestionIn):
    from helhed.fasttrack.services import ask_about_case

    _require(request)
    c = selectors.get_case(user=request.auth, case_id=case_id)
    if not rules.has_perm("casework.ask_udk", request.auth, c):
        raise HttpError(403, "Kun borgerens kontaktperson kan spørge Udbetaling Danmark om sagen.")
    try:
        q = ask_about_case(actor=request.auth, case=c, subject=payload.subject, body=payload.body)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return QuestionOut(id=q.pk, case_id=q.case_id, subject=q.subject, status=q.status, due_on=q.due_on)


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
    try:
        return _task(services.take_task(task=task, actor=request.auth))
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None


@router.post("/casework/tasks/{task_id}/done", response={200: TaskOut, 403: ErrorOut, 404: ErrorOut},
             summary="Markér opgaven som løst")
def complete_task(request, task_id: UUID):
    _require(request, "casework.view_work_queue")
    task = selectors.get_task(user=request.auth, task_id=task_id)
    return _task(services.complete_task(task=task, actor=request.auth, now=timezone.now()))
