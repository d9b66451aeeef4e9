"""Writes to cases and work queues. Each function is one use case and one transaction.

A case moves only through ``policy.ALLOWED_TRANSITIONS``; every change is recorded as a
``CaseEvent`` (who, and whether a representative acted on the citizen's behalf) and is
guarded by the optimistic lock ``Case.version``: the caller passes the version it read, and
a newer one refuses the change (``code="stale"``). Letters are written here and delivered by
``helhed.casework.outbox``.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html

from helhed.casework import letterfacts, letters, policy
from helhed.casework.models import (
    Authority,
    Case,
    CaseEvent,
    CaseStatus,
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    Decision,
    EventKind,
    Hearing,
    HearingPurpose,
    HearingResponse,
    Letter,
    LetterChannel,
    LetterKind,
    LetterStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    RespondedBy,
    ResponseChannel,
    Task,
    TaskKind,
    TaskStatus,
    deciding_authority,
)
from helhed.core.calendar import add_business_days
from helhed.core.formats import kortdato, kroner
from helhed.core.models import Municipality, User
from helhed.core.roles import Role
from helhed.registry.models import Citizen, Move
from helhed.registry.selectors import explain_letter_line, special_needs_contact

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
EXPLAIN_LETTER_BUSINESS_DAYS = 5


def new_reference(opened_on: datetime.date) -> str:
    """A case number people can read aloud: the year and eight random characters."""
    return f"{opened_on.year}-{''.join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))}"


def _name(actor: User | None) -> str:
    if actor is None:
        return "Systemet"
    return actor.get_full_name() or actor.get_username()


def authority_name(case: Case) -> str:
    if case.authority == Authority.UDK:
        return "Udbetaling Danmark"
    return str(case.municipality)


def _record(case: Case, kind: str, *, on: datetime.date, actor: User | None, representative: Citizen | None = None,
            from_status: str = "", to_status: str = "", text: str = "", amount: Decimal | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, on=on, actor=actor, actor_name=_name(actor), representative=representative,
        from_status=from_status, to_status=to_status, text=text[:500], amount=amount,
    )


def open_case(*, citizen: Citizen, benefit_area: str, opened_on: datetime.date, actor: User | None,
              representative: Citizen | None = None, send_receipt: bool = True) -> Case:
    """Open a case for an application in ``benefit_area``, at the authority that decides it
    (``models.deciding_authority``), scoped to the citizen's home municipality. The timeline
    starts with "received", and the citizen gets a receipt letter."""
    for _ in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=new_reference(opened_on), citizen=citizen, benefit_area=benefit_area,
                    authority=deciding_authority(benefit_area), municipality_id=citizen.home_municipality_id,
                    opened_on=opened_on,
                )
                _record(case, EventKind.RECEIVED, on=opened_on, actor=actor, representative=representative,
                        to_status=CaseStatus.RECEIVED, text="Ansøgningen er modtaget.")
                if send_receipt:
                    queue_letter(case=case, kind=LetterKind.RECEIPT, on=opened_on, key=f"receipt-{case.pk}",
                                 context={"received_on": opened_on, "reference": case.reference})
                return case
        except IntegrityError:
            continue  # a reference drawn twice: draw again
    raise RuntimeError("could not draw a unique case reference")


def create_task(*, kind: str, title: str, citizen: Citizen | None = None, case: Case | None = None,
                municipality_id: int | None = None, authority: str = Authority.MUNICIPALITY,
                description: str = "", due_on: datetime.date | None = None, assigned_to: User | None = None,
                key: str | None = None) -> Task:
    """Put a task in a work queue. With ``key``, the same task is created once however often
    it is asked for (a retried request, a re-run job). A citizen has at most one open
    NemKonto task (the account is opened once): asking for another returns the open one."""
    values = dict(kind=kind, title=title, citizen=citizen, case=case, municipality_id=municipality_id,
                  authority=authority, description=description, due_on=due_on, assigned_to=assigned_to)
    if kind == TaskKind.NEMKONTO and citizen is not None:
        def open_nemkonto_task() -> Task | None:
            return Task.objects.filter(citizen=citizen, kind=TaskKind.NEMKONTO, status=TaskStatus.OPEN).first()

        found = open_nemkonto_task()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return _create_task(values, key)
        except IntegrityError:
            # Two requests at the same moment: the database let one task in.
            found = open_nemkonto_task()
            if found is None:
                raise
            return found
    return _create_task(values, key)


def _create_task(values: dict, key: str | None) -> Task:
    if key is None:
        return Task.objects.create(**values)
    task, _ = Task.objects.get_or_create(idempotency_key=key[:100], defaults=values)
    return task


# --- Letters ------------------------------------------------------------------------------------

def queue_letter(*, case: Case, kind: str, on: datetime.date, key: str, context: dict | None = None) -> Letter:
    """Write a letter in the case and put it in the outbox (the same ``key`` twice writes it
    once). When the citizen has special needs, the municipal contact person gets a copy and a
    task to explain it (seed 004, lov om Udbetaling Danmark § 3 stk. 3)."""
    existing = Letter.objects.filter(idempotency_key=key[:100]).first()
    if existing is not None:
        return existing
    citizen = case.citizen
    contact = special_needs_contact(citizen)
    composed = letters.compose(kind, letterfacts.letter_context(case, contact=contact)
                               | {"name": citizen.full_name} | (context or {}))
    body_html, text = composed.body_html, composed.text
    line = explain_letter_line(citizen)
    if line is not None:
        # In the citizen's own language, marked so a screen reader and the tagged PDF read it
        # as that language; LIX measures the Danish text only.
        body_html += format_html('<p lang="{}">{}</p>', line.language, line.text)
        text += f"\n{line.text}"
    letter = Letter.objects.create(
        case=case, citizen=citizen, kind=kind, subject=composed.subject, body_html=body_html,
        text=text, lix=composed.lix, written_on=on, contact_person=contact, idempotency_key=key[:100],
    )
    if contact is not None:
        create_task(
            kind=TaskKind.EXPLAIN_LETTER, title=f"Forklar brevet »{composed.subject}« til borgeren",
            description=f"Borgeren har særlige behov. Du er kontaktperson. Brevet er sendt i sag {case.reference}.",
            citizen=citizen, case=case, municipality_id=citizen.home_municipality_id,
            authority=Authority.MUNICIPALITY, assigned_to=contact,
            due_on=add_business_days(on, EXPLAIN_LETTER_BUSINESS_DAYS), key=f"explain-letter-{letter.pk}",
        )
    return letter


@transaction.atomic
def mark_printed(*, letter: Letter, actor: User, now: datetime.datetime) -> Letter:
    """The letter has been printed and posted. Marking twice keeps the first time."""
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.channel != LetterChannel.PRINT or locked.status != LetterStatus.DELIVERED:
        raise ValidationError("Brevet er ikke i udskriftskøen.", code="not_print")
    if locked.printed_at is None:
        locked.printed_at, locked.printed_by = now, actor
        locked.save(update_fields=["printed_at", "printed_by"])
    return locked


# --- The state machine ------------------------------------------------------------------------------

def _stale() -> ValidationError:
    return ValidationError(
        "Sagen er ændret af en anden, siden du åbnede den. Din ændring er ikke gemt. "
        "Se sagen igen, og prøv igen.", code="stale")


def _locked(case: Case, version: int) -> Case:
    current = Case.objects.select_for_update().select_related("citizen", "municipality").get(pk=case.pk)
    if current.version != version:
        raise _stale()
    return current


def _save(current: Case, version: int, fields: list[str]) -> Case:
    """Compare-and-set on ``version``: write only if nobody saved in between."""
    current.version = version + 1
    values = {f: getattr(current, f) for f in [*fields, "version"]} | {"updated_at": timezone.now()}
    if not Case.objects.filter(pk=current.pk, version=version).update(**values):
        raise _stale()
    return current


def _move(case: Case, *, version: int, to: str, actor: User | None, on: datetime.date, kind: str,
          text: str = "", representative: Citizen | None = None, amount: Decimal | None = None,
          only_from: tuple[str, ...] | None = None, **fields) -> Case:
    current = _locked(case, version)
    if only_from is not None and current.status not in only_from:
        allowed = " eller ".join(CaseStatus(s).label.lower() for s in only_from)
        raise ValidationError(f"Sagen er {current.get_status_display().lower()}. Det kan kun gøres, når sagen er "
                              f"{allowed}.", code="illegal_transition")
    policy.check_transition(current.status, to)
    source = current.status
    current.status = to
    for name, value in fields.items():
        setattr(current, name, value)
    _save(current, version, ["status", *fields])
    _record(current, kind, on=on, actor=actor, representative=representative, from_status=source, to_status=to,
            text=text, amount=amount)
    return current


def _open_hearing(case: Case, purpose: str) -> Hearing | None:
    """The hearing that precedes the next decision for ``purpose``: the newest one no
    decision has concluded yet."""
    return (Hearing.objects.select_for_update().filter(case=case, purpose=purpose, concluded_on__isnull=True)
            .order_by("-sent_on", "-created_at").first())


def _hearing_before_decision(current: Case, *, purpose: str, on: datetime.date, today: datetime.date | None,
                             actor: User | None, no_hearing_ground: str = "", no_hearing_reason: str = "",
                             in_favour: bool = False) -> None:
    """Forvaltningsloven §§ 19 and 21 before a decision: a decision to the citizen's
    disadvantage waits while a hearing is open (``policy.hearing_hold``) and needs a hearing
    first, or a recorded reason why none was required (§ 19 stk. 2), which goes on the
    timeline. A decision fully in the citizen's favour (``in_favour``) needs no hearing; it
    ends an open one. The check uses the earlier of the decision date and today, so a
    decision dated ahead does not jump the deadline."""
    hearing = _open_hearing(current, purpose)
    if hearing is not None:
        if not in_favour:
            hold = policy.hearing_hold(deadline=hearing.deadline, responded=bool(hearing.response),
                                       on=min(on, today or on))
            if hold:
                raise ValidationError(hold, code="hearing_open")
        hearing.concluded_on = on
        hearing.save(update_fields=["concluded_on"])
        return
    if in_favour:
        return
    if not no_hearing_ground and not no_hearing_reason.strip():
        raise ValidationError(
            {"no_hearing_reason": "Borgeren er ikke partshørt. Send en partshøring først, eller skriv, hvorfor "
                                  "der ikke skal være partshøring (forvaltningsloven § 19, stk. 2)."},
            code="hearing_required")
    text = policy.hearing_not_required_text(no_hearing_ground, no_hearing_reason)
    _record(current, EventKind.HEARING_NOT_REQUIRED, on=on, actor=actor, text=text)


@transaction.atomic
def start_processing(*, case: Case, version: int, actor: User, on: datetime.date,
                     caseworker: User | None = None) -> Case:
    """Received → under processing; the acting caseworker takes the case unless another is
    named. From a hearing only once the deadline has passed without an answer (an answer or
    a waiver is registered with ``respond_to_hearing``): the hearing task is not closed
    behind the citizen's back."""
    current = _locked(case, version)
    if current.status == CaseStatus.HEARING:
        hearing = _open_hearing(current, HearingPurpose.DECISION)
        if hearing is not None and policy.hearing_hold(deadline=hearing.deadline, responded=bool(hearing.response),
                                                       on=on):
            raise ValidationError(
                f"Svarfristen i partshøringen løber til og med {kortdato(hearing.deadline)}. Registrér borgerens "
                "svar eller afkald, eller vent til fristen er udløbet.", code="hearing_open")
    current = _move(case, version=version, to=CaseStatus.PROCESSING, actor=actor, on=on, kind=EventKind.PROCESSING,
                    only_from=(CaseStatus.RECEIVED, CaseStatus.HEARING), text="Sagen er under behandling.",
                    caseworker=caseworker or case.caseworker or actor)
    _close_tasks(current, TaskKind.HEARING, actor)
    return current


@transaction.atomic
def send_hearing(*, case: Case, version: int, actor: User, on: datetime.date, facts: str,
                 days: int = policy.HEARING_ANSWER_DAYS) -> Case:
    """A partshøring letter with an answer deadline (``policy.hearing_deadline``) and a task
    with that deadline in the deciding authority's queue. Under processing, before the
    decision: the case goes to "hearing". In a granted case, before a repayment claim
    (forvaltningsloven § 19; seed 004 names repayment cases): the status stays."""
    if not facts.strip():
        raise ValidationError({"facts": "Skriv de oplysninger, borgeren skal høres om."})
    deadline = policy.hearing_deadline(on, days)
    current = _locked(case, version)
    if current.status == CaseStatus.DECIDED and current.decision == Decision.GRANTED:
        purpose = HearingPurpose.REPAYMENT
        _save(current, version, [])
        _record(current, EventKind.HEARING, on=on, actor=actor,
                text=f"Partshøring om krav om tilbagebetaling. Svarfrist {kortdato(deadline)}.")
    else:
        purpose = HearingPurpose.DECISION
        current = _move(case, version=version, to=CaseStatus.HEARING, actor=actor, on=on, kind=EventKind.HEARING,
                        text=f"Svarfrist {kortdato(deadline)}.", hearing_deadline=deadline)
    # A new hearing replaces an unanswered earlier one for the same decision.
    Hearing.objects.filter(case=current, purpose=purpose, concluded_on__isnull=True).update(concluded_on=on)
    Hearing.objects.create(case=current, purpose=purpose, facts=facts.strip(), sent_on=on, deadline=deadline)
    queue_letter(case=current, kind=LetterKind.HEARING, on=on, key=f"hearing-{current.pk}-v{version}",
                 context={"facts": facts.strip(), "deadline": deadline})
    create_task(kind=TaskKind.HEARING, title=f"Svarfrist i partshøring i sag {current.reference}",
                citizen=current.citizen, case=current, authority=current.authority,
                municipality_id=current.municipality_id if current.authority == Authority.MUNICIPALITY else None,
                due_on=deadline, assigned_to=current.caseworker, key=f"hearing-task-{current.pk}-v{version}")
    return current


def _close_tasks(case: Case, kind: str, actor: User | None) -> None:
    Task.objects.filter(case=case, kind=kind, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=timezone.now(), done_by=actor)


def _awaiting_response(current: Case) -> Hearing:
    hearing = (Hearing.objects.select_for_update()
               .filter(case=current, concluded_on__isnull=True, response="").order_by("-sent_on", "-created_at")
               .first())
    if hearing is None:
        raise ValidationError("Der er ingen partshøring i sagen, som venter på borgerens svar.",
                              code="illegal_transition")
    return hearing


def _default_responder(actor: User, representative: Citizen | None) -> tuple[str, str]:
    if representative is not None:
        return RespondedBy.REPRESENTATIVE, ResponseChannel.SELF_SERVICE
    if actor.role == Role.CITIZEN:
        return RespondedBy.CITIZEN, ResponseChannel.SELF_SERVICE
    return RespondedBy.STAFF, ResponseChannel.LETTER


@transaction.atomic
def respond_to_hearing(*, case: Case, version: int, actor: User, on: datetime.date, response: str,
                       answer: str = "", responded_by: str = "", channel: str = "",
                       representative: Citizen | None = None) -> Case:
    """The citizen answers a hearing, or waives the right to answer (forvaltningsloven § 19),
    recorded with who gave it (the citizen; a representative with a fuldmagt, named; or staff
    registering it, e.g. the municipal contact person of a citizen with special needs, lov om
    Udbetaling Danmark § 3 stk. 3) and on which channel. A hearing before the decision sends
    the case back to processing; the hearing task is done."""
    if response not in HearingResponse.values:
        raise ValidationError({"response": "Vælg, om borgeren svarer eller giver afkald."})
    if response == HearingResponse.ANSWERED and not answer.strip():
        raise ValidationError({"answer": "Skriv borgerens svar."})
    default_by, default_channel = _default_responder(actor, representative)
    responded_by, channel = responded_by or default_by, channel or default_channel
    if responded_by not in RespondedBy.values or channel not in ResponseChannel.values:
        raise ValidationError("Vælg, hvem der svarer, og hvordan svaret er kommet.")
    if (responded_by == RespondedBy.REPRESENTATIVE) != (representative is not None) and actor.role == Role.CITIZEN:
        raise ValidationError("Svaret skal gives af borgeren selv eller af en repræsentant med fuldmagt.")
    current = _locked(case, version)
    hearing = _awaiting_response(current)
    kind = EventKind.HEARING_ANSWERED if response == HearingResponse.ANSWERED else EventKind.HEARING_WAIVED
    who = RespondedBy(responded_by).label
    text = (answer.strip() if response == HearingResponse.ANSWERED
            else "Borgeren ønsker ikke at udtale sig.") + f" ({who}, {ResponseChannel(channel).label.lower()})"
    if hearing.purpose == HearingPurpose.DECISION and current.status == CaseStatus.HEARING:
        current = _move(case, version=version, to=CaseStatus.PROCESSING, actor=actor, on=on, kind=kind, text=text,
                        representative=representative, only_from=(CaseStatus.HEARING,))
    else:
        _save(current, version, [])
        _record(current, kind, on=on, actor=actor, representative=representative, text=text)
    hearing.response, hearing.responded_on, hearing.response_text = response, on, answer.strip()
    hearing.responded_by, hearing.response_channel = responded_by, channel
    hearing.registered_by, hearing.representative = actor, representative
    hearing.save()
    _close_tasks(current, TaskKind.HEARING, actor)
    return current


@transaction.atomic
def record_hearing_answer(*, case: Case, version: int, actor: User, on: datetime.date, answer: str,
                          representative: Citizen | None = None, responded_by: str = "",
                          channel: str = "") -> Case:
    """Hearing → under processing with the citizen's answer (``respond_to_hearing``)."""
    if not answer.strip():
        raise ValidationError({"answer": "Skriv borgerens svar."})
    current = _locked(case, version)
    if current.status != CaseStatus.HEARING and not Hearing.objects.filter(
            case=current, concluded_on__isnull=True, response="").exists():
        raise ValidationError(f"Sagen er {current.get_status_display().lower()}. Det kan kun gøres, når sagen er "
                              "partshøring.", code="illegal_transition")
    return respond_to_hearing(case=case, version=version, actor=actor, on=on, response=HearingResponse.ANSWERED,
                              answer=answer, representative=representative, responded_by=responded_by,
                              channel=channel)


@transaction.atomic
def waive_hearing(*, case: Case, version: int, actor: User, on: datetime.date, representative: Citizen | None = None,
                  responded_by: str = "", channel: str = "") -> Case:
    """The citizen does not wish to comment (``respond_to_hearing``)."""
    return respond_to_hearing(case=case, version=version, actor=actor, on=on, response=HearingResponse.WAIVED,
                              representative=representative, responded_by=responded_by, channel=channel)


@transaction.atomic
def extend_hearing(*, case: Case, version: int, actor: User, on: datetime.date, deadline: datetime.date,
                   reason: str) -> Case:
    """The citizen (or whoever helps them) asks for more time: the deadline moves to
    ``deadline`` (``policy.extended_hearing_deadline``), with the reason on the timeline, and
    the hearing task follows (forvaltningsloven § 21)."""
    if not reason.strip():
        raise ValidationError({"reason": "Skriv, hvorfor fristen forlænges."})
    current = _locked(case, version)
    hearing = _awaiting_response(current)
    new = policy.extended_hearing_deadline(hearing.deadline, deadline)
    fields = []
    if hearing.purpose == HearingPurpose.DECISION and current.status == CaseStatus.HEARING:
        current.hearing_deadline = new
        fields = ["hearing_deadline"]
    _save(current, version, fields)
    _record(current, EventKind.HEARING_EXTENDED, on=on, actor=actor,
            text=f"Ny svarfrist {kortdato(new)} (før {kortdato(hearing.deadline)}): {reason.strip()}")
    hearing.deadline, hearing.extension_reason = new, reason.strip()[:500]
    hearing.save(update_fields=["deadline", "extension_reason"])
    Task.objects.filter(case=current, kind=TaskKind.HEARING, status=TaskStatus.OPEN).update(due_on=new)
    return current


_DECIDABLE = (CaseStatus.PROCESSING, CaseStatus.HEARING)


@transaction.atomic
def grant(*, case: Case, version: int, actor: User, on: datetime.date, monthly_amount: Decimal,
          starts_on: datetime.date) -> Case:
    """Decide: granted with a monthly amount from a start date. The decision letter is
    written and the first month is paid (``pay``). A grant is in the citizen's favour, so
    no hearing is needed (forvaltningsloven § 19 stk. 1 covers facts to the party's
    disadvantage); the timeline says so when no hearing was held."""
    if monthly_amount is None or monthly_amount <= 0:
        raise ValidationError({"monthly_amount": "Skriv et månedligt beløb større end 0 kr."})
    held = _open_hearing(_locked(case, version), HearingPurpose.DECISION) is not None
    current = _move(case, version=version, to=CaseStatus.DECIDED, actor=actor, on=on, kind=EventKind.GRANTED,
                    text=f"Bevilget fra {kortdato(starts_on)}." + (
                        "" if held else " Ingen partshøring: ansøgningen imødekommes (forvaltningsloven § 19)."),
                    amount=monthly_amount, decision=Decision.GRANTED,
                    monthly_amount=monthly_amount, benefit_starts_on=starts_on, refusal_reasons="", decided_on=on,
                    only_from=_DECIDABLE)
    _hearing_before_decision(current, purpose=HearingPurpose.DECISION, on=on, today=None, actor=actor,
                             in_favour=True)
    _close_tasks(current, TaskKind.HEARING, actor)
    payment = pay(case=current, amount=monthly_amount, paid_on=starts_on, kind=PaymentKind.REGULAR, actor=actor,
                  on=on, key=f"first-payment-{current.pk}", explanation="Første måneds ydelse.")
    queue_letter(case=current, kind=LetterKind.GRANTED, on=on, key=f"granted-{current.pk}-v{version}",
                 context={"monthly_amount": monthly_amount, "starts_on": starts_on, **_payment_context(payment)})
    return current


@transaction.atomic
def refuse(*, case: Case, version: int, actor: User, on: datetime.date, reasons: str,
           no_hearing_ground: str = "", no_hearing_reason: str = "", today: datetime.date | None = None) -> Case:
    """Decide: refused, with the reasons the citizen reads in the letter. A refusal is to the
    citizen's disadvantage: it waits for an open hearing and needs a hearing first, or the
    recorded reason why none was required (``_hearing_before_decision``)."""
    if not reasons.strip():
        raise ValidationError({"reasons": "Skriv begrundelsen for afslaget."})
    current = _locked(case, version)
    if current.status not in _DECIDABLE:
        _move(case, version=version, to=CaseStatus.DECIDED, actor=actor, on=on, kind=EventKind.REFUSED,
              only_from=_DECIDABLE)  # raises the state machine's message
    _hearing_before_decision(current, purpose=HearingPurpose.DECISION, on=on, today=today, actor=actor,
                             no_hearing_ground=no_hearing_ground, no_hearing_reason=no_hearing_reason)
    current = _move(case, version=version, to=CaseStatus.DECIDED, actor=actor, on=on, kind=EventKind.REFUSED,
                    text=reasons.strip(), decision=Decision.REFUSED, refusal_reasons=reasons.strip(), decided_on=on,
                    only_from=_DECIDABLE)
    _close_tasks(current, TaskKind.HEARING, actor)
    queue_letter(case=current, kind=LetterKind.REFUSED, on=on, key=f"refused-{current.pk}-v{version}",
                 context={"reasons": reasons.strip()})
    return current


@transaction.atomic
def close_case(*, case: Case, version: int, actor: User, on: datetime.date) -> Case:
    """Decided → closed (the benefit has ended)."""
    return _move(case, version=version, to=CaseStatus.CLOSED, actor=actor, on=on, kind=EventKind.CLOSED,
                 text="Sagen er afsluttet.", only_from=(CaseStatus.DECIDED,))


def _granted_and_decided(current: Case) -> None:
    if current.status != CaseStatus.DECIDED or current.decision != Decision.GRANTED:
        raise ValidationError("Det kan kun gøres i en sag, hvor ydelsen er bevilget og sagen er afgjort.",
                              code="not_granted")


@transaction.atomic
def efterregulering(*, case: Case, version: int, actor: User, on: datetime.date, year: int,
                    difference: Decimal) -> Case:
    """The annual adjustment of a granted benefit for ``year`` (seed 004): ``difference`` > 0
    is paid to the citizen; < 0 was paid too much (claim it with ``claim_repayment``)."""
    current = _locked(case, version)
    _granted_and_decided(current)
    if not (2000 <= year <= on.year):
        raise ValidationError({"year": "Skriv et år, der er gået."})
    _save(current, version, [])
    _record(current, EventKind.EFTERREGULERING, on=on, actor=actor, amount=difference,
            text=f"Efterregulering for {year}.")
    if difference > 0:
        pay(case=current, amount=difference, paid_on=on, kind=PaymentKind.EFTERREGULERING, actor=actor, on=on,
            key=f"efterregulering-{current.pk}-{year}", explanation=f"Efterregulering for {year}.")
    queue_letter(case=current, kind=LetterKind.EFTERREGULERING, on=on, key=f"efterregulering-{current.pk}-{year}",
                 context={"year": year, "difference": difference})
    return current


@transaction.atomic
def claim_repayment(*, case: Case, version: int, actor: User, on: datetime.date, amount: Decimal, reason: str,
                    due_on: datetime.date, no_hearing_ground: str = "", no_hearing_reason: str = "",
                    today: datetime.date | None = None) -> Case:
    """A repayment claim (tilbagebetaling) in a granted case, with its reason and due date.
    It is a decision to the citizen's disadvantage: a hearing about it first (``send_hearing``
    in the granted case), or a recorded reason why none was required (forvaltningsloven § 19)."""
    current = _locked(case, version)
    _granted_and_decided(current)
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = "Skriv et beløb større end 0 kr."
    if not reason.strip():
        errors["reason"] = "Skriv, hvorfor borgeren skal betale tilbage."
    if due_on <= on:
        errors["due_on"] = "Fristen skal ligge efter i dag."
    if errors:
        raise ValidationError(errors)
    _hearing_before_decision(current, purpose=HearingPurpose.REPAYMENT, on=on, today=today, actor=actor,
                             no_hearing_ground=no_hearing_ground, no_hearing_reason=no_hearing_reason)
    _save(current, version, [])
    _record(current, EventKind.TILBAGEBETALING, on=on, actor=actor, amount=amount, text=reason.strip())
    _close_tasks(current, TaskKind.HEARING, actor)
    queue_letter(case=current, kind=LetterKind.REPAYMENT, on=on, key=f"repayment-{current.pk}-v{version}",
                 context={"amount": amount, "reason": reason.strip(), "due_on": due_on})
    return current


# --- Payments ---------------------------------------------------------------------------------------

def _method_phrase(method: str) -> str:
    return "din NemKonto" if method == PaymentMethod.NEMKONTO else "dig på en anden måde, fx kontant"


def _payment_context(payment: Payment) -> dict:
    """What a letter says about how a payment reaches the citizen: the account, or for cash
    on an arrangement, where and from when to collect it (``cashaccess.services.collection_for``)."""
    context = {"method": _method_phrase(payment.method), "cash": None}
    expected = getattr(payment, "expected_handout", None) if payment.method == PaymentMethod.CASH else None
    if expected is not None:
        context["cash"] = {"amount": expected.amount, "collect_from": expected.collect_from,
                           "place": expected.place, "handed_out_by": expected.handed_out_by}
    return context


def pay(*, case: Case, amount: Decimal, paid_on: datetime.date, kind: str, actor: User | None, on: datetime.date,
        key: str, explanation: str = "", complaint: Complaint | None = None) -> Payment:
    """Pay the citizen (``policy.payment_method``). Without a NemKonto the payment is made
    another way, never held back, and the municipality gets a task to help the citizen
    open an account. A citizen with an active cash arrangement that pays cash is paid in
    cash, and the payment waits in the arrangement's hand-out log
    (``cashaccess.services.expect_cash_handout``)."""
    existing = Payment.objects.filter(idempotency_key=key[:100]).first()
    if existing is not None:
        return existing
    citizen = case.citizen
    # cashaccess builds on casework's payments; imported here to keep the two modules apart.
    from helhed.cashaccess.services import cash_arrangement_for, expect_cash_handout

    method = policy.payment_method(citizen.nemkonto)
    if cash_arrangement_for(citizen=citizen, on=paid_on) is not None:
        # The citizen's cash arrangement decides the route (seed 000: citizens who cannot
        # use payment or cash cards), also when they have an account.
        method = PaymentMethod.CASH
    payment = Payment.objects.create(
        case=case, citizen=citizen, kind=kind, amount=amount, paid_on=paid_on, method=method,
        explanation=explanation[:500], complaint=complaint, created_by=actor, idempotency_key=key[:100],
    )
    _record(case, EventKind.PAYMENT, on=on, actor=actor, amount=amount,
            text=f"{payment.get_kind_display()} via {payment.get_method_display()}.")
    if method == PaymentMethod.CASH:
        expect_cash_handout(payment=payment, actor=actor)
    if policy.payment_method(citizen.nemkonto) != PaymentMethod.NEMKONTO:
        create_task(
            kind=TaskKind.NEMKONTO, title="Hjælp borgeren med at få en NemKonto",
            description=f"Borgeren har ingen NemKonto. {kroner(amount)} i sag {case.reference} udbetales "
                        f"{payment.get_method_display().lower()} den {kortdato(paid_on)}.",
            citizen=citizen, case=case, municipality_id=citizen.home_municipality_id,
            authority=Authority.MUNICIPALITY, due_on=add_business_days(on, 5), key=f"nemkonto-payment-{citizen.pk}",
        )
    return payment


# --- Complaints -------------------------------------------------------------------------------------

def decision_delivered_on(case: Case) -> datetime.date | None:
    """The day the citizen received the decision complained about: the newest decision
    letter's delivery (Digital Post or the print queue), else the decision date."""
    letter = (Letter.objects.filter(case=case, kind__in=_DECISION_LETTERS, status=LetterStatus.DELIVERED)
              .order_by("-delivered_at").only("delivered_at").first())
    if letter is not None and letter.delivered_at is not None:
        return timezone.localdate(letter.delivered_at)
    return case.decided_on


_DECISION_LETTERS = (LetterKind.GRANTED, LetterKind.REFUSED, LetterKind.RECONSIDERED)


@transaction.atomic
def record_complaint(*, case: Case, actor: User, received_on: datetime.date, text: str,
                     representative: Citizen | None = None, key: str | None = None) -> Complaint:
    """A complaint about the decision (by the citizen in self-service, a representative, or
    staff on their behalf). It goes first to the authority that decided, which reconsiders
    it (genvurdering, retssikkerhedsloven § 66): a task with ``policy.reconsideration_deadline``
    in its queue. A complaint received after ``policy.complaint_deadline`` is flagged late and
    waits for the caseworker's decision whether to treat it anyway. The same ``key`` twice
    records one complaint."""
    if key:
        existing = Complaint.objects.filter(idempotency_key=key[:100]).first()
        if existing is not None:
            return existing
    if not text.strip():
        raise ValidationError({"text": "Skriv, hvad klagen går ud på."})
    current = Case.objects.select_for_update().select_related("citizen").get(pk=case.pk)
    version = current.version
    policy.check_transition(current.status, CaseStatus.COMPLAINT)
    delivered = decision_delivered_on(current) or received_on
    deadline = policy.complaint_deadline(delivered)
    late = policy.complaint_is_late(received_on=received_on, deadline=deadline)
    due = policy.reconsideration_deadline(received_on)
    source, current.status = current.status, CaseStatus.COMPLAINT
    _save(current, version, ["status"])
    complaint = Complaint.objects.create(
        case=current, received_on=received_on, text=text.strip(), submitted_by=actor, representative=representative,
        idempotency_key=key[:100] if key else None, decision_delivered_on=delivered, complaint_deadline=deadline,
        late=late, reconsideration_due=due,
        stage=ComplaintStage.LATE_REVIEW if late else ComplaintStage.RECONSIDERATION)
    _record(current, EventKind.COMPLAINT, on=received_on, actor=actor, representative=representative,
            from_status=source, to_status=CaseStatus.COMPLAINT, text=text.strip())
    if late:
        _record(current, EventKind.COMPLAINT_LATE, on=received_on, actor=actor,
                text=f"Klagefristen var {kortdato(deadline)} (afgørelsen modtaget {kortdato(delivered)}). Tag stilling "
                     "til, om klagen skal behandles.")
    title = ("Klage modtaget for sent: tag stilling og genvurdér" if late else "Genvurdér afgørelsen efter klage")
    create_task(kind=TaskKind.RECONSIDERATION, title=f"{title} i sag {current.reference}",
                description="Ændr afgørelsen, eller fasthold den og send klagen til Ankestyrelsen med din "
                            "begrundelse (retssikkerhedsloven § 66).",
                citizen=current.citizen, case=current, authority=current.authority,
                municipality_id=current.municipality_id if current.authority == Authority.MUNICIPALITY else None,
                due_on=due, assigned_to=current.caseworker, key=f"reconsider-{complaint.pk}")
    return complaint


def _complaint_for_update(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("case__citizen", "case__municipality").get(
        pk=complaint.pk)


def _in_stage(locked: Complaint, *stages: str) -> None:
    if locked.stage not in stages:
        raise ValidationError(f"Klagen er på trinnet »{locked.get_stage_display()}«. Det kan ikke gøres nu.",
                              code="complaint_stage")


@transaction.atomic
def decide_late_complaint(*, complaint: Complaint, actor: User, on: datetime.date, accept: bool,
                          reason: str) -> Complaint:
    """The caseworker decides whether a late complaint is treated anyway (special reasons,
    e.g. the citizen was ill or the decision did not reach them) or rejected, always with a
    reason on the timeline. A rejection returns the case to "decided" and the citizen gets a
    letter (the rejection can itself be complained about)."""
    if not reason.strip():
        raise ValidationError({"reason": "Skriv begrundelsen."})
    locked = _complaint_for_update(complaint)
    _in_stage(locked, ComplaintStage.LATE_REVIEW)
    case = locked.case
    locked.late_decision_reason = reason.strip()
    if accept:
        locked.stage = ComplaintStage.RECONSIDERATION
        _record(case, EventKind.COMPLAINT_LATE_ACCEPTED, on=on, actor=actor, text=reason.strip())
    else:
        locked.stage = ComplaintStage.REJECTED
        _move(case, version=Case.objects.get(pk=case.pk).version, to=CaseStatus.DECIDED, actor=actor, on=on,
              kind=EventKind.COMPLAINT_REJECTED, text=reason.strip())
        _close_tasks(case, TaskKind.RECONSIDERATION, actor)
        queue_letter(case=case, kind=LetterKind.COMPLAINT_REJECTED, on=on, key=f"late-rejected-{locked.pk}",
                     context={"received_on": locked.received_on, "deadline": locked.complaint_deadline,
                              "reasons": reason.strip()})
    locked.save(update_fields=["stage", "late_decision_reason"])
    return locked


@transaction.atomic
def change_decision(*, complaint: Complaint, actor: User, on: datetime.date, monthly_amount: Decimal,
                    starts_on: datetime.date, reasons: str) -> Complaint:
    """Reconsideration gives the citizen right in full (retssikkerhedsloven § 66): a new
    decision, granted with the amount and start, a new decision letter, and the first month
    paid. The complaint ends here; the citizen may complain about the new decision."""
    if monthly_amount is None or monthly_amount <= 0:
        raise ValidationError({"monthly_amount": "Skriv et månedligt beløb større end 0 kr."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Skriv, hvorfor afgørelsen ændres."})
    locked = _complaint_for_update(complaint)
    _in_stage(locked, ComplaintStage.RECONSIDERATION)
    case = locked.case
    current = _move(case, version=Case.objects.get(pk=case.pk).version, to=CaseStatus.DECIDED, actor=actor, on=on,
                    kind=EventKind.RECONSIDERED, text=f"Bevilget fra {kortdato(starts_on)}: {reasons.strip()}",
                    amount=monthly_amount, decision=Decision.GRANTED, monthly_amount=monthly_amount,
                    benefit_starts_on=starts_on, refusal_reasons="", decided_on=on)
    locked.stage, locked.reconsidered_on = ComplaintStage.CHANGED, on
    locked.save(update_fields=["stage", "reconsidered_on"])
    _close_tasks(current, TaskKind.RECONSIDERATION, actor)
    payment = pay(case=current, amount=monthly_amount, paid_on=starts_on, kind=PaymentKind.REGULAR, actor=actor,
                  on=on, key=f"reconsidered-payment-{locked.pk}", explanation="Første måneds ydelse efter klage.")
    queue_letter(case=current, kind=LetterKind.RECONSIDERED, on=on, key=f"reconsidered-{locked.pk}",
                 context={"monthly_amount": monthly_amount, "starts_on": starts_on, "reasons": reasons.strip(),
                          **_payment_context(payment)})
    return locked


@transaction.atomic
def forward_complaint(*, complaint: Complaint, actor: User, on: datetime.date, reasons: str) -> Complaint:
    """The authority keeps its decision after reconsideration and sends the complaint to
    Ankestyrelsen on ``on`` with its reasons (retssikkerhedsloven § 66); the citizen gets a
    letter saying so."""
    if not reasons.strip():
        raise ValidationError({"reasons": "Skriv, hvorfor afgørelsen fastholdes."})
    locked = _complaint_for_update(complaint)
    if locked.forwarded_on is not None:
        raise ValidationError("Klagen er allerede sendt til Ankestyrelsen.", code="forwarded")
    _in_stage(locked, ComplaintStage.RECONSIDERATION)
    if on < locked.received_on:
        raise ValidationError({"on": "Klagen kan ikke sendes, før den er modtaget."})
    locked.forwarded_on, locked.reconsidered_on = on, on
    locked.reconsideration_reasons, locked.stage = reasons.strip(), ComplaintStage.FORWARDED
    locked.save(update_fields=["forwarded_on", "reconsidered_on", "reconsideration_reasons", "stage"])
    _record(locked.case, EventKind.COMPLAINT_FORWARDED, on=on, actor=actor,
            text=f"Afgørelsen er fastholdt, og klagen er sendt til Ankestyrelsen: {reasons.strip()}")
    _close_tasks(locked.case, TaskKind.RECONSIDERATION, actor)
    queue_letter(case=locked.case, kind=LetterKind.COMPLAINT_FORWARDED, on=on, key=f"complaint-forwarded-{locked.pk}",
                 context={"reasons": reasons.strip(), "forwarded_on": on})
    return locked


@transaction.atomic
def record_complaint_outcome(*, complaint: Complaint, actor: User, on: datetime.date, outcome: str,
                             note: str = "") -> Complaint:
    """Ankestyrelsen's outcome: the case is decided again (complaint → decided)."""
    locked = Complaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)
    if locked.forwarded_on is None:
        raise ValidationError("Send klagen til Ankestyrelsen, før du registrerer afgørelsen.", code="not_forwarded")
    if locked.outcome:
        raise ValidationError("Ankestyrelsens afgørelse er allerede registreret.", code="decided")
    if on < locked.forwarded_on:
        raise ValidationError({"on": "Afgørelsen kan ikke ligge før klagen blev sendt."})
    case = locked.case
    _move(case, version=Case.objects.get(pk=case.pk).version, to=CaseStatus.DECIDED, actor=actor, on=on,
          kind=EventKind.COMPLAINT_OUTCOME, text=ComplaintOutcome(outcome).label)
    locked.outcome, locked.outcome_on, locked.outcome_note = outcome, on, note.strip()
    locked.stage = ComplaintStage.DECIDED
    locked.save(update_fields=["outcome", "outcome_on", "outcome_note", "stage"])
    return locked


@transaction.atomic
def correct_retroactively(*, complaint: Complaint, actor: User, on: datetime.date,
                          should_have_received_from: datetime.date, monthly_rate: Decimal,
                          until: datetime.date) -> Payment:
    """Place the citizen as if guided correctly: the back payment from the date they should
    have received the benefit until ``until`` (``policy.back_payment``), paid (``pay``) and
    explained in a letter."""
    locked = Complaint.objects.select_for_update().select_related("case__citizen", "case__municipality").get(
        pk=complaint.pk)
    if locked.outcome != ComplaintOutcome.MISGUIDED:
        raise ValidationError("Efterbetaling kræver, at Ankestyrelsen har afgjort, at borgeren skal stilles, "
                              "som om vejledningen var rigtig.", code="not_misguided")
    if locked.should_have_received_from is not None:
        raise ValidationError("Efterbetalingen er allerede beregnet.", code="corrected")
    computed = policy.back_payment(monthly_rate=monthly_rate, start=should_have_received_from, end=until)
    locked.should_have_received_from = should_have_received_from
    locked.save(update_fields=["should_have_received_from"])
    case = locked.case
    payment = pay(case=case, amount=computed.amount, paid_on=on, kind=PaymentKind.BACK_PAYMENT, actor=actor, on=on,
                  key=f"back-payment-{locked.pk}", explanation=computed.explanation(), complaint=locked)
    _record(case, EventKind.BACK_PAYMENT, on=on, actor=actor, amount=computed.amount, text=computed.explanation())
    queue_letter(case=case, kind=LetterKind.BACK_PAYMENT, on=on, key=f"back-payment-{locked.pk}", context={
        "amount": computed.amount, "start": computed.start, "end": computed.end,
        "whole_months": computed.whole_months, "remaining_days": computed.remaining_days,
        "monthly_rate": computed.monthly_rate, "paid_on": on, **_payment_context(payment)})
    return payment


# --- The work queue -----------------------------------------------------------------------------------

@transaction.atomic
def take_task(*, task: Task, actor: User) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.OPEN:
        raise ValidationError("Opgaven er allerede løst.", code="done")
    locked.assigned_to = actor
    locked.save(update_fields=["assigned_to"])
    return locked


@transaction.atomic
def complete_task(*, task: Task, actor: User, now: datetime.datetime) -> Task:
    """Mark a task done. Done twice keeps the first time."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status == TaskStatus.OPEN:
        locked.status, locked.done_at, locked.done_by = TaskStatus.DONE, now, actor
        locked.save(update_fields=["status", "done_at", "done_by"])
    return locked


# The case page's and the API's actions, by their Danish slug.
ACTIONS = {
    "behandling": start_processing,
    "partshoering": send_hearing,
    "svar": record_hearing_answer,
    "afkald": waive_hearing,
    "forlaeng": extend_hearing,
    "bevilg": grant,
    "afslag": refuse,
    "efterregulering": efterregulering,
    "tilbagebetaling": claim_repayment,
    "afslut": close_case,
}


# --- Notes in the timeline ---------------------------------------------------------------------------

NOTE_MAX_CHARS = 500


@transaction.atomic
def add_note(*, case: Case, actor: User, on: datetime.date, text: str) -> CaseEvent:
    """A note in the case's timeline, by the citizen's municipal contact person or a
    caseworker who works the case (``rules.may_add_note``). It changes neither the case's
    status nor its version: a note never competes with a decision."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Skriv notatet."})
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError({"text": f"Et notat kan højst have {NOTE_MAX_CHARS} tegn."})
    return _record(case, EventKind.NOTE, on=on, actor=actor, text=text)


def record_question(*, case: Case, actor: User, on: datetime.date, subject: str) -> CaseEvent:
    """The timeline's mark that the contact person asked Udbetaling Danmark about the case
    (the question itself is ``fasttrack.services.ask_about_case``)."""
    return _record(case, EventKind.QUESTION, on=on, actor=actor, text=f"Spørgsmål: {subject}")


# --- A citizen moves -----------------------------------------------------------------------

MOVE_HANDOVER_DAYS = 10  # business days for the old municipality to close or hand over (our parameter)


@transaction.atomic
def move_citizen(*, citizen: Citizen, to_municipality_id: int, moved_on: datetime.date, actor: User | None,
                 today: datetime.date) -> dict[str, int]:
    """Register that ``citizen`` has moved to another municipality on ``moved_on``.

    In the same transaction:

    - the citizen's home municipality changes, so the new municipality's staff find the
      citizen and the old municipality's no longer do;
    - every Udbetaling Danmark case of the citizen gets the new home: the municipality that
      helps the citizen take part is the one the citizen lives in (lov om Udbetaling Danmark
      § 3 stk. 3), so the old municipality stops reading them and the new one starts; their
      open tasks move with them, each case's ``version`` is raised (a form opened before the
      move is refused, not saved over it), and each case's timeline says so;
    - the old municipality's own open cases stay with it (it decides them until they end),
      and it gets one task per case to close or hand it over to the new municipality
      (retssikkerhedsloven § 9: the municipality the citizen lives in is responsible; the
      ten business days are our parameter).

    A move dated in the future, before the citizen's last registered move, or to the same
    municipality is refused. Returns how many cases moved and how many tasks were made."""
    locked = Citizen.objects.select_for_update().select_related("home_municipality").get(pk=citizen.pk)
    new = Municipality.objects.filter(code=to_municipality_id).first()
    if new is None:
        raise ValidationError({"to_municipality": "Kommunekoden findes ikke."})
    if new.pk == locked.home_municipality_id:
        raise ValidationError({"to_municipality": f"Borgeren bor allerede i {new.name} Kommune."})
    if moved_on > today:
        raise ValidationError({"moved_on": f"Flyttedatoen {kortdato(moved_on)} ligger i fremtiden."})
    last_move = locked.moves.order_by("-moved_on").values_list("moved_on", flat=True).first()
    if last_move is not None and moved_on < last_move:
        raise ValidationError({"moved_on": f"Borgeren er registreret flyttet {kortdato(last_move)}. "
                                           "En flytning kan ikke ligge før den."})
    old = locked.home_municipality
    Move.objects.create(citizen=locked, from_municipality=old, to_municipality=new, moved_on=moved_on,
                        registered_by=actor)
    locked.home_municipality = new
    locked.save(update_fields=["home_municipality"])

    udk = list(Case.objects.select_for_update().filter(citizen=locked, authority=Authority.UDK))
    moved = Case.objects.filter(pk__in=[c.pk for c in udk]).update(municipality=new, version=F("version") + 1)
    Task.objects.filter(case__in=udk, status=TaskStatus.OPEN, municipality=old).update(municipality=new)
    for case in udk:
        _record(case, EventKind.MOVED, on=moved_on, actor=actor,
                text=f"Borgeren er flyttet fra {old.name} til {new.name} Kommune. Sagen følger med.")

    own_open = Case.objects.filter(citizen=locked, authority=Authority.MUNICIPALITY, municipality=old).exclude(
        status=CaseStatus.CLOSED)
    tasks = 0
    for case in own_open:
        _record(case, EventKind.MOVED, on=moved_on, actor=actor,
                text=f"Borgeren er flyttet fra {old.name} til {new.name} Kommune.")
        create_task(kind=TaskKind.MOVED_AWAY, case=case, citizen=locked, municipality_id=old.pk,
                    title=f"Borgeren er flyttet til {new.name} Kommune: afslut eller overdrag sag {case.reference}",
                    due_on=add_business_days(today, MOVE_HANDOVER_DAYS), key=f"moved-{case.pk}-{moved_on}")
        tasks += 1
    return {"udk_cases": moved, "handover_tasks": tasks}
