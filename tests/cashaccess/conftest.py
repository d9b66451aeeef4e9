import datetime
import uuid
from decimal import Decimal

import pytest

from helhed.cashaccess import services
from helhed.cashaccess.models import Handout, SolutionType
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


def pay_cash(citizen, amount, paid_on, actor=None):
    """A benefit payment made in cash in a kontanthjælp case, linked to the citizen's cash
    arrangement as ``casework.services.pay`` links it."""
    from helhed.casework import services as casework
    from helhed.casework.models import Payment

    case = casework.open_case(citizen=citizen, benefit_area="kontanthjaelp", opened_on=paid_on, actor=actor,
                              send_receipt=False)
    payment = Payment.objects.create(case=case, citizen=citizen, amount=Decimal(amount), paid_on=paid_on,
                                     method="cash", idempotency_key=f"test-{uuid.uuid4()}")
    services.expect_cash_handout(payment=payment, actor=actor)
    return payment


def hand_out(arrangement, staff, key=None, *, pay=True, **overrides):
    """Log a hand-out; unless ``pay=False``, a cash payment of the same amount is made first,
    so that the amount is due."""
    fields = dict(handed_out_on=datetime.date(2026, 3, 1), kind="cash", amount=Decimal("2650.00"),
                  acknowledgement="signed", idempotency_key=key or uuid.uuid4(), today=TODAY)
    fields.update(overrides)
    already = Handout.objects.filter(idempotency_key=fields["idempotency_key"]).exists()
    if pay and fields["kind"] == "cash" and fields.get("amount") and fields["amount"] > 0 and not already:
        pay_cash(arrangement.citizen, fields["amount"], fields["handed_out_on"])
    return services.log_handout(arrangement=arrangement, staff=staff, **fields)


@pytest.fixture
def arrangement(homeless, outreach, kbh_caseworker):
    return arrange(homeless, outreach, kbh_caseworker)
