"""A planned closure or acute-only period changes only its own dates, on every page
(issue 19: "a closure planned for January hides December bookings today")."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from helhed.borgerservice import policy, services
from helhed.borgerservice.models import AcuteReason, Appointment, Mode, OutboxMessage
from helhed.casework.models import Task, TaskKind, TaskStatus
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.borgerservice.conftest import NOW, TODAY, at, book, make_point, service
from tests.factories import UserFactory

JANUARY = datetime.date(2027, 1, 4)


def _plan_closure(point):
    point, _ = services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version,
                                    reason="Ombygning af rådhuset", mode_from=JANUARY,
                                    mode_until=datetime.date(2027, 1, 29), now=NOW)
    return point


def test_a_closure_planned_in_the_future_changes_nothing_today(client, point, amira, odense_staff):
    point = _plan_closure(point)
    assert policy.effective_mode(point=point, day=TODAY) == Mode.OPEN
    # Citizens still choose the point and its services, and see the closure announced ahead.
    client.force_login(amira.user)
    page = client.get("/borgerservice/mine-tider/bestil/").content.decode()
    assert f"sted={point.pk}&amp;ydelse=" in page
    assert "Planlagt: Borgerservice Test er lukket fra 4. januar 2027" in page
    assert "Har du en akut henvendelse" not in page
    public = client.get("/borgerservice/bestil-tid/").content.decode()
    assert f"sted={point.pk}&amp;ydelse=" in public
    # Booking in December goes on as usual; the booking form offers December times.
    book_page = client.get(f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse="
                           f"{point.offers.first().service_id}").content.decode()
    assert 'name="starts_at"' in book_page and "Planlagt" in book_page
    a, created, _ = book(point, at(TODAY + datetime.timedelta(days=7), 10), citizen=amira)
    assert created and a.mode == Mode.OPEN
    # Staff see the point open today, with the planned closure named as planned.
    client.force_login(odense_staff)
    staff_page = client.get("/borgerservice/").content.decode()
    assert "I dag: <strong>Åben</strong>" in staff_page and "Planlagt: lukket" in staff_page
    citizen_page = client.get(f"/borgerservice/borgere/{amira.pk}/").content.decode()
    assert "(lukket)" not in citizen_page and "planlagt lukket fra 4. januar 2027" in citizen_page


def test_the_closure_applies_on_its_own_dates(client, point, amira):
    point = _plan_closure(point)
    assert policy.effective_mode(point=point, day=JANUARY) == Mode.CLOSED
    assert policy.effective_mode(point=point, day=datetime.date(2027, 1, 30)) == Mode.OPEN


def test_a_closure_in_force_today_is_shown_as_such(client, point, amira):
    services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version, reason="Vandskade",
                         mode_from=TODAY, mode_until=None, now=NOW)
    client.force_login(amira.user)
    page = client.get("/borgerservice/mine-tider/bestil/").content.decode()
    assert "Borgerservice Test: lukket fra 24. november 2026" in page
    assert "Lukket i dag. Har du en akut henvendelse" in page


def test_the_api_gives_the_mode_in_force_today(client, point, odense_staff):
    point = _plan_closure(point)
    client.force_login(UserFactory(role=Role.BORGERSERVICE, municipalities=[461]))
    found = [p for p in client.get("/api/v1/borgerservice/service-points").json() if p["id"] == str(point.pk)]
    assert found and found[0]["mode"] == "closed" and found[0]["mode_today"] == "open"


# --- Acute requests: urgency, deadline, task, and a closed point ---------------------------------

def _reason(code):
    return AcuteReason.objects.get(code=code, municipality=None)


def _acute(point, reason_code, *, name, travel_date=None, description=""):
    return services.request_acute(point=point, service=service("pas"), acute_reason=_reason(reason_code),
                                  idempotency_key=uuid.uuid4(), today=TODAY, contact_name=name,
                                  contact_phone="20304050", travel_date=travel_date,
                                  acute_description=description)[0]


def test_acute_requests_are_triaged_by_urgency_with_a_deadline_and_a_task(client, point, odense_staff):
    point, _ = services.switch_mode(point=point, mode=Mode.ACUTE_ONLY, version=point.version, reason="Covid-19",
                                    now=NOW)
    other = _acute(point, "andet", name="Fiktiv Først", description="Jeg skal til lægen")
    key_card = _acute(point, "mitid", name="Fiktiv Nøglekort")
    travel_late = _acute(point, "pas_rejse", name="Fiktiv Rejser Sent", travel_date=TODAY + datetime.timedelta(days=12))
    travel_soon = _acute(point, "pas_rejse", name="Fiktiv Rejser Torsdag",
                         travel_date=datetime.date(2026, 11, 26))
    # Tuesday 24 November: a key card the same day; travel on Thursday by Wednesday; the rest by Wednesday.
    assert key_card.triage_due == TODAY
    assert travel_soon.triage_due == datetime.date(2026, 11, 25) == other.triage_due == travel_late.triage_due
    client.force_login(odense_staff)
    page = client.get("/borgerservice/akutte/").content.decode()
    order = [page.index(a.contact_name) for a in (key_card, travel_soon, travel_late, other)]
    assert order == sorted(order)
    assert "Vurderes senest" in page
    tasks = Task.objects.filter(kind=TaskKind.ACUTE_TRIAGE, status=TaskStatus.OPEN)
    assert tasks.count() == 4 and set(tasks.values_list("municipality_id", flat=True)) == {461}
    assert tasks.get(idempotency_key=f"acute-triage-{key_card.pk}").due_on == TODAY
    services.decline_request(appointment=other, reason="Ikke akut", advice="Ring til lægen", actor=odense_staff)
    assert Task.objects.get(idempotency_key=f"acute-triage-{other.pk}").status == TaskStatus.DONE


def test_a_closed_point_takes_an_acute_request_and_sends_it_to_the_nearest_open_point(client, point, amira):
    open_point = make_point(name="Borgerservice Åben")
    point, _ = services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version, reason="Vandskade",
                                    mode_from=TODAY, now=NOW)
    client.force_login(amira.user)
    page = client.get(f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse={service('pas').pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "Send den akutte anmodning" in body
    assert "går den til Borgerservice Åben" in body and f"sted={open_point.pk}" in body
    a = _acute(point, "mitid", name="Fiktiv Lukket")
    assert a.service_point == open_point and a.mode == Mode.OPEN
    message = OutboxMessage.objects.filter(appointment=a).get()
    assert "Borgerservice Test er lukket" in message.body and "Borgerservice Åben" in message.body


def test_a_closed_point_without_an_open_neighbour_still_takes_the_request(point):
    point, _ = services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version, reason="Vandskade",
                                    mode_from=TODAY, now=NOW)
    a = _acute(point, "mitid", name="Fiktiv Alene")
    assert a.service_point == point and a.status == "requested"
    assert Task.objects.filter(kind=TaskKind.ACUTE_TRIAGE, status=TaskStatus.OPEN).count() == 1


def test_an_open_point_takes_no_acute_request(point):
    with pytest.raises(ValidationError, match="åbent"):
        _acute(point, "mitid", name="Fiktiv Åben")


# --- Switching mode for a period: the bookings inside it, moved or cancelled together -------------

def _period_with_bookings(point, amira):
    from tests.factories import make_citizen

    by_post = make_citizen(municipality=461, first_name="Poul", last_name="Postfiktiv", address_line="Vestergade 1",
                           postcode="5000", city="Odense C", birth_date=datetime.date(1950, 5, 6), sex="M")
    inside = [book(point, at(TODAY + datetime.timedelta(days=1), 10), citizen=amira)[0],
              book(point, at(TODAY + datetime.timedelta(days=2), 10), citizen=by_post)[0]]
    outside = book(point, at(TODAY + datetime.timedelta(days=7), 10), name="Lars Fiktivsen", phone="20304050")[0]
    point, _ = services.switch_mode(point=point, mode=Mode.ACUTE_ONLY, version=point.version, reason="Ombygning",
                                    mode_from=TODAY + datetime.timedelta(days=1),
                                    mode_until=TODAY + datetime.timedelta(days=3), now=NOW)
    return point, inside, outside


def test_staff_see_the_bookings_inside_the_period_and_move_them_together(client, point, amira, odense_staff):
    point, inside, outside = _period_with_bookings(point, amira)
    client.force_login(odense_staff)
    page = client.get(f"/borgerservice/servicesteder/{point.pk}/").content.decode()
    assert "Amira Hassanfiktiv" in page and "Poul Postfiktiv" in page and "Lars Fiktivsen" not in page
    assert AuditRecord.objects.filter(citizen_uuid=amira.pk, what__contains="begrænset åbning").exists()
    url = f"/borgerservice/servicesteder/{point.pk}/tider-i-perioden/"
    assert client.post(url, {"handling": "flyt"}).status_code == 400  # none chosen: nothing happens
    response = client.post(url, {"handling": "flyt", "aftaler": [str(a.pk) for a in inside]})
    assert response.status_code == 302
    for a in inside:
        a.refresh_from_db()
        assert a.status == "booked" and policy.effective_mode(point=point, day=a.starts_at.date()) == Mode.OPEN
    outside.refresh_from_db()
    assert outside.starts_at == at(TODAY + datetime.timedelta(days=7), 10)
    moved = {m.appointment_id: m for m in OutboxMessage.objects.filter(subject__contains="flyttet")}
    assert moved[inside[0].pk].channel == "sms" and moved[inside[1].pk].channel == "letter"
    assert "Vestergade 1, 5000 Odense C" in moved[inside[1].pk].recipient
    assert "Ombygning" in moved[inside[1].pk].body


def test_staff_cancel_the_bookings_inside_the_period_together(client, point, amira, odense_staff, aarhus_staff):
    point, inside, outside = _period_with_bookings(point, amira)
    url = f"/borgerservice/servicesteder/{point.pk}/tider-i-perioden/"
    client.force_login(aarhus_staff)
    assert client.post(url, {"handling": "aflys", "aftaler": [str(inside[0].pk)]}).status_code == 404
    client.force_login(odense_staff)
    # An id outside the period is ignored: only bookings inside it can be cancelled this way.
    client.post(url, {"handling": "aflys", "aftaler": [str(a.pk) for a in (*inside, outside)]})
    assert {a.status for a in Appointment.objects.filter(pk__in=[a.pk for a in inside])} == {"cancelled"}
    outside.refresh_from_db()
    assert outside.status == "booked"
    letter = OutboxMessage.objects.get(appointment=inside[1], subject__contains="Aflysning")
    assert letter.channel == "letter" and "Ombygning" in letter.body


# --- The citizen's language -----------------------------------------------------------------------

def test_staff_see_the_interpreter_need_where_they_book_and_meet_the_citizen(client, point, amira, odense_staff):
    from tests.factories import make_citizen

    arabic = make_citizen(municipality=461, first_name="Hiba", last_name="Tolkfiktiv", preferred_language="ar",
                          phone="30405060", birth_date=datetime.date(1985, 7, 8))
    with_need = book(point, at(TODAY, 11), citizen=arabic)[0]
    without = book(point, at(TODAY, 11, 15), citizen=amira)[0]
    client.force_login(odense_staff)
    agenda = client.get(f"/borgerservice/servicesteder/{point.pk}/dagsplan/").content.decode()
    assert agenda.count("Tolk: arabisk") == 1
    assert "brug for tolk på arabisk" in client.get(f"/borgerservice/aftaler/{with_need.pk}/").content.decode()
    assert "tolk" not in client.get(f"/borgerservice/aftaler/{without.pk}/").content.decode().lower()
    assert "brug for tolk på arabisk" in client.get(f"/borgerservice/borgere/{arabic.pk}/").content.decode()
    booking = client.get(f"/borgerservice/servicesteder/{point.pk}/book/?borger={arabic.pk}").content.decode()
    assert "brug for tolk på arabisk" in booking
