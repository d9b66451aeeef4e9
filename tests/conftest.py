import contextlib
import datetime
import os

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, settings

from helhed.core.calendar import COPENHAGEN
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

# Generated examples are the same on every run, so a run cannot fail on a draw the one before
# did not make. ``HYPOTHESIS_PROFILE=explore`` draws new examples each time, to look for
# new failures on purpose. Neither times the examples: speed is measured in bench/, and a
# busy machine must not fail a test.
_untimed = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("repeatable", derandomize=True, **_untimed)
settings.register_profile("explore", derandomize=False, **_untimed)
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


def _travel(hour: int):
    """Time travel to ``hour`` o'clock Danish time on the test day (none for ``real``)."""
    day = the_test_day()
    if day is None:
        return contextlib.nullcontext()
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)
    return time_machine.travel(start.astimezone(datetime.UTC), tick=True)


@pytest.fixture(autouse=True)
def _clock(request):
    """Every test reads the clock at 10.00 Danish time on the test day, and time goes on from
    there, so a test passes or fails the same whatever day it is run. Tests on the shared demo
    start at 11.00, after the demo was built that morning at 10.00."""
    with _travel(11 if "demo_universe" in request.fixturenames else 10):
        yield


#: The shared demo universe: enough generated citizens for one in each of the 98 municipalities.
DEMO_CITIZENS, DEMO_SEED = 120, 2017


_demo_teardown: list = []  # closes the shared demo's transaction (see ``demo_universe``)


@pytest.fixture(scope="session")
def demo_universe(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo universe, built once per run at 10.00 on the test day and shared by every test
    that takes it. ``pytest_collection_modifyitems`` runs those tests one after the other,
    after the other tests on an open transaction and before the transactional ones. The
    universe stays in one open transaction, rolled back after the last of them
    (``pytest_runtest_teardown``); each test's own changes are rolled back at the test's end,
    so every test sees the same universe and no other test sees it."""
    from django.db import transaction
    from django.test import override_settings

    from helhed.demo.services import build_demo_universe

    stack = contextlib.ExitStack()
    stack.enter_context(django_db_blocker.unblock())
    stack.enter_context(override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
                                          PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]))
    stack.enter_context(transaction.atomic())
    stack.callback(transaction.set_rollback, True)  # runs first: roll the universe back
    _demo_teardown.append(stack.close)
    try:
        with _travel(10):
            universe = build_demo_universe(citizens=DEMO_CITIZENS, seed=DEMO_SEED, today=timezone.localdate())
    except BaseException:
        _demo_teardown.pop()()
        raise
    yield universe
    while _demo_teardown:
        _demo_teardown.pop()()


def _uses_demo(item) -> bool:
    return item is not None and "demo_universe" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _uses_demo(item) and not _uses_demo(nextitem):
        while _demo_teardown:
            _demo_teardown.pop()()


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_addoption(parser):
    parser.addoption("--database-tests-only", action="store_true",
                     help="run only the tests that use the database (for the second engine's run)")


def _run_order(item) -> int:
    """Tests on an open transaction, then those on the shared demo, then the transactional
    ones (which empty the database after them, as Django orders them), then the rest."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if "demo_universe" in fixtures:
        return 1
    marker = item.get_closest_marker("django_db")
    if ({"transactional_db", "live_server"} & fixtures
            or marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))):
        return 2
    return 0 if marker or "db" in fixtures else 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run order: see ``_run_order``. With ``--database-tests-only`` a test that touches no
    database (a pure function, a parser, a command in a process of its own on SQLite) is left
    out: the first engine's run has it."""
    if config.getoption("--database-tests-only"):
        kept, left_out = [], []
        for item in items:
            uses_database = (DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
                             or item.get_closest_marker("django_db") or item.get_closest_marker("postgresql"))
            (kept if uses_database else left_out).append(item)
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept
    items.sort(key=_run_order)


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
