"""Two evaluations of the same pool at the same moment, on two database connections: each
tranche is paid exactly once (the allocation row is locked, and a unique constraint backs it)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from helhed.core.roles import Role
from helhed.pools import services
from helhed.pools.models import Forfeiture, Payout
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.pools.conftest import allocated_pool, resolve

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent connections need PostgreSQL (SQLite serialises writers)")


def _race(pool, today, n=4):
    summaries, errors = at_once(*[lambda: services.evaluate_pool(pool=pool, today=today)] * n)
    assert not errors, errors
    return summaries


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_evaluations_pay_each_tranche_once():
    officer = UserFactory(role=Role.POOL_OFFICER)
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    pool, programme = allocated_pool(officer, manager)
    for case in programme.cases.all():
        resolve(case, datetime.date(2026, 5, 1))
    summaries = _race(pool, datetime.date(2026, 10, 1))
    # Aarhus: tranches 1 and 2 paid; Copenhagen: 1 paid, 2 forfeited (no review).
    assert sum(s.paid for s in summaries) == 3
    assert sum(s.forfeited for s in summaries) == 1
    assert Payout.objects.count() == 3 and Forfeiture.objects.count() == 1
    assert sum(p.amount for p in Payout.objects.filter(municipality_id=751)) == Decimal(350000)
