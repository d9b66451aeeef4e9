"""The pages: defining a pool, applying, deciding, allocating, evaluating; dashboards and
their PDF; the ministry's overview; permissions (a municipality sees only itself; the pool
officer never sees a CPR number or a name)."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from helhed.core.roles import Role
from helhed.pools import selectors, services
from helhed.pools.models import Application, ApplicationStatus, Pool
from helhed.review import services as review
from tests.factories import UserFactory, make_citizen
from tests.pools.conftest import (
    AFTER_DEADLINE,
    apply,
    approve,
    evaluate,
    make_pool,
    make_result,
    resolve,
    schedule,
)


@pytest.fixture
def open_pool(officer):
    """A pool whose application window is open today."""
    today = timezone.localdate()
    return services.create_pool(
        actor=officer, name="Flere skal med", legal_basis="§ 17.46.08.10", total=Decimal("262500000"),
        period_start=today + datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=900),
        opens_on=today - datetime.timedelta(days=5), deadline=today + datetime.timedelta(days=10),
        target_result=make_result(officer, {751: 30, 101: 50}),
        tranches=schedule(start_latest=today + datetime.timedelta(days=60),
                          resolved_latest=today + datetime.timedelta(days=400),
                          effort_latest=today + datetime.timedelta(days=800)))


@pytest.fixture
def running(officer, aarhus_manager):
    """An allocated pool (Aarhus and Copenhagen) with Aarhus's review programme of named
    citizens, two of three resolved, and the first tranche paid."""
    citizens = [make_citizen(municipality=751, first_name="Vibeke", last_name=f"Puljesen{i}") for i in range(3)]
    result = make_result(officer, {101: 4}, cprs={751: [c.cpr for c in citizens]})
    pool = make_pool(officer, result, total=Decimal(1000000))
    for code in (751, 101):
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    pool.refresh_from_db()
    programme = review.create_programme(actor=aarhus_manager, result=result, municipality_id=751, name="P",
                                        started_on=datetime.date(2026, 3, 1))
    for case in list(programme.cases.order_by("number"))[:2]:
        resolve(case, datetime.date(2026, 4, 1))
    evaluate(pool, datetime.date(2026, 3, 2))
    return pool, citizens


def tranche_post(**extra):
    data = {"rate1-percent": "30", "rate1-kind": "at_start", "rate1-latest_on": "2027-06-30",
            "rate2-percent": "40", "rate2-kind": "all_resolved", "rate2-latest_on": "2028-06-30",
            "rate3-percent": "30", "rate3-kind": "effort_share", "rate3-threshold": "40", "rate3-months": "3",
            "rate3-latest_on": "2029-06-30"}
    return data | extra


def test_a_pool_officer_defines_a_pool(client, officer):
    result = make_result(officer, {751: 2})
    client.force_login(officer)
    page = client.get(reverse("pools:create"))
    assert page.status_code == 200 and "Opret en pulje" in page.content.decode()
    data = tranche_post(name="Flere skal med", legal_basis="§ 17.46.08.10", total="262.500.000", unit="1",
                        period_start="2027-01-01", period_end="2029-12-31", opens_on="2026-12-01",
                        deadline="2027-05-15", target_result=str(result.pk))
    response = client.post(reverse("pools:create"), data)
    pool = Pool.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("pools:pool", args=[pool.pk])
    assert pool.total == Decimal("262500000") and pool.tranches.count() == 3


def test_a_bad_schedule_is_shown_and_nothing_is_lost(client, officer):
    result = make_result(officer, {751: 2})
    client.force_login(officer)
    data = tranche_post(**{"rate2-percent": "50"}) | {
        "name": "Min pulje", "legal_basis": "x", "total": "1000", "unit": "1", "period_start": "2027-01-01",
        "period_end": "2029-12-31", "opens_on": "2026-12-01", "deadline": "2027-05-15",
        "target_result": str(result.pk)}
    body = client.post(reverse("pools:create"), data).content.decode()
    assert "Raterne skal tilsammen være 100 %; de er 110 %" in body
    assert 'value="Min pulje"' in body
    assert not Pool.objects.exists()


def test_a_municipality_applies_once(client, aarhus_manager, open_pool):
    client.force_login(aarhus_manager)
    page = client.get(reverse("pools:pool", args=[open_pool.pk]))
    assert "Søg puljen" in page.content.decode()
    key = str(uuid.uuid4())
    data = {"idempotency_key": key, "contact": "Peter Lund", "description": "Flere mentorer",
            "fte_caseworker": "2,5", "cost_caseworker": "1.250.000", "fte_mentor": "1", "cost_mentor": "450000"}
    first = client.post(reverse("pools:apply", args=[open_pool.pk]), data)
    again = client.post(reverse("pools:apply", args=[open_pool.pk]), data)
    application = Application.objects.get()
    assert first["Location"] == again["Location"] == reverse("pools:application", args=[application.pk])
    assert application.municipality_id == 751 and application.total_fte == Decimal("3.5")
    assert application.total_cost == Decimal("1700000")


def test_an_application_after_the_deadline_is_refused_with_a_message(client, aarhus_manager, officer):
    pool = make_pool(officer, make_result(officer, {751: 1}))  # deadline 15 February 2026
    client.force_login(aarhus_manager)
    data = {"idempotency_key": str(uuid.uuid4()), "contact": "Peter Lund", "fte_mentor": "1", "cost_mentor": "1"}
    body = client.post(reverse("pools:apply", args=[pool.pk]), data).content.decode()
    assert "Ansøgningsfristen var 15.02.2026 kl. 23.59" in body
    assert 'value="Peter Lund"' in body
    assert not Application.objects.exists()


def test_a_caseworker_cannot_apply_and_nobody_applies_for_another_municipality(client, open_pool, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    assert client.get(reverse("pools:apply", args=[open_pool.pk])).status_code == 403


def test_the_officer_decides_with_a_reason(client, officer, open_pool):
    a = apply(open_pool, 751, now=timezone.now())
    client.force_login(officer)
    url = reverse("pools:application", args=[a.pk])
    body = client.post(url, {"decision": "reject", "reason": ""}).content.decode()
    assert "Skriv en begrundelse for afslaget." in body
    client.post(url, {"decision": "reject", "reason": "Mangler plan for virksomhedskonsulenter."})
    a.refresh_from_db()
    assert a.status == ApplicationStatus.REJECTED and a.reason.startswith("Mangler")


def test_a_municipality_sees_only_its_own_application(client, open_pool, copenhagen_caseworker, aarhus_caseworker):
    a = apply(open_pool, 751, now=timezone.now())
    client.force_login(copenhagen_caseworker)
    assert client.get(reverse("pools:application", args=[a.pk])).status_code == 404
    client.force_login(aarhus_caseworker)
    assert client.get(reverse("pools:application", args=[a.pk])).status_code == 200


def test_allocate_and_evaluate_buttons(client, officer, aarhus_manager):
    later = timezone.localdate() + datetime.timedelta(days=200)
    pool = make_pool(officer, make_result(officer, {751: 3, 101: 1}), total=Decimal(1000),
                     tranches=schedule(start_latest=later, resolved_latest=later, effort_latest=later))
    approve(apply(pool, 751), officer)
    client.force_login(officer)
    client.post(reverse("pools:allocate", args=[pool.pk]))
    pool.refresh_from_db()
    assert pool.allocated_at is not None
    body = client.get(reverse("pools:pool", args=[pool.pk])).content.decode()
    assert "Uforbrugte midler: <strong>250 kr.</strong></p>" in body  # no stray full stop after "kr."
    response = client.post(reverse("pools:evaluate", args=[pool.pk]))
    batch = pool.batches.get()
    assert response.url == reverse("pools:batch", args=[batch.pk])
    assert pool.tranches.get(number=1).payouts.count() == 0  # only proposed
    page = client.get(response.url).content.decode()
    assert "Du har selv indstillet forslaget" in page and "Gem afgørelsen" not in page
    client.post(response.url, {"decision": "approve", "reason": "Jeg godkender selv."})
    assert pool.tranches.get(number=1).payouts.count() == 0  # the proposer cannot approve
    second = UserFactory(role=Role.POOL_OFFICER)
    client.force_login(second)
    page = client.get(response.url).content.decode()
    assert "Gem afgørelsen" in page and "225 kr." in page
    assert client.post(response.url, {"decision": "approve", "reason": ""}).status_code == 200  # reason required
    client.post(response.url, {"decision": "approve", "reason": "Fordelingen og periodens start er kontrolleret."})
    payout = pool.tranches.get(number=1).payouts.get()
    assert payout.amount == Decimal(225) and payout.batch == batch and payout.created_by == second
    pdf = client.get(reverse("pools:payout_pdf", args=[payout.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.force_login(aarhus_manager)
    dashboard = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert reverse("pools:payout_pdf", args=[payout.pk]) in dashboard and "225 kr." in dashboard
    assert client.get(response.url).status_code == 403  # municipalities never see proposals


def test_only_pool_officers_manage(client, aarhus_manager, officer):
    pool = make_pool(officer, make_result(officer, {751: 3}))
    client.force_login(aarhus_manager)
    for name in ("pools:allocate", "pools:evaluate"):
        assert client.post(reverse(name, args=[pool.pk])).status_code == 403
    assert client.get(reverse("pools:create")).status_code == 403
    assert client.get(reverse("pools:overview", args=[pool.pk])).status_code == 403
    assert client.get(reverse("pools:export", args=[pool.pk, "csv"])).status_code == 403


def test_the_dashboard_shows_the_municipality_and_the_nation(client, running, aarhus_caseworker, settings):
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1  # the figures themselves; suppression is tested below
    pool, _ = running
    client.force_login(aarhus_caseworker)
    body = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert "Fremdrift: Aarhus" in body
    assert "66,7 %" in body  # two of three resolved
    assert "28,6 %" in body  # the whole country: two of seven, Copenhagen's four not yet reviewed
    assert "Udbetalt (nået 1. marts 2026)" in body
    assert 'class="helhed-bar-target"' in body and "data til diagrammet" in body


def test_the_national_figures_count_every_municipality_not_only_the_one_with_a_review(running, settings):
    """Before, the country's share was Aarhus's own (2 of 3): Copenhagen had no programme."""
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, _ = running
    d = selectors.dashboard_figures(pool=pool, municipality_id=751, today=datetime.date(2026, 5, 2))
    assert (d.national.target_group, d.national.gross, d.national.resolved) == (7, 7, 2)
    assert d.national.resolved_text == "28,6 %" and d.figures.resolved_text == "66,7 %"
    o = selectors.overview(user=running[0].created_by, pool=pool, today=datetime.date(2026, 5, 2))
    assert o.national.resolved_text == "28,6 %"


def test_small_counts_are_hidden_on_the_dashboard_overview_and_api(client, running, aarhus_caseworker, officer):
    """Before, 2 of 3 resolved was shown as 66,7 % and every count of 3 and 4 was printed."""
    pool, _ = running
    client.force_login(aarhus_caseworker)
    body = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert "66,7 %" not in body and "28,6 %" not in body and ">..</td>" in body
    api = client.get(f"/api/v1/pools/{pool.pk}/municipalities/751/dashboard").json()
    assert api["figures"]["resolved"] is None and api["figures"]["resolved_percent"] is None
    assert api["figures"]["target_group"] is None and api["national"]["target_group"] == 7
    client.force_login(officer)
    page = client.get(reverse("pools:overview", args=[pool.pk])).content.decode()
    assert "66,7 %" not in page and "<strong>7</strong>" in page


def test_a_municipality_sees_only_its_own_dashboard(client, running, copenhagen_caseworker):
    pool, _ = running
    client.force_login(copenhagen_caseworker)
    assert client.get(reverse("pools:dashboard", args=[pool.pk, 751])).status_code == 404
    assert client.get(reverse("pools:dashboard_pdf", args=[pool.pk, 751])).status_code == 404
    assert client.get(reverse("pools:dashboard", args=[pool.pk, 101])).status_code == 200


def test_the_pdf_contains_the_figures_on_the_screen(client, running, aarhus_caseworker, settings):
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, _ = running
    client.force_login(aarhus_caseworker)
    d = selectors.dashboard_figures(pool=pool, municipality_id=751, today=timezone.localdate())
    screen = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    response = client.get(reverse("pools:dashboard_pdf", args=[pool.pk, 751]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    figures = [d.figures.resolved_text, d.national.resolved_text, d.allocation_text, d.paid_text,
               str(d.figures.target_group), str(d.national.target_group), d.tranches[0].amount_text]
    figures += [m.percent_text for m in d.months]
    for figure in figures:
        assert figure in screen, figure
        assert figure in text, figure
    assert "66,7 %" in text and "428.571 kr." in text


def test_the_officer_sees_every_municipality_but_never_a_name_or_cpr(client, running, officer):
    pool, citizens = running
    client.force_login(officer)
    pages = [reverse("pools:pool", args=[pool.pk]), reverse("pools:overview", args=[pool.pk]),
             reverse("pools:dashboard", args=[pool.pk, 751]), reverse("pools:export", args=[pool.pk, "csv"]),
             reverse("pools:export", args=[pool.pk, "opsummering"]), f"/api/v1/pools/{pool.pk}/payouts",
             f"/api/v1/pools/{pool.pk}/municipalities/751/dashboard"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for c in citizens:
            assert c.cpr not in body and c.cpr.replace("-", "") not in body and c.cpr_index not in body, url
            assert "Puljesen" not in body, url


def test_the_overview_sorts_on_the_server(client, officer):
    pool = make_pool(officer, make_result(officer, {751: 3, 101: 5, 147: 1}), total=Decimal(900))
    for code in (751, 101, 147):
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    client.force_login(officer)
    o = client.get(reverse("pools:overview", args=[pool.pk]), {"sorter": "tilskud", "retning": "faldende"})
    assert [r.code for r in o.context["o"].rows] == [101, 751, 147]
    assert 'aria-sort="descending"' in o.content.decode()
    o = client.get(reverse("pools:overview", args=[pool.pk]), {"sorter": "navn"})
    assert [r.name for r in o.context["o"].rows] == ["Aarhus", "Frederiksberg", "København"]
    assert "900 kr." in o.content.decode().replace("\xa0", " ")


def test_the_api(client, running, aarhus_caseworker, officer, settings):
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, _ = running
    client.force_login(aarhus_caseworker)
    assert [a["municipality"] for a in client.get(f"/api/v1/pools/{pool.pk}/allocations").json()] == [751]
    assert client.get(f"/api/v1/pools/{pool.pk}/municipalities/101/dashboard").status_code == 404
    figures = client.get(f"/api/v1/pools/{pool.pk}/municipalities/751/dashboard").json()
    assert figures["figures"]["resolved"] == 2 and figures["tranches"][0]["status"] == "udbetalt"
    assert {p["municipality"] for p in client.get(f"/api/v1/pools/{pool.pk}/payouts").json()} == {751}
    client.force_login(officer)
    pools = client.get("/api/v1/pools").json()
    assert pools[0]["unclaimed"] == "0.00" and len(pools[0]["tranches"]) == 3
    assert {a["municipality"] for a in client.get(f"/api/v1/pools/{pool.pk}/allocations").json()} == {101, 751}


def test_citizens_and_other_roles_see_no_pools(client, citizen_with_login):
    client.force_login(citizen_with_login.user)
    assert client.get(reverse("pools:index")).status_code == 403
    assert client.get("/api/v1/pools").status_code == 403
    client.force_login(UserFactory(role=Role.UDK_STAFF))
    assert client.get(reverse("pools:index")).status_code == 403
