"""The pool pages and list endpoints cost the same number of queries whatever the size of
the pool: the pool list, a pool with its applications, the comparison of municipalities,
a municipality's dashboard, and the API's lists."""

import datetime
from decimal import Decimal

import pytest

from helhed.core.models import Municipality
from helhed.pools import reports, services
from helhed.review import services as review
from tests.pools.conftest import (
    AFTER_DEADLINE,
    START,
    apply,
    approve,
    evaluate,
    in_effort,
    make_pool,
    make_result,
    on_benefit,
    resolve,
)
from tests.query_counts import count_queries

D = datetime.date


@pytest.fixture(autouse=True)
def _quick_pdfs(monkeypatch):
    # Rendering is tested elsewhere; here only the number of queries counts.
    monkeypatch.setattr(reports, "dashboard_pdf", lambda *args, **kwargs: b"%PDF-1.7")


def build(officer, manager, *, municipalities, members, months, name="Flere skal med"):
    """A pool allocated to ``municipalities`` applicants (Aarhus and Copenhagen first), with
    Aarhus's review programme over ``members`` citizens on benefit and in efforts (every
    other one visiteret), its tranches evaluated and ``months`` monthly reports made."""
    others = list(Municipality.objects.exclude(code__in=[751, 101]).order_by("code")
                  .values_list("code", flat=True)[:municipalities - 2])
    codes = [751, 101, *others]
    result = make_result(officer, {code: members if code == 751 else 3 for code in codes})
    pool = make_pool(officer, result, total=Decimal("10000000"), name=name)
    for code in codes:
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    pool.refresh_from_db()
    programme = review.create_programme(actor=manager, result=result, municipality_id=751, name=name,
                                        started_on=START)
    on_benefit(programme)
    for i, case in enumerate(programme.cases.order_by("number")):
        in_effort(case, D(2026, 3, 1) + datetime.timedelta(days=i))
        if i % 2:
            resolve(case, D(2026, 4, 1) + datetime.timedelta(days=i))
    evaluate(pool, D(2026, 7, 1))
    for m in range(months):
        services.generate_monthly_reports(pool=pool, today=D(2026, 4 + m, 2))
    return pool


SMALL = dict(municipalities=2, members=3, months=1)
LARGE = dict(municipalities=10, members=15, months=5)

POOL_PAGES = {
    # name: (who, path under the pool)
    "pool": ("officer", "/puljer/{pool}/"),
    "pool (municipality)": ("manager", "/puljer/{pool}/"),
    "comparison": ("officer", "/puljer/{pool}/overblik/"),
    "comparison sorted by payout": ("officer", "/puljer/{pool}/overblik/?sorter=udbetalt&retning=faldende"),
    "dashboard": ("officer", "/puljer/{pool}/kommune/751/"),
    "dashboard (municipality)": ("manager", "/puljer/{pool}/kommune/751/"),
    "api applications": ("officer", "/api/v1/pools/{pool}/applications"),
    "api allocations": ("officer", "/api/v1/pools/{pool}/allocations"),
    "api payouts": ("officer", "/api/v1/pools/{pool}/payouts"),
    "api batches": ("officer", "/api/v1/pools/{pool}/batches"),
    "api dashboard": ("manager", "/api/v1/pools/{pool}/municipalities/751/dashboard"),
}


@pytest.mark.parametrize("page", POOL_PAGES)
def test_pool_pages_cost_the_same_for_a_bigger_pool(client, officer, aarhus_manager, page,
                                                    django_assert_num_queries):
    who, path = POOL_PAGES[page]
    client.force_login(officer if who == "officer" else aarhus_manager)
    small_pool = build(officer, aarhus_manager, **SMALL, name="Lille pulje")
    large_pool = build(officer, aarhus_manager, **LARGE, name="Stor pulje")
    count_queries(client, path.format(pool=small_pool.pk))  # the session and the content types are cached
    small = count_queries(client, path.format(pool=small_pool.pk))
    with django_assert_num_queries(small):
        assert client.get(path.format(pool=large_pool.pk)).status_code == 200


@pytest.mark.parametrize("path", ["/puljer/", "/api/v1/pools"])
def test_the_pool_list_costs_the_same_for_more_pools(client, officer, aarhus_manager, path,
                                                     django_assert_num_queries):
    client.force_login(officer)
    build(officer, aarhus_manager, **SMALL, name="Pulje 0")
    count_queries(client, path)
    small = count_queries(client, path)
    for i in range(1, 5):
        build(officer, aarhus_manager, **SMALL, name=f"Pulje {i}")
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
