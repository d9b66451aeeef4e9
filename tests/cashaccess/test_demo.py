import datetime

import pytest

from helhed.cashaccess.models import Arrangement, Handout, Solution, SolutionType
from helhed.cashaccess.selectors import indicators
from helhed.core.models import User


@pytest.fixture
def universe(db, demo_universe):
    return demo_universe


def test_the_demo_has_solutions_jans_arrangement_and_unsuppressed_figures(universe, today):
    jan = universe.personas["jan"]
    arrangement = Arrangement.objects.get(citizen=jan)
    assert arrangement.solution.kind == SolutionType.PARTNER_BANK_OUTREACH and arrangement.payout_route == "cash"
    assert Handout.objects.filter(arrangement=arrangement).count() >= 6
    assert Solution.objects.get(municipality_id=751).kind == SolutionType.BANK_TENDER
    assert Solution.objects.get(municipality_id=461).kind == SolutionType.PAYMENT_CARD_HANDLING
    partner = User.objects.get(username="kontantpartnerskab")
    figures = indicators(user=partner, period_start=today - datetime.timedelta(days=365), period_end=today)
    assert figures.citizens_total.value is not None and figures.citizens_total.value >= 5
    assert figures.handouts_total.value is not None
    assert figures.municipalities_with_any_solution >= 10 and figures.municipalities_with_bank_tender == 1


def test_the_demo_puts_one_arrangement_in_each_municipality_with_a_service_point(universe):
    from helhed.cashaccess.demo import SERVICE_POINT_MUNICIPALITIES

    municipalities = sorted(Arrangement.objects.values_list("municipality_id", flat=True))
    assert municipalities == [101, *SERVICE_POINT_MUNICIPALITIES]
