"""Pages of Borgerservice: service points and the counter (staff), the citizen's own
bookings (self-service with login), and booking and cancelling without login (name, phone
and a reference). Every page works without JavaScript."""

from __future__ import annotations

import datetime
import logging

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from helhed.borgerservice import outbox, policy, selectors, services
from helhed.borgerservice.forms import (
    AcuteForm,
    ApproveForm,
    BookForm,
    CancelByReferenceForm,
    ClosedDayForm,
    DeclineForm,
    FindByReferenceForm,
    HelpForm,
    HoursForm,
    ModeForm,
    MoveForm,
    OfferForm,
    PublicAcuteForm,
    PublicBookForm,
    ServicePointForm,
    StaffBookForm,
    WalkInHelpForm,
)
from helhed.borgerservice.models import Channel, Mode, ServiceType, Status
from helhed.borgerservice.receipts import what_to_bring
from helhed.borgerservice.slots import COPENHAGEN
from helhed.core import lockout, next_steps
from helhed.core.forms import PeriodForm, add_service_errors
from helhed.core.views import permission_required
from helhed.core.views_support import page_forms, perform, submit_form
from helhed.registry.selectors import own_citizen

SHOWN_DAYS = 7
RECEIPT_KEY = "borgerservice_receipt"
CANCELLED_KEY = "borgerservice_cancelled"
logger = logging.getLogger("helhed.security")




def _today():
    return timezone.localdate()


def _first_own_municipality(request) -> int:
    """The municipality a staff member creates service points and reads statistics for:
    the first (lowest code) of those they are attached to; none is refused (403)."""
    code = request.user.municipalities.order_by("code").values_list("code", flat=True).first()
    if code is None:
        raise PermissionDenied
    return code


def _from_day(request) -> datetime.date:
    today = _today()
    try:
        day = datetime.date.fromisoformat(request.GET.get("fra", ""))
    except ValueError:
        return today
    return min(max(day, today), today + datetime.timedelta(days=selectors.WAITING_HORIZON_DAYS))


def _service(point, request_value) -> ServiceType | None:
    for offer in point.offers.all():
        if str(offer.service_id) == str(request_value):
            return offer.service
    return None


# --- Staff: service points -----------------------------------------------------------------

@never_cache
@permission_required("borgerservice.serve_counter")
def points(request):
    return render(request, "borgerservice/points.html", {
        "points": selectors.points_visible_to(request.user).order_by("name"), "today": _today(),
        "waiting": selectors.appointments_visible_to(request.user).filter(status=Status.REQUESTED).count(),
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("borgerservice.serve_counter")
def point_new(request):
    municipality_id = _first_own_municipality(request)
    form = ServicePointForm(request.POST or None)
    done = submit_form(request, form,
                       lambda data: services.create_service_point(municipality_id=municipality_id, **data),
                       success="Servicestedet er oprettet. Tilføj ydelser og åbningstider.",
                       then=lambda point: reverse("borgerservice:point", args=[point.pk]))
    if done:
        return done
    return render(request, "borgerservice/point_new.html", {"form": form})


def _point_page(request, point, status=200, **forms):
    today = _today()
    services_qs = selectors.services_available(municipality_id=point.municipality_id)
    context = {
        "point": point, "today": today,
        "effective_mode": Mode(policy.effective_mode(point=point, day=today)).label.lower(),
        "edit_form": forms.get("edit_form") or ServicePointForm(instance=point),
        "mode_form": forms.get("mode_form") or ModeForm(initial={
            "version": point.version, "mode": point.mode, "reason": point.mode_reason,
            "mode_from": point.mode_from, "mode_until": point.mode_until}),
        "offer_form": forms.get("offer_form") or OfferForm(services=services_qs),
        "hours_form": forms.get("hours_form") or HoursForm(),
        "closed_form": forms.get("closed_form") or ClosedDayForm(),
        "in_restriction": selectors.bookings_in_restriction(user=request.user, point=point, now=timezone.now(),
                                                            channel="web") if point.mode != Mode.OPEN else [],
        "restriction_error": forms.get("restriction_error"),
    }
    return render(request, "borgerservice/point.html", context, status=status)


@never_cache
@permission_required("borgerservice.serve_counter")
def point(request, point_id):
    return _point_page(request, selectors.point_for_staff(user=request.user, point_id=point_id))


_point_form = page_forms(
    perm="borgerservice.serve_counter",
    load=lambda request, point_id: selectors.point_for_staff(user=request.user, point_id=point_id),
    page=lambda request, point, **forms: _point_page(request, point, status=400, **forms),
    url=lambda point: reverse("borgerservice:point", args=[point.pk]))


def _point_remove(remove, success):
    """A button on the service point's page that removes one of its lines by the id in the URL."""
    @require_POST
    @never_cache
    @permission_required("borgerservice.serve_counter")
    def view(request, point_id, **line):
        point = selectors.point_for_staff(user=request.user, point_id=point_id)
        return perform(request, lambda: remove(point=point, **line), success=success,
                       then=reverse("borgerservice:point", args=[point.pk]))
    return view


def _mode_success(result):
    _, told = result
    return f"Driftstilstanden er ændret. Bookede tider er bevaret; {told} borger(e) får besked."


@require_POST
@never_cache
@permission_required("borgerservice.serve_counter")
def point_restricted_bookings(request, point_id):
    """Move or cancel together the chosen ordinary bookings inside the restricted period."""
    point = selectors.point_for_staff(user=request.user, point_id=point_id)
    chosen = request.POST.getlist("aftaler")
    action = request.POST.get("handling")
    try:
        if action == "flyt":
            moved, left = services.move_out_of_restriction(point=point, appointment_ids=chosen, now=timezone.now())
            text = f"{len(moved)} tid(er) er flyttet, og borgerne får besked."
            if left:
                text += (f" {len(left)} tid(er) kunne ikke flyttes: der er ingen ledig tid. "
                         "Aflys dem, eller book med hånden.")
            messages.success(request, text)
        elif action == "aflys":
            cancelled = services.cancel_in_restriction(point=point, appointment_ids=chosen, now=timezone.now())
            messages.success(request, f"{len(cancelled)} tid(er) er aflyst, og borgerne får besked.")
        else:
            raise ValidationError("Vælg, om tiderne skal flyttes eller aflyses.")
    except ValidationError as error:
        return _point_page(request, point, status=400, restriction_error=" ".join(error.messages))
    return redirect("borgerservice:point", point_id=point.pk)


point_edit = _point_form(
    "edit_form", lambda r, p: ServicePointForm(r.POST, instance=p),
    lambda r, p, data: services.change_service_point(point=p, version=p.version, **data), "Servicestedet er ændret.")
point_mode = _point_form(
    "mode_form", lambda r, p: ModeForm(r.POST),
    lambda r, p, data: services.switch_mode(point=p, mode=data["mode"], version=data["version"],
                                         reason=data["reason"], mode_from=data["mode_from"],
                                         mode_until=data["mode_until"], now=timezone.now()),
    _mode_success)
point_offer = _point_form(
    "offer_form",
    lambda r, p: OfferForm(r.POST, services=selectors.services_available(municipality_id=p.municipality_id)),
    lambda r, p, data: services.set_offer(point=p, **data), "Ydelsen er gemt.")
point_hours = _point_form("hours_form", lambda r, p: HoursForm(r.POST),
                          lambda r, p, data: services.add_opening_hours(point=p, **data), "Åbningstiden er tilføjet.")
point_closed = _point_form("closed_form", lambda r, p: ClosedDayForm(r.POST),
                           lambda r, p, data: services.add_closed_day(point=p, **data), "Lukkedagen er tilføjet.")
point_offer_remove = _point_remove(services.remove_offer, "Ydelsen er fjernet.")
point_hours_remove = _point_remove(services.remove_opening_hours, "Åbningstiden er fjernet.")
point_closed_remove = _point_remove(services.remove_closed_day, "Lukkedagen er fjernet.")


# --- Staff: the counter --------------------------------------------------------------------

@never_cache
@permission_required("borgerservice.serve_counter")
def agenda(request, point_id):
    point = selectors.point_for_staff(user=request.user, point_id=point_id)
    try:
        day = datetime.date.fromisoformat(request.GET.get("dato", "")) if request.GET.get("dato") else _today()
    except ValueError:
        day = _today()
    staff = list(selectors.staff_of(point))
    staff_id = request.GET.get("medarbejder", "")
    chosen = next((s for s in staff if str(s.pk) == staff_id), None)
    found = selectors.day_agenda(user=request.user, point=point, day=day, staff_id=chosen.pk if chosen else None,
                                 channel="web")
    return render(request, "borgerservice/agenda.html", {
        "point": point, "day": day, "appointments": found, "staff": staff, "chosen": chosen,
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "is_today": day == _today(),
    })


@never_cache
@permission_required("borgerservice.serve_counter")
def triage(request):
    waiting = selectors.triage_queue(user=request.user, channel="web")
    slots = selectors.free_slots_for([(a.service_point, a.service) for a in waiting], from_day=_today(),
                                     days=SHOWN_DAYS, now=timezone.now(), include_restricted=True)
    items = [(a, ApproveForm(slots=slots[a.service_point_id, a.service_id], initial={"version": a.version}),
              DeclineForm(initial={"version": a.version})) for a in waiting]
    return render(request, "borgerservice/triage.html", {"items": items})


def _staff_appointment(request, appointment_id, purpose="Borgerservice: tid og fremmøde"):
    return selectors.appointment_for_staff(user=request.user, appointment_id=appointment_id, purpose=purpose,
                                           channel="web")


@require_POST
@never_cache
@permission_required("borgerservice.serve_counter")
def approve(request, appointment_id):
    a = _staff_appointment(request, appointment_id, "Borgerservice: vurdering af akut anmodning")
    slots = selectors.free_slots(point=a.service_point, service=a.service, from_day=_today(), days=SHOWN_DAYS,
                                 now=timezone.now(), include_restricted=True)
    form = ApproveForm(request.POST, slots=slots)
    if not form.is_valid():
        messages.error(request, "Vælg en tid til borgeren.")
        return redirect("borgerservice:triage")
    return perform(request, lambda: services.approve_request(
        appointment=a, starts_at=form.cleaned_data["starts_at"], actor=request.user, now=timezone.now(),
        version=form.cleaned_data["version"]),
        success=f"Anmodningen er godkendt, og {a.who} får besked.", then="borgerservice:triage")


@require_POST
@never_cache
@permission_required("borgerservice.serve_counter")
def decline(request, appointment_id):
    a = _staff_appointment(request, appointment_id, "Borgerservice: vurdering af akut anmodning")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv en begrundelse og hvor borgeren kan få hjælp i stedet.")
        return redirect("borgerservice:triage")
    return perform(request, lambda: services.decline_request(appointment=a, actor=request.user, **form.cleaned_data),
                   success=f"Anmodningen er afvist, og {a.who} får besked med begrundelse og råd.",
                   then="borgerservice:triage")


def _appointment_page(request, a, help_form=None, status=200):
    return render(request, "borgerservice/appointment.html", {
        "a": a, "help_form": help_form or HelpForm(initial={"given_on": _today()}),
        "can_help": a.citizen_id is not None and a.status == Status.CHECKED_IN,
    }, status=status)


@never_cache
@permission_required("borgerservice.serve_counter")
def appointment(request, appointment_id):
    return _appointment_page(request, _staff_appointment(request, appointment_id))


def _help_recorded(result) -> str:
    _, created = result
    return ("Hjælpen er registreret." if created
            else "Hjælpen var allerede registreret. Den er ikke registreret igen.")


def _counter_action(act, success):
    @require_POST
    @never_cache
    @permission_required("borgerservice.serve_counter")
    def view(request, appointment_id):
        a = _staff_appointment(request, appointment_id)
        then = reverse("borgerservice:appointment", args=[a.pk])
        if request.POST.get("next", "") == "agenda" and a.starts_at:
            day = a.starts_at.astimezone(COPENHAGEN).date().isoformat()
            then = reverse("borgerservice:agenda", args=[a.service_point_id]) + f"?dato={day}"
        return perform(request, lambda: act(a, request.user), success=success, then=then)
    return view


check_in = _counter_action(lambda a, u: services.check_in(appointment=a, now=timezone.now(), actor=u),
                           "Borgeren er tjekket ind.")
no_show = _counter_action(lambda a, u: services.mark_no_show(appointment=a, now=timezone.now(), actor=u),
                          "Tiden er markeret som udeblevet.")
staff_cancel = _counter_action(lambda a, u: services.cancel(appointment=a, now=timezone.now(), by_staff=True),
                               "Tiden er aflyst, og borgeren får besked.")


@require_POST
@never_cache
@permission_required("borgerservice.serve_counter")
def help_record(request, appointment_id):
    a = _staff_appointment(request, appointment_id)
    if a.citizen_id is None or not rules.has_perm("borgerservice.book_for_citizen", request.user, a.citizen):
        raise Http404
    form = HelpForm(request.POST)
    done = submit_form(request, form, lambda data: services.record_help(
        point=a.service_point, citizen=a.citizen, staff=request.user, appointment=a, **data),
        success=_help_recorded, then=reverse("borgerservice:appointment", args=[a.pk]))
    return done or _appointment_page(request, a, help_form=form, status=400)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("borgerservice.serve_counter")
def citizen_book(request, citizen_id):
    """From the citizen's overview: choose where and what to book, or record face-to-face
    help given without an appointment (a walk-in)."""
    citizen = selectors.citizen_for_booking(user=request.user, citizen_id=citizen_id, channel="web")
    points_qs = selectors.points_visible_to(request.user).order_by("name")
    form = WalkInHelpForm(request.POST or None, points=points_qs, initial={"given_on": _today()})

    def record(data):
        data = dict(data)
        return services.record_help(point=data.pop("service_point"), citizen=citizen, staff=request.user, **data)

    done = submit_form(request, form, record, success=_help_recorded,
                       then=reverse("registry:overview", args=[citizen.pk]))
    if done:
        return done
    return render(request, "borgerservice/citizen_book.html", {"citizen": citizen, "points": points_qs, "form": form},
                  status=400 if form.errors else 200)


def _staff_booked(result) -> str:
    _, created, reference = result
    text = "Tiden er booket, og borgeren får en bekræftelse." if created else "Tiden var allerede booket."
    return text + (f" Giv borgeren referencen {reference} til at aflyse med." if reference else "")


@sensitive_post_parameters("contact_name", "contact_phone")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("borgerservice.serve_counter")
def staff_book(request, point_id):
    """Staff book by phone or at the counter: for a citizen in the registry (``?borger=``)
    or for a name and phone number."""
    point = selectors.point_for_staff(user=request.user, point_id=point_id)
    citizen = None
    citizen_id = request.GET.get("borger") or request.POST.get("borger")
    if citizen_id:
        try:
            citizen = selectors.citizen_for_booking(user=request.user, citizen_id=citizen_id, channel="web")
        except ValidationError as error:
            raise Http404 from error
    service = _service(point, request.GET.get("ydelse") or request.POST.get("ydelse"))
    form, slots = None, []
    if service is not None:
        slots = selectors.free_slots(point=point, service=service, from_day=_from_day(request), days=SHOWN_DAYS,
                                     now=timezone.now(), include_restricted=True)
        form = StaffBookForm(request.POST or None, slots=slots)
        done = submit_form(
            request, form,
            lambda data: services.book(
                point=point, service=service, starts_at=data["starts_at"], channel=Channel.PHONE,
                idempotency_key=data["idempotency_key"], now=timezone.now(), citizen=citizen,
                contact_name=data["contact_name"], contact_phone=data["contact_phone"], actor=request.user),
            success=_staff_booked, then=lambda booked: reverse("borgerservice:appointment", args=[booked[0].pk]))
        if done:
            return done
    return render(request, "borgerservice/staff_book.html", {
        "point": point, "citizen": citizen, "service": service, "form": form, "slot_days": slots,
    }, status=400 if form is not None and form.errors else 200)


@never_cache
@permission_required("borgerservice.view_statistics")
def statistics(request):
    municipality_id = _first_own_municipality(request)
    today = _today()
    start, end = today - datetime.timedelta(days=90), today + datetime.timedelta(days=14)
    form = PeriodForm(request.GET or {"fra": start, "til": end})
    if form.is_valid():
        start, end = form.cleaned_data["fra"], form.cleaned_data["til"]
    stats = selectors.statistics(user=request.user, municipality_id=municipality_id, period_start=start, period_end=end,
                                 now=timezone.now())
    municipality = request.user.municipalities.get(code=municipality_id)
    return render(request, "borgerservice/statistics.html", {"form": form, "s": stats, "municipality": municipality})


# --- Booking: shared by citizens with and without login ------------------------------------

def _booking_step(request, *, point, service, public: bool, citizen=None):
    """The slot or acute-request step for one point and service. Returns a response on
    success, else the context to render."""
    today = _today()
    if request.method == "POST":
        sent = selectors.already_submitted(idempotency_key=request.POST.get("idempotency_key"), point=point,
                                           citizen=citizen)
        if sent is not None:
            return _booked(request, public=public, appointment=sent, reference="", created=False,
                           acute=sent.status == Status.REQUESTED)

    def who(data):  # who books and how, the same for a time and an acute request
        return {"idempotency_key": data["idempotency_key"], "citizen": citizen,
                "contact_name": data.get("contact_name", ""), "contact_phone": data.get("contact_phone", ""),
                "channel": Channel.PUBLIC if public else Channel.SELF_SERVICE,
                "actor": None if public else request.user}

    mode_today = policy.effective_mode(point=point, day=today)
    context = {"point": point, "service": service, "mode_today": mode_today, "from_day": _from_day(request)}
    if mode_today == Mode.CLOSED:
        context["alternatives"] = selectors.alternatives(point=point, service=service, today=today,
                                                         now=timezone.now())
    if mode_today in (Mode.ACUTE_ONLY, Mode.CLOSED):
        reasons = selectors.acute_reasons(municipality_id=point.municipality_id)
        form_class = PublicAcuteForm if public else AcuteForm
        form = form_class(request.POST or None, reasons=reasons)
        sent = _send_booking(request, form, lambda data: services.request_acute(
            point=point, service=service, acute_reason=data["acute_reason"],
            acute_description=data["acute_description"], travel_date=data["travel_date"], today=today, **who(data)),
            public=public, acute=True)
        if sent:
            return sent
        context.update(form=form, acute=True)
        return context
    days = selectors.free_slots(point=point, service=service, from_day=context["from_day"], days=SHOWN_DAYS,
                                now=timezone.now())
    form_class = PublicBookForm if public else BookForm
    form = form_class(request.POST or None, slots=days)
    sent = _send_booking(request, form, lambda data: services.book(
        point=point, service=service, starts_at=data["starts_at"], now=timezone.now(), **who(data)),
        public=public, acute=False)
    if sent:
        return sent
    later = context["from_day"] + datetime.timedelta(days=SHOWN_DAYS)
    context.update(form=form, days=days, acute=False,
                   later=later if later <= today + datetime.timedelta(days=selectors.WAITING_HORIZON_DAYS) else None)
    return context


def _book_page(request, *, public: bool, points, citizen=None):
    """Booking with login and without: choose a service point (``points()``), then its
    service (``?sted=&ydelse=``), then a time or an acute request."""
    point_id = request.GET.get("sted")
    if not point_id:
        return render(request, "borgerservice/choose.html", {
            "points": points(), "url": reverse("borgerservice:public_book" if public else "borgerservice:my_book"),
            "public": public})
    try:
        point = selectors.public_point(point_id)
    except ValidationError as error:
        raise Http404 from error
    service = _service(point, request.GET.get("ydelse"))
    if service is None:
        raise Http404("Servicestedet tilbyder ikke den ydelse.")
    result = _booking_step(request, point=point, service=service, public=public, citizen=citizen)
    if not isinstance(result, dict):
        return result
    return render(request, "borgerservice/book.html", {**result, "public": public},
                  status=400 if result["form"].errors else 200)


def _send_booking(request, form, send, *, public, acute):
    """Send a posted booking or acute request through ``send(data)``: the receipt, or None
    with the service's refusal on the form."""
    if not form.is_valid():
        return None
    try:
        appointment, created, reference = send(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return _booked(request, public=public, appointment=appointment, reference=reference, created=created,
                   acute=acute)


def _booked(request, *, public, appointment, reference, created, acute):
    if public:
        # The receipt is kept in the booker's session and shown on a URL without personal
        # data (post/redirect/get): reloading shows it again, a second post of the same form
        # lands on it. The reference is shown there; only its hash is stored.
        kept = request.session.get(RECEIPT_KEY) or {}
        if not reference and kept.get("appointment") == str(appointment.pk):
            reference = kept.get("reference", "")
        request.session[RECEIPT_KEY] = {"appointment": str(appointment.pk), "reference": reference,
                                        "again": not created}
        return redirect("borgerservice:public_receipt")
    if not created:
        messages.info(request, "Du havde allerede sendt den. Den er ikke sendt igen.")
    elif acute:
        messages.success(request, "Din akutte anmodning er sendt. Du får besked, når en medarbejder har vurderet den.")
    else:
        messages.success(request, "Din tid er booket. Du får en bekræftelse.")
    return redirect("borgerservice:my_appointment", appointment_id=appointment.pk)


# --- Citizens with login -------------------------------------------------------------------

@never_cache
@permission_required("borgerservice.book_own")
def my_appointments(request):
    return render(request, "borgerservice/my_appointments.html", {
        "appointments": selectors.own_appointments(user=request.user, channel="web"), "now": timezone.now(),
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("borgerservice.book_own")
def my_book(request):
    citizen = own_citizen(request.user)
    return _book_page(request, public=False, citizen=citizen,
                      points=lambda: selectors.bookable_points(municipality_id=citizen.home_municipality_id))


def _own(request, appointment_id):
    return selectors.own_appointment(user=request.user, appointment_id=appointment_id)


def _already_moved_to(appointment, posted: str) -> bool:
    """Whether the time is already where the posted form moves it (a double click)."""
    try:
        wanted = datetime.datetime.fromisoformat(posted)
    except ValueError:
        return False
    return (appointment.status == Status.BOOKED and wanted.tzinfo is not None
            and appointment.starts_at == wanted and appointment.version > 1)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("borgerservice.book_own")
def my_appointment(request, appointment_id):
    a = _own(request, appointment_id)
    form, days = None, []
    if request.method == "POST" and _already_moved_to(a, request.POST.get("starts_at", "")):
        messages.success(request, "Din tid er flyttet. Du får en bekræftelse.")  # the move sent twice
        return redirect("borgerservice:my_appointments")
    if a.status == Status.BOOKED and a.starts_at > timezone.now():
        days = selectors.free_slots(point=a.service_point, service=a.service, from_day=_from_day(request),
                                    days=SHOWN_DAYS, now=timezone.now())
        form = MoveForm(request.POST or None, slots=days, initial={"version": a.version})
        done = submit_form(request, form, lambda data: services.move(
            appointment=a, starts_at=data["starts_at"], now=timezone.now(), version=data["version"]),
            success="Din tid er flyttet. Du får en bekræftelse.", then="borgerservice:my_appointments")
        if done:
            return done
    elif request.method == "POST":
        raise Http404
    return render(request, "borgerservice/my_appointment.html", {**_receipt_context(a), "form": form, "days": days},
                  status=400 if form is not None and form.errors else 200)


@require_POST
@never_cache
@permission_required("borgerservice.book_own")
def my_cancel(request, appointment_id):
    a = _own(request, appointment_id)
    if a.status == Status.CANCELLED:  # the form sent twice: a double click, a reload
        messages.info(request, "Din tid er aflyst.")
        return redirect("borgerservice:my_appointments")
    return perform(request, lambda: services.cancel(appointment=a, now=timezone.now()),
                   success="Din tid er aflyst.", then="borgerservice:my_appointments")


# --- Without login -------------------------------------------------------------------------

@sensitive_post_parameters("contact_name", "contact_phone")
@require_http_methods(["GET", "POST"])
@never_cache
def public_book(request):
    """Booking for a citizen without a CPR-based login: name and phone number. Shows no one
    else's data: only service points and free slots."""
    return _book_page(request, public=True, points=selectors.bookable_points)


def _receipt_context(appointment, *, reference: str = "", again: bool = False) -> dict:
    """What the receipt shows: when (long Danish date, time "13.45"), where (the place and its
    address), what to bring, how to cancel, and what happens now."""
    acute = appointment.acute_reason_id is not None
    if appointment.status == Status.REQUESTED:
        steps = next_steps.after_acute_request(triage_due=appointment.triage_due)
    elif appointment.status == Status.BOOKED:
        told = outbox.recipient_for(citizen=appointment.citizen, phone=appointment.contact_phone)
        steps = next_steps.after_booking(told_by=told[0] if told else None)
    else:
        steps = []
    return {"a": appointment, "reference": reference, "again": again, "acute": acute,
            "to_bring": what_to_bring(appointment.service), "next_steps": steps}


@never_cache
def public_receipt(request):
    """The receipt of a booking or acute request made without login, from the booker's
    session: shown again on reload, never from an id or a reference in the URL."""
    kept = request.session.get(RECEIPT_KEY) or {}
    appointment = selectors.receipt_appointment(kept.get("appointment")) if kept else None
    if appointment is None:
        return render(request, "borgerservice/receipt.html", {"a": None})
    return render(request, "borgerservice/receipt.html",
                  _receipt_context(appointment, reference=kept.get("reference", ""), again=kept.get("again", False)))


FIND_FAILED = ("Vi kan ikke finde en tid med den reference og det telefonnummer. Tjek, at begge dele er "
               "skrevet rigtigt.")


@sensitive_post_parameters("reference", "contact_phone")
@require_http_methods(["GET", "POST"])
@never_cache
def public_find(request):
    """"Find din tid": a booking without login shown again from its reference and the phone
    number given at booking. A wrong combination gets one neutral answer, counts as a failure
    against the caller's address and, after too many, is refused for a while (the log-in's
    policy, ``core.lockout``)."""
    form = FindByReferenceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        locked_until = lockout.lookup_locked_until(request, "reference")
        if locked_until is not None:
            form.is_valid()
            form.add_error(None, "Der er skrevet forkerte oplysninger for mange gange. Prøv igen kl. "
                                 f"{timezone.localtime(locked_until):%H.%M}, eller ring til Borgerservice.")
            status = 429
        elif form.is_valid():
            found = selectors.find_by_reference(reference=form.cleaned_data["reference"],
                                                phone=form.cleaned_data["contact_phone"])
            if found is not None:
                reference = form.cleaned_data["reference"].strip().upper()
                request.session[RECEIPT_KEY] = {"appointment": str(found.pk), "reference": reference, "again": False}
                return redirect("borgerservice:public_receipt")
            lockout.record_lookup_failure(request, "reference")
            logger.info("Find din tid: ingen tid med den reference og det telefonnummer")
            form.add_error(None, FIND_FAILED)
        status = status if status != 200 else 400
    return render(request, "borgerservice/find.html", {"form": form}, status=status)


@sensitive_post_parameters("reference")
@require_http_methods(["GET", "POST"])
@never_cache
def public_cancel(request):
    form = CancelByReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.cancel_by_reference(reference=form.cleaned_data["reference"], now=timezone.now())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[CANCELLED_KEY] = str(done.pk)
            return redirect("borgerservice:public_cancelled")
    return render(request, "borgerservice/cancel.html", {"form": form, "done": None},
                  status=400 if form.errors else 200)


@never_cache
def public_cancelled(request):
    """The cancellation's receipt, from the booker's session (post/redirect/get)."""
    done = selectors.receipt_appointment(request.session.get(CANCELLED_KEY))
    if done is None or done.status != Status.CANCELLED:
        return redirect("borgerservice:public_cancel")
    return render(request, "borgerservice/cancel.html", {"done": done})
