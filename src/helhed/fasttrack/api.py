"""The Kvik-linje API (/api/v1/fasttrack/…) for municipalities and user organisations:
case status, questions to Udbetaling Danmark and their answers. Authenticated by an
organisation's key (``auth.OrganisationKey``); a citizen is identified by CPR number in a
POST body, never in a URL. A citizen the key may not see gets the same 404 as one who does
not exist."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from helhed.casework.models import Authority, BenefitArea, CaseStatus
from helhed.core.api import ErrorOut
from helhed.fasttrack import selectors, services
from helhed.fasttrack.auth import OrganisationKey
from helhed.fasttrack.models import KeyScope, OrganisationKind, QuestionStatus

router = Router(tags=["Kvik-linje"], auth=OrganisationKey())

NOT_FOUND = "Findes ikke eller er ikke tilgængelig."
REFUSALS = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


class KvikOrganisationOut(Schema):
    name: str = Field(..., examples=["Hus Forbi"])
    kind: OrganisationKind = Field(..., examples=["user_organisation"])
    municipality: int | None = Field(None, description="Kommunekode, kun for kommuner", examples=[None])
    key_name: str = Field(..., examples=["Rådgivningen"])
    key_prefix: str = Field(..., examples=["Xy3kP9aB"])
    scopes: list[KeyScope] = Field(..., examples=[["case-status:read", "questions:write", "questions:read"]])
    expires_at: datetime.datetime
    rate_limit_per_minute: int = Field(..., examples=[120])


class KvikCprIn(Schema):
    cpr: str = Field(..., description="Borgerens CPR-nummer (DDMMÅÅ-XXXX). Sendes kun i kroppen, aldrig i URL'en.",
                     examples=["070390-1235"], max_length=20)


class KvikCaseOut(Schema):
    reference: str = Field(..., examples=["2025-7KQ2M9XD"])
    benefit_area: BenefitArea = Field(..., examples=["boligstoette"])
    benefit_area_label: str = Field(..., examples=["Boligstøtte"])
    authority: Authority = Field(..., examples=["udk"])
    status: CaseStatus = Field(..., examples=["processing"])
    status_label: str = Field(..., examples=["Under behandling"])
    opened_on: datetime.date = Field(..., examples=["2025-10-01"])
    decided_on: datetime.date | None = Field(None, examples=[None])


class KvikCasesOut(Schema):
    cases: list[KvikCaseOut]


class KvikQuestionIn(Schema):
    case_reference: str = Field(..., max_length=20, examples=["2025-7KQ2M9XD"])
    subject: str = Field(..., min_length=1, max_length=200, examples=["Hvornår bliver boligstøtten udbetalt?"])
    body: str = Field(..., min_length=1, max_length=5000,
                      examples=["Borgeren har fået et brev om partshøring og forstår ikke, hvad der skal sendes."])
    idempotency_key: str = Field("", max_length=100, description="Samme nøgle to gange giver ét spørgsmål",
                                 examples=["hf-2025-0042"])


class KvikQuestionOut(Schema):
    id: UUID
    case_reference: str | None = Field(..., description="Tom, når spørgsmålet ikke gælder en bestemt sag",
                                       examples=["2025-7KQ2M9XD"])
    subject: str
    body: str
    asked_at: datetime.datetime
    due_on: datetime.date = Field(..., description="Udbetaling Danmarks svarfrist (arbejdsdage)")
    status: QuestionStatus = Field(..., examples=["answered"])
    answer: str | None = Field(None, examples=["Boligstøtten udbetales den sidste hverdag i måneden."])
    answered_at: datetime.datetime | None = None


class KvikQuestionSummaryOut(Schema):
    id: UUID
    case_reference: str | None
    subject: str
    asked_at: datetime.datetime
    due_on: datetime.date
    status: QuestionStatus


def _require(request, scope: str):
    if scope not in request.auth.scope_set:
        raise HttpError(403, f"Nøglen har ikke rettigheden {scope}.")


def _case(case) -> KvikCaseOut:
    return KvikCaseOut(reference=case.reference, benefit_area=case.benefit_area,
                   benefit_area_label=case.get_benefit_area_display(), authority=case.authority,
                   status=case.status, status_label=case.get_status_display(), opened_on=case.opened_on,
                   decided_on=case.decided_on)


def _question(q) -> KvikQuestionOut:
    return KvikQuestionOut(id=q.pk, case_reference=q.case.reference if q.case else None, subject=q.subject,
                           body=q.body,
                           asked_at=q.asked_at, due_on=q.due_on, status=q.status, answer=q.answer or None,
                           answered_at=q.answered_at)


def _today():
    return timezone.localdate()


@router.get("/fasttrack/me", response={200: KvikOrganisationOut, **REFUSALS},
            summary="Nøglens organisation, rettigheder og udløb", operation_id="fasttrack_me")
def me(request):
    key = request.auth
    org = key.organisation
    return KvikOrganisationOut(name=org.name, kind=org.kind, municipality=org.municipality_id, key_name=key.name,
                           key_prefix=key.prefix, scopes=sorted(key.scope_set), expires_at=key.expires_at,
                           rate_limit_per_minute=key.rate_limit_per_minute)


@router.post("/fasttrack/cases/lookup", response={200: KvikCasesOut, 404: ErrorOut, 422: ErrorOut, **REFUSALS},
             summary="Status på en borgers sager (CPR i kroppen; opslaget logges hos borgeren)",
             description="Kræver `case-status:read`. En kommune ser sine egne borgere (bopælskommune); en "
                         "brugerorganisation kun borgere, der har givet den samtykke eller fuldmagt. Ellers svares "
                         "404, præcis som hvis borgeren ikke fandtes.",
             operation_id="fasttrack_case_lookup")
def lookup_cases(request, payload: KvikCprIn):
    _require(request, KeyScope.CASE_STATUS_READ)
    cases = selectors.case_statuses(key=request.auth, cpr=payload.cpr, today=_today())
    return KvikCasesOut(cases=[_case(c) for c in cases])


@router.get("/fasttrack/cases/{reference}", response={200: KvikCaseOut, 404: ErrorOut, **REFUSALS},
            summary="Status på én sag ud fra sagsnummeret", operation_id="fasttrack_case_status")
def case_status(request, reference: str = Path(..., max_length=20, examples=["2025-7KQ2M9XD"])):
    _require(request, KeyScope.CASE_STATUS_READ)
    return _case(selectors.case_by_reference(key=request.auth, reference=reference, today=_today()))


@router.post("/fasttrack/questions", response={200: KvikQuestionOut, 201: KvikQuestionOut, 404: ErrorOut, 422: ErrorOut,
                                               **REFUSALS},
             summary="Stil Udbetaling Danmark et spørgsmål om en sag (rådgivning og vejledning)",
             description="Kræver `questions:write`. Svarfristen er 3 arbejdsdage. Samme `idempotency_key` to gange "
                         "giver ét spørgsmål (200 anden gang).",
             operation_id="fasttrack_ask_question")
def ask_question(request, payload: KvikQuestionIn):
    _require(request, KeyScope.QUESTIONS_WRITE)
    case = selectors.case_for_question(key=request.auth, reference=payload.case_reference, today=_today())
    question, created = services.ask_question(key=request.auth, case=case, subject=payload.subject,
                                              body=payload.body, idempotency_key=payload.idempotency_key)
    return Status(201 if created else 200, _question(question))


@router.get("/fasttrack/questions", response={200: list[KvikQuestionSummaryOut], **REFUSALS},
            summary="Organisationens spørgsmål (uden svar)", operation_id="fasttrack_list_questions")
def list_questions(request):
    _require(request, KeyScope.QUESTIONS_READ)
    return [KvikQuestionSummaryOut(id=q.pk, case_reference=q.case.reference if q.case else None,
                                   subject=q.subject, asked_at=q.asked_at,
                               due_on=q.due_on, status=q.status)
            for q in selectors.questions_for_key(key=request.auth, today=_today())]


@router.get("/fasttrack/questions/{question_id}", response={200: KvikQuestionOut, 404: ErrorOut, **REFUSALS},
            summary="Et spørgsmål med Udbetaling Danmarks svar", operation_id="fasttrack_get_question")
def get_question(request, question_id: UUID):
    _require(request, KeyScope.QUESTIONS_READ)
    return _question(selectors.question_for_key(key=request.auth, question_id=question_id, today=_today()))
