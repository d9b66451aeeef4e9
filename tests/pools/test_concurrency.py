"""Two evaluations of the same pool at the same moment, on two database connections: each
tranche is paid exactly once (the allocation row is locked, and a unique constraint backs it)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from helhed.core.calendar import end_of_day
from helhed.core.roles import Role
from helhed.pools import services
from helhed.pools.models import BatchLine, Forfeiture, Payout, TrancheNotice
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.pools.conftest import allocated_pool, answer_hearings, resolve

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent connections need PostgreSQL (SQLite serialises writers)")


def _race(pool, today, n=4):
    summaries, errors = at_once(*[lambda: services.evaluate_pool(pool=pool, today=today, now=end_of_day(today))] * n)
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
    # Aarhus: tranches 1 and 2 to pay; Copenhagen: 1 to pay, 2 heard once (no review) ...
    assert sum(s.to_pay for s in summaries) == 3
    assert sum(s.hearings for s in summaries) == 1 and sum(s.to_forfeit for s in summaries) == 0
    assert TrancheNotice.objects.filter(kind="hearing").count() == 1
    answer_hearings(pool, datetime.date(2026, 10, 1))
    # ... and, once it has answered, proposed forfeited once.
    summaries = _race(pool, datetime.date(2026, 10, 1))
    assert sum(s.to_forfeit for s in summaries) == 1
    lines = BatchLine.objects.filter(open=True)
    assert lines.filter(outcome="pay").count() == 3 and lines.filter(outcome="forfeit").count() == 1
    assert sum(line.amount for line in lines.filter(municipality_id=751)) == Decimal(350000)
    assert not Payout.objects.exists() and not Forfeiture.objects.exists()  # nothing before approval


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_the_same_moment_pay_once():
    """Two second officers press "Godkend" on the same proposal at the same moment, each in
    their own request: one approval wins, the other is told the proposal is decided, and
    every tranche is paid exactly once."""
    from django.test import Client
    from django.urls import reverse

    from helhed.pools.models import BatchStatus

    officer = UserFactory(role=Role.POOL_OFFICER)
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    pool, _ = allocated_pool(officer, manager)
    day = datetime.date(2026, 3, 2)
    batch = services.evaluate_pool(pool=pool, today=day, now=end_of_day(day), actor=officer).batch
    approvers = [UserFactory(role=Role.POOL_OFFICER) for _ in range(4)]

    def approve_as(user):
        client = Client()
        client.force_login(user)
        return client.post(reverse("pools:batch", args=[batch.pk]),
                           {"decision": "approve", "reason": "Kontrolleret."}).status_code

    codes, errors = at_once(*[lambda u=u: approve_as(u) for u in approvers])
    assert not errors, errors
    # Each request is answered (a redirect, or the form with the error "allerede afgjort").
    assert len(codes) == 4 and set(codes) <= {200, 302}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and batch.decided_by in approvers
    assert Payout.objects.count() == 2
    assert sum(p.amount for p in Payout.objects.all()) == Decimal(300000)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_by_the_service_at_once_pay_once():
    from django.core.exceptions import ValidationError

    officer = UserFactory(role=Role.POOL_OFFICER)
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    pool, _ = allocated_pool(officer, manager)
    day = datetime.date(2026, 3, 2)
    batch = services.evaluate_pool(pool=pool, today=day, now=end_of_day(day), actor=officer).batch
    approvers = [UserFactory(role=Role.POOL_OFFICER) for _ in range(4)]
    results, errors = at_once(*[
        lambda u=u: services.decide_batch(batch=batch, approve=True, reason="Ok.", actor=u, now=end_of_day(day))
        for u in approvers])
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert Payout.objects.count() == 2
