import pytest

from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen


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
