"""The national data generator (``bench/national_data.py``): the mapping from citizen
number to CPR and municipality that the load generator relies on, and a tiny run of the
generator in the test database whose data the pages can show."""

import datetime
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import national_data as nd  # noqa: E402

from helhed.borgerservice.models import Appointment, ServicePoint  # noqa: E402
from helhed.casework.models import Case, Letter, Task  # noqa: E402
from helhed.casework.policy import ALLOWED_TRANSITIONS  # noqa: E402
from helhed.core.cpr import cpr_blind_index, passes_modulus_11  # noqa: E402
from helhed.core.models import AuditRecord, Municipality, User  # noqa: E402
from helhed.intake.models import Application  # noqa: E402
from helhed.registry.models import Citizen, DigitalPostExemption, Representation, SpecialNeedsAssessment  # noqa: E402
from helhed.review.models import Programme, ReviewCase  # noqa: E402

CITIZENS = 300
TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


def test_the_population_table_covers_the_98_municipalities():
    assert len(nd.POPULATION) == 98
    source = Path(__file__).resolve().parents[2] / "src" / "helhed" / "core" / "data" / "kommuner.csv"
    with open(source, encoding="utf-8") as f:
        codes = {int(line.split(",")[0]) for line in f.read().splitlines()[1:] if line}
    assert set(nd.POPULATION) == codes


def test_municipalities_follow_the_population():
    counts = Counter(nd.municipality_of(i) for i in range(200_000))
    total = sum(nd.POPULATION.values())
    for code in (101, 751, 461, 851, 147):
        assert counts[code] / 200_000 == pytest.approx(nd.POPULATION[code] / total, rel=0.02)
    assert counts[101] / 200_000 == pytest.approx(0.11, abs=0.005)
    assert 0 < counts[825] < counts[563] < counts[492] < counts[101] / 100  # Læsø, Fanø, Ærø: tiny
    assert set(counts) == set(nd.POPULATION)


def test_citizen_numbers_recompute_who_lives_where():
    for code in (101, 751, 825):
        numbers = list(nd.citizen_numbers(code, 50_000))
        assert numbers == [i for i in range(50_000) if nd.municipality_of(i) == code]
        assert list(nd.citizen_numbers(code, 50_000, 10)) == numbers[:10]


def test_cpr_numbers_are_unique_fictional_and_reproducible():
    numbers = [nd.citizen_cpr(i) for i in range(30_000)]
    assert len(set(numbers)) == len(numbers)
    assert numbers == [nd.citizen_cpr(i) for i in range(30_000)]
    assert not any(passes_modulus_11(n) for n in numbers)


def test_every_timeline_walks_the_state_machine():
    for i in range(2000):
        for j in range(3):
            f = nd.case_facts(i, j, 3, TODAY)
            dates = [d for d in (f.opened, f.processing, f.hearing, f.answered, f.decided, f.complaint, f.closed)
                     if d is not None]
            assert dates == sorted(set(dates)) and dates[-1] <= TODAY
            assert (f.decided is not None) == (f.status in ("decided", "complaint", "closed"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator writes with PostgreSQL's COPY")
@pytest.mark.django_db
def test_a_tiny_national_dataset_is_complete_and_the_pages_show_it():
    timings = nd.generate(connection, citizens=CITIZENS, cases_per_citizen=3, today=TODAY, now=NOW,
                          progress=False)

    assert timings["registry_citizen"][0] == Citizen.objects.count() == CITIZENS
    assert Case.objects.count() == Application.objects.count() == 3 * CITIZENS
    # Every case has its application and a timeline that starts with "received".
    assert not Case.objects.filter(application__isnull=True).exists()
    assert not Case.objects.exclude(events__kind="received").exists()
    for case in Case.objects.exclude(status="received").prefetch_related("events")[:200]:
        events = sorted(case.events.all(), key=lambda e: (e.at, e.id))
        assert events[0].kind == "received"
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in ALLOWED_TRANSITIONS[before.to_status]
        assert events[-1].to_status == case.status
        assert case.version == len(events)
    assert Letter.objects.filter(kind="receipt").count() == Case.objects.filter(
        opened_on__gte=TODAY - datetime.timedelta(days=180)).count()
    assert not Letter.objects.filter(kind__in=["granted", "refused"], case__decided_on__isnull=True).exists()

    # The CPR numbers and municipalities can be recomputed from the citizen's number.
    for i in (0, 1, 17, CITIZENS - 1):
        citizen = Citizen.objects.get(pk=nd.uid(nd.CITIZEN, i))
        assert citizen.cpr_index == cpr_blind_index(nd.citizen_cpr(i))
        assert citizen.home_municipality_id == nd.municipality_of(i)
    copenhagen = Citizen.objects.filter(home_municipality_id=101).count()
    assert copenhagen == len(list(nd.citizen_numbers(101, CITIZENS)))
    assert 0.07 * CITIZENS < copenhagen < 0.15 * CITIZENS

    assert SpecialNeedsAssessment.objects.exists() and Representation.objects.exists()
    assert DigitalPostExemption.objects.exists()
    assert Task.objects.filter(status="open", municipality_id=101).exists()
    assert Programme.objects.count() == len({nd.municipality_of(i) for i in range(CITIZENS)
                                             if nd.is_review_member(i, TODAY)})
    assert ReviewCase.objects.count() == sum(nd.is_review_member(i, TODAY) for i in range(CITIZENS))
    assert ServicePoint.objects.filter(kind="centre").count() == Municipality.objects.count()
    assert Appointment.objects.filter(status="booked", starts_at__gt=NOW).exists()
    assert AuditRecord.objects.count() >= CITIZENS

    # The pages a caseworker, a manager and Borgerservice open show the data.
    code = 101
    worker = User.objects.get(username=f"bench-sagsbehandler-{code}-0")
    udk = User.objects.get(username="bench-udk-0")
    manager = User.objects.get(username=f"bench-jobcenterleder-{code}")
    desk = User.objects.get(username=f"bench-borgerservice-{code}")
    citizen = Citizen.objects.filter(home_municipality_id=code).first()
    urls = [(worker, f"/borgere/{citizen.pk}/"), (worker, "/sager/opgaver/"), (udk, "/sager/udskrift/")]
    for case in Case.objects.filter(municipality_id=code).order_by("status", "-opened_on").distinct("status"):
        urls.append((worker if case.authority == "municipality" else udk, f"/sager/{case.pk}/"))
    programme = Programme.objects.filter(municipality_id=code).first()
    if programme:
        urls += [(manager, f"/gennemgang/program/{programme.pk}/"),
                 (manager, f"/gennemgang/program/{programme.pk}/sager/")]
        urls += [(manager, f"/gennemgang/sager/{c.pk}/") for c in programme.cases.all()[:3]]
    point = ServicePoint.objects.get(municipality_id=code, kind="centre")
    urls += [(desk, f"/borgerservice/servicesteder/{point.pk}/dagsplan/"),
             (desk, f"/borgerservice/borgere/{citizen.pk}/")]
    for user, url in urls:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url
