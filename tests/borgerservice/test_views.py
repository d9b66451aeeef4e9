"""The pages: permissions (staff see only their municipality; citizens only their own
bookings), audit, the public booking without login, bad input and constant query counts."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhed.borgerservice import services
from helhed.borgerservice.models import AcuteReason, Appointment, HelpSession, Mode, OutboxMessage, Status
from helhed.core.calendar import COPENHAGEN, is_business_day, next_business_day
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.borgerservice.conftest import book, make_point, service
from tests.factories import UserFactory, make_citizen


def future_slot(point, code="pas"):
    """The first free slot from tomorrow, as the page offers it."""
    from helhed.borgerservice.selectors import free_slots
    days = free_slots(point=point, service=service(code), from_day=timezone.localdate() + datetime.timedelta(days=1),
                      days=7, now=timezone.now())
    return days[0].slots[0].starts_at


@pytest.fixture
def booked(point, amira):
    a, _, _ = book(point, future_slot(point), citizen=amira, now=timezone.now())
    return a


def test_staff_see_only_their_own_municipalitys_points_and_appointments(client, point, booked, aarhus_staff):
    client.force_login(aarhus_staff)
    assert "Borgerservice Test" not in client.get("/borgerservice/").content.decode()
    for path in (f"/borgerservice/servicesteder/{point.pk}/", f"/borgerservice/servicesteder/{point.pk}/dagsplan/",
                 f"/borgerservice/aftaler/{booked.pk}/", f"/borgerservice/borgere/{booked.citizen_id}/",
                 f"/borgerservice/servicesteder/{point.pk}/book/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/borgerservice/aftaler/{booked.pk}/tjek-ind/").status_code == 404
    assert client.post(f"/borgerservice/servicesteder/{point.pk}/tilstand/",
                       {"mode": "closed", "reason": "x", "version": point.version}).status_code == 404
    assert not AuditRecord.objects.filter(citizen_uuid=booked.citizen_id).exists()


def test_a_caseworker_or_citizen_cannot_use_the_counter(client, point, amira):
    for user in (UserFactory(role=Role.CASEWORKER, municipalities=[461]), amira.user):
        client.force_login(user)
        assert client.get("/borgerservice/").status_code == 403
        assert client.get(f"/borgerservice/servicesteder/{point.pk}/dagsplan/").status_code == 403


def test_the_agenda_shows_the_day_and_audits_every_citizen(client, point, booked, odense_staff):
    client.force_login(odense_staff)
    day = timezone.localtime(booked.starts_at).date()
    response = client.get(f"/borgerservice/servicesteder/{point.pk}/dagsplan/?dato={day}")
    assert "Amira Hassanfiktiv" in response.content.decode()
    assert AuditRecord.objects.filter(citizen_uuid=booked.citizen_id, request_id=response["X-Request-ID"]).exists()


def test_a_citizen_books_moves_and_cancels_in_self_service(client, point, amira):
    client.force_login(amira.user)
    choose = client.get("/borgerservice/mine-tider/bestil/").content.decode()
    assert "Borgerservice Test" in choose
    url = f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse={service('pas').pk}"
    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    slot = re.search(r'name="starts_at"[^>]*value="([^"]+)"', page)[1]
    refused = client.post(url, {"idempotency_key": key})
    assert refused.status_code == 400 and "Vælg en tid" in refused.content.decode()
    assert client.post(url, {"idempotency_key": key, "starts_at": slot}).status_code == 302
    assert client.post(url, {"idempotency_key": key, "starts_at": slot}).status_code == 302  # double post
    a = Appointment.objects.get()
    assert a.citizen == amira and a.channel == "self_service"
    assert "Mine tider" in client.get("/borgerservice/mine-tider/").content.decode()
    page = client.get(f"/borgerservice/mine-tider/{a.pk}/").content.decode()
    other = re.findall(r'name="starts_at"[^>]*value="([^"]+)"', page)[1]
    response = client.post(f"/borgerservice/mine-tider/{a.pk}/", {"version": a.version, "starts_at": other})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.starts_at.isoformat() != slot
    stale = client.post(f"/borgerservice/mine-tider/{a.pk}/", {"version": 1, "starts_at": slot})
    assert stale.status_code == 400 and "ændret af en anden" in stale.content.decode()
    assert client.post(f"/borgerservice/mine-tider/{a.pk}/aflys/").status_code == 302
    a.refresh_from_db()
    assert a.status == Status.CANCELLED


def test_a_citizen_sees_only_their_own_bookings(client, point, booked):
    other_login = UserFactory(role=Role.CITIZEN)
    make_citizen(municipality=461, first_name="Anden", last_name="Borgerfiktiv", user=other_login)
    client.force_login(other_login)
    assert "Pas" not in client.get("/borgerservice/mine-tider/").content.decode().split("<main")[1]
    assert client.get(f"/borgerservice/mine-tider/{booked.pk}/").status_code == 404
    assert client.post(f"/borgerservice/mine-tider/{booked.pk}/aflys/").status_code == 404
    booked.refresh_from_db()
    assert booked.status == Status.BOOKED


def test_booking_without_login_with_name_and_phone_and_cancelling_by_reference(client, point, booked):
    choose = client.get("/borgerservice/bestil-tid/").content.decode()
    assert "Borgerservice Test" in choose and "Amira" not in choose
    url = f"/borgerservice/bestil-tid/?sted={point.pk}&ydelse={service('pas').pk}"
    page = client.get(url).content.decode()
    assert "Amira" not in page and "Hassanfiktiv" not in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    slot = re.search(r'name="starts_at"[^>]*value="([^"]+)"', page)[1]
    bad = client.post(url, {"idempotency_key": key, "starts_at": slot, "contact_name": "Lars", "contact_phone": "12"})
    assert bad.status_code == 400 and "8 cifre" in bad.content.decode()
    response = client.post(url, {"idempotency_key": key, "starts_at": slot, "contact_name": "Lars Fiktivsen",
                                 "contact_phone": "20 30 40 50"})
    assert response.status_code == 302 and response["Location"] == "/borgerservice/bestil-tid/kvittering/"
    receipt = client.get(response["Location"]).content.decode()
    reference = re.search(r'class="bs-reference">([A-Z-]+)<', receipt)[1]
    assert "Lars" not in receipt
    assert reference in client.get("/borgerservice/bestil-tid/kvittering/").content.decode()  # a reload shows it again
    again = client.post(url, {"idempotency_key": key, "starts_at": slot, "contact_name": "Lars Fiktivsen",
                              "contact_phone": "20 30 40 50"})
    assert "allerede sendt" in client.get(again["Location"]).content.decode()
    assert Appointment.objects.filter(contact_name="Lars Fiktivsen").count() == 1
    wrong = client.post("/borgerservice/afbestil/", {"reference": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "kan ikke finde" in wrong.content.decode()
    done = client.post("/borgerservice/afbestil/", {"reference": reference}, follow=True).content.decode()
    assert "er aflyst" in done and "Lars" not in done
    assert Appointment.objects.get(contact_name="Lars Fiktivsen").status == Status.CANCELLED


def test_acute_only_shows_the_reason_and_takes_an_acute_request_without_login(client, point):
    services.switch_mode(point=point, mode=Mode.ACUTE_ONLY, version=point.version, reason="Covid-19: kun akutte",
                         now=timezone.now())
    url = f"/borgerservice/bestil-tid/?sted={point.pk}&ydelse={service('pas').pk}"
    page = client.get(url).content.decode()
    assert "Covid-19: kun akutte" in page and "Send den akutte anmodning" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    reason_id = re.search(r'name="acute_reason"[^>]*value="([^"]+)"', page)[1]  # passport: travel date needed
    form = {"idempotency_key": key, "acute_reason": reason_id, "contact_name": "Nadia Eksempel",
            "contact_phone": "30405060"}
    missing = client.post(url, form)
    assert missing.status_code == 400 and "datoen for rejsen" in missing.content.decode()
    travel = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert client.post(url, {**form, "travel_date": travel}).status_code == 302
    assert Appointment.objects.get().status == Status.REQUESTED


def test_staff_switch_mode_and_a_stale_form_is_refused(client, point, booked, odense_staff):
    client.force_login(odense_staff)
    url = f"/borgerservice/servicesteder/{point.pk}/tilstand/"
    no_reason = client.post(url, {"mode": "acute_only", "version": point.version})
    assert no_reason.status_code == 400 and "begrundelse" in no_reason.content.decode()
    ok = client.post(url, {"mode": "acute_only", "reason": "Ombygning", "version": point.version}, follow=True)
    assert "1 borger(e) får besked" in ok.content.decode()
    stale = client.post(url, {"mode": "open", "version": point.version})
    assert stale.status_code == 400 and "ændret af en anden" in stale.content.decode()
    booked.refresh_from_db()
    assert booked.status == Status.BOOKED


def test_staff_set_up_a_point_with_services_hours_and_closed_days(client, odense_staff):
    client.force_login(odense_staff)
    response = client.post("/borgerservice/servicesteder/ny/", {
        "kind": "library", "name": "Bibliotek Fiktiv", "address": "Bogvej 1", "slot_minutes": "20"})
    assert response.status_code == 302
    base = response["Location"]
    offer = {"service": service("digital_hjaelp").pk, "capacity": "3"}
    assert client.post(base + "ydelser/", offer).status_code == 302
    bad = client.post(base + "aabningstider/", {"weekday": "0", "opens": "12:00", "closes": "09:00"})
    assert bad.status_code == 400 and "Lukketiden skal ligge efter" in bad.content.decode()
    hours = {"weekday": "0", "opens": "09:00", "closes": "12:00"}
    assert client.post(base + "aabningstider/", hours).status_code == 302
    assert client.post(base + "lukkedage/", {"date": "2026-12-28", "reason": "Jul"}).status_code == 302
    page = client.get(base).content.decode()
    assert "Hjælp til digital selvbetjening: 3 pladser" in page and "28. december 2026" in page


def test_the_counter_checks_in_and_records_help_shown_on_the_overview(client, db, odense_staff, amira, today,
                                                                      time_machine):
    # The counter works on business days: a service point is closed on public holidays.
    day = today if is_business_day(today) else next_business_day(today)
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=COPENHAGEN))
    now = timezone.now()
    point = make_point(weekdays=range(7), opens=datetime.time(0), closes=datetime.time(23, 45))
    local = timezone.localtime(now)
    start = local.replace(minute=(local.minute // 15) * 15, second=0, microsecond=0) + datetime.timedelta(minutes=15)
    a, _, _ = book(point, start, citizen=amira, code="digital_hjaelp", now=now)
    client.force_login(odense_staff)
    assert client.post(f"/borgerservice/aftaler/{a.pk}/tjek-ind/").status_code == 302
    page = client.get(f"/borgerservice/aftaler/{a.pk}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    form = {"idempotency_key": key, "topic": "application", "legal_basis": "udk_3_3", "given_on": local.date(),
            "description": "Søgt boligstøtte"}
    assert client.post(f"/borgerservice/aftaler/{a.pk}/hjaelp/", form).status_code == 302
    assert client.post(f"/borgerservice/aftaler/{a.pk}/hjaelp/", form).status_code == 302
    assert HelpSession.objects.count() == 1
    overview = client.get(f"/borgere/{amira.pk}/").content.decode()
    assert "Søgt boligstøtte" in overview and "§ 3, stk. 3" in overview
    client.force_login(amira.user)
    assert "Søgt boligstøtte" in client.get("/mit/").content.decode()


def test_staff_book_by_phone_for_a_person_without_cpr(client, point, odense_staff):
    client.force_login(odense_staff)
    url = f"/borgerservice/servicesteder/{point.pk}/book/?ydelse={service('pas').pk}"
    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    slot = re.search(r'name="starts_at"[^>]*value="([^"]+)"', page)[1]
    response = client.post(url, {"idempotency_key": key, "starts_at": slot, "contact_name": "Poul Prøvesen",
                                 "contact_phone": "40506070"}, follow=True)
    assert "Giv borgeren referencen" in response.content.decode()
    a = Appointment.objects.get()
    assert a.channel == "phone" and a.booked_by == odense_staff
    assert OutboxMessage.objects.filter(appointment=a).exists()


def test_triage_page_approves_and_declines(client, point, odense_staff):
    point, _ = services.switch_mode(point=point, mode=Mode.ACUTE_ONLY, version=point.version, reason="Covid-19",
                                    now=timezone.now())
    reasons = AcuteReason.objects.filter(code__in=["pas_rejse", "andet"]).order_by("position")
    requests = [services.request_acute(point=point, service=service("pas"), acute_reason=r,
                                       idempotency_key=uuid.uuid4(), today=timezone.localdate(),
                                       contact_name=f"Fiktiv {i}", contact_phone="20304050",
                                       acute_description="x", travel_date=timezone.localdate())[0]
                for i, r in enumerate(reasons)]
    client.force_login(odense_staff)
    page = client.get("/borgerservice/akutte/").content.decode()
    assert "Fiktiv 0" in page and "Fiktiv 1" in page
    slot = re.search(r'name="starts_at">\s*<option value="([^"]+)"', page)[1]
    client.post(f"/borgerservice/aftaler/{requests[0].pk}/godkend/", {"version": 1, "starts_at": slot})
    client.post(f"/borgerservice/aftaler/{requests[1].pk}/afvis/", {"version": 1, "reason": "Ikke akut",
                                                                    "advice": "borger.dk"})
    statuses = {a.contact_name: a.status for a in Appointment.objects.all()}
    assert statuses == {"Fiktiv 0": Status.BOOKED, "Fiktiv 1": Status.DECLINED}


def test_statistics_for_the_municipality(client, point, booked, odense_staff):
    client.force_login(odense_staff)
    page = client.get("/borgerservice/statistik/").content.decode()
    assert "Pas, åben" in page and "Ventetid til første ledige tid" in page
    assert 'width="100%" fill=' in page and "helhed-bar-target" not in page  # the largest count fills its track
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[461]))
    assert client.get("/borgerservice/statistik/").status_code == 403


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_use_a_constant_number_of_queries(client, db, odense_staff, amira):
    point = make_point(capacity=20)
    when = future_slot(point)
    day = timezone.localtime(when).date()
    pages = [f"/borgerservice/servicesteder/{point.pk}/dagsplan/?dato={day}", "/borgerservice/akutte/",
             "/borgerservice/", "/borgerservice/statistik/"]

    def add(n):
        for i in range(n):
            citizen = make_citizen(municipality=461, first_name=f"Fiktiv{i}", last_name="Testesen",
                                   birth_date=datetime.date(1960, 1, 2 + (i % 27)))
            book(point, when, citizen=citizen, now=timezone.now())

    client.force_login(odense_staff)
    add(2)
    before = [_queries(client, p) for p in pages]
    add(6)
    after = [_queries(client, p) for p in pages]
    assert before == after
    client.force_login(amira.user)
    own = "/borgerservice/mine-tider/"
    book(point, when, citizen=amira, now=timezone.now())
    one = _queries(client, own)
    book(point, when + datetime.timedelta(minutes=15), citizen=amira, now=timezone.now())
    book(point, when + datetime.timedelta(minutes=30), citizen=amira, now=timezone.now())
    assert _queries(client, own) == one


def test_the_api_lists_points_and_audits_the_agenda(client, point, booked, odense_staff, aarhus_staff):
    client.force_login(aarhus_staff)
    assert client.get("/api/v1/borgerservice/service-points").json() == []
    assert client.get(f"/api/v1/borgerservice/service-points/{point.pk}/agenda").status_code == 404
    client.force_login(odense_staff)
    assert client.get("/api/v1/borgerservice/service-points").json()[0]["name"] == "Borgerservice Test"
    day = timezone.localtime(booked.starts_at).date()
    response = client.get(f"/api/v1/borgerservice/service-points/{point.pk}/agenda?day={day}")
    assert response.json()[0]["name"] == "Amira Hassanfiktiv"
    assert AuditRecord.objects.filter(citizen_uuid=booked.citizen_id, request_id=response["X-Request-ID"],
                                      channel="api").exists()
    slots = client.get(f"/api/v1/borgerservice/service-points/{point.pk}/slots?service_id={service('pas').pk}")
    assert slots.status_code == 200 and slots.json()
    early = client.post(f"/api/v1/borgerservice/appointments/{booked.pk}/check-in")
    assert early.status_code == 422 and "på dagen" in early.json()["detail"]
