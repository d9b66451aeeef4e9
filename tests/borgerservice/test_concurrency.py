"""Two people booking the last seat of a slot at the same moment, on two database
connections: the database's unique constraint lets exactly one of them have it."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from helhed.borgerservice import services
from helhed.borgerservice.models import Appointment, Status
from tests.borgerservice.conftest import NOW, TODAY, at, make_point, service

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent connections need PostgreSQL (SQLite serialises writers)")


def _race(point, starts_at, bookers, rounds_barrier):
    results = []

    def attempt(name, phone):
        try:
            rounds_barrier.wait(timeout=10)
            a, created, _ = services.book(point=point, service=service("pas"), starts_at=starts_at, channel="public",
                                          idempotency_key=uuid.uuid4(), now=NOW, contact_name=name,
                                          contact_phone=phone)
            results.append(("booked", a.pk))
        except ValidationError as error:
            results.append(("refused", " ".join(error.messages)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=b) for b in bookers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_booking_the_same_slot_get_it_once():
    point = make_point(capacity=1)
    tomorrow = TODAY.replace(day=TODAY.day + 1)
    for minute in (0, 15, 30, 45):
        starts_at = at(tomorrow, 9, minute)
        results = _race(point, starts_at, [("Lars Fiktivsen", "20304050"), ("Nadia Eksempel", "30405060")],
                        threading.Barrier(2))
        assert sorted(kind for kind, _ in results) == ["booked", "refused"], results
        assert "optaget" in next(text for kind, text in results if kind == "refused")
        assert Appointment.objects.filter(starts_at=starts_at, status=Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_connections_share_two_seats():
    point = make_point(capacity=2)
    starts_at = at(TODAY.replace(day=TODAY.day + 1), 10)
    results = _race(point, starts_at, [("A Fiktiv", "20304050"), ("B Fiktiv", "30405060"), ("C Fiktiv", "40506070")],
                    threading.Barrier(3))
    assert sorted(kind for kind, _ in results) == ["booked", "booked", "refused"], results
    assert sorted(Appointment.objects.filter(starts_at=starts_at).values_list("seat", flat=True)) == [1, 2]
