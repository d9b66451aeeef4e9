"""The review pages cost the same number of queries whatever the amount of data: the
programme list, a programme's progress, its case list (with its filters), one case with its
efforts and benefit periods, and the effort import page."""

import datetime

import pytest
from django.utils import timezone

from helhed.review import measures, services
from helhed.review.models import EffortImport, Status
from tests.factories import make_citizen
from tests.query_counts import count_queries
from tests.review.conftest import make_programme, make_result


def _assert_constant(client, path, grow, small_n, large_n, django_assert_num_queries):
    grow(small_n)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    grow(large_n - small_n)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


def _work_on(programme, citizens, manager, worker):
    """Assign the cases, and give each one a benefit period, an effort, a saved afklaring and
    (for every other one) a move to afklaret."""
    services.assign_in_bulk(programme=programme, caseworkers=[worker, manager], actor=manager)
    for i, citizen in enumerate(citizens):
        case = programme.cases.get(citizen=citizen)
        services.add_benefit_period(
            reason="Registreret sent", case=case, actor=worker, ydelse="kontanthjaelp_aktivitetsparat",
            starts_on=datetime.date(2020, 1, 1))
        services.add_effort(
            reason="Registreret sent", case=case, actor=worker, kind="praktik", starts_on=datetime.date(2026, 3, 2),
            employer="Fiktiv A/S")
        case.refresh_from_db()
        services.save_case(case=case, version=case.version, actor=worker, on=datetime.date(2026, 4, 1),
                           skaanehensyn="Ingen.")
        if i % 2:
            case.refresh_from_db()
            services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker,
                                   on=datetime.date(2026, 4, 2), reason="Registreret sent")


PROGRAMME_PAGES = {
    "progress": "/gennemgang/program/{programme}/",
    "cases": "/gennemgang/program/{programme}/sager/",
    "cases in review": f"/gennemgang/program/{{programme}}/sager/?status={Status.IN_REVIEW}",
    "my cases": "/gennemgang/program/{programme}/sager/?mine=1",
    "api progress": "/api/v1/review/programmes/{programme}/progress",
}


@pytest.mark.parametrize("page", PROGRAMME_PAGES)
def test_programme_pages_cost_the_same_for_more_cases(client, manager, worker, page, django_assert_num_queries):
    programme = None
    made = []

    def grow(n):
        citizens = [make_citizen(municipality=751, first_name=f"Borger{len(made) + i}", last_name="Gennemgangsen",
                                 birth_date=datetime.date(1960 + (len(made) + i) % 40, 3, 2 + i % 25))
                    for i in range(n)]
        made.extend(citizens)
        # The target group is fixed when the programme is made: a new programme over all so far.
        nonlocal programme
        programme = services.create_programme(actor=manager, result=make_result(manager, [c.cpr for c in made]),
                                              municipality_id=751, name="Program",
                                              started_on=datetime.date(2020, 1, 1))
        _work_on(programme, made, manager, worker)
        services.record_measurement(programme=programme, actor=manager,
                                    measure=measures.all_afklaret_og_visiteret(programme, on=timezone.localdate()))
        services.record_measurement(programme=programme, actor=manager,
                                    measure=measures.monthly_effort_share(programme, timezone.localdate()))

    # The path names the programme, which is made anew as it grows; count on the last one.
    client.force_login(worker if page == "my cases" else manager)
    grow(2)
    path = PROGRAMME_PAGES[page].format(programme=programme.pk)
    count_queries(client, path)
    small = count_queries(client, path)
    grow(10)
    path = PROGRAMME_PAGES[page].format(programme=programme.pk)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/gennemgang/", "/api/v1/review/programmes"])
def test_the_programme_list_costs_the_same_for_more_programmes(client, manager, worker, path,
                                                              django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            programme, citizens = make_programme(manager, n_citizens=2)
            _work_on(programme, citizens, manager, worker)

    client.force_login(manager)
    _assert_constant(client, path, grow, 1, 6, django_assert_num_queries)


@pytest.mark.parametrize("path", ["/gennemgang/sager/{case}/", "/api/v1/review/cases/{case}"])
def test_a_case_page_costs_the_same_for_a_longer_case(client, manager, worker, path, django_assert_num_queries):
    programme, citizens = make_programme(manager, n_citizens=1)
    case = programme.cases.get()
    case = services.assign_case(case=case, caseworker=worker, actor=manager, on=datetime.date(2026, 3, 2))
    day = [0]

    def grow(n):
        for _ in range(n):
            day[0] += 1
            on = datetime.date(2026, 3, 1) + datetime.timedelta(days=day[0])
            services.add_effort(
                reason="Registreret sent", case=case, actor=worker, kind="praktik", starts_on=on, employer="Fiktiv A/S")
            services.add_benefit_period(
                reason="Registreret sent", case=case, actor=worker, ydelse="kontanthjaelp_aktivitetsparat",
                starts_on=on, ends_on=on)
            case.refresh_from_db()
            services.save_case(case=case, version=case.version, actor=worker, on=on, skaanehensyn=f"Note {day[0]}")

    client.force_login(worker)
    _assert_constant(client, path.format(case=case.pk), grow, 2, 12, django_assert_num_queries)


def test_the_import_page_costs_the_same_for_more_imports(client, manager, worker, django_assert_num_queries):
    programme, _ = make_programme(manager, n_citizens=1)

    def grow(n):
        start = EffortImport.objects.count()
        for i in range(start, start + n):
            EffortImport.objects.create(programme=programme, original_name=f"indsatser{i}.csv",
                                        sha256=f"{i:064x}", rows=3, created_by=worker)

    client.force_login(worker)
    _assert_constant(client, f"/gennemgang/program/{programme.pk}/indlaes/", grow, 2, 25,
                     django_assert_num_queries)
