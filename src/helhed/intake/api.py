"""The intake API: applications (create with an Idempotency-Key header, list, detail),
helhedsvurderinger, powers of attorney and referrals. Every answer with a citizen's data is
audited by the selectors; writes go through the same services as the pages."""

from __future__ import annotations

import datetime
from uuid import UUID

import rules
from django.http import Http404
from django.utils import timezone
from ninja import Field, Header, Router, Schema, Status
from ninja.errors import HttpError

from helhed.casework.models import BenefitArea
from helhed.core.api import ErrorOut, api_user
from helhed.core.roles import Role
from helhed.intake import selectors, services
from helhed.intake.models import Application, GuidanceChannel, GuidanceContact, HelpKind, Referral, SubmittedBy
from helhed.registry import services as registry
from helhed.registry.models import Citizen, Representation, SpecialNeedsAssessment
from helhed.registry.selectors import own_citizen

router = Router(tags=["Ansøgninger"])


class ApplicationIn(Schema):
    citizen_id: UUID
    benefit_area: str = Field(..., examples=["folkepension"])
    channel: str = Field(..., description="digital, paper, phone eller in_person (efter rolle)")
    received_on: datetime.date | None = None
    submitted_by: str = SubmittedBy.CITIZEN
    representation_id: UUID | None = None
    help_kind: str = HelpKind.NONE
    help_text: str = ""
    call_note: str = ""
    answers: dict[str, str] = Field(default_factory=dict)
    duplicate_confirmed: bool = Field(False, description="Søg alligevel, selv om borgeren har en åben sag om "
                                                         "samme ydelse (fx for en ny periode); ellers 409")


class ApplicationOut(Schema):
    id: UUID
    citizen_id: UUID
    benefit_area: str
    authority: str
    channel: str
    status: str
    received_on: datetime.date | None
    submitted_by: str
    representative_name: str | None
    help_kind: str
    help_text: str
    answers: dict
    case_reference: str | None
    case_id: UUID | None


def _app_out(a: Application) -> ApplicationOut:
    return ApplicationOut(
        id=a.pk, citizen_id=a.citizen_id, benefit_area=a.benefit_area, authority=a.authority, channel=a.channel,
        status=a.status, received_on=a.received_on, submitted_by=a.submitted_by,
        representative_name=a.representation.representative.full_name if a.representation else None,
        help_kind=a.help_kind, help_text=a.help_text, answers=a.answers,
        case_reference=a.case.reference if a.case_id else None, case_id=a.case_id)


def _citizen_for(user, citizen_id: UUID, what: str, purpose: str) -> Citizen:
    """The citizen as staff in scope, as themselves, or through a power of attorney."""
    if user.role == Role.CITIZEN:
        own = Citizen.objects.filter(user=user, pk=citizen_id).first()
        if own is not None:
            return own
        citizen, _ = selectors.represented_citizen(user=user, citizen_id=citizen_id, today=timezone.localdate())
        return citizen
    return selectors.citizen_for_staff(user=user, citizen_id=citizen_id, what=what, purpose=purpose, channel="api")


# Required: a repeated call (a timeout, a double click) must not file a second application.
IDEMPOTENCY_KEY = Header(..., alias="Idempotency-Key", min_length=1,
                         description="Påkrævet. Din egen nøgle for denne ansøgning (fx et UUID); samme nøgle "
                                     "igen giver den samme ansøgning (200) i stedet for en ny.")


@router.post("/applications", response={201: ApplicationOut, 200: ApplicationOut, 403: ErrorOut, 404: ErrorOut,
                                        409: ErrorOut, 422: ErrorOut},
             summary="Indsend en ansøgning (Idempotency-Key: samme nøgle giver samme ansøgning)")
def create_application(request, payload: ApplicationIn, idempotency_key: str = IDEMPOTENCY_KEY):
    user = request.auth
    if not (rules.has_perm("intake.register_application", user) or rules.has_perm("intake.apply_self", user)):
        raise HttpError(403, "Din rolle kan ikke indsende ansøgninger.")
    if not idempotency_key.strip():
        raise HttpError(422, "Angiv headeren Idempotency-Key, så en gentaget forespørgsel ikke giver to ansøgninger.")
    citizen = _citizen_for(user, payload.citizen_id, "Navn og fuldmagter", "Ansøgning via API")
    rep = None
    if payload.representation_id:
        rep = Representation.objects.select_related("representative").filter(
            pk=payload.representation_id, citizen=citizen).first()
    today = timezone.localdate()
    app, created = services.register_application(
        actor=user, citizen=citizen, benefit_area=payload.benefit_area, channel=payload.channel,
        received_on=payload.received_on or today, submitted_by=payload.submitted_by, answers=payload.answers,
        today=today, now=timezone.now(), idempotency_key=idempotency_key, representation=rep,
        help_kind=payload.help_kind, help_text=payload.help_text, call_note=payload.call_note,
        api_channel="api", duplicate_confirmed=payload.duplicate_confirmed)
    return Status(201 if created else 200, _app_out(app))


@router.get("/applications", response={200: list[ApplicationOut], 403: ErrorOut, 404: ErrorOut},
            summary="Ansøgninger: egne, for en borger (citizen_id) eller de nyeste i dit område")
def list_applications(request, citizen_id: UUID | None = None):
    user = request.auth
    if user.role == Role.CITIZEN:
        citizen = _citizen_for(user, citizen_id, "", "") if citizen_id else own_citizen(user)
        return [_app_out(a) for a in selectors.applications_of(
            user=user, citizen=citizen, what="Ansøgninger", purpose="Ansøgninger via API", channel="api")]
    if not rules.has_perm("intake.view_applications", user):
        raise HttpError(403, "Din rolle giver ikke adgang til ansøgninger.")
    if citizen_id:
        citizen = selectors.citizens_visible_to(user).filter(pk=citizen_id).first()
        if citizen is None:
            raise Http404
        return [_app_out(a) for a in selectors.applications_of(
            user=user, citizen=citizen, what="Ansøgninger", purpose="Ansøgninger via API", channel="api")]
    return [_app_out(a) for a in selectors.staff_applications(user=user, channel="api", limit=200)]


@router.get("/applications/{application_id}", response={200: ApplicationOut, 404: ErrorOut},
            summary="Én ansøgning")
def get_application(request, application_id: UUID):
    view = selectors.get_application(user=request.auth, application_id=application_id,
                                     today=timezone.localdate(), channel="api")
    return _app_out(view.application)


class AssessmentIn(Schema):
    citizen_id: UUID
    factors: list[str] = Field(default_factory=list)
    factors_note: str = ""
    citizen_description: str
    conclusion: str
    reasoning: str
    contact_person_id: int | None = None
    assessed_on: datetime.date
    review_on: datetime.date


class AssessmentOut(Schema):
    id: UUID
    citizen_id: UUID
    factors: list[str]
    citizen_description: str
    conclusion: str
    conclusion_label: str
    reasoning: str
    contact_person: str | None
    assessed_on: datetime.date
    review_on: datetime.date


def _assessment_out(a: SpecialNeedsAssessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk, citizen_id=a.citizen_id, factors=a.factors, citizen_description=a.citizen_description,
        conclusion=a.conclusion, conclusion_label=a.get_conclusion_display(), reasoning=a.reasoning,
        contact_person=(a.contact_person.get_full_name() or a.contact_person.username) if a.contact_person else None,
        assessed_on=a.assessed_on, review_on=a.review_on)


@router.get("/citizens/{citizen_id}/assessments", response={200: list[AssessmentOut], 403: ErrorOut, 404: ErrorOut},
            summary="En borgers helhedsvurderinger")
def list_assessments(request, citizen_id: UUID):
    user = api_user(request, "intake.view_applications", "Din rolle giver ikke adgang til helhedsvurderinger.")
    citizen = selectors.citizen_for_staff(user=user, citizen_id=citizen_id, what="Helhedsvurderinger",
                                          purpose="Særlige behov via API", channel="api")
    return [_assessment_out(a) for a in citizen.needs_assessments.select_related("contact_person")]


@router.post("/assessments", response={201: AssessmentOut, 403: ErrorOut, 404: ErrorOut,
                                                             422: ErrorOut},
             summary="Registrér en helhedsvurdering")
def create_assessment(request, payload: AssessmentIn):
    user = api_user(request, "intake.assess_needs", "Kun kommunens medarbejdere laver helhedsvurderinger.")
    citizen = selectors.citizen_for_staff(user=user, citizen_id=payload.citizen_id, what="Navn og helhedsvurdering",
                                          purpose="Særlige behov via API", channel="api")
    colleagues = {u.pk: u for u in selectors.municipal_colleagues(citizen.home_municipality_id)}
    a = registry.record_needs_assessment(
        citizen=citizen, actor=user, factors=payload.factors, factors_note=payload.factors_note,
        citizen_description=payload.citizen_description, conclusion=payload.conclusion,
        reasoning=payload.reasoning, contact_person=colleagues.get(payload.contact_person_id),
        assessed_on=payload.assessed_on, review_on=payload.review_on)
    return Status(201, _assessment_out(a))


class RepresentationIn(Schema):
    citizen_id: UUID
    representative_cpr: str
    scope_kind: str = "full"
    benefit_areas: list[str] = Field(default_factory=list)
    valid_from: datetime.date
    valid_until: datetime.date | None = None


class RepresentationOut(Schema):
    id: UUID
    citizen_id: UUID
    representative_name: str
    scope_kind: str
    benefit_areas: list[str]
    scope: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    revoked_at: datetime.datetime | None
    active: bool


def _rep_out(r: Representation, today) -> RepresentationOut:
    return RepresentationOut(
        id=r.pk, citizen_id=r.citizen_id, representative_name=r.representative.full_name, scope_kind=r.scope_kind,
        benefit_areas=r.benefit_areas, scope=r.scope, valid_from=r.valid_from, valid_until=r.valid_until,
        revoked_at=r.revoked_at, active=r.is_active(today))


def _rep_citizen(user, citizen_id: UUID) -> Citizen:
    if user.role == Role.CITIZEN:
        citizen = Citizen.objects.filter(user=user, pk=citizen_id).first()
        if citizen is None:
            raise Http404
        return citizen
    if not rules.has_perm("intake.manage_representations", user):
        raise HttpError(403, "Din rolle kan ikke se eller registrere fuldmagter.")
    return selectors.citizen_for_staff(user=user, citizen_id=citizen_id, what="Fuldmagter",
                                       purpose="Fuldmagt via API", channel="api")


@router.get("/citizens/{citizen_id}/representations", response={200: list[RepresentationOut], 403: ErrorOut,
                                                                 404: ErrorOut},
            summary="En borgers fuldmagter (borgeren selv eller medarbejdere)")
def list_representations(request, citizen_id: UUID):
    citizen = _rep_citizen(request.auth, citizen_id)
    today = timezone.localdate()
    reps = selectors.representations_shown(user=request.auth, citizen=citizen, purpose="Fuldmagt via API",
                                           channel="api")
    return [_rep_out(r, today) for r in reps]


@router.post("/representations", response={201: RepresentationOut, 403: ErrorOut,
                                                                  404: ErrorOut, 422: ErrorOut},
             summary="Giv fuldmagt (repræsentanten findes på CPR-nummer i forespørgslens krop)")
def create_representation(request, payload: RepresentationIn):
    citizen = _rep_citizen(request.auth, payload.citizen_id)
    representative = registry.find_citizen_by_cpr(payload.representative_cpr)
    r = registry.grant_representation(
        citizen=citizen, representative=representative, valid_from=payload.valid_from,
        valid_until=payload.valid_until, scope_kind=payload.scope_kind, benefit_areas=payload.benefit_areas,
        actor=request.auth)
    r = selectors.representation_shown(user=request.auth, representation=r, purpose="Fuldmagt givet via API",
                                       channel="api")
    return Status(201, _rep_out(r, timezone.localdate()))


@router.post("/representations/{representation_id}/revoke", response={200: RepresentationOut, 404: ErrorOut,
                                                                      422: ErrorOut},
             summary="Tilbagekald en fuldmagt")
def revoke_representation(request, representation_id: UUID):
    user = request.auth
    r = Representation.objects.select_related("citizen", "representative").filter(pk=representation_id).first()
    if r is None or not (r.citizen.user_id == user.pk and user.role == Role.CITIZEN
                         or rules.has_perm("intake.manage_representation", user, r.citizen)):
        raise Http404
    r = registry.revoke_representation(representation=r, actor=user, now=timezone.now())
    r = selectors.representation_shown(
        user=user, representation=Representation.objects.select_related("representative").get(pk=r.pk),
        purpose="Fuldmagt tilbagekaldt via API", channel="api")
    return _rep_out(r, timezone.localdate())


class ReferralIn(Schema):
    citizen_id: UUID
    reason: str


class ReferralOut(Schema):
    id: UUID
    citizen_id: UUID
    municipality: int
    reason: str
    referred_on: datetime.date
    due_on: datetime.date
    status: str
    answer: str


class ReferralAnswerIn(Schema):
    accept: bool
    answer: str


def _referral_out(r: Referral) -> ReferralOut:
    return ReferralOut(id=r.pk, citizen_id=r.citizen_id, municipality=r.municipality_id, reason=r.reason,
                       referred_on=r.referred_on, due_on=r.due_on, status=r.status, answer=r.answer)


@router.get("/referrals", response={200: list[ReferralOut], 403: ErrorOut}, summary="Henvisninger")
def list_referrals(request):
    api_user(request, "intake.view_referrals", "Din rolle giver ikke adgang til henvisninger.")
    return [_referral_out(r) for r in selectors.referrals_for(user=request.auth, channel="api")]


@router.post("/referrals", response={201: ReferralOut, 200: ReferralOut, 403: ErrorOut, 404: ErrorOut,
                                     422: ErrorOut},
             summary="Henvis en borger med særlige behov til kommunen (Udbetaling Danmark)")
def create_referral(request, payload: ReferralIn, idempotency_key: str = Header(None, alias="Idempotency-Key")):
    user = api_user(request, "intake.refer", "Kun Udbetaling Danmark henviser borgere til kommunen.")
    citizen = selectors.citizen_for_staff(user=user, citizen_id=payload.citizen_id, what="Navn og bopælskommune",
                                          purpose="Henvisning via API", channel="api")
    r, created = services.refer_to_municipality(actor=user, citizen=citizen, reason=payload.reason,
                                                today=timezone.localdate(), idempotency_key=idempotency_key)
    return (201 if created else 200), _referral_out(r)


@router.post("/referrals/{referral_id}/answer", response={200: ReferralOut, 403: ErrorOut, 404: ErrorOut,
                                                          422: ErrorOut},
             summary="Kommunens svar på en henvisning")
def answer_referral(request, referral_id: UUID, payload: ReferralAnswerIn):
    user = api_user(request, "intake.view_referrals", "Din rolle giver ikke adgang til henvisninger.")
    r = selectors.get_referral(user=user, referral_id=referral_id, channel="api")
    if not rules.has_perm("intake.answer_referral", user, r):
        raise HttpError(403, "Kun kommunens medarbejdere svarer på henvisninger.")
    r = services.answer_referral(referral=r, actor=user, accept=payload.accept, answer=payload.answer,
                                 now=timezone.now())
    return _referral_out(r)


class GuidanceIn(Schema):
    citizen_id: UUID
    contacted_on: datetime.date = Field(..., examples=["2026-11-23"])
    channel: GuidanceChannel = Field(..., examples=["phone"])
    benefit_area: BenefitArea | None = Field(None, examples=["boligstoette"])
    topic: str = Field(..., max_length=200, examples=["Kan jeg få boligstøtte som pensionist?"])
    advice: str = Field(..., max_length=4000, examples=["Ja, hvis huslejen og indtægten giver ret. Vi sender en "
                                                         "blanket."])
    refer: bool = Field(False, description="Henvis borgeren til kommunen i samme skridt (mulige særlige behov)")
    referral_reason: str = Field("", max_length=4000)


class GuidanceOut(Schema):
    id: UUID
    citizen_id: UUID
    contacted_on: datetime.date
    channel: GuidanceChannel
    benefit_area: str
    topic: str
    advice: str
    referred_to_municipality: bool
    referral_id: UUID | None
    recorded_by: str
    recorded_at: datetime.datetime


def _guidance_out(g: GuidanceContact) -> GuidanceOut:
    return GuidanceOut(id=g.pk, citizen_id=g.citizen_id, contacted_on=g.contacted_on, channel=g.channel,
                       benefit_area=g.benefit_area, topic=g.topic, advice=g.advice,
                       referred_to_municipality=g.referred_to_municipality, referral_id=g.referral_id,
                       recorded_by=g.recorded_by.get_full_name() or g.recorded_by.username, recorded_at=g.recorded_at)


@router.get("/citizens/{citizen_id}/guidance", response={200: list[GuidanceOut], 403: ErrorOut, 404: ErrorOut},
            summary="Udbetaling Danmarks vejledning af en borger (dokumentation ved klage)")
def list_guidance(request, citizen_id: UUID):
    api_user(request, "intake.view_applications", "Din rolle giver ikke adgang til vejledning.")
    _, contacts = selectors.guidance_for(user=request.auth, citizen_id=citizen_id, channel="api",
                                         purpose="Vejledning fra Udbetaling Danmark via API")
    return [_guidance_out(g) for g in contacts]


@router.post("/guidance", response={201: GuidanceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Registrér en vejledning af en borger (Udbetaling Danmark)")
def create_guidance(request, payload: GuidanceIn):
    user = api_user(request, "intake.record_guidance", "Kun Udbetaling Danmark registrerer sin vejledning af borgeren.")
    citizen = selectors.citizen_for_staff(user=user, citizen_id=payload.citizen_id, what="Navn og bopælskommune",
                                          purpose="Vejledning via API", channel="api")
    g = services.record_guidance(
        actor=user, citizen=citizen, contacted_on=payload.contacted_on, channel=payload.channel,
        benefit_area=payload.benefit_area or "", topic=payload.topic, advice=payload.advice, refer=payload.refer,
        referral_reason=payload.referral_reason, today=timezone.localdate())
    return Status(201, _guidance_out(g))
