import datetime
import uuid

import pytest

from helhed.borgerservice import services
from helhed.borgerservice.models import ServicePointKind, ServiceType
from helhed.borgerservice.slots import COPENHAGEN
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

# A Tuesday without holidays; the week after has no holidays either.
TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 8, 0, tzinfo=COPENHAGEN)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=COPENHAGEN)


def service(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code, municipality=None)


def make_point(municipality=461, *, capacity=1, codes=("pas", "digital_hjaelp"), name="Borgerservice Test",
               weekdays=range(7), opens=datetime.time(9), closes=datetime.time(12)):
    point = services.create_service_point(municipality_id=municipality, kind=ServicePointKind.CENTRE, name=name,
                                          address="Testvej 1", slot_minutes=15)
    for code in codes:
        services.set_offer(point=point, service=service(code), capacity=capacity)
    for weekday in weekdays:
        services.add_opening_hours(point=point, weekday=weekday, opens=opens, closes=closes)
    return point


def book(point, starts_at, *, citizen=None, name="", phone="", code="pas", key=None, channel="self_service",
         now=NOW, **kwargs):
    return services.book(point=point, service=service(code), starts_at=starts_at, channel=channel,
                         idempotency_key=key or uuid.uuid4(), now=now, citizen=citizen, contact_name=name,
                         contact_phone=phone, **kwargs)


@pytest.fixture
def odense_staff(db):
    return UserFactory(role=Role.BORGERSERVICE, municipalities=[461], first_name="Sofie", last_name="Jensen")


@pytest.fixture
def aarhus_staff(db):
    return UserFactory(role=Role.BORGERSERVICE, municipalities=[751], first_name="Aarhus", last_name="Medarbejder")


@pytest.fixture
def point(db):
    return make_point()


@pytest.fixture
def amira(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Amira", last_name="Hassanfiktiv")
    return make_citizen(municipality=461, first_name="Amira", last_name="Hassanfiktiv", phone="31 22 33 44",
                        user=login)
