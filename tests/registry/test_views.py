import datetime

import pytest

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import services
from tests.factories import UserFactory, make_citizen


@pytest.fixture
def karen(db):
    return make_citizen(municipality=751, first_name="Karen", last_name="Holm", phone="20 11 22 33")


def test_caseworker_searches_by_name_and_opens_the_overview(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    page = client.post("/borgere/", {"q": "Holm"})
    assert page.status_code == 200
    assert f"/borgere/{karen.pk}/" in page.content.decode()
    overview = client.get(f"/borgere/{karen.pk}/")
    body = overview.content.decode()
    assert overview.status_code == 200
    assert karen.cpr in body and "20 11 22 33" in body and "Aarhus Kommune" in body
    assert AuditRecord.objects.filter(citizen_uuid=karen.pk, actor=aarhus_caseworker).count() == 2


def test_search_by_cpr_is_posted_so_the_number_stays_out_of_urls(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    page = client.post("/borgere/", {"q": karen.cpr})
    assert page.status_code == 200
    assert karen.full_name in page.content.decode()
    # A GET with the number in the query string does not search.
    assert karen.full_name not in client.get("/borgere/", {"q": karen.cpr}).content.decode()


def test_invalid_cpr_search_shows_a_danish_error_without_the_number(client, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    body = client.post("/borgere/", {"q": "320199-1234"}).content.decode()
    assert "ikke en gyldig dato" in body
    assert 'aria-invalid="true"' in body
    assert "320199" not in body.replace('value="320199-1234"', "")


def test_empty_search_asks_for_input(client, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    assert "Skriv et CPR-nummer eller et navn." in client.post("/borgere/", {"q": ""}).content.decode()


def test_other_municipality_gets_not_found(client, copenhagen_caseworker, karen):
    client.force_login(copenhagen_caseworker)
    assert client.get(f"/borgere/{karen.pk}/").status_code == 404
    assert karen.full_name not in client.post("/borgere/", {"q": "Holm"}).content.decode()


def test_pool_officer_may_not_search(client, karen):
    client.force_login(UserFactory(role=Role.POOL_OFFICER))
    assert client.get("/borgere/").status_code == 403
    assert client.get(f"/borgere/{karen.pk}/").status_code == 403


def test_superuser_administrator_does_not_read_citizens(client, karen):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True))
    assert client.get("/borgere/").status_code == 403
    assert client.get(f"/borgere/{karen.pk}/").status_code == 403


def test_overview_shows_representation_both_ways(client, db):
    erik = make_citizen(municipality=360, first_name="Erik", last_name="Sørensen")
    mette = make_citizen(municipality=376, first_name="Mette", last_name="Lund")
    services.grant_representation(citizen=erik, representative=mette, kind="fuldmagt",
                                  scope="Alle sager", valid_from=datetime.date(2025, 1, 1))
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[360]))
    body = client.get(f"/borgere/{erik.pk}/").content.decode()
    assert "Mette Lund har fuldmagt: Alle sager" in body
    # Mette's name was read too, and that read is in her log.
    assert AuditRecord.objects.filter(citizen_uuid=mette.pk).exists()


def test_citizen_sees_own_data_and_who_looked(client, citizen_with_login, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    client.get(f"/borgere/{citizen_with_login.pk}/")
    client.force_login(citizen_with_login.user)
    mine = client.get("/mit/")
    assert mine.status_code == 200 and citizen_with_login.cpr in mine.content.decode()
    log = client.get("/mit/log/").content.decode()
    assert "Lene Skov, sagsbehandler (kommune), Aarhus Kommune" in log
    assert "Sagsbehandling: overblik over borgeren" in log
    assert "Dig selv" in log


def test_citizen_cannot_open_another_citizen(client, citizen_with_login, karen):
    client.force_login(citizen_with_login.user)
    assert client.get(f"/borgere/{karen.pk}/").status_code == 403
    assert client.get(f"/api/v1/citizens/{karen.pk}").status_code == 404
    assert client.get(f"/api/v1/citizens/{citizen_with_login.pk}").status_code == 200


def test_anonymous_is_sent_to_login(client, karen):
    response = client.get(f"/borgere/{karen.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/log-ind/")
    assert str(karen.pk) in response["Location"] and karen.cpr not in response["Location"]


def test_api_search_and_detail(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    found = client.post("/api/v1/citizens/search", {"q": "holm"}, content_type="application/json").json()
    assert found == [{"id": str(karen.pk), "name": "Karen Holm", "birth_date": "1972-03-14",
                      "home_municipality": 751, "home_municipality_name": "Aarhus"}]
    detail = client.get(f"/api/v1/citizens/{karen.pk}").json()
    assert detail["cpr"] == karen.cpr and detail["sex"] == "K"
    bad = client.post("/api/v1/citizens/search", {"q": "320199-1234"}, content_type="application/json")
    assert bad.status_code == 422 and "gyldig dato" in bad.json()["detail"]


def test_api_audit_log_for_citizen(client, citizen_with_login, aarhus_caseworker):
    client.force_login(aarhus_caseworker)
    client.get(f"/api/v1/citizens/{citizen_with_login.pk}")
    assert client.get("/api/v1/me/audit-log").status_code == 403
    client.force_login(citizen_with_login.user)
    log = client.get("/api/v1/me/audit-log").json()
    assert log[0]["actor_name"] == "Lene Skov" and log[0]["channel"] == "api"
