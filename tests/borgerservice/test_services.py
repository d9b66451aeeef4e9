"""Booking, moving, cancelling, acute triage, mode switches, the counter and the outbox."""

import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from helhed.borgerservice import outbox, policy, services
from helhed.borgerservice.models import (
    AcuteReason,
    Appointment,
    HelpSession,
    Mode,
    OutboxMessage,
    OutboxStatus,
    Status,
)
from helhed.core import outbox as core_outbox
from tests.borgerservice.conftest import NOW, TODAY, at, book, make_point, service
from tests.factories import make_citizen

TOMORROW = TODAY + datetime.timedelta(days=1)


def reason(code):
    return AcuteReason.objects.get(code=code, municipality=None)


def acute(point, *, code="digital_hjaelp", reason_code="mitid", key=None, **kwargs):
    fields = {"contact_name": "Lars Fiktivsen", "contact_phone": "20304050"} if "citizen" not in kwargs else {}
    fields.update(kwargs)
    return services.request_acute(point=point, service=service(code), acute_reason=reason(reason_code),
                                  idempotency_key=key or uuid.uuid4(), today=TODAY, **fields)


def restrict(point, mode=Mode.ACUTE_ONLY, **kwargs):
    return services.switch_mode(point=point, mode=mode, version=point.version, reason="Ombygning",
                                now=NOW, **kwargs)


def test_a_booking_takes_a_seat_and_queues_a_danish_confirmation_without_cpr(point, amira):
    a, created, reference = book(point, at(TOMORROW, 9, 15), citizen=amira)
    assert created and a.status == Status.BOOKED and a.seat == 1 and a.mode == Mode.OPEN and reference == ""
    message = OutboxMessage.objects.get(appointment=a)
    assert message.channel == "sms" and message.recipient == "31 22 33 44"
    assert "Kære Amira" in message.body and "onsdag 25. november 2026 kl. 09.15" in message.body
    assert amira.cpr not in message.body and amira.cpr.replace("-", "") not in message.body


def test_the_same_form_posted_twice_books_once(point, amira):
    key = uuid.uuid4()
    first, created, _ = book(point, at(TOMORROW, 9), citizen=amira, key=key)
    again, created_again, _ = book(point, at(TOMORROW, 9), citizen=amira, key=key)
    assert created and not created_again and first.pk == again.pk
    assert Appointment.objects.count() == 1 and OutboxMessage.objects.count() == 1


def test_two_people_never_get_the_same_slot(point, amira):
    book(point, at(TOMORROW, 9), citizen=amira)
    with pytest.raises(ValidationError, match="optaget"):
        book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20304050")
    assert Appointment.objects.count() == 1


def test_capacity_gives_parallel_seats(db, amira):
    point = make_point(capacity=2)
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    b, _, _ = book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20304050")
    assert {a.seat, b.seat} == {1, 2}
    with pytest.raises(ValidationError, match="optaget"):
        book(point, at(TOMORROW, 9), name="Nadia Eksempel", phone="30405060")


def test_the_database_refuses_a_second_appointment_in_the_same_seat(point, amira):
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    clone = Appointment(service_point=point, municipality_id=461, service=a.service, contact_name="X",
                        contact_phone="20304050", channel="phone", mode="open", status=Status.BOOKED,
                        starts_at=a.starts_at, seat=1, idempotency_key=uuid.uuid4())
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_times_outside_the_opening_hours_or_in_the_past_are_refused(point, amira):
    for starts_at, message in ((at(TOMORROW, 12), "ikke en tid"), (at(TOMORROW, 9, 5), "ikke en tid"),
                               (at(TODAY, 7), "allerede gået"), (at(datetime.date(2026, 12, 25), 9), "ikke en tid")):
        with pytest.raises(ValidationError, match=message):
            book(point, starts_at, citizen=amira)


def test_a_booker_without_login_needs_name_and_phone_and_gets_a_reference(point):
    with pytest.raises(ValidationError) as error:
        book(point, at(TOMORROW, 9), name="", phone="12")
    assert set(error.value.error_dict) == {"contact_name", "contact_phone"}
    a, _, reference = book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20 30 40 50", channel="public")
    assert len(reference) == 14 and not any(ch.isdigit() for ch in reference)
    assert reference not in a.reference_hash and reference in OutboxMessage.objects.get(appointment=a).body
    with pytest.raises(ValidationError, match="kan ikke finde"):
        services.cancel_by_reference(reference="AAAA-BBBB-CCCC", now=NOW)
    cancelled = services.cancel_by_reference(reference=reference.lower().replace("-", " "), now=NOW)
    assert cancelled.status == Status.CANCELLED


def test_moving_frees_the_old_slot_and_tells_the_citizen(point, amira):
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    moved = services.move(appointment=a, starts_at=at(TOMORROW, 10), now=NOW, version=a.version)
    assert moved.starts_at == at(TOMORROW, 10)
    book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20304050")
    assert OutboxMessage.objects.filter(appointment=a, subject__contains="flyttet").exists()
    with pytest.raises(ValidationError, match="ændret af en anden"):
        services.move(appointment=a, starts_at=at(TOMORROW, 11), now=NOW, version=a.version)


def test_cancelling_frees_the_slot_and_a_cancelled_time_cannot_be_checked_in(point, amira):
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    services.cancel(appointment=a, now=NOW)
    book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20304050")
    with pytest.raises(ValidationError, match="aflyst"):
        services.check_in(appointment=a, now=at(TOMORROW, 9), actor=None)


def test_check_in_only_on_the_day_and_no_show_only_after_the_start(point, amira, odense_staff):
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    with pytest.raises(ValidationError, match="på dagen"):
        services.check_in(appointment=a, now=NOW, actor=odense_staff)
    with pytest.raises(ValidationError, match="ikke begyndt"):
        services.mark_no_show(appointment=a, now=at(TOMORROW, 8, 59), actor=odense_staff)
    done = services.mark_no_show(appointment=a, now=at(TOMORROW, 9, 20), actor=odense_staff)
    assert done.status == Status.NO_SHOW and done.staff == odense_staff
    with pytest.raises(ValidationError, match="udeblevet"):
        services.check_in(appointment=a, now=at(TOMORROW, 9, 30), actor=odense_staff)


# --- Modes and acute triage ----------------------------------------------------------------

def test_switching_to_acute_only_keeps_bookings_and_tells_their_citizens(point, amira):
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira)
    b, _, _ = book(point, at(TOMORROW, 10), name="Lars Fiktivsen", phone="20304050")
    later, _, _ = book(point, at(TODAY + datetime.timedelta(days=10), 9), name="Ida Demodatter", phone="50607080")
    point, told = restrict(point, mode_from=TODAY, mode_until=TODAY + datetime.timedelta(days=5))
    assert told == 2
    assert set(Appointment.objects.values_list("status", flat=True)) == {Status.BOOKED}
    kept = OutboxMessage.objects.filter(subject="Din tid i Borgerservice er bevaret")
    assert {m.appointment_id for m in kept} == {a.pk, b.pk}
    assert "er bevaret" in kept.first().body and "Ombygning" in kept.first().body


def test_a_mode_switch_from_a_stale_page_is_refused(point):
    stale = point.version
    restrict(point)
    with pytest.raises(ValidationError, match="ændret af en anden"):
        services.switch_mode(point=point, mode=Mode.OPEN, version=stale, now=NOW)


def test_a_restriction_needs_a_reason_and_an_ordered_period(point):
    with pytest.raises(ValidationError):
        services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version, reason=" ", now=NOW)
    with pytest.raises(ValidationError):
        services.switch_mode(point=point, mode=Mode.CLOSED, version=point.version, reason="x", now=NOW,
                             mode_from=TOMORROW, mode_until=TODAY)


def test_acute_only_refuses_self_service_booking_but_takes_acute_requests(point, amira, odense_staff):
    point, _ = restrict(point)
    assert policy.effective_mode(point=point, day=TOMORROW) == Mode.ACUTE_ONLY
    with pytest.raises(ValidationError, match="akutte"):
        book(point, at(TOMORROW, 9), citizen=amira)
    # Staff on the phone book directly (that is their triage).
    a, _, _ = book(point, at(TOMORROW, 9), citizen=amira, channel="phone", actor=odense_staff)
    assert a.mode == Mode.ACUTE_ONLY


def test_a_closed_point_takes_no_bookings(point, amira, odense_staff):
    point, _ = restrict(point, mode=Mode.CLOSED)
    with pytest.raises(ValidationError, match="lukket"):
        book(point, at(TOMORROW, 9), citizen=amira, channel="phone", actor=odense_staff)


def test_a_restriction_outside_its_period_leaves_the_point_open(point):
    point, _ = restrict(point, mode_from=TODAY + datetime.timedelta(days=3),
                        mode_until=TODAY + datetime.timedelta(days=4))
    assert policy.effective_mode(point=point, day=TODAY) == Mode.OPEN
    assert policy.effective_mode(point=point, day=TODAY + datetime.timedelta(days=3)) == Mode.ACUTE_ONLY
    assert policy.effective_mode(point=point, day=TODAY + datetime.timedelta(days=5)) == Mode.OPEN


def test_acute_reasons_are_checked(point):
    point, _ = restrict(point)
    with pytest.raises(ValidationError) as error:
        acute(point, code="pas", reason_code="pas_rejse", travel_date=TODAY + datetime.timedelta(days=30))
    assert "14 dage" in str(error.value)
    with pytest.raises(ValidationError, match="rejsen"):
        acute(point, code="pas", reason_code="pas_rejse")
    with pytest.raises(ValidationError, match="Beskriv"):
        acute(point, reason_code="andet")
    a, created, reference = acute(point, code="pas", reason_code="pas_rejse",
                                  travel_date=TODAY + datetime.timedelta(days=9))
    assert created and a.status == Status.REQUESTED and reference
    assert OutboxMessage.objects.filter(appointment=a, subject__contains="modtaget").exists()


def test_acute_requests_only_while_the_point_is_restricted(point):
    with pytest.raises(ValidationError, match="Bestil en almindelig tid"):
        acute(point)


def test_triage_approves_with_a_time_and_the_citizen_is_told(point, odense_staff):
    point, _ = restrict(point)
    a, _, _ = acute(point)
    approved = services.approve_request(appointment=a, starts_at=at(TOMORROW, 9), actor=odense_staff, now=NOW)
    assert approved.status == Status.BOOKED and approved.seat == 1 and approved.staff == odense_staff
    message = OutboxMessage.objects.get(appointment=a, subject="Du har fået en tid i Borgerservice")
    assert "sagt ja" in message.body and "kl. 09.00" in message.body
    with pytest.raises(ValidationError, match="kan ikke blive »akut anmodning afvist«"):
        services.decline_request(appointment=a, reason="x", advice="y", actor=odense_staff)


def test_triage_declines_with_reason_and_advice_and_the_citizen_is_told(point, odense_staff):
    point, _ = restrict(point)
    a, _, _ = acute(point)
    with pytest.raises(ValidationError) as error:
        services.decline_request(appointment=a, reason="", advice="", actor=odense_staff)
    assert set(error.value.error_dict) == {"reason", "advice"}
    declined = services.decline_request(appointment=a, reason="Ikke akut.", advice="Brug borger.dk.",
                                        actor=odense_staff)
    assert declined.status == Status.DECLINED
    body = OutboxMessage.objects.get(appointment=a, subject="Svar på din akutte anmodning").body
    assert "Ikke akut." in body and "Brug borger.dk." in body
    with pytest.raises(ValidationError, match="kan ikke blive »booket«"):
        services.approve_request(appointment=a, starts_at=at(TOMORROW, 9), actor=odense_staff, now=NOW)


def test_approving_from_a_stale_page_is_refused(point, odense_staff):
    point, _ = restrict(point)
    a, _, _ = acute(point)
    services.cancel(appointment=a, now=NOW)
    with pytest.raises(ValidationError, match="ændret af en anden"):
        services.approve_request(appointment=a, starts_at=at(TOMORROW, 9), actor=odense_staff, now=NOW,
                                 version=a.version)


# --- Face-to-face help ---------------------------------------------------------------------

def test_help_is_recorded_once_per_form_and_only_for_the_points_own_citizens(point, amira, odense_staff):
    key = uuid.uuid4()
    fields = dict(point=point, staff=odense_staff, given_on=TODAY, topic="application", legal_basis="udk_3_3",
                  idempotency_key=key)
    first, created = services.record_help(citizen=amira, **fields)
    again, created_again = services.record_help(citizen=amira, **fields)
    assert created and not created_again and first.pk == again.pk and HelpSession.objects.count() == 1
    outsider = make_citizen(municipality=751, first_name="Jens", last_name="Aarhusfiktiv")
    with pytest.raises(ValidationError, match="anden kommune"):
        services.record_help(citizen=outsider, **{**fields, "idempotency_key": uuid.uuid4()})


# --- The outbox ----------------------------------------------------------------------------

@pytest.fixture
def memory_sms(settings):
    settings.HELHED_BORGERSERVICE_SMS_ADAPTER = "helhed.borgerservice.outbox.MemorySmsAdapter"
    outbox.MemorySmsAdapter.sent = []
    return outbox.MemorySmsAdapter.sent


def test_the_outbox_delivers_sms_and_email_once(point, amira, memory_sms):
    amira.phone, amira.email = "", "amira@example.org"
    amira.save()
    book(point, at(TOMORROW, 9), citizen=amira)
    book(point, at(TOMORROW, 10), name="Lars Fiktivsen", phone="20304050")
    assert outbox.deliver(now=NOW) == {"sent": 2, "failed": 0, "retry": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amira@example.org"]
    assert mail.outbox[0].subject == "Bekræftelse af din tid i Borgerservice"
    assert [to for to, _ in memory_sms] == ["20304050"]
    assert outbox.deliver(now=NOW)["sent"] == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


class BrokenSms(outbox.SmsAdapter):
    def send(self, *, to, body):
        raise ConnectionError("gateway down")


def test_a_failed_delivery_is_retried_and_then_marked_failed(point, settings):
    settings.HELHED_BORGERSERVICE_SMS_ADAPTER = "tests.borgerservice.test_services.BrokenSms"
    book(point, at(TOMORROW, 9), name="Lars Fiktivsen", phone="20304050")
    for _ in range(core_outbox.MAX_ATTEMPTS - 1):
        assert outbox.deliver(now=NOW)["retry"] == 1
    assert outbox.deliver(now=NOW)["failed"] == 1
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and message.attempts == core_outbox.MAX_ATTEMPTS
    assert message.last_error == "ConnectionError"


def test_a_message_with_a_cpr_number_is_refused(db):
    with pytest.raises(ValueError, match="CPR"):
        outbox.queue(channel="sms", recipient="20304050", subject="x", body="Dit CPR er 140372-1234", key="k")


def test_reminders_are_queued_once_within_24_hours(point, amira, memory_sms):
    book(point, at(TOMORROW, 9), citizen=amira)
    book(point, at(TODAY + datetime.timedelta(days=3), 9), name="Lars Fiktivsen", phone="20304050")
    evening = at(TODAY, 18)
    assert services.queue_reminders(now=evening) == 1
    assert services.queue_reminders(now=evening) == 0
    assert OutboxMessage.objects.filter(subject__startswith="Påmindelse").count() == 1


def test_the_send_outbox_command_sends(point, amira, memory_sms, capsys):
    book(point, at(TOMORROW, 9), citizen=amira)
    call_command("send_outbox", "--no-reminders")
    assert "Sendt: 1" in capsys.readouterr().out and len(memory_sms) == 1
