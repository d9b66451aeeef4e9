import datetime
import os

import pytest
import time_machine
from django.utils import timezone
from hypothesis import settings

from helhed.core.calendar import COPENHAGEN
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

# Generated examples are the same on every run, so a run cannot fail on a draw the one before
# did not make. ``HYPOTHESIS_PROFILE=explore`` draws new examples each time, to look for
# new failures on purpose.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

#: The day every test runs on: a Tuesday in November, away from holidays, month ends and
#: summer time. ``HELHED_TEST_DAY`` names another (``make test-dates`` runs the date-sensitive
#: tests on several), or ``real`` for the wall clock.
NAMED_DAY = datetime.date(2026, 11, 24)


def the_test_day() -> datetime.date | None:
    value = os.environ.get("HELHED_TEST_DAY", "")
    if value == "real":
        return None
    return datetime.date.fromisoformat(value) if value else NAMED_DAY


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test connections to PostgreSQL commit without waiting for the disk: a crash can lose
    only test data. The setting is per connection, so the server's other databases keep
    their durability (the server may be the machine's only cluster)."""
    from django.conf import settings as django_settings

    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"


@pytest.fixture(autouse=True)
def _clock():
    """Every test reads the clock at 10.00 Danish time on the test day, and time goes on from
    there, so a test passes or fails the same whatever day it is run."""
    day = the_test_day()
    if day is None:
        yield
        return
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=COPENHAGEN)
    with time_machine.travel(start.astimezone(datetime.UTC), tick=True):
        yield


@pytest.fixture
def today(_clock) -> datetime.date:
    """The test day, in Danish time."""
    return timezone.localdate()


@pytest.fixture
def aarhus_caseworker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")


@pytest.fixture
def copenhagen_caseworker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[101], first_name="Omar", last_name="Nielsen")


@pytest.fixture
def aarhus_citizen(db):
    return make_citizen(municipality=751)


@pytest.fixture
def citizen_with_login(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Karen", last_name="Holm")
    return make_citizen(municipality=751, user=login)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Password hashing is deliberately slow; tests do not need it to be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
