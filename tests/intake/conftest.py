import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

TODAY = datetime.date(2026, 11, 24)
PDF = b"%PDF-1.4\n%fiktiv scanning\n"


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def udk(db):
    return UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark", first_name="Hanne", last_name="Berg")


@pytest.fixture
def counter(db):
    return UserFactory(role=Role.BORGERSERVICE, municipalities=[751], first_name="Sofie", last_name="Jensen")


@pytest.fixture
def karen(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Karen", last_name="Holm")
    return make_citizen(municipality=751, user=login)


@pytest.fixture
def mette(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Mette", last_name="Lund")
    return make_citizen(municipality=376, first_name="Mette", last_name="Lund", user=login,
                        birth_date=datetime.date(1968, 4, 23))


@pytest.fixture
def scan():
    return SimpleUploadedFile("scanning.pdf", PDF, content_type="application/pdf")


FOLKEPENSION_ANSWERS = {"starts_on": "2026-12-01", "years_in_denmark": "50", "cohabiting": "nej"}
