"""Writes of Borgerservice. One function per use case, one transaction each, keyword
arguments; what the rules refuse is refused with a Danish ``ValidationError``. Every change
a citizen must hear about queues its message in the outbox in the same transaction."""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helhed.borgerservice import outbox, selectors
from helhed.borgerservice.models import (
    ALLOWED_TRANSITIONS,
    HOLDS_SLOT,
    AcuteReason,
    Appointment,
    Channel,
    ClosedDay,
    HelpSession,
    Mode,
    OpeningHours,
    ServiceOffer,
    ServicePoint,
    ServiceType,
    Status,
    local_date,
)
from helhed.borgerservice.policy import acute_reason_problem, effective_mode, hash_reference, triage_deadline
from helhed.borgerservice.slots import COPENHAGEN, slot_starts
from helhed.core.formats import ugedag_dato, ugedag_dato_klokken
from helhed.core.idempotent import insert_once, made_before
from helhed.core.models import User
from helhed.registry.models import Citizen

POINT_FIELDS = ("kind", "name", "address", "accessibility", "slot_minutes")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no digits: a reference can never look like a CPR number
REMINDER_HOURS = 24


def _transition(appointment: Appointment, target: str) -> None:
    current = Status(appointment.status)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise ValidationError(
            f"En tid med status »{current.label.lower()}« kan ikke blive »{Status(target).label.lower()}«.",
            code="illegal_transition",
        )





def new_reference() -> str:
    """A booking reference for a booker without login: 12 letters (about 55 bits), random,
    shown once; only its hash is stored."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"


# --- Messages ------------------------------------------------------------------------------

def _tell(appointment: Appointment, *, kind: str, subject: str, body: str, letter: bool = False) -> bool:
    """Queue a Danish message about ``appointment`` to its citizen or booker (with
    ``letter``, by post when there is no phone or e-mail). Returns whether there was a way
    to reach them."""
    target = outbox.recipient_for(citizen=appointment.citizen, phone=appointment.contact_phone, letter=letter)
    if target is None:
        return False
    channel, recipient = target
    name = appointment.citizen.first_name if appointment.citizen_id else appointment.contact_name
    point = appointment.service_point
    text = f"Kære {name}\n\n{body}\n\nVenlig hilsen\n{point.name}\n{point.address}"
    outbox.queue(channel=channel, recipient=recipient, subject=subject, body=text,
                 key=f"{kind}:{appointment.pk}:{appointment.version}", appointment=appointment)
    return True


def _when(appointment: Appointment) -> str:
    return ugedag_dato_klokken(appointment.starts_at)


# --- Service points ------------------------------------------------------------------------

@transaction.atomic
def create_service_point(*, municipality_id: int, **fields) -> ServicePoint:
    point = ServicePoint(municipality_id=municipality_id, **{k: v for k, v in fields.items() if k in POINT_FIELDS})
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def change_service_point(*, point: ServicePoint, version: int, **fields) -> ServicePoint:
    locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
    if locked.version != version:
        raise ValidationError("Servicestedet er blevet ændret af en anden imens. Se ændringen og prøv igen.",
                              code="stale")
    for name in POINT_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def set_offer(*, point: ServicePoint, service: ServiceType, capacity: int) -> ServiceOffer:
    """Offer a service at the point with ``capacity`` places per slot (or change it)."""
    if service.municipality_id not in (None, point.municipality_id):
        raise ValidationError({"service": "Ydelsen hører til en anden kommune."})
    if not 1 <= capacity <= 20:
        raise ValidationError({"capacity": "Antallet af pladser skal være mellem 1 og 20."})
    offer, _ = ServiceOffer.objects.update_or_create(service_point=point, service=service,
                                                     defaults={"capacity": capacity})
    return offer


@transaction.atomic
def remove_offer(*, point: ServicePoint, offer_id: int) -> None:
    offer = ServiceOffer.objects.filter(service_point=point, pk=offer_id).first()
    if offer is None:
        raise ValidationError("Ydelsen findes ikke på servicestedet.")
    if Appointment.objects.filter(service_point=point, service_id=offer.service_id,
                                  status__in=[Status.BOOKED, Status.REQUESTED]).exists():
        raise ValidationError("Der er bookede tider til ydelsen. Aflys eller flyt dem først.", code="in_use")
    offer.delete()


@transaction.atomic
def add_opening_hours(
    *, point: ServicePoint, weekday: int, opens: datetime.time, closes: datetime.time
) -> OpeningHours:
    if closes <= opens:
        raise ValidationError({"closes": "Lukketiden skal ligge efter åbningstiden."})
    overlapping = OpeningHours.objects.filter(service_point=point, weekday=weekday, opens__lt=closes, closes__gt=opens)
    if overlapping.exists():
        raise ValidationError({"opens": "Åbningstiden overlapper en anden åbningstid samme ugedag."})
    return OpeningHours.objects.create(service_point=point, weekday=weekday, opens=opens, closes=closes)


@transaction.atomic
def remove_opening_hours(*, point: ServicePoint, hours_id: int) -> None:
    OpeningHours.objects.filter(service_point=point, pk=hours_id).delete()


@transaction.atomic
def add_closed_day(*, point: ServicePoint, date: datetime.date, reason: str) -> ClosedDay:
    if ClosedDay.objects.filter(service_point=point, date=date).exists():
        raise ValidationError({"date": "Dagen er allerede registreret som lukkedag."})
    return ClosedDay.objects.create(service_point=point, date=date, reason=reason.strip())


@transaction.atomic
def remove_closed_day(*, point: ServicePoint, closed_day_id: int) -> None:
    ClosedDay.objects.filter(service_point=point, pk=closed_day_id).delete()


@transaction.atomic
def switch_mode(
    *, point: ServicePoint, mode: str, version: int, reason: str = "", mode_from: datetime.date | None = None,
    mode_until: datetime.date | None = None, now: datetime.datetime,
) -> tuple[ServicePoint, int]:
    """Switch a service point between open, acute only and closed. A restriction needs a
    reason shown to citizens. Booked appointments are kept (seed 003: an agreed attendance
    stands), and every citizen with a booking in the restricted period is told.
    Returns the point and how many citizens were told."""
    locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
    if locked.version != version:
        raise ValidationError("Servicestedet er blevet ændret af en anden imens. Se den nye tilstand og prøv igen.",
                              code="stale")
    if mode not in Mode.values:
        raise ValidationError({"mode": "Vælg en driftstilstand."})
    if mode != Mode.OPEN and not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse, som borgerne kan se."})
    if mode_from and mode_until and mode_until < mode_from:
        raise ValidationError({"mode_until": "Slutdatoen ligger før startdatoen."})
    locked.mode = mode
    locked.mode_reason = reason.strip() if mode != Mode.OPEN else ""
    locked.mode_from = mode_from if mode != Mode.OPEN else None
    locked.mode_until = mode_until if mode != Mode.OPEN else None
    locked.version += 1
    locked.save()
    told = 0
    if mode != Mode.OPEN:
        booked = Appointment.objects.select_related("citizen", "service_point").filter(
            service_point=locked, status=Status.BOOKED, starts_at__gte=now)
        label = Mode(mode).label.lower()
        period = ""
        if mode_from or mode_until:
            period = (f" fra {ugedag_dato(mode_from)}" if mode_from else "") + (
                f" til {ugedag_dato(mode_until)}" if mode_until else "")
        for appointment in booked:
            if effective_mode(point=locked, day=local_date(appointment.starts_at)) == Mode.OPEN:
                continue
            body = (f"{locked.name} har ændret åbningen: {label}{period}. Begrundelse: {locked.mode_reason}\n\n"
                    f"Din aftalte tid {_when(appointment)} ({appointment.service}) er bevaret. Du skal stadig "
                    "møde op. Kan du ikke komme, så aflys tiden.")
            if _tell(appointment, kind=f"mode{locked.version}", subject="Din tid i Borgerservice er bevaret",
                     body=body):
                told += 1
    return locked, told


# --- Slots and booking ---------------------------------------------------------------------

def _offer(point: ServicePoint, service: ServiceType) -> ServiceOffer:
    offer = ServiceOffer.objects.filter(service_point=point, service=service).first()
    if offer is None:
        raise ValidationError({"service": "Servicestedet tilbyder ikke den ydelse."})
    return offer


def _check_slot(point: ServicePoint, starts_at: datetime.datetime, now: datetime.datetime) -> None:
    if starts_at <= now:
        raise ValidationError({"starts_at": "Tiden er allerede gået. Vælg en senere tid."})
    day = starts_at.astimezone(COPENHAGEN).date()
    hours = [(h.opens, h.closes) for h in point.hours.filter(weekday=day.weekday())]
    closed = set(point.closed_days.filter(date=day).values_list("date", flat=True))
    if starts_at not in slot_starts(day=day, hours=hours, minutes=point.slot_minutes, closed_days=closed):
        raise ValidationError({"starts_at": "Servicestedet har ikke en tid på det tidspunkt."})


def _take_seat(appointment: Appointment, *, capacity: int, starts_at: datetime.datetime) -> None:
    """Give the appointment a free seat in the slot and save it. The database's unique
    constraint decides between two people taking the last seat at the same moment; the one
    who loses is told the time is taken."""
    taken = set(Appointment.objects.filter(
        service_point_id=appointment.service_point_id, service_id=appointment.service_id, starts_at=starts_at,
        status__in=HOLDS_SLOT).exclude(pk=appointment.pk).values_list("seat", flat=True))
    for seat in range(1, capacity + 1):
        if seat in taken:
            continue
        appointment.starts_at, appointment.seat = starts_at, seat
        try:
            with transaction.atomic():
                appointment.save()
            return
        except IntegrityError:
            continue  # somebody else took this seat just now; try the next
    raise ValidationError({"starts_at": "Tiden er desværre optaget. Vælg en anden tid."}, code="slot_taken")


def _contact(citizen: Citizen | None, contact_name: str, contact_phone: str) -> tuple[str, str]:
    if citizen is not None:
        return "", ""
    errors = {}
    if not contact_name.strip():
        errors["contact_name"] = "Skriv dit navn."
    digits = "".join(ch for ch in contact_phone if ch.isdigit())
    if not 8 <= len(digits) <= 12:
        errors["contact_phone"] = "Skriv et telefonnummer med 8 cifre, fx 12 34 56 78."
    if errors:
        raise ValidationError(errors)
    return contact_name.strip(), contact_phone.strip()


def _existing(idempotency_key: uuid.UUID, **match) -> Appointment | None:
    return made_before(Appointment, idempotency_key, message="Formularen er allerede brugt. Indlæs siden igen.",
                       **match)


@transaction.atomic
def book(
    *, point: ServicePoint, service: ServiceType, starts_at: datetime.datetime, channel: str,
    idempotency_key: uuid.UUID, now: datetime.datetime, citizen: Citizen | None = None,
    contact_name: str = "", contact_phone: str = "", actor: User | None = None, staff: User | None = None,
) -> tuple[Appointment, bool, str]:
    """Book a time. Citizens book themselves while the point is open that day; staff (phone,
    counter) may book on a citizen's behalf also in acute-only mode (that is their triage).
    Nobody books a closed point. The same ``idempotency_key`` twice (a form posted twice)
    gives the first booking back. Returns ``(appointment, created, reference)``; the
    reference (for bookers without login, to cancel) is shown once and only its hash kept."""
    existing = _existing(idempotency_key, service_point_id=point.pk)
    if existing is not None:
        return existing, False, ""
    name, phone = _contact(citizen, contact_name, contact_phone)
    offer = _offer(point, service)
    _check_slot(point, starts_at, now)
    mode = effective_mode(point=point, day=local_date(starts_at))
    if mode == Mode.CLOSED:
        raise ValidationError({"starts_at": f"{point.name} er lukket den dag. {point.mode_reason}"}, code="closed")
    if mode == Mode.ACUTE_ONLY and channel in (Channel.SELF_SERVICE, Channel.PUBLIC):
        raise ValidationError(
            f"{point.name} tager kun imod akutte henvendelser: {point.mode_reason} Send en akut anmodning.",
            code="acute_only")
    reference = new_reference() if citizen is None else ""
    appointment = Appointment(
        service_point=point, municipality_id=point.municipality_id, service=service, citizen=citizen,
        contact_name=name, contact_phone=phone, channel=channel, mode=mode, status=Status.BOOKED,
        idempotency_key=idempotency_key, booked_by=actor, staff=staff,
        reference_hash=hash_reference(reference) if reference else "",
    )
    try:
        _take_seat(appointment, capacity=offer.capacity, starts_at=starts_at)
    except ValidationError:
        raced = Appointment.objects.filter(idempotency_key=idempotency_key).first()
        if raced is not None:  # the same form, posted twice at the same moment: the other post won
            return raced, False, ""
        raise
    body = f"Du har fået en tid til {service} {_when(appointment)}."
    if reference:
        body += f"\nDin reference er {reference}. Brug den, hvis du vil aflyse."
    _tell(appointment, kind="confirm", subject="Bekræftelse af din tid i Borgerservice", body=body)
    return appointment, True, reference


@transaction.atomic
def request_acute(
    *, point: ServicePoint, service: ServiceType, acute_reason: AcuteReason, idempotency_key: uuid.UUID,
    today: datetime.date, citizen: Citizen | None = None, contact_name: str = "", contact_phone: str = "",
    acute_description: str = "", travel_date: datetime.date | None = None, channel: str = Channel.SELF_SERVICE,
    actor: User | None = None,
) -> tuple[Appointment, bool, str]:
    """Ask for an acute appointment while the point takes acute requests only. Staff triage
    it (``approve_request`` or ``decline_request``); the citizen is told either way."""
    existing = _existing(idempotency_key, service_point_id=point.pk)
    if existing is not None:
        return existing, False, ""
    name, phone = _contact(citizen, contact_name, contact_phone)
    _offer(point, service)
    mode_today = effective_mode(point=point, day=today)
    if mode_today == Mode.OPEN:
        raise ValidationError("Servicestedet er åbent. Bestil en almindelig tid.", code="open")
    if acute_reason.municipality_id not in (None, point.municipality_id):
        raise ValidationError({"acute_reason": "Vælg en af årsagerne på listen."})
    problems = acute_reason_problem(reason=acute_reason, description=acute_description, travel_date=travel_date,
                                    today=today)
    if problems:
        raise ValidationError(problems)
    # A closed point still takes the request: it goes to the municipality's first point
    # that is open for it (seed 003: acute matters are settled during closures).
    closed_at = None
    if mode_today == Mode.CLOSED:
        others = selectors.open_for_acute(point=point, service=service, day=today)
        if others:
            closed_at, point = point, others[0]
    reference = new_reference() if citizen is None else ""
    travel = travel_date if acute_reason.within_days is not None else None
    due = triage_deadline(reason=acute_reason, travel_date=travel, today=today)
    appointment = Appointment.objects.create(
        service_point=point, municipality_id=point.municipality_id, service=service, citizen=citizen,
        contact_name=name, contact_phone=phone, channel=channel, mode=effective_mode(point=point, day=today),
        status=Status.REQUESTED,
        acute_reason=acute_reason, acute_description=acute_description.strip(), travel_date=travel,
        triage_due=due, idempotency_key=idempotency_key, booked_by=actor,
        reference_hash=hash_reference(reference) if reference else "",
    )
    from helhed.casework.models import Authority, TaskKind  # the one work queue lives in casework
    from helhed.casework.services import create_task

    create_task(kind=TaskKind.ACUTE_TRIAGE, title=f"Vurdér akut anmodning: {service} på {point.name}",
                description=f"Årsag: {acute_reason.label}." + (f" Rejsedato: {ugedag_dato(travel)}." if travel else ""),
                citizen=citizen, municipality_id=point.municipality_id, authority=Authority.MUNICIPALITY,
                due_on=due, key=f"acute-triage-{appointment.pk}")
    body = (f"Vi har modtaget din akutte anmodning om en tid til {service}. En medarbejder vurderer den "
            f"senest {ugedag_dato(due)}, og du får besked, uanset om du får en tid eller ej.")
    if closed_at is not None:
        body += (f"\n{closed_at.name} er lukket. Din anmodning er sendt til {point.name}, {point.address}, "
                 "som er det nærmeste åbne sted i kommunen.")
    if reference:
        body += f"\nDin reference er {reference}."
    _tell(appointment, kind="requested", subject="Vi har modtaget din akutte anmodning", body=body)
    return appointment, True, reference


def _close_triage_task(appointment: Appointment, actor: User | None) -> None:
    """An acute request that is answered or withdrawn leaves the work queue."""
    from helhed.casework.models import Task, TaskStatus

    Task.objects.filter(idempotency_key=f"acute-triage-{appointment.pk}", status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=timezone.now(), done_by=actor)


def _lock(appointment: Appointment, version: int | None = None) -> Appointment:
    # ``of=self``: PostgreSQL cannot lock the nullable side (citizen) of an outer join.
    locked = (Appointment.objects.select_for_update(of=("self",))
              .select_related("citizen", "service_point", "service").get(pk=appointment.pk))
    if version is not None and locked.version != version:
        raise ValidationError("Tiden er blevet ændret af en anden imens. Se den nye tid og prøv igen.",
                              code="stale")
    return locked


@transaction.atomic
def approve_request(*, appointment: Appointment, starts_at: datetime.datetime, actor: User,
                    now: datetime.datetime, version: int | None = None) -> Appointment:
    """Triage: approve an acute request with a time. The citizen is told the time."""
    locked = _lock(appointment, version)
    _transition(locked, Status.BOOKED)
    offer = _offer(locked.service_point, locked.service)
    _check_slot(locked.service_point, starts_at, now)
    locked.status = Status.BOOKED
    locked.staff = actor
    locked.version += 1
    _take_seat(locked, capacity=offer.capacity, starts_at=starts_at)
    locked.refresh_from_db()
    _close_triage_task(locked, actor)
    _tell(locked, kind="approved", subject="Du har fået en tid i Borgerservice",
          body=(f"Vi har sagt ja til din akutte anmodning. Du har fået en tid. Den er til {locked.service}. "
                f"Du skal komme {_when(locked)}."))
    return locked


@transaction.atomic
def decline_request(*, appointment: Appointment, reason: str, advice: str, actor: User,
                    version: int | None = None) -> Appointment:
    """Triage: decline an acute request with a reason and advice on another channel."""
    locked = _lock(appointment, version)
    _transition(locked, Status.DECLINED)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Skriv en begrundelse til borgeren."
    if not advice.strip():
        errors["advice"] = "Skriv, hvor borgeren i stedet kan få hjælp (fx borger.dk eller telefon)."
    if errors:
        raise ValidationError(errors)
    locked.status = Status.DECLINED
    locked.decline_reason = reason.strip()
    locked.decline_advice = advice.strip()
    locked.staff = actor
    locked.version += 1
    locked.save()
    _close_triage_task(locked, actor)
    _tell(locked, kind="declined", subject="Svar på din akutte anmodning",
          body=(f"Vi kan desværre ikke give dig en tid til {locked.service} nu. Begrundelse: {locked.decline_reason}\n"
                f"Du kan i stedet: {locked.decline_advice}"))
    return locked


@transaction.atomic
def move(*, appointment: Appointment, starts_at: datetime.datetime, now: datetime.datetime,
         version: int | None = None, why: str = "") -> Appointment:
    """Move a booked time to another free slot of the same service and point. ``why`` is
    told to the citizen when staff move it (by post if need be)."""
    locked = _lock(appointment, version)
    _transition(locked, Status.BOOKED)
    if locked.starts_at <= now:
        raise ValidationError("Tiden er begyndt eller forbi og kan ikke flyttes.", code="past")
    offer = _offer(locked.service_point, locked.service)
    _check_slot(locked.service_point, starts_at, now)
    mode = effective_mode(point=locked.service_point, day=local_date(starts_at))
    if mode != Mode.OPEN:
        raise ValidationError({"starts_at": f"{locked.service_point.name} er {Mode(mode).label.lower()} den dag."})
    locked.version += 1
    _take_seat(locked, capacity=offer.capacity, starts_at=starts_at)
    locked.refresh_from_db()
    _tell(locked, kind="moved", subject="Din tid i Borgerservice er flyttet",
          body=(f"{why}\n" if why else "") + f"Vi har flyttet din tid. Den er til {locked.service}. "
          f"Du skal nu komme {_when(locked)}. Kan du ikke komme, så aflys tiden.", letter=bool(why))
    return locked


@transaction.atomic
def cancel(*, appointment: Appointment, now: datetime.datetime, by_staff: bool = False,
           why: str = "") -> Appointment:
    """Cancel a booked time or a waiting acute request; the slot is free again. ``why`` is
    told to the citizen when staff cancel it (by post if need be)."""
    locked = _lock(appointment)
    _transition(locked, Status.CANCELLED)
    if locked.status == Status.BOOKED and locked.starts_at <= now:
        raise ValidationError("Tiden er begyndt eller forbi og kan ikke aflyses.", code="past")
    locked.status = Status.CANCELLED
    locked.version += 1
    locked.save()
    _close_triage_task(locked, None)
    who = "Borgerservice har aflyst" if by_staff else "Du har aflyst"
    what = f"din tid til {locked.service} {_when(locked)}" if locked.starts_at else f"din anmodning om {locked.service}"
    _tell(locked, kind="cancelled", subject="Aflysning af din tid i Borgerservice",
          body=f"{who} {what}." + (f"\n{why}\nDu er velkommen til at bestille en ny tid." if why else ""),
          letter=bool(why))
    return locked


def _restriction_text(point: ServicePoint) -> str:
    period = (f" fra {ugedag_dato(point.mode_from)}" if point.mode_from else "") + (
        f" til {ugedag_dato(point.mode_until)}" if point.mode_until else "")
    return f"{point.name} er {Mode(point.mode).label.lower()}{period}. {point.mode_reason}".strip()


def _chosen(point: ServicePoint, appointment_ids, now: datetime.datetime) -> list[Appointment]:
    wanted = {str(pk) for pk in appointment_ids}
    if not wanted:
        raise ValidationError({"appointments": "Vælg mindst én tid."})
    return [a for a in selectors.restricted_bookings(point=point, now=now) if str(a.pk) in wanted]


@transaction.atomic
def cancel_in_restriction(*, point: ServicePoint, appointment_ids, now: datetime.datetime) -> list[Appointment]:
    """Cancel the chosen ordinary bookings inside the restricted period together; each
    citizen is told why by SMS, e-mail or letter."""
    why = _restriction_text(point)
    return [cancel(appointment=a, now=now, by_staff=True, why=why) for a in _chosen(point, appointment_ids, now)]


@transaction.atomic
def move_out_of_restriction(*, point: ServicePoint, appointment_ids, now: datetime.datetime
                            ) -> tuple[list[Appointment], list[Appointment]]:
    """Move the chosen ordinary bookings inside the restricted period together, each to the
    first free time of its service at the point outside the period; each citizen is told
    why and when by SMS, e-mail or letter. Returns (moved, left): a booking with no free
    time within the booking horizon is left for staff to cancel or book by hand."""

    why = _restriction_text(point)
    moved, left = [], []
    for a in _chosen(point, appointment_ids, now):
        days = selectors.free_slots(point=point, service=a.service, from_day=local_date(now),
                                    days=selectors.WAITING_HORIZON_DAYS, now=now)
        if not days:
            left.append(a)
            continue
        moved.append(move(appointment=a, starts_at=days[0].slots[0].starts_at, now=now, why=why))
    return moved, left


@transaction.atomic
def cancel_by_reference(*, reference: str, now: datetime.datetime) -> Appointment:
    """A booker without login cancels with the reference they were given. A time already
    cancelled is given back as it is (the form sent twice: a double click, a reload)."""
    digest = hash_reference(reference)
    appointment = Appointment.objects.filter(reference_hash=digest).first() if reference.strip() else None
    if appointment is None:
        raise ValidationError(
            {"reference": "Vi kan ikke finde en tid med den reference. Tjek, at den er skrevet rigtigt."})
    if appointment.status == Status.CANCELLED:
        return appointment
    return cancel(appointment=appointment, now=now)


@transaction.atomic
def check_in(*, appointment: Appointment, now: datetime.datetime, actor: User) -> Appointment:
    """The citizen has arrived: only on the appointment's own day."""
    locked = _lock(appointment)
    _transition(locked, Status.CHECKED_IN)
    if local_date(locked.starts_at) != local_date(now):
        raise ValidationError("Man kan kun tjekke ind på dagen for tiden.", code="wrong_day")
    locked.status = Status.CHECKED_IN
    locked.checked_in_at = now
    locked.staff = locked.staff or actor
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def mark_no_show(*, appointment: Appointment, now: datetime.datetime, actor: User) -> Appointment:
    """The citizen did not come: only once the time has begun."""
    locked = _lock(appointment)
    _transition(locked, Status.NO_SHOW)
    if locked.starts_at > now:
        raise ValidationError("Tiden er ikke begyndt endnu. Man kan først markere udeblivelse bagefter.",
                              code="too_early")
    locked.status = Status.NO_SHOW
    locked.staff = locked.staff or actor
    locked.version += 1
    locked.save()
    return locked


def record_help(
    *, point: ServicePoint, citizen: Citizen, staff: User, given_on: datetime.date, topic: str,
    legal_basis: str, idempotency_key: uuid.UUID, description: str = "", appointment: Appointment | None = None,
) -> tuple[HelpSession, bool]:
    """Record face-to-face digital help given (seed 004, lov om Udbetaling Danmark § 3 stk. 2
    or stk. 3). The same ``idempotency_key`` twice records it once."""
    existing = HelpSession.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if citizen.home_municipality_id != point.municipality_id:
        raise ValidationError("Borgeren bor i en anden kommune end servicestedet.")
    session = HelpSession(
        service_point=point, municipality_id=point.municipality_id, citizen=citizen, appointment=appointment,
        given_on=given_on, topic=topic, description=description.strip(), legal_basis=legal_basis, staff=staff,
        staff_name=staff.get_full_name() or staff.get_username(), idempotency_key=idempotency_key,
    )
    return insert_once(session)


@transaction.atomic
def queue_reminders(*, now: datetime.datetime) -> int:
    """Queue a reminder for every booked time that begins within the next 24 hours
    (once per appointment: the key is the appointment's)."""
    due = Appointment.objects.select_related("citizen", "service_point", "service").filter(
        status=Status.BOOKED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
    ).exclude(messages__idempotency_key__startswith="reminder:")
    n = 0
    for appointment in due:
        target = outbox.recipient_for(citizen=appointment.citizen, phone=appointment.contact_phone)
        if target is None:
            continue
        name = appointment.citizen.first_name if appointment.citizen_id else appointment.contact_name
        body = (f"Kære {name}\n\nHusk din tid. Den er til {appointment.service}. Du skal komme "
                f"{_when(appointment)}. Stedet er {appointment.service_point.name}, "
                f"{appointment.service_point.address}.\n\n"
                "Venlig hilsen\nBorgerservice")
        outbox.queue(channel=target[0], recipient=target[1], subject="Påmindelse om din tid i Borgerservice",
                     body=body, key=f"reminder:{appointment.pk}", appointment=appointment)
        n += 1
    return n
