"""The demo universe has the "Flere skal med" pool with applications, allocations, paid
tranches, a monthly report for Aarhus and a follow-up pool, and the pages show them."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils.formats import date_format

from helhed.core.models import User
from helhed.pools import selectors
from helhed.pools.models import Application, MonthlyReport, Payout, Pool


@pytest.fixture
def universe(db, demo_universe, settings):
    settings.DEMO_MODE = True
    return demo_universe


def test_the_demo_pool(universe, client, today):
    pool = Pool.objects.get(name="Flere skal med")
    assert pool.total == Decimal("262500000")
    assert Application.objects.filter(pool=pool).count() == 89
    assert pool.allocations.aggregate(s=Sum("amount"))["s"] == pool.total
    first = Payout.objects.filter(tranche__pool=pool, tranche__number=1).select_related("batch__decided_by")
    assert first.count() == 89  # recommended by one officer and approved by another
    assert {(p.batch.recommended_by.username, p.batch.decided_by.username) for p in first} == {
        ("puljeansvarlig", "puljeansvarlig.godkender")}
    assert MonthlyReport.objects.filter(pool=pool, municipality_id=751).exists()
    follow_up = pool.follow_ups.get()
    assert follow_up.total == selectors.unclaimed(pool) > 0
    client.force_login(User.objects.get(username="puljeansvarlig"))
    body = client.get(reverse("pools:overview", args=[pool.pk])).content.decode()
    assert "Aarhus" in body and "Søgte ikke" in body
    client.force_login(User.objects.get(username="jobcenterleder.aarhus"))
    body = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    assert "Udbetalt" in body and f"Månedsrapport for {date_format(last_month, 'F Y')}" in body
    assert "udbetalingsordre" in body
    # Aarhus got its full share, so the follow-up pool is not open to it.
    follow_up_page = client.get(reverse("pools:pool", args=[follow_up.pk])).content.decode()
    assert "Søg puljen" not in follow_up_page and "kun åben for kommuner, der ikke fik hele" in follow_up_page


def test_the_demo_shows_ambassadors_personal_job_means_and_measured_outcomes(universe, client, today):
    from helhed.pools import outcomes

    pool = Pool.objects.get(name="Flere skal med")
    measured = outcomes.measure(pool=pool, today=today)
    assert [p.measured for p in measured.points] == [True, True, False]
    aarhus = [c for index, c in measured.by_member.items()
              if pool.target_result.members.filter(cpr_index=index, municipality_id=751).exists()]
    assert aarhus and all(c[6] != outcomes.UKENDT for c in aarhus)
    client.force_login(User.objects.get(username="sagsbehandler.aarhus"))
    page = client.get(reverse("pools:ambassadors")).content.decode()
    assert "Mette Juul" in page and "Ali Hansen" in page
    client.force_login(User.objects.get(username="jobcenterleder.aarhus"))
    body = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert "Personlige jobmidler: budget" in body
    client.force_login(User.objects.get(username="puljeansvarlig"))
    page = client.get(reverse("pools:evaluation", args=[pool.pk])).content.decode()
    assert page.count("Ikke målt endnu") == 1
