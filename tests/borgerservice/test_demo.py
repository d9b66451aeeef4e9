import datetime

import pytest
from django.utils import timezone

from helhed.borgerservice.models import Appointment, HelpSession, Mode, OutboxMessage, ServicePoint, Status
from helhed.borgerservice.selectors import statistics
from helhed.core.models import User


@pytest.fixture
def universe(db, demo_universe):
    return demo_universe


def test_the_demo_has_odense_service_points_bookings_requests_and_help(universe, today):
    points = {p.name: p for p in ServicePoint.objects.filter(municipality_id=461)}
    assert len(points) == 3
    assert {p.mode for p in points.values()} == {Mode.OPEN, Mode.ACUTE_ONLY}
    acute = next(p for p in points.values() if p.mode == Mode.ACUTE_ONLY)
    assert acute.mode_reason and acute.mode_until
    amira = universe.personas["amira"]
    assert Appointment.objects.filter(citizen=amira, status=Status.BOOKED).exists()
    assert HelpSession.objects.filter(citizen=amira, legal_basis="udk_3_3").exists()
    assert Appointment.objects.filter(status=Status.REQUESTED).count() == 2
    assert Appointment.objects.filter(status=Status.NO_SHOW).exists()
    assert Appointment.objects.filter(status=Status.CHECKED_IN).exists()
    # Today and the next three days have bookings, on the days the centre is open (not at Easter).
    coming = (today, today + datetime.timedelta(days=3))
    assert Appointment.objects.filter(status=Status.BOOKED, starts_at__date__range=coming).exists()
    assert HelpSession.objects.count() >= 3
    assert not OutboxMessage.objects.filter(body__regex=r"\d{6}-?\d{4}").exists()


def test_the_demo_statistics_have_figures(universe, today):
    user = User.objects.get(username="borgerservice.odense")
    month = datetime.timedelta(days=31)
    s = statistics(user=user, municipality_id=461, period_start=today - month, period_end=today + month,
                   now=timezone.now())
    assert s.by_service_and_mode and s.attended and s.no_shows
    assert [f.value_text for f in s.acute] == ["1", "1", "2"]
    assert s.help_by_point and s.waiting
