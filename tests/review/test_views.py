import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.review import services
from helhed.review.models import Effort, ReviewCase, Status
from tests.factories import UserFactory
from tests.review.conftest import case_of, make_programme


@pytest.fixture
def kbh_worker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[101])


def test_the_manager_makes_a_programme_in_the_browser(client, manager):
    from tests.factories import make_citizen
    from tests.review.conftest import make_result

    result = make_result(manager, [make_citizen(municipality=751).cpr])
    client.force_login(manager)
    assert "Opret et gennemgangsprogram" in client.get("/gennemgang/").content.decode()
    response = client.post("/gennemgang/", {"result": str(result.pk), "name": "Gennemgang 2026",
                                            "started_on": "2026-03-01", "review_days": "90",
                                            "denominator": "system"})
    assert response.status_code == 302
    again = client.post("/gennemgang/", {"result": str(result.pk), "name": "Igen", "started_on": "2026-03-01",
                                         "review_days": "90", "denominator": "system"})
    # A result is offered once: posted again, nothing more is made.
    from helhed.review.models import Programme

    assert again.status_code == 200 and Programme.objects.count() == 1
    assert "allerede har et program" in again.content.decode()


def test_a_caseworker_sees_only_their_municipalitys_programme(client, programme, kbh_worker, worker):
    client.force_login(kbh_worker)
    assert client.get(f"/gennemgang/program/{programme.pk}/").status_code == 404
    assert client.get(f"/gennemgang/program/{programme.pk}/sager/").status_code == 404
    case = programme.cases.first()
    assert client.get(f"/gennemgang/sager/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/review/cases/{case.pk}").status_code == 404
    assert client.get("/api/v1/review/programmes").json() == []
    client.force_login(worker)
    assert client.get(f"/gennemgang/program/{programme.pk}/").status_code == 200
    assert not AuditRecord.objects.filter(actor=kbh_worker).exists()


def test_a_pool_officer_sees_figures_never_a_citizen(client, programme_and_citizens, pool_officer, worker):
    programme, citizens = programme_and_citizens
    client.force_login(pool_officer)
    page = client.get(f"/gennemgang/program/{programme.pk}/").content.decode()
    assert "Bruttomålgruppen er 3 borgere" in page
    assert page.count('<rect class="helhed-bar"') == 12 and page.count('x1="40%"') == 12  # 12 months, goal 40 %
    assert not any(c.last_name in page for c in citizens) and "Lene" not in page
    assert client.get(f"/gennemgang/program/{programme.pk}/sager/").status_code == 404
    assert client.get(f"/gennemgang/sager/{programme.cases.first().pk}/").status_code == 404
    api = client.get(f"/api/v1/review/programmes/{programme.pk}/progress").json()
    assert api["programme"]["gross_target_group"] == 3 and api["workload"] is None
    assert len(api["months"]) == 12
    assert not AuditRecord.objects.exists()


def test_every_read_of_a_citizen_is_audited(client, programme_and_citizens, worker):
    programme, citizens = programme_and_citizens
    case = case_of(programme, citizens[0])
    client.force_login(worker)
    for path in (f"/gennemgang/program/{programme.pk}/sager/", f"/gennemgang/sager/{case.pk}/",
                 f"/api/v1/review/cases/{case.pk}", f"/borgere/{citizens[0].pk}/"):
        response = client.get(path)
        assert citizens[0].last_name in response.content.decode(), path
        assert AuditRecord.objects.filter(citizen_uuid=citizens[0].pk, actor=worker,
                                          request_id=response["X-Request-ID"]).exists(), path


def test_overdue_cases_are_listed_and_audited(client, manager):
    programme, citizens = make_programme(manager, started_on=datetime.date(2020, 1, 1))
    client.force_login(manager)
    response = client.get(f"/gennemgang/program/{programme.pk}/")
    body = response.content.decode()
    assert "3 sager har overskredet fristen" in body and citizens[0].last_name in body
    assert AuditRecord.objects.filter(citizen_uuid=citizens[0].pk, request_id=response["X-Request-ID"]).exists()


def test_the_progress_page_uses_the_same_number_of_queries_whatever_the_size(client, manager, worker):
    def count(n):
        programme, citizens = make_programme(manager, n_citizens=n, started_on=datetime.date(2020, 1, 1))
        services.assign_in_bulk(programme=programme, caseworkers=[worker, manager], actor=manager)
        for c in citizens:
            case = case_of(programme, c)
            services.add_benefit_period(case=case, actor=worker, ydelse="kontanthjaelp_aktivitetsparat",
                                        starts_on=datetime.date(2020, 1, 1), reason="Bevilling fra 2020")
            services.add_effort(case=case, actor=worker, kind="praktik", starts_on=datetime.date(2026, 1, 1),
                                employer="X", reason="Sent registreret")
        client.force_login(manager)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/gennemgang/program/{programme.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as ctx_list:
            assert client.get(f"/gennemgang/program/{programme.pk}/sager/").status_code == 200
        return len(ctx), len(ctx_list)

    assert count(2) == count(12)


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, programme, worker, manager):
    case = programme.cases.first()
    opened = case.version
    services.save_case(case=case, version=opened, actor=manager, on=datetime.date(2026, 5, 1),
                       skaanehensyn="Lederens tekst")
    client.force_login(worker)
    response = client.post(f"/gennemgang/sager/{case.pk}/gem/", {
        "gennemgang-version": opened, "gennemgang-skaanehensyn": "Lenes lange tekst", "gennemgang-exemption": "",
        "gennemgang-track": "", "gennemgang-effort_kind": "", "gennemgang-rehab_outcome": ""})
    body = response.content.decode()
    assert response.status_code == 409 and "Sagen er ændret af Peter Lund" in body
    assert "Lenes lange tekst" in body
    assert ReviewCase.objects.get(pk=case.pk).skaanehensyn == "Lederens tekst"


def test_an_illegal_transition_in_the_browser_shows_the_message(client, programme, worker):
    case = programme.cases.first()
    client.force_login(worker)
    response = client.post(f"/gennemgang/sager/{case.pk}/status/", {
        "status-version": case.version, "status-to": Status.VISITERET, "status-on": "2026-11-20"})
    assert "En sag med status »ikke påbegyndt« kan ikke blive »visiteret«." in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).status == Status.NOT_STARTED
    ok = client.post(f"/gennemgang/sager/{case.pk}/status/", {
        "status-version": case.version, "status-to": Status.IN_REVIEW, "status-on": "2026-11-20"})
    assert ok.status_code == 302 and ReviewCase.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_an_effort_form_posted_twice_is_one_effort(client, programme, worker):
    case = programme.cases.first()
    client.force_login(worker)
    data = {"indsats-idempotency_key": str(uuid.uuid4()), "indsats-kind": "praktik",
            "indsats-starts_on": "2026-11-20", "indsats-employer": "Fiktiv ApS", "indsats-hours_per_week": "10,5"}
    assert client.post(f"/gennemgang/sager/{case.pk}/indsats/", data).status_code == 302
    assert client.post(f"/gennemgang/sager/{case.pk}/indsats/", data).status_code == 302
    assert Effort.objects.filter(case=case).count() == 1
    bad = client.post(f"/gennemgang/sager/{case.pk}/indsats/", data | {
        "indsats-idempotency_key": str(uuid.uuid4()), "indsats-employer": ""})
    assert "skal have en arbejdsgiver" in bad.content.decode()


def test_the_api_refuses_a_stale_status_change_with_409(client, programme, worker):
    case = programme.cases.first()
    client.force_login(worker)
    url = f"/api/v1/review/cases/{case.pk}/status"
    ok = client.post(url, json.dumps({"version": case.version, "to": "in_review"}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "in_review"
    stale = client.post(url, json.dumps({"version": case.version, "to": "closed", "close_reason": "moved"}),
                        content_type="application/json")
    assert stale.status_code == 409
    illegal = client.post(url, json.dumps({"version": ok.json()["version"], "to": "visiteret"}),
                          content_type="application/json")
    assert illegal.status_code == 422 and "kan ikke blive" in illegal.json()["detail"]


def test_the_decision_is_on_the_overview_and_in_the_citizens_own_view(client, manager, worker):
    from tests.factories import make_citizen
    from tests.review.conftest import make_result
    from tests.review.test_state_machine import bring_to

    login = UserFactory(role=Role.CITIZEN)
    citizen = make_citizen(municipality=751, first_name="Karen", last_name="Holmsen", user=login)
    result = make_result(manager, [citizen.cpr])
    programme = services.create_programme(actor=manager, result=result, municipality_id=751, name="P",
                                          started_on=datetime.date(2026, 1, 1))
    bring_to(programme.cases.get(), Status.VISITERET, worker)
    client.force_login(worker)
    assert "Du skal have et tilbud på en arbejdsplads: virksomhedspraktik." in client.get(
        f"/borgere/{citizen.pk}/").content.decode()
    client.force_login(login)
    own = client.get("/mit/").content.decode()
    assert "Gennemgang af sagen" in own and "Du skal have et tilbud på en arbejdsplads" in own
    assert "Socialoverlægens" not in own
