"""Two people booking the last seat of a slot at the same moment, on two database
connections: the database's unique constraint lets exactly one of them have it."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from helhed.borgerservice import services
from helhed.borgerservice.models import Appointment, Status
from tests.borgerservice.conftest import NOW, TODAY, at, make_point, service
from tests.concurrency import at_once

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent connections need PostgreSQL (SQLite serialises writers)")


def _race(point, starts_at, bookers):
    def attempt(name, phone):
        try:
            a, created, _ = services.book(point=point, service=service("pas"), starts_at=starts_at, channel="public",
                                          idempotency_key=uuid.uuid4(), now=NOW, contact_name=name,
                                          contact_phone=phone)
            return ("booked", a.pk)
        except ValidationError as error:
            return ("refused", " ".join(error.messages))

    results, errors = at_once(*(lambda b=b: attempt(*b) for b in bookers), timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_booking_the_same_slot_get_it_once():
    point = make_point(capacity=1)
    tomorrow = TODAY.replace(day=TODAY.day + 1)
    for minute in (0, 15, 30, 45):
        starts_at = at(tomorrow, 9, minute)
        results = _race(point, starts_at, [("Lars Fiktivsen", "20304050"), ("Nadia Eksempel", "30405060")])
        assert sorted(kind for kind, _ in results) == ["booked", "refused"], results
        assert "optaget" in next(text for kind, text in results if kind == "refused")
        assert Appointment.objects.filter(starts_at=starts_at, status=Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_connections_share_two_seats():
    point = make_point(capacity=2)
    starts_at = at(TODAY.replace(day=TODAY.day + 1), 10)
    results = _race(point, starts_at, [("A Fiktiv", "20304050"), ("B Fiktiv", "30405060"), ("C Fiktiv", "40506070")])
    assert sorted(kind for kind, _ in results) == ["booked", "booked", "refused"], results
    assert sorted(Appointment.objects.filter(starts_at=starts_at).values_list("seat", flat=True)) == [1, 2]
