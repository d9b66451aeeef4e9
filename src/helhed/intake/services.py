"""Writes of intake: applications on every channel, drafts, referrals. Each function is one
use case and one transaction; submissions carry idempotency keys."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from helhed.casework import services as casework
from helhed.casework.models import Authority, BenefitArea, Case, TaskKind, TaskStatus, deciding_authority
from helhed.core.audit import record_read
from helhed.core.calendar import add_business_days
from helhed.core.idempotent import insert_once
from helhed.core.models import User
from helhed.core.roles import Role
from helhed.intake.models import (
    Application,
    ApplicationStatus,
    Channel,
    GuidanceChannel,
    GuidanceContact,
    HelpKind,
    Referral,
    ReferralStatus,
    SubmittedBy,
)
from helhed.intake.questions import answer_problems
from helhed.intake.selectors import open_cases_for_benefit
from helhed.registry.models import Citizen, NemKontoStatus, Representation
from helhed.registry.rules import representation_permits

# A scanned paper application: PDF, PNG or JPEG of at most 10 MB (a documented parameter:
# a 20-page application scanned at 300 dpi in greyscale is about 5 MB).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
_ATTACHMENT_SIGNATURES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}

# The municipality answers a referral from Udbetaling Danmark within 5 business days (our
# documented parameter, docs/intake.md; seed 004 says the first contact is passed on, not
# how fast: a week of working days keeps a citizen with special needs from waiting long).
REFERRAL_RESPONSE_BUSINESS_DAYS = 5
NEMKONTO_TASK_BUSINESS_DAYS = 5
# Ours: how many days after a phone or written contact UDK staff may still record it as a
# guidance contact (so the log is written while the contact is fresh; docs/intake.md).
GUIDANCE_BACKDATE_DAYS = 14


def channels_for(role: str) -> tuple[str, ...]:
    """The channels a user of ``role`` registers applications on. Source: seed 004 (L 86):
    citizens apply digitally (borger.dk); Udbetaling Danmark receives paper and phone
    applications; the municipality (Borgerservice, caseworkers) gives face-to-face help to
    those who cannot serve themselves digitally."""
    return {
        Role.CITIZEN: (Channel.DIGITAL,),
        Role.UDK_STAFF: (Channel.PAPER, Channel.PHONE),
        Role.BORGERSERVICE: (Channel.IN_PERSON,),
        Role.CASEWORKER: (Channel.IN_PERSON,),
    }.get(role, ())


def needs_nemkonto_help(citizen: Citizen) -> bool:
    """A citizen without a NemKonto who applies for a benefit gets a task in the
    municipality's queue to help them open an account (seed 004: an account usable as
    NemKonto through UDK's bank); the payment is never held back meanwhile (Folketingets
    Ombudsmand 2023, DOMAIN.md; paid another way by casework)."""
    return citizen.nemkonto == NemKontoStatus.MISSING


def referral_response_deadline(referred_on: datetime.date,
                               business_days: int = REFERRAL_RESPONSE_BUSINESS_DAYS) -> datetime.date:
    """The municipality's deadline for answering a referral: ``business_days`` Danish
    business days after it was made (``helhed.core.calendar``; weekends and holidays such
    as Easter and Christmas do not count)."""
    return add_business_days(referred_on, business_days)


def attachment_problem(upload) -> str | None:
    """Why an uploaded scan is refused, or None. The content decides, not the file name."""
    if upload is None:
        return "Vedhæft den scannede ansøgning."
    if upload.size > ATTACHMENT_MAX_BYTES:
        return f"Filen er for stor. Den må højst fylde {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB."
    if upload.size == 0:
        return "Filen er tom."
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _ATTACHMENT_SIGNATURES):
        return "Filen skal være en PDF eller et billede (PNG eller JPEG)."
    return None


def duplicate_problem(open_cases: list[Case], *, confirmed: bool) -> str | None:
    """Why an application is held back as a likely duplicate, or None. Our rule (docs/intake.md):
    a citizen with an open case for the same benefit is warned and shown the case; they (or
    the representative or staff member applying) may still go on, deliberately, e.g. for a
    new period, by confirming. Nothing is refused for good: the right to apply stays
    (seed 004: every citizen may apply on every channel)."""
    if not open_cases or confirmed:
        return None
    references = ", ".join(c.reference for c in open_cases)
    return (f"Der er allerede en åben sag om samme ydelse (sag {references}). Se sagen, før du søger igen. "
            "Vil du søge alligevel, fx for en ny periode, skal du bekræfte det.")


def _check_duplicate(citizen: Citizen, benefit_area: str, confirmed: bool) -> None:
    problem = duplicate_problem(open_cases_for_benefit(citizen, benefit_area), confirmed=confirmed)
    if problem:
        raise ValidationError({"duplicate_confirmed": ValidationError(problem, code="unconfirmed_duplicate")})


def _scoped_key(actor: User, key: str | None) -> str | None:
    """Idempotency keys are per user, so two people's keys never meet."""
    return f"{actor.pk}:{key.strip()[:100]}" if key and key.strip() else None


def acting_representation(*, user: User, citizen: Citizen, benefit_area: str | None, today: datetime.date,
                          action: str = "act") -> Representation | None:
    """The representation in force through which ``user`` (a citizen's login) may ``action``
    for ``citizen``, or None."""
    candidates = Representation.objects.filter(citizen=citizen, representative__user=user)
    for representation in candidates.order_by("-valid_from"):
        if representation_permits(representation, action=action, benefit_area=benefit_area, today=today):
            return representation
    return None


def _record_act(application: Application, actor: User, channel: str) -> None:
    """The submission is an act on the citizen's behalf: it lands in the citizen's log, which
    the citizen reads, so the purpose does not speak of "borgeren"."""
    if application.submitted_by == SubmittedBy.REPRESENTATIVE:
        purpose = "Indsendt med fuldmagt"
    elif application.submitted_by == SubmittedBy.STAFF:
        purpose = "Registreret af en medarbejder"
    else:
        purpose = "Selvbetjening: egen ansøgning"
    record_read(actor=actor, citizen_uuids=[application.citizen_id],
                what=f"Ansøgning om {application.get_benefit_area_display().lower()} "
                     f"({application.get_channel_display().lower()}) indsendt",
                purpose=purpose, channel=channel)


def _after_submission(application: Application, actor: User, today: datetime.date,
                      send_receipt: bool = True) -> None:
    representative = (application.representation.representative
                      if application.submitted_by == SubmittedBy.REPRESENTATIVE else None)
    application.case = casework.open_case(citizen=application.citizen, benefit_area=application.benefit_area,
                                          opened_on=application.received_on, actor=actor,
                                          representative=representative, send_receipt=send_receipt)
    application.save(update_fields=["case", "updated_at"])
    if needs_nemkonto_help(application.citizen):
        casework.create_task(
            kind=TaskKind.NEMKONTO, title="Hjælp borgeren med at få en NemKonto",
            description=f"Borgeren har søgt {application.get_benefit_area_display().lower()} og har ingen "
                        "NemKonto. Hjælp borgeren med at åbne en konto, fx via Udbetaling Danmarks bank. "
                        "Ydelsen må ikke holdes tilbage imens.",
            citizen=application.citizen, case=application.case,
            municipality_id=application.citizen.home_municipality_id, authority=Authority.MUNICIPALITY,
            due_on=add_business_days(today, NEMKONTO_TASK_BUSINESS_DAYS),
            key=f"nemkonto:{application.pk}",
        )


def _check_representation(*, citizen: Citizen, representation: Representation | None, benefit_area: str,
                          on: datetime.date) -> None:
    if representation is None:
        raise ValidationError({"representation": "Vælg den fuldmagt, repræsentanten bruger."})
    if representation.citizen_id != citizen.pk:
        raise ValidationError({"representation": "Fuldmagten gælder ikke for denne borger."})
    if not representation_permits(representation, action="act", benefit_area=benefit_area, today=on):
        raise ValidationError({"representation": "Fuldmagten giver ikke ret til at søge denne ydelse for "
                                                 "borgeren (den er kun til at se oplysninger, gælder andre "
                                                 "ydelser, er udløbet eller tilbagekaldt)."})


@transaction.atomic
def start_draft(*, actor: User, citizen: Citizen, benefit_area: str, today: datetime.date) -> Application:
    """Start a self-service application (digital) as the citizen or as a representative
    whose power of attorney covers the benefit area, or continue the draft of it the same
    person has already started (a double click makes one draft)."""
    if benefit_area not in BenefitArea.values:
        raise ValidationError({"benefit_area": "Vælg en ydelse."})
    representation = None
    if citizen.user_id != actor.pk:
        representation = acting_representation(user=actor, citizen=citizen, benefit_area=benefit_area,
                                               today=today)
        if representation is None:
            raise ValidationError({"benefit_area": "Din fuldmagt giver ikke ret til at søge denne ydelse for "
                                                   "borgeren."})
    # One open draft per citizen, benefit and person filling it in: "Fortsæt" clicked twice, or
    # a second start of the same application, continues the draft there is.
    existing = Application.objects.filter(citizen=citizen, benefit_area=benefit_area, created_by=actor,
                                          status=ApplicationStatus.DRAFT).order_by("created_at").first()
    if existing is not None:
        return existing
    return Application.objects.create(
        citizen=citizen, municipality_id=citizen.home_municipality_id, benefit_area=benefit_area,
        authority=deciding_authority(benefit_area), channel=Channel.DIGITAL, status=ApplicationStatus.DRAFT,
        submitted_by=SubmittedBy.REPRESENTATIVE if representation else SubmittedBy.CITIZEN,
        created_by=actor, representation=representation)


def _own_draft(draft: Application, actor: User) -> None:
    if draft.created_by_id != actor.pk:
        raise ValidationError("Kladden er ikke din.")
    if not draft.is_draft:
        raise ValidationError("Ansøgningen er allerede sendt og kan ikke ændres.")


@transaction.atomic
def save_draft_answers(*, draft: Application, actor: User, answers: dict[str, str]) -> Application:
    """Keep what the citizen has answered so far (a draft may be incomplete)."""
    draft = Application.objects.select_for_update().get(pk=draft.pk)
    _own_draft(draft, actor)
    draft.answers = answers
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def submit_draft(*, draft: Application, actor: User, today: datetime.date, now: datetime.datetime,
                 channel: str = "web", duplicate_confirmed: bool = False) -> Application:
    """Submit a self-service draft. Submitting twice (a double click, a retry) returns the
    application already submitted: the draft itself is the idempotency key."""
    with transaction.atomic():
        draft = Application.objects.select_for_update().get(pk=draft.pk)
        if draft.created_by_id != actor.pk:
            raise ValidationError("Kladden er ikke din.")
        if not draft.is_draft:
            return draft
        problems = answer_problems(draft.benefit_area, draft.answers)
        if problems:
            raise ValidationError("Besvar alle spørgsmål, før du sender ansøgningen.")
        if draft.submitted_by == SubmittedBy.REPRESENTATIVE:
            _check_representation(citizen=draft.citizen, representation=draft.representation,
                                  benefit_area=draft.benefit_area, on=today)
        elif draft.citizen.user_id != actor.pk:
            raise ValidationError("Kladden er ikke din.")
        _check_duplicate(draft.citizen, draft.benefit_area, duplicate_confirmed)
        draft.status = ApplicationStatus.SUBMITTED
        draft.received_on = today
        draft.submitted_at = now
        draft.save(update_fields=["status", "received_on", "submitted_at", "updated_at"])
        _after_submission(draft, actor, today)
        _record_act(draft, actor, channel)
        return draft


def register_application(
    *, actor: User, citizen: Citizen, benefit_area: str, channel: str, received_on: datetime.date,
    submitted_by: str, answers: dict[str, str], today: datetime.date, now: datetime.datetime,
    idempotency_key: str | None, representation: Representation | None = None, help_kind: str = HelpKind.NONE,
    help_text: str = "", call_note: str = "", attachment=None, api_channel: str = "web",
    send_receipt: bool = True, duplicate_confirmed: bool = False,
) -> tuple[Application, bool]:
    """Register and submit an application in one step: staff on paper, phone or in person,
    or a citizen or representative through the API. Returns (application, created); the
    same ``idempotency_key`` from the same user returns the first application. An open case
    for the same benefit holds it back until ``duplicate_confirmed`` (``duplicate_problem``)."""
    key = _scoped_key(actor, idempotency_key)
    if key:
        existing = Application.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    problems: dict[str, object] = {}
    if benefit_area not in BenefitArea.values:
        raise ValidationError({"benefit_area": "Vælg en ydelse."})
    if channel not in channels_for(actor.role):
        problems["channel"] = "Du kan ikke registrere ansøgninger på denne kanal."
    if received_on > today:
        problems["received_on"] = "Datoen for modtagelse kan ikke ligge i fremtiden."
    if submitted_by not in SubmittedBy.values:
        problems["submitted_by"] = "Vælg, hvem der har indsendt ansøgningen."
    if actor.role == Role.CITIZEN and submitted_by == SubmittedBy.STAFF:
        problems["submitted_by"] = "Vælg, hvem der har indsendt ansøgningen."
    if channel == Channel.PAPER:
        problem = attachment_problem(attachment)
        if problem:
            problems["attachment"] = problem
    elif attachment is not None:
        problems["attachment"] = "Kun papiransøgninger har en scannet ansøgning."
    if channel == Channel.PHONE and not call_note.strip():
        problems["call_note"] = "Skriv et notat om samtalen."
    if channel == Channel.IN_PERSON and (help_kind == HelpKind.NONE or not help_text.strip()):
        problems["help_text"] = "Beskriv den hjælp, borgeren fik ved fremmødet."
    if help_kind not in HelpKind.values:
        problems["help_kind"] = "Vælg en type hjælp."
    for field, errors in answer_problems(benefit_area, answers).items():
        problems[field] = errors
    if submitted_by == SubmittedBy.REPRESENTATIVE:
        try:
            _check_representation(citizen=citizen, representation=representation, benefit_area=benefit_area,
                                  on=received_on)
            if actor.role == Role.CITIZEN and representation.representative.user_id != actor.pk:
                problems["representation"] = "Du er ikke repræsentant i denne fuldmagt."
        except ValidationError as error:
            problems.update(error.message_dict)
    elif actor.role == Role.CITIZEN and citizen.user_id != actor.pk:
        problems["submitted_by"] = "Du kan kun søge for dig selv eller med en fuldmagt."
    duplicate = duplicate_problem(open_cases_for_benefit(citizen, benefit_area), confirmed=duplicate_confirmed)
    if duplicate:
        problems["duplicate_confirmed"] = ValidationError(duplicate, code="unconfirmed_duplicate")
    if problems:
        raise ValidationError(problems)
    application = Application(
        citizen=citizen, municipality_id=citizen.home_municipality_id, benefit_area=benefit_area,
        authority=deciding_authority(benefit_area), channel=channel, status=ApplicationStatus.SUBMITTED,
        received_on=received_on, submitted_by=submitted_by, created_by=actor,
        representation=representation if submitted_by == SubmittedBy.REPRESENTATIVE else None,
        help_kind=help_kind, help_text=help_text.strip(), call_note=call_note.strip(),
        answers=answers, idempotency_key=key, submitted_at=now)
    if attachment is not None:
        application.attachment.save(attachment.name, attachment, save=False)

    def recorded(a: Application) -> None:
        _after_submission(a, actor, today, send_receipt=send_receipt)
        _record_act(a, actor, api_channel)

    return insert_once(application, then=recorded)


def refer_to_municipality(*, actor: User, citizen: Citizen, reason: str, today: datetime.date,
                          idempotency_key: str | None = None,
                          business_days: int = REFERRAL_RESPONSE_BUSINESS_DAYS) -> tuple[Referral, bool]:
    """Udbetaling Danmark passes the first contact of a citizen it judges to have special
    needs to the citizen's municipality (seed 004): a referral and a task in the
    municipality's work queue with a response deadline (``referral_response_deadline``)."""
    if actor.role != Role.UDK_STAFF:
        raise ValidationError("Kun Udbetaling Danmark henviser borgere til kommunen.")
    if not reason.strip():
        raise ValidationError({"reason": "Skriv, hvorfor borgeren har brug for kommunens hjælp."})
    key = _scoped_key(actor, idempotency_key)
    if key and (existing := Referral.objects.filter(idempotency_key=key).first()):
        return existing, False
    due_on = referral_response_deadline(today, business_days)
    with transaction.atomic():
        task = casework.create_task(
            kind=TaskKind.REFERRAL, title="Henvisning fra Udbetaling Danmark: borger med mulige særlige behov",
            description=reason.strip(), citizen=citizen, municipality_id=citizen.home_municipality_id,
            authority=Authority.MUNICIPALITY, due_on=due_on, key=f"referral:{key}" if key else None)
        referral = Referral.objects.create(
            citizen=citizen, municipality_id=citizen.home_municipality_id, reason=reason.strip(),
            referred_on=today, due_on=due_on, referred_by=actor, task=task, idempotency_key=key)
    return referral, True


@transaction.atomic
def answer_referral(*, referral: Referral, actor: User, accept: bool, answer: str,
                    now: datetime.datetime) -> Referral:
    """The municipality takes over the contact (accept) or answers that the citizen does
    not need its help. Answering twice is refused; the task in the queue is done."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.OPEN:
        raise ValidationError("Henvisningen er allerede besvaret.")
    if not answer.strip():
        raise ValidationError({"answer": "Skriv kommunens svar til Udbetaling Danmark."})
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.ANSWERED
    referral.answer = answer.strip()
    referral.answered_by = actor
    referral.answered_at = now
    referral.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    task = referral.task
    if task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.done_at = now
        task.done_by = actor
        task.save(update_fields=["status", "done_at", "done_by"])
    return referral


@transaction.atomic
def record_guidance(*, actor: User, citizen: Citizen, contacted_on: datetime.date, channel: str, topic: str,
                    advice: str, benefit_area: str = "", refer: bool = False, referral_reason: str = "",
                    today: datetime.date) -> GuidanceContact:
    """Udbetaling Danmark records one guidance contact with a citizen (seed 004: UDK's phone
    and digital support; forvaltningsloven § 7, the duty to guide). With ``refer`` the
    citizen is referred to the municipality in the same step (``refer_to_municipality``:
    UDK passes the contact of a citizen it judges to have special needs), and the contact
    links to the referral. The record cannot be changed afterwards (append-only)."""
    if actor.role != Role.UDK_STAFF:
        raise ValidationError("Kun Udbetaling Danmark registrerer sin vejledning af borgeren.")
    errors = {}
    if channel not in GuidanceChannel.values:
        errors["channel"] = "Vælg, hvordan kontakten foregik."
    if benefit_area and benefit_area not in BenefitArea.values:
        errors["benefit_area"] = "Vælg en ydelse fra listen."
    if not topic.strip():
        errors["topic"] = "Skriv, hvad borgeren spurgte om."
    if not advice.strip():
        errors["advice"] = "Skriv, hvad borgeren blev vejledt om."
    if contacted_on > today:
        errors["contacted_on"] = "Kontakten kan ikke ligge efter i dag."
    elif contacted_on < today - datetime.timedelta(days=GUIDANCE_BACKDATE_DAYS):
        errors["contacted_on"] = (f"Registrér kontakten senest {GUIDANCE_BACKDATE_DAYS} dage efter. En ældre kontakt "
                                  "skrives i et notat i sagen.")
    if errors:
        raise ValidationError(errors)
    referral = None
    if refer:
        reason = referral_reason.strip() or f"Vejledning om {topic.strip()}: {advice.strip()}"
        referral, _ = refer_to_municipality(actor=actor, citizen=citizen, reason=reason, today=today)
    return GuidanceContact.objects.create(
        citizen=citizen, contacted_on=contacted_on, channel=channel, benefit_area=benefit_area,
        topic=topic.strip()[:200], advice=advice.strip(), referred_to_municipality=refer, referral=referral,
        recorded_by=actor)
