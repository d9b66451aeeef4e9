import datetime
import uuid
from decimal import Decimal

import pytest

from helhed.cashaccess import services
from helhed.cashaccess.models import SolutionType
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen

TODAY = datetime.date(2026, 11, 24)
START = datetime.date(2026, 1, 1)


@pytest.fixture
def kbh_caseworker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[101], first_name="Omar", last_name="Nielsen")


@pytest.fixture
def partner(db):
    return UserFactory(role=Role.PARTNERSHIP_MEMBER, organisation="Rådet for Socialt Udsatte")


@pytest.fixture
def outreach(kbh_caseworker):
    return services.record_solution(
        municipality_id=101, actor=kbh_caseworker, kind=SolutionType.PARTNER_BANK_OUTREACH,
        name="Partnerbank", provider="Fiktiv Sparekasse", starts_on=START,
    )


@pytest.fixture
def homeless(db):
    return make_citizen(municipality=101, first_name="Jens", last_name="Gadeplansen", nemkonto="missing",
                        sex="M", birth_date=datetime.date(1978, 6, 21))


def arrange(citizen, solution, actor, **overrides):
    fields = dict(incapacity="homeless", benefit="kontanthjaelp", payout_route="cash", schedule="twice_monthly",
                  handed_out_by="Gadeplansmedarbejderen", starts_on=START)
    fields.update(overrides)
    return services.set_up_arrangement(citizen=citizen, solution=solution, actor=actor, **fields)


def hand_out(arrangement, staff, key=None, **overrides):
    fields = dict(handed_out_on=datetime.date(2026, 3, 1), kind="cash", amount=Decimal("2650.00"),
                  acknowledgement="signed", idempotency_key=key or uuid.uuid4())
    fields.update(overrides)
    return services.log_handout(arrangement=arrangement, staff=staff, **fields)


@pytest.fixture
def arrangement(homeless, outreach, kbh_caseworker):
    return arrange(homeless, outreach, kbh_caseworker)
