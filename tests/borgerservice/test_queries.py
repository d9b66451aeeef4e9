"""Borgerservice's lists cost the same number of queries whatever the amount of data: the
service points, a point's page, the day's agenda, the acute triage, the statistics, the
booking pages (staff, citizen, public: points and free slots), the citizen's own
appointments and the API's lists."""

import datetime
import uuid

import pytest
from django.utils import timezone

from helhed.borgerservice import services
from helhed.borgerservice.models import AcuteReason, Mode
from helhed.borgerservice.slots import COPENHAGEN
from tests.borgerservice.conftest import book, make_point, service
from tests.factories import make_citizen
from tests.query_counts import count_queries


class World:
    """Odense: a point with bookings, a point taking acute requests only, and more points
    and citizens as it grows. Amira books her own times."""

    def __init__(self, staff, amira):
        self.staff, self.amira = staff, amira
        self.point = make_point(capacity=5, name="Borgerservice Odense")
        self.acute_point = make_point(name="Borgerservice Vollsmose")
        self.acute_point, _ = services.switch_mode(point=self.acute_point, mode=Mode.ACUTE_ONLY,
                                                   version=self.acute_point.version, reason="Ombygning",
                                                   now=timezone.now())
        self.tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.n = 0

    def slot(self, i) -> datetime.datetime:
        """The ``i``th quarter of an hour from 9 o'clock tomorrow (the points open 9-12)."""
        day = self.tomorrow + datetime.timedelta(days=i // 12)
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=COPENHAGEN) + datetime.timedelta(
            minutes=15 * (i % 12))

    def grow(self, n):
        now = timezone.now()
        for _ in range(n):
            i, self.n = self.n, self.n + 1
            citizen = make_citizen(municipality=461, first_name=f"Fiktiv{i}", last_name="Testesen",
                                   birth_date=datetime.date(1960 + i % 30, 1 + i % 12, 2 + i % 27))
            book(self.point, self.slot(i), citizen=citizen, now=now)
            book(self.point, self.slot(i), name=f"Uden Login {i}", phone="20304050", now=now)
            book(self.point, self.slot(i), citizen=self.amira, now=now)
            services.request_acute(point=self.acute_point, service=service("digital_hjaelp"),
                                   acute_reason=AcuteReason.objects.get(code="mitid", municipality=None),
                                   idempotency_key=uuid.uuid4(), today=timezone.localdate(), citizen=citizen)
            services.record_help(point=self.point, citizen=citizen, staff=self.staff, given_on=timezone.localdate(),
                                 topic="mitid", legal_basis="udk_3_2", idempotency_key=uuid.uuid4())
            make_point(name=f"Borgerservice Filial {i}")
            services.add_closed_day(point=self.point, date=self.tomorrow + datetime.timedelta(days=60 + i),
                                    reason="Lukket")
            services.add_opening_hours(point=self.point, weekday=i % 7, opens=datetime.time(13 + i // 7),
                                       closes=datetime.time(13 + i // 7, 30))


PAGES = {
    # name: (who: staff, amira or anonymous, path with {point}, {pas}, {amira}, {day})
    "points": ("staff", "/borgerservice/"),
    "point": ("staff", "/borgerservice/servicesteder/{point}/"),
    "agenda": ("staff", "/borgerservice/servicesteder/{point}/dagsplan/?dato={day}"),
    "triage": ("staff", "/borgerservice/akutte/"),
    "statistics": ("staff", "/borgerservice/statistik/"),
    "book for a citizen (points)": ("staff", "/borgerservice/borgere/{amira}/"),
    "staff booking (slots)": ("staff", "/borgerservice/servicesteder/{point}/book/?ydelse={pas}&borger={amira}"),
    "own appointments": ("amira", "/borgerservice/mine-tider/"),
    "own booking (points)": ("amira", "/borgerservice/mine-tider/bestil/"),
    "own booking (slots)": ("amira", "/borgerservice/mine-tider/bestil/?sted={point}&ydelse={pas}"),
    "public booking (points)": ("anonymous", "/borgerservice/bestil-tid/"),
    "public booking (slots)": ("anonymous", "/borgerservice/bestil-tid/?sted={point}&ydelse={pas}"),
    "api service points": ("staff", "/api/v1/borgerservice/service-points"),
    "api slots": ("staff", "/api/v1/borgerservice/service-points/{point}/slots?service_id={pas}"),
    "api agenda": ("staff", "/api/v1/borgerservice/service-points/{point}/agenda?day={day}"),
}


@pytest.mark.parametrize("page", PAGES)
def test_borgerservice_pages_cost_the_same_for_more_data(client, odense_staff, amira, page,
                                                         django_assert_num_queries):
    world = World(odense_staff, amira)
    who, path = PAGES[page]
    path = path.format(point=world.point.pk, pas=service("pas").pk, amira=amira.pk, day=world.tomorrow)
    if who != "anonymous":
        client.force_login(odense_staff if who == "staff" else amira.user)
    world.grow(2)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    world.grow(12)  # past one morning's twelve slots
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
