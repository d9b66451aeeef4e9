"""Reads of Borgerservice. Staff selectors apply the municipal scope; every selector that
returns a citizen's name or appointment writes the read to the audit log. Service points,
their services and free slots are public facts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

import rules
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from helhed.borgerservice.models import (
    HOLDS_SLOT,
    AcuteReason,
    Appointment,
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
from helhed.borgerservice.policy import effective_mode, hash_reference, urgency
from helhed.borgerservice.slots import COPENHAGEN, slot_starts
from helhed.core import charts
from helhed.core.audit import record_read
from helhed.core.formats import tal
from helhed.core.models import User
from helhed.core.roles import Role
from helhed.core.rules import permitted_or_404, scoped, serves_municipality
from helhed.registry.models import Citizen

SLOT_DAYS = 14
WAITING_HORIZON_DAYS = 60


def _with_details(qs: QuerySet[ServicePoint]) -> QuerySet[ServicePoint]:
    return qs.select_related("municipality").prefetch_related(
        Prefetch("offers", queryset=ServiceOffer.objects.select_related("service")), "hours", "closed_days")


# --- Service points ------------------------------------------------------------------------

def points_visible_to(user: User) -> QuerySet[ServicePoint]:
    """The service points of the staff member's own municipalities."""
    if not rules.has_perm("borgerservice.serve_counter", user):
        return ServicePoint.objects.none()
    return _with_details(scoped(ServicePoint.objects.all(), user))


def point_for_staff(*, user: User, point_id: UUID) -> ServicePoint:
    point = permitted_or_404(points_visible_to(user).filter(pk=point_id).first(),
                             user=user, perm="borgerservice.manage_point",
                             message="Servicestedet findes ikke eller er ikke tilgængeligt for dig.")
    return point


def bookable_points(*, municipality_id: int | None = None) -> QuerySet[ServicePoint]:
    """Service points citizens can see and book (public facts)."""
    qs = _with_details(ServicePoint.objects.filter(offers__isnull=False).distinct())
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.order_by("municipality__name", "name")


def public_point(point_id: UUID) -> ServicePoint:
    point = bookable_points().filter(pk=point_id).first()
    if point is None:
        raise Http404("Servicestedet findes ikke.")
    return point


def services_available(*, municipality_id: int) -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))


def acute_reasons(*, municipality_id: int) -> QuerySet[AcuteReason]:
    return AcuteReason.objects.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id))


# --- Slots ---------------------------------------------------------------------------------

@dataclass
class Slot:
    starts_at: datetime.datetime
    free: int


@dataclass
class SlotDay:
    day: datetime.date
    mode: str
    slots: list[Slot]


def free_slots(
    *, point: ServicePoint, service: ServiceType, from_day: datetime.date, days: int, now: datetime.datetime,
    include_restricted: bool = False,
) -> list[SlotDay]:
    """Free slots of one service at one point, day by day, in four queries whatever the
    number of days. Days the point is restricted (acute only, closed) are left out unless
    ``include_restricted`` (staff approving an acute request book in acute-only days)."""
    return free_slots_for([(point, service)], from_day=from_day, days=days, now=now,
                          include_restricted=include_restricted)[point.pk, service.pk]


def free_slots_for(
    wanted: list[tuple[ServicePoint, ServiceType]], *, from_day: datetime.date, days: int, now: datetime.datetime,
    include_restricted: bool = False,
) -> dict[tuple[UUID, int], list[SlotDay]]:
    """``free_slots`` for several (point, service) pairs, by (point id, service id), in four
    queries whatever their number (the triage page and the waiting times list many)."""
    result: dict[tuple[UUID, int], list[SlotDay]] = {(p.pk, s.pk): [] for p, s in wanted}
    if not wanted:
        return result
    point_ids = {p.pk for p, _ in wanted}
    offers = {(o.service_point_id, o.service_id): o
              for o in ServiceOffer.objects.filter(service_point_id__in=point_ids)}
    until = from_day + datetime.timedelta(days=days)
    hours: dict[UUID, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for h in OpeningHours.objects.filter(service_point_id__in=point_ids):
        hours[h.service_point_id][h.weekday].append((h.opens, h.closes))
    closed: dict[UUID, set] = defaultdict(set)
    for point_id, date in ClosedDay.objects.filter(service_point_id__in=point_ids, date__gte=from_day,
                                                   date__lt=until).values_list("service_point_id", "date"):
        closed[point_id].add(date)
    start = datetime.datetime.combine(from_day, datetime.time(), tzinfo=COPENHAGEN)
    end = datetime.datetime.combine(until, datetime.time(), tzinfo=COPENHAGEN)
    taken: dict[tuple, int] = {
        (point_id, service_id, starts_at): n for point_id, service_id, starts_at, n in Appointment.objects.filter(
            service_point_id__in=point_ids, status__in=HOLDS_SLOT, starts_at__gte=start, starts_at__lt=end,
        ).values_list("service_point_id", "service_id", "starts_at").annotate(n=Count("id")).order_by()
        .values_list("service_point_id", "service_id", "starts_at", "n")}
    for point, service in wanted:
        offer = offers.get((point.pk, service.pk))
        if offer is None:
            continue
        found = result[point.pk, service.pk]
        for i in range(days):
            day = from_day + datetime.timedelta(days=i)
            mode = effective_mode(point=point, day=day)
            if mode == Mode.CLOSED or (mode == Mode.ACUTE_ONLY and not include_restricted):
                continue
            slots = []
            for s in slot_starts(day=day, hours=hours[point.pk].get(day.weekday(), []), minutes=point.slot_minutes,
                                 closed_days=closed[point.pk]):
                n = taken.get((point.pk, service.pk, s), 0)
                if s > now and n < offer.capacity:
                    slots.append(Slot(starts_at=s, free=offer.capacity - n))
            if slots:
                found.append(SlotDay(day=day, mode=mode, slots=slots))
    return result


def first_free_slot(*, point: ServicePoint, service: ServiceType, now: datetime.datetime) -> datetime.datetime | None:
    """The first free slot within ``WAITING_HORIZON_DAYS`` (the waiting time a citizen meets)."""
    return first_free_slots([(point, service)], now=now)[point.pk, service.pk]


def first_free_slots(wanted: list[tuple[ServicePoint, ServiceType]], *, now: datetime.datetime
                     ) -> dict[tuple[UUID, int], datetime.datetime | None]:
    """``first_free_slot`` for several (point, service) pairs, in four queries."""
    found = free_slots_for(wanted, from_day=now.astimezone(COPENHAGEN).date(), days=WAITING_HORIZON_DAYS, now=now)
    return {key: days[0].slots[0].starts_at if days else None for key, days in found.items()}


@dataclass
class Alternative:
    point: ServicePoint
    mode: str
    first_free: datetime.datetime | None


def alternatives(*, point: ServicePoint, service: ServiceType, today: datetime.date,
                 now: datetime.datetime) -> list[Alternative]:
    """Where a citizen can go while ``point`` is closed: the municipality's other points
    open for ``service`` today (``open_for_acute``; an acute request goes to the
    first), each with its mode and first free time. Shows no citizen's data."""
    others = open_for_acute(point=point, service=service, day=today)
    first = first_free_slots([(p, service) for p in others], now=now) if others else {}
    return [Alternative(point=p, mode=effective_mode(point=p, day=today), first_free=first.get((p.pk, service.pk)))
            for p in others]


# --- Appointments (staff) ------------------------------------------------------------------

def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    if not rules.has_perm("borgerservice.serve_counter", user):
        return Appointment.objects.none()
    return scoped(Appointment.objects.select_related("citizen", "service", "service_point", "staff",
                                                        "acute_reason"), user)


def restricted_bookings(*, point: ServicePoint, now: datetime.datetime) -> list[Appointment]:
    """The ordinary booked times (not acute requests) from ``now`` on days the point is
    restricted (``policy.effective_mode``): what staff move or cancel together when the point
    switches mode for a period (issue 19). Not audited: ``bookings_in_restriction``
    shows them and audits; the services act on them."""
    found = (Appointment.objects.select_related("citizen", "service", "service_point")
             .filter(service_point=point, status=Status.BOOKED, acute_reason__isnull=True, starts_at__gt=now)
             .order_by("starts_at", "seat"))
    return [a for a in found if effective_mode(point=point, day=local_date(a.starts_at)) != Mode.OPEN]


def open_for_acute(*, point: ServicePoint, service: ServiceType, day: datetime.date) -> list[ServicePoint]:
    """The other points of the municipality that are open, or take acute requests, on
    ``day`` and offer ``service``: where a closed point sends an acute request. Ordered by
    name; ``alternatives`` orders them by the first free time."""
    candidates = (ServicePoint.objects.filter(municipality_id=point.municipality_id, offers__service=service)
                  .exclude(pk=point.pk).order_by("name"))
    return [p for p in candidates if effective_mode(point=p, day=day) != Mode.CLOSED]


def _audit(user: User, appointments, what: str, purpose: str, channel: str) -> None:
    record_read(actor=user, citizen_uuids=[a.citizen_id for a in appointments if a.citizen_id], what=what,
                purpose=purpose, channel=channel)


def bookings_in_restriction(*, user: User, point: ServicePoint, now: datetime.datetime,
                            channel: str) -> list[Appointment]:
    """The ordinary bookings inside the point's restricted period, for staff to move or
    cancel together (``restricted_bookings``). Names are shown: audited."""
    found = restricted_bookings(point=point, now=now)
    _audit(user, found, "Navn og tid i Borgerservice (tider i perioden med begrænset åbning)",
           "Borgerservice: flyt eller aflys tider, når servicestedet lukker", channel)
    return found


def day_agenda(*, user: User, point: ServicePoint, day: datetime.date, staff_id: int | None,
               channel: str) -> list[Appointment]:
    """A service point's appointments on one day, optionally one staff member's. Every
    citizen shown is recorded as read."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=COPENHAGEN)
    qs = appointments_visible_to(user).filter(service_point=point, starts_at__gte=start,
                                              starts_at__lt=start + datetime.timedelta(days=1))
    qs = qs.exclude(status=Status.CANCELLED)
    if staff_id:
        qs = qs.filter(staff_id=staff_id)
    found = list(qs.order_by("starts_at", "seat"))
    _audit(user, found, "Navn og tid i Borgerservice (dagsplan)", "Borgerservice: dagens tider", channel)
    return found


def triage_queue(*, user: User, channel: str) -> list[Appointment]:
    """Acute requests waiting for triage in the user's municipalities, most urgent first
    (``policy.urgency``: triage deadline, travel date, key-card need, arrival)."""
    found = sorted(appointments_visible_to(user).filter(status=Status.REQUESTED).select_related("acute_reason"),
                   key=urgency)
    _audit(user, found, "Navn og akut anmodning (visitation)", "Borgerservice: vurdering af akutte anmodninger",
           channel)
    return found


def appointment_for_staff(*, user: User, appointment_id: UUID, purpose: str, channel: str) -> Appointment:
    appointment = permitted_or_404(appointments_visible_to(user).filter(pk=appointment_id).first(),
                                   user=user, perm="borgerservice.manage_appointment",
                                   message="Tiden findes ikke eller er ikke tilgængelig for dig.")
    _audit(user, [appointment], "Navn, kontakt og tid i Borgerservice", purpose, channel)
    return appointment


def citizen_for_booking(*, user: User, citizen_id: UUID, channel: str) -> Citizen:
    """The citizen staff book for or record help for (their name is shown)."""
    citizen = permitted_or_404(Citizen.objects.select_related("home_municipality").filter(pk=citizen_id).first(),
                               user=user, perm="borgerservice.book_for_citizen",
                               message="Borgeren findes ikke eller er ikke tilgængelig for dig.")
    record_read(actor=user, citizen_uuids=[citizen.pk], what="Navn (tid eller hjælp i Borgerservice)",
                purpose="Borgerservice: booking eller registrering af hjælp", channel=channel)
    return citizen


def staff_of(point: ServicePoint) -> QuerySet[User]:
    return User.objects.filter(role=Role.BORGERSERVICE, municipalities=point.municipality_id,
                               is_active=True).order_by("first_name", "last_name")


# --- The citizen's own ---------------------------------------------------------------------

def own_appointments(*, user: User, channel: str) -> list[Appointment]:
    """A citizen's own appointments and requests, newest first."""
    if not rules.has_perm("borgerservice.book_own", user):
        return []
    found = list(Appointment.objects.select_related("service", "service_point", "acute_reason", "citizen")
                 .filter(citizen__user=user).order_by("-created_at"))
    _audit(user, found, "Egne tider i Borgerservice", "Selvbetjening: borgerens egne tider", channel)
    return found


def own_appointment(*, user: User, appointment_id: UUID) -> Appointment:
    appointment = permitted_or_404((Appointment.objects.select_related("service", "service_point", "citizen")
                                    .filter(pk=appointment_id, citizen__user=user).first()),
                                   user=user, perm="borgerservice.change_own_appointment", message="Tiden findes ikke.")
    return appointment


def overview_section(*, user: User, citizen: Citizen, today: datetime.date):
    """The Borgerservice section of the whole-citizen overview (and the citizen's own page):
    appointments and face-to-face help. No audit here: the overview writes it."""
    if not rules.has_perm("registry.view_citizen", user, citizen):
        return None
    # Only the columns the section shows (building a query costs per column joined).
    appointments = list(Appointment.objects.select_related("service", "service_point")
                        .only("citizen", "status", "starts_at", "service__name", "service_point__name")
                        .filter(citizen=citizen).order_by("-starts_at", "-created_at")[:10])
    help_sessions = list(HelpSession.objects.select_related("service_point").only(
        "citizen", "given_on", "topic", "description", "legal_basis", "staff_name", "service_point__name")
        .filter(citizen=citizen)[:10])
    can_book = rules.has_perm("borgerservice.book_for_citizen", user, citizen)
    if not appointments and not help_sessions and not can_book:
        return None
    return {"citizen": citizen, "appointments": appointments, "help_sessions": help_sessions, "can_book": can_book,
            "is_citizen": user.role == Role.CITIZEN}


# --- Statistics ----------------------------------------------------------------------------

def _bars(figures: list[tuple[str, int]]) -> list[charts.Bar]:
    return charts.scaled((label, n, tal(n)) for label, n in figures)


@dataclass
class Waiting:
    point: str
    service: str
    first_free: datetime.datetime | None
    days: int | None


@dataclass
class Statistics:
    municipality_id: int
    period_start: datetime.date
    period_end: datetime.date
    by_service_and_mode: list[charts.Bar]
    attended: int
    no_shows: int
    no_show_rate: str
    acute: list[charts.Bar]
    help_by_point: list[charts.Bar]
    waiting: list[Waiting]


def statistics(*, user: User, municipality_id: int, period_start: datetime.date, period_end: datetime.date,
               now: datetime.datetime) -> Statistics:
    """Figures for one municipality: appointments by service and mode, no-show rate, acute
    requests approved and declined, help sessions per service point, and the waiting time
    to the first free slot. Counts only; no citizen is shown."""
    if not rules.has_perm("borgerservice.view_statistics", user):
        raise Http404("Ingen adgang.")
    if not serves_municipality(user, municipality_id):
        raise Http404("Kommunen er ikke tilgængelig for dig.")
    start = datetime.datetime.combine(period_start, datetime.time(), tzinfo=COPENHAGEN)
    end = datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time(), tzinfo=COPENHAGEN)
    appointments = Appointment.objects.filter(municipality_id=municipality_id)
    in_period = appointments.filter(Q(starts_at__gte=start, starts_at__lt=end)
                                    | Q(starts_at__isnull=True, created_at__gte=start, created_at__lt=end))
    modes = dict(Mode.choices)
    by_service = [
        (f"{name}, {modes[mode].lower()}", n)
        for name, mode, n in in_period.filter(status__in=HOLDS_SLOT).values_list("service__name", "mode")
        .annotate(n=Count("id")).order_by("service__name", "mode")
    ]
    outcome = dict(in_period.filter(status__in=[Status.CHECKED_IN, Status.NO_SHOW]).values_list("status")
                   .annotate(n=Count("id")).values_list("status", "n"))
    attended, no_shows = outcome.get(Status.CHECKED_IN, 0), outcome.get(Status.NO_SHOW, 0)
    rate = f"{100 * no_shows / (attended + no_shows):.0f} %" if attended + no_shows else "–"
    acute_counts = dict(in_period.filter(acute_reason__isnull=False).values_list("status").annotate(n=Count("id"))
                        .values_list("status", "n"))
    approved = sum(acute_counts.get(s, 0) for s in HOLDS_SLOT)
    acute = [("Godkendt", approved), ("Afvist", acute_counts.get(Status.DECLINED, 0)),
             ("Afventer vurdering", acute_counts.get(Status.REQUESTED, 0))]
    help_by_point = [
        (name, n) for name, n in HelpSession.objects.filter(
            municipality_id=municipality_id, given_on__gte=period_start, given_on__lte=period_end)
        .values_list("service_point__name").annotate(n=Count("id")).order_by("service_point__name")
    ]
    wanted = [(point, offer.service)
              for point in _with_details(ServicePoint.objects.filter(municipality_id=municipality_id)).order_by("name")
              for offer in point.offers.all()]
    firsts = first_free_slots(wanted, now=now)
    waiting = []
    for point, service in wanted:
        first = firsts[point.pk, service.pk]
        days = (first.astimezone(COPENHAGEN).date() - now.astimezone(COPENHAGEN).date()).days if first else None
        waiting.append(Waiting(point.name, service.name, first, days))
    return Statistics(
        municipality_id=municipality_id, period_start=period_start, period_end=period_end,
        by_service_and_mode=_bars(by_service), attended=attended, no_shows=no_shows, no_show_rate=rate,
        acute=_bars(acute), help_by_point=_bars(help_by_point), waiting=waiting,
    )


def already_submitted(*, idempotency_key: str | None, point: ServicePoint,
                      citizen: Citizen | None) -> Appointment | None:
    """The appointment this form (its idempotency key) has made already, for this point and
    booker: a second post is then a duplicate, not a new booking, even when its slot has
    since been taken (by the first post). None when the form is new."""
    try:
        key = UUID(str(idempotency_key))
    except ValueError:
        return None
    return Appointment.objects.filter(idempotency_key=key, service_point=point, citizen=citizen).first()


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-8:]  # "+45 12 34 56 78" and "12345678" are the same Danish number


def find_by_reference(*, reference: str, phone: str) -> Appointment | None:
    """A booking without login, found again by its reference and the phone number given at
    booking. Both must match: the reference alone (shown once, only its hash kept) is not
    enough, so a guessed reference reveals nothing. None for any wrong combination."""
    if not reference.strip() or len(_digits(phone)) < 8:
        return None
    for appointment in receipt_queryset().filter(reference_hash=hash_reference(reference), citizen=None):
        if _digits(appointment.contact_phone) == _digits(phone):
            return appointment
    return None


def receipt_queryset() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("service_point", "service", "acute_reason", "service_point__municipality")


def receipt_appointment(appointment_id) -> Appointment | None:
    """The appointment a receipt shows. Only called with an id the booker's own session
    holds (the receipt page), never with one from a URL."""
    try:
        return receipt_queryset().filter(pk=UUID(str(appointment_id))).first()
    except ValueError:
        return None
