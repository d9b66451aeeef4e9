"""The Borgerservice API for staff: the municipality's service points and their free
slots, a day's agenda (audited by the selector) and check-in at the counter."""

from __future__ import annotations

import datetime
from uuid import UUID

import rules
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from helhed.borgerservice import policy, selectors, services
from helhed.core.api import ErrorOut

router = Router(tags=["Borgerservice"])


class OfferOut(Schema):
    service_id: int
    service: str
    capacity: int


class ServicePointOut(Schema):
    id: UUID
    municipality: int
    kind: str
    name: str
    address: str
    accessibility: str
    mode: str
    mode_today: str
    mode_reason: str
    mode_from: datetime.date | None
    mode_until: datetime.date | None
    offers: list[OfferOut]


class SlotOut(Schema):
    starts_at: datetime.datetime
    free: int


class AppointmentOut(Schema):
    id: UUID
    starts_at: datetime.datetime | None
    status: str
    service: str
    citizen_id: UUID | None
    name: str
    channel: str


def _require_counter(user) -> None:
    if not rules.has_perm("borgerservice.serve_counter", user):
        raise HttpError(403, "Kun for Borgerservices medarbejdere.")


def _point(p) -> ServicePointOut:
    return ServicePointOut(
        id=p.pk, municipality=p.municipality_id, kind=p.kind, name=p.name, address=p.address,
        accessibility=p.accessibility, mode=p.mode,
        mode_today=policy.effective_mode(point=p, day=timezone.localdate()), mode_reason=p.mode_reason,
        mode_from=p.mode_from, mode_until=p.mode_until,
        offers=[OfferOut(service_id=o.service_id, service=o.service.name, capacity=o.capacity) for o in p.offers.all()],
    )


def _appointment(a) -> AppointmentOut:
    return AppointmentOut(id=a.pk, starts_at=a.starts_at, status=a.status, service=a.service.name,
                          citizen_id=a.citizen_id, name=a.who, channel=a.channel)


@router.get("/borgerservice/service-points", response={200: list[ServicePointOut], 403: ErrorOut},
            summary="Kommunens servicesteder")
def list_points(request):
    _require_counter(request.auth)
    return [_point(p) for p in selectors.points_visible_to(request.auth).order_by("name")]


@router.get("/borgerservice/service-points/{point_id}/slots",
            response={200: list[SlotOut], 403: ErrorOut, 404: ErrorOut},
            summary="Ledige tider for en ydelse de næste 14 dage")
def list_slots(request, point_id: UUID, service_id: int, from_day: datetime.date | None = None):
    _require_counter(request.auth)
    point = selectors.point_for_staff(user=request.auth, point_id=point_id)
    offer = next((o for o in point.offers.all() if o.service_id == service_id), None)
    if offer is None:
        raise HttpError(404, "Servicestedet tilbyder ikke den ydelse.")
    days = selectors.free_slots(point=point, service=offer.service, from_day=from_day or timezone.localdate(),
                                days=selectors.SLOT_DAYS, now=timezone.now(), include_restricted=True)
    return [SlotOut(starts_at=s.starts_at, free=s.free) for d in days for s in d.slots]


@router.get("/borgerservice/service-points/{point_id}/agenda",
            response={200: list[AppointmentOut], 403: ErrorOut, 404: ErrorOut},
            summary="Dagens tider på et servicested (opslaget logges)")
def get_agenda(request, point_id: UUID, day: datetime.date | None = None):
    _require_counter(request.auth)
    point = selectors.point_for_staff(user=request.auth, point_id=point_id)
    found = selectors.day_agenda(user=request.auth, point=point, day=day or timezone.localdate(), staff_id=None,
                                 channel="api")
    return [_appointment(a) for a in found]


@router.post("/borgerservice/appointments/{appointment_id}/check-in",
             response={200: AppointmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             summary="Tjek en borger ind ved fremmøde")
def check_in(request, appointment_id: UUID):
    _require_counter(request.auth)
    a = selectors.appointment_for_staff(user=request.auth, appointment_id=appointment_id,
                                        purpose="Borgerservice: fremmøde via API", channel="api")
    a = services.check_in(appointment=a, now=timezone.now(), actor=request.auth)
    return _appointment(a)
