"""The cash-access pages cost the same number of queries whatever the amount of data: the
municipality's solutions and arrangements, one arrangement with its hand-out log, the form
that offers the solutions, the partnership's follow-up and the API's lists."""

import datetime
from decimal import Decimal

import pytest

from helhed.cashaccess import services
from helhed.cashaccess.models import SolutionType
from tests.cashaccess.conftest import START, arrange, hand_out
from tests.factories import make_citizen
from tests.query_counts import count_queries

KINDS = [SolutionType.PARTNER_BANK_OUTREACH, SolutionType.CASH_CARD, SolutionType.SERVICE_POINT_PAYOUT,
         SolutionType.BANK_TENDER]


class World:
    """Copenhagen and others with solutions; homeless citizens in Copenhagen with
    arrangements and hand-outs; Jens's own arrangement grows its log."""

    def __init__(self, caseworker, homeless, outreach, arrangement):
        self.caseworker, self.homeless, self.outreach, self.arrangement = caseworker, homeless, outreach, arrangement
        self.n = 0

    def grow(self, n):
        for _ in range(n):
            i, self.n = self.n, self.n + 1
            for code in (101, 751, 461):
                kind = KINDS[i % len(KINDS)]
                tender = dict(requirement_text="Kontanter ved kassen.", bank="Fiktiv Bank",
                              contract_starts_on=START, contract_ends_on=datetime.date(2029, 12, 31))
                services.record_solution(municipality_id=code, actor=None, kind=kind, name=f"Løsning {i}",
                                         provider="Fiktiv Sparekasse", starts_on=START,
                                         **(tender if kind == SolutionType.BANK_TENDER else {}))
            citizen = make_citizen(municipality=101, first_name=f"Gade{i}", last_name="Fiktivsen", nemkonto="missing",
                                   sex="M", birth_date=datetime.date(1970 + i % 20, 1 + i % 12, 2 + i % 27))
            other = arrange(citizen, self.outreach, self.caseworker, payout_route="cash")
            for day in (1, 15):
                hand_out(other, self.caseworker, handed_out_on=datetime.date(2026, 1 + i % 10, day),
                         amount=Decimal("1000.00"))
            hand_out(self.arrangement, self.caseworker, handed_out_on=datetime.date(2026, 1 + i % 10, 2 + i % 26),
                     amount=Decimal("500.00"))


PAGES = {
    "solutions": ("caseworker", "/kontantadgang/loesninger/"),
    "arrangements": ("caseworker", "/kontantadgang/ordninger/"),
    "arrangement": ("caseworker", "/kontantadgang/ordninger/{arrangement}/"),
    "new arrangement (solutions)": ("caseworker", "/kontantadgang/borgere/{citizen}/ny-ordning/"),
    "follow-up": ("partner", "/kontantadgang/opfoelgning/"),
    "api solutions": ("caseworker", "/api/v1/cashaccess/solutions"),
    "api arrangement": ("caseworker", "/api/v1/cashaccess/arrangements/{arrangement}"),
    "api indicators": ("partner", "/api/v1/cashaccess/indicators?fra=2026-01-01&til=2026-11-24"),
}


@pytest.mark.parametrize("page", PAGES)
def test_cash_access_pages_cost_the_same_for_more_data(client, kbh_caseworker, partner, homeless, outreach,
                                                       arrangement, page, django_assert_num_queries):
    world = World(kbh_caseworker, homeless, outreach, arrangement)
    who, path = PAGES[page]
    # A citizen without an arrangement, for the form that sets one up.
    newcomer = make_citizen(municipality=101, first_name="Ny", last_name="Fiktivsen", nemkonto="missing",
                            birth_date=datetime.date(1990, 2, 3))
    path = path.format(arrangement=arrangement.pk, citizen=newcomer.pk)
    client.force_login(kbh_caseworker if who == "caseworker" else partner)
    world.grow(2)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    world.grow(12)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
