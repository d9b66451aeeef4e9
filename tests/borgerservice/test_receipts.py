"""Every Borgerservice submission is safe to send twice (a double click, a reload of the post)
and lands on its receipt; the receipt says when, where, what to bring, how to cancel and what
happens now; it is found again by reference and phone number, never by the reference alone."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from helhed.borgerservice import services
from helhed.borgerservice.models import Appointment, Mode, OutboxMessage, Status
from tests.borgerservice.conftest import service

RECEIPT = "/borgerservice/bestil-tid/kvittering/"
PHONE = "20 30 40 50"


def _form(client, url):
    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
    slot = re.search(r'name="starts_at"[^>]*value="([^"]+)"', page)
    return key, slot[1] if slot else None


def _book_public(client, point, code="pas"):
    url = f"/borgerservice/bestil-tid/?sted={point.pk}&ydelse={service(code).pk}"
    key, slot = _form(client, url)
    data = {"idempotency_key": key, "starts_at": slot, "contact_name": "Lars Fiktivsen", "contact_phone": PHONE}
    return url, data, client.post(url, data)


def test_a_public_booking_sent_twice_lands_twice_on_one_receipt(client, point):
    url, data, first = _book_public(client, point)
    second = client.post(url, data)
    assert (first.status_code, first["Location"]) == (302, RECEIPT)
    assert (second.status_code, second["Location"]) == (302, RECEIPT)
    assert Appointment.objects.count() == 1
    assert OutboxMessage.objects.count() == 1  # one confirmation, not two
    page = client.get(RECEIPT).content.decode()
    assert "ikke sendt igen" in page and re.search(r'class="bs-reference">[A-Z-]+<', page)


def test_the_receipt_says_when_where_what_to_bring_and_how_to_cancel(client, point):
    _, data, _ = _book_public(client, point)
    a = Appointment.objects.get()
    local = timezone.localtime(a.starts_at)
    page = client.get(RECEIPT).content.decode()
    weekday = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"][local.weekday()]
    month = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
             "november", "december"][local.month - 1]
    assert f"{weekday} {local.day}. {month} {local.year}" in page
    assert f"Kl. {local:%H.%M}" in page
    assert "Borgerservice Test, Testvej 1" in page
    assert "Det skal du have med" in page and "Dit nuværende pas" in page  # the passport's own list
    assert "Hvis du vil aflyse" in page and "/borgerservice/afbestil/" in page
    assert "Hvad sker der nu?" in page and "påmindelse 24 timer før" in page
    assert "Lars" not in page and PHONE not in page
    assert client.get(RECEIPT).content.decode().count("Kl. ") == 1  # a reload shows it again


def test_a_service_without_its_own_list_gets_the_default(client, point):
    _book_public(client, point, code="digital_hjaelp")
    page = client.get(RECEIPT).content.decode()
    assert "Dit MitID" in page


def test_an_acute_request_sent_twice_lands_on_one_receipt_with_the_triage_date(client, point):
    services.switch_mode(point=point, mode=Mode.ACUTE_ONLY, version=point.version, reason="Ombygning",
                         now=timezone.now())
    url = f"/borgerservice/bestil-tid/?sted={point.pk}&ydelse={service('pas').pk}"
    key, _ = _form(client, url)
    page = client.get(url).content.decode()
    reason = re.search(r'name="acute_reason"[^>]*value="([^"]+)"', page)[1]
    travel = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    data = {"idempotency_key": key, "acute_reason": reason, "travel_date": travel,
            "contact_name": "Nadia Eksempel", "contact_phone": "30405060"}
    assert client.post(url, data)["Location"] == RECEIPT
    assert client.post(url, data)["Location"] == RECEIPT
    a = Appointment.objects.get()
    assert a.status == Status.REQUESTED
    receipt = client.get(RECEIPT).content.decode()
    due = a.triage_due
    assert "En medarbejder vurderer din anmodning senest" in receipt
    assert f"{due.day}. " in receipt and str(due.year) in receipt


def test_cancelling_by_reference_twice_lands_twice_on_the_cancellation(client, point):
    _book_public(client, point)
    reference = re.search(r'class="bs-reference">([A-Z-]+)<', client.get(RECEIPT).content.decode())[1]
    first = client.post("/borgerservice/afbestil/", {"reference": reference})
    second = client.post("/borgerservice/afbestil/", {"reference": reference})
    assert first["Location"] == second["Location"] == "/borgerservice/afbestil/kvittering/"
    assert "er aflyst" in client.get(first["Location"]).content.decode()
    assert Appointment.objects.get().status == Status.CANCELLED
    assert OutboxMessage.objects.filter(subject__startswith="Aflysning").count() == 1


def test_a_citizen_booking_and_cancelling_twice_lands_on_the_time_and_the_list(client, point, amira):
    client.force_login(amira.user)
    url = f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse={service('pas').pk}"
    key, slot = _form(client, url)
    first = client.post(url, {"idempotency_key": key, "starts_at": slot})
    second = client.post(url, {"idempotency_key": key, "starts_at": slot})
    a = Appointment.objects.get()
    assert first["Location"] == second["Location"] == f"/borgerservice/mine-tider/{a.pk}/"
    page = client.get(first["Location"]).content.decode()
    assert "Det skal du have med" in page and "bekræftelse på SMS nu og en påmindelse 24 timer før" in page
    cancel = f"/borgerservice/mine-tider/{a.pk}/aflys/"
    assert client.post(cancel)["Location"] == client.post(cancel)["Location"] == "/borgerservice/mine-tider/"
    listing = client.get("/borgerservice/mine-tider/").content.decode()
    assert "kan ikke blive" not in listing
    a.refresh_from_db()
    assert a.status == Status.CANCELLED


def test_find_your_time_needs_the_reference_and_the_phone_number(client, point):
    _book_public(client, point)
    reference = re.search(r'class="bs-reference">([A-Z-]+)<', client.get(RECEIPT).content.decode())[1]
    client.session.flush()
    other = client.__class__()
    assert "Der er ingen bestilling" in other.get(RECEIPT).content.decode()
    wrong_phone = other.post("/borgerservice/find-din-tid/", {"reference": reference, "contact_phone": "99999999"})
    wrong_reference = other.post("/borgerservice/find-din-tid/",
                                 {"reference": "AAAA-BBBB-CCCC", "contact_phone": PHONE})
    for response in (wrong_phone, wrong_reference):
        page = response.content.decode()
        assert response.status_code == 400 and "Vi kan ikke finde en tid med den reference og det telefonnummer" in page
        assert "Testvej" not in page
    found = other.post("/borgerservice/find-din-tid/", {"reference": reference.lower(), "contact_phone": "+4520304050"})
    assert found["Location"] == RECEIPT
    assert "Testvej 1" in other.get(RECEIPT).content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_find_your_time_is_refused_for_a_while_after_too_many_wrong_tries(client, point):
    _book_public(client, point)
    reference = re.search(r'class="bs-reference">([A-Z-]+)<', client.get(RECEIPT).content.decode())[1]
    for _ in range(3):
        assert client.post("/borgerservice/find-din-tid/",
                           {"reference": "AAAA-BBBB-CCCC", "contact_phone": PHONE}).status_code == 400
    locked = client.post("/borgerservice/find-din-tid/", {"reference": reference, "contact_phone": PHONE})
    assert locked.status_code == 429 and "for mange gange" in locked.content.decode()


@pytest.mark.parametrize("path", ["/", "/tilgaengelighed/"])
def test_the_front_door_and_the_statement_are_open_to_anyone(client, path):
    assert client.get(path).status_code == 200


def test_the_error_summary_comes_first_after_the_heading_and_links_the_radio_group(client, point):
    url = f"/borgerservice/bestil-tid/?sted={point.pk}&ydelse={service('pas').pk}"
    key, _ = _form(client, url)
    page = client.post(url, {"idempotency_key": key}).content.decode()
    after_heading = page.split("</h1>", 1)[1].lstrip()
    assert after_heading.startswith('<div class="alert alert-error" role="alert" tabindex="-1" '
                                    'data-module="error-summary"')
    assert "Der er 3 fejl i formularen" in after_heading
    assert 'href="#id_starts_at"' in page and '<fieldset id="id_starts_at"' in page


def test_a_citizen_without_phone_or_e_mail_is_told_no_confirmation_comes(client, point):
    from helhed.core.roles import Role
    from tests.factories import UserFactory, make_citizen

    login = UserFactory(role=Role.CITIZEN)
    citizen = make_citizen(municipality=461, user=login, phone="", email="")
    client.force_login(login)
    url = f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse={service('pas').pk}"
    key, slot = _form(client, url)
    landed = client.post(url, {"idempotency_key": key, "starts_at": slot})
    assert "du får ingen bekræftelse eller påmindelse" in client.get(landed["Location"]).content.decode()
    assert Appointment.objects.get().citizen == citizen


def test_a_move_sent_twice_lands_twice_on_the_list_and_moves_once(client, point, amira):
    client.force_login(amira.user)
    url = f"/borgerservice/mine-tider/bestil/?sted={point.pk}&ydelse={service('pas').pk}"
    key, slot = _form(client, url)
    client.post(url, {"idempotency_key": key, "starts_at": slot})
    a = Appointment.objects.get()
    page = client.get(f"/borgerservice/mine-tider/{a.pk}/").content.decode()
    other = re.findall(r'name="starts_at"[^>]*value="([^"]+)"', page)[1]
    data = {"version": a.version, "starts_at": other}
    first = client.post(f"/borgerservice/mine-tider/{a.pk}/", data)
    second = client.post(f"/borgerservice/mine-tider/{a.pk}/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/borgerservice/mine-tider/"
    a.refresh_from_db()
    assert a.version == 2 and a.starts_at == datetime.datetime.fromisoformat(other)
