import datetime
from decimal import Decimal

import pytest

from helhed.casework import services
from helhed.casework.models import BenefitArea, Case, CaseStatus
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

TODAY = datetime.date(2026, 3, 2)  # a Monday
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def worker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")


@pytest.fixture
def other_worker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[101], first_name="Omar", last_name="Nielsen")


@pytest.fixture
def udk(db):
    return UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark", first_name="Hanne", last_name="Berg")


@pytest.fixture
def karen(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Karen", last_name="Holm")
    return make_citizen(municipality=751, user=login, address_line="Grøndalsvej 12", postcode="8260", city="Viby J")


def fresh(case: Case) -> Case:
    return Case.objects.select_related("citizen", "municipality").get(pk=case.pk)


def case_in(status: str, *, citizen, actor, benefit_area=BenefitArea.KONTANTHJAELP, decision="granted") -> Case:
    """A case brought to ``status`` through the services (the only way a case moves)."""
    c = services.open_case(citizen=citizen, benefit_area=benefit_area, opened_on=TODAY, actor=actor)
    if status == CaseStatus.RECEIVED:
        return fresh(c)
    c = services.start_processing(case=c, version=c.version, actor=actor, on=TODAY)
    if status == CaseStatus.PROCESSING:
        return fresh(c)
    if status == CaseStatus.HEARING:
        return fresh(services.send_hearing(case=c, version=c.version, actor=actor, on=TODAY, facts="Du har et job."))
    if decision == "granted":
        c = services.grant(case=c, version=c.version, actor=actor, on=TODAY, monthly_amount=Decimal("7500.00"),
                           starts_on=TODAY)
    else:
        c = services.refuse(case=c, version=c.version, actor=actor, on=TODAY, reasons="Du tjener for meget.",
                            no_hearing_ground="kendte_oplysninger",
                            no_hearing_reason="Borgeren oplyste selv indtægten.")
    if status == CaseStatus.DECIDED:
        return fresh(c)
    if status == CaseStatus.COMPLAINT:
        services.record_complaint(case=c, actor=actor, received_on=TODAY, text="Jeg er uenig.")
        return fresh(c)
    assert status == CaseStatus.CLOSED
    return fresh(services.close_case(case=c, version=c.version, actor=actor, on=TODAY))
