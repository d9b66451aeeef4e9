
import pytest

from helhed.review import measures
from helhed.review.models import Programme, ReviewCase, Status


@pytest.fixture
def clock_at_today():
    """Not the review tests' fixed clock (tests/review/conftest.py): the shared demo was built
    on the run's test day, so this test reads the clock of that day."""


@pytest.fixture
def universe(db, demo_universe):
    return demo_universe


def test_the_demo_has_an_aarhus_programme_with_cases_in_every_state(universe, today):
    programme = Programme.objects.get(municipality_id=751)
    assert programme.gross_target_group == 12
    statuses = set(programme.cases.values_list("status", flat=True))
    assert statuses == set(Status.values)
    karen = ReviewCase.objects.get(citizen=universe.personas["karen"])
    assert karen.status == Status.IN_REVIEW and karen.caseworker.username == "sagsbehandler.aarhus"
    assert programme.cases.filter(caseworker__username="jobcenterleder.aarhus").count() == 2
    assert programme.cases.filter(citizen__isnull=True).count() == 1
    shares = [measures.monthly_effort_share(programme, m) for m in measures.last_months(today, 6)]
    assert any(s.numerator for s in shares) and all(s.denominator for s in shares)
    assert not measures.all_afklaret_og_visiteret(programme, on=today).met
