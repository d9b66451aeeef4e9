import datetime
import random

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from helhed.core.cpr import decrypt_cpr, parse_cpr, passes_modulus_11
from helhed.core.models import Municipality, User
from helhed.demo.cpr import demo_cpr
from helhed.demo.personas import PERSONAS, STAFF
from helhed.demo.services import build_demo_universe
from helhed.registry.models import Citizen, Representation
from tests.conftest import DEMO_CITIZENS


@given(st.dates(min_value=datetime.date(1900, 1, 2), max_value=datetime.date(2025, 12, 31)),
       st.sampled_from("KM"), st.integers(0, 2**32))
def test_demo_cpr_is_valid_but_impossible_for_a_real_person(born, sex, seed):
    if (born.month, born.day) == (1, 1):
        born += datetime.timedelta(days=1)
    number = demo_cpr(born, sex, random.Random(seed), set())
    facts = parse_cpr(number, today=datetime.date(2026, 11, 24))
    assert facts.birth_date == born and facts.sex == sex
    assert not passes_modulus_11(number)


def test_demo_cpr_refuses_1_january():
    with pytest.raises(ValueError):
        demo_cpr(datetime.date(1980, 1, 1), "M", random.Random(1), set())


@pytest.fixture
def universe(db, demo_universe):
    return demo_universe


def test_universe_has_personas_staff_and_citizens_in_all_98_municipalities(universe):
    assert Municipality.objects.count() == 98
    # Personas, the generated citizens, and those other apps' demo data adds.
    assert universe.generated == DEMO_CITIZENS
    assert Citizen.objects.count() >= len(PERSONAS) + DEMO_CITIZENS
    assert Citizen.objects.values("home_municipality").distinct().count() == 98
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) >= {s.username for s in STAFF}
    assert not User.objects.filter(is_demo=False).exists()
    numbers = [decrypt_cpr(c) for c in Citizen.objects.values_list("cpr_encrypted", flat=True)]
    assert len(set(numbers)) == len(numbers)
    assert not any(passes_modulus_11(n) or n.startswith("0101") for n in numbers)


def test_personas_are_in_their_life_situations(universe):
    jan, erik, mette = (universe.personas[k] for k in ("jan", "erik", "mette"))
    assert jan.nemkonto == "missing" and jan.no_fixed_address
    assert jan.digital_post_exemptions.get().ground == "homeless"
    assert Representation.objects.get(citizen=erik).representative == mette
    assert universe.personas["amira"].preferred_language == "ar"


def test_universe_is_built_in_an_empty_database_only(universe, today):
    with pytest.raises(ImproperlyConfigured):
        build_demo_universe(citizens=1, today=today)


def test_picking_a_persona_logs_in_to_self_service(client, universe, settings):
    settings.DEMO_MODE = True
    page = client.get("/demo/").content.decode()
    assert "Karen Holm" in page and "sagsbehandler.aarhus" in page
    karen = universe.personas["karen"]
    response = client.post(f"/demo/log-ind/{karen.user.uuid}/")
    assert response.status_code == 302 and response["Location"] == "/mit/"
    assert karen.cpr in client.get("/mit/").content.decode()


def test_persona_picker_cannot_log_in_staff(client, universe, settings):
    settings.DEMO_MODE = True
    admin = User.objects.get(username="admin")
    assert client.post(f"/demo/log-ind/{admin.uuid}/").status_code == 404


def test_demo_staff_log_in_with_the_demo_password_only_in_demo_mode(client, universe, settings):
    settings.DEMO_MODE = False
    client.post("/log-ind/", {"username": "sagsbehandler.aarhus", "password": "demo"})
    assert "_auth_user_id" not in client.session
    settings.DEMO_MODE = True
    response = client.post("/log-ind/", {"username": "sagsbehandler.aarhus", "password": "demo"})
    assert response.status_code == 302
    assert client.get("/").url == "/borgere/"
    settings.DEMO_MODE = False
    assert client.get("/borgere/").status_code == 302  # the session no longer authenticates


def test_wrong_password_gets_a_danish_message(client, universe, settings):
    settings.DEMO_MODE = True
    body = client.post("/log-ind/", {"username": "admin", "password": "forkert"}).content.decode()
    assert "Forkert brugernavn eller adgangskode" in body
