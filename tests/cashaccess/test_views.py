"""The pages of municipal staff and the citizen: permissions, audit and the forms' bad input."""

import datetime
import uuid

import pytest

from helhed.cashaccess.models import Arrangement, Handout, Solution
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.cashaccess.conftest import hand_out, pay_cash
from tests.factories import UserFactory, make_citizen


def test_a_jobcentre_manager_records_a_solution_for_their_own_municipality(client, db):
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    client.force_login(manager)
    assert client.get("/kontantadgang/loesninger/ny/").status_code == 200
    response = client.post("/kontantadgang/loesninger/ny/", {
        "kind": "cash_card", "name": "Kontantkort", "provider": "Fiktiv Bank", "starts_on": "2026-01-01",
        "ends_on": "2025-01-01",
    })
    assert response.status_code == 200 and "Slutdatoen ligger før startdatoen" in response.content.decode()
    response = client.post("/kontantadgang/loesninger/ny/", {
        "kind": "cash_card", "name": "Kontantkort", "provider": "Fiktiv Bank", "starts_on": "2026-01-01",
        "locations": "Rådhuset\nBiblioteket",
    })
    assert response.status_code == 302
    solution = Solution.objects.get()
    assert solution.municipality_id == 751 and solution.location_list() == ["Rådhuset", "Biblioteket"]
    assert "Kontantkort" in client.get("/kontantadgang/loesninger/").content.decode()


def test_borgerservice_sees_but_does_not_record_solutions(client, outreach):
    client.force_login(UserFactory(role=Role.BORGERSERVICE, municipalities=[101]))
    assert "Partnerbank" in client.get("/kontantadgang/loesninger/").content.decode()
    assert client.get("/kontantadgang/loesninger/ny/").status_code == 403
    assert client.get(f"/kontantadgang/loesninger/{outreach.pk}/").status_code == 403


def test_another_municipality_cannot_change_or_see_a_solution(client, outreach):
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751]))
    assert "Partnerbank" not in client.get("/kontantadgang/loesninger/").content.decode()
    assert client.get(f"/kontantadgang/loesninger/{outreach.pk}/").status_code == 404


def test_a_caseworker_sets_up_an_arrangement_from_the_citizens_overview(client, kbh_caseworker, homeless, outreach):
    client.force_login(kbh_caseworker)
    overview = client.get(f"/borgere/{homeless.pk}/").content.decode()
    new = f"/kontantadgang/borgere/{homeless.pk}/ny-ordning/"
    assert "Ingen aktiv kontantordning" in overview and new in overview
    page = client.get(new)
    assert "Jens Gadeplansen" in page.content.decode()
    assert AuditRecord.objects.filter(citizen_uuid=homeless.pk, request_id=page["X-Request-ID"]).exists()
    form = {"solution": str(outreach.pk), "incapacity": "homeless", "benefit": "kontanthjaelp",
            "payout_route": "nemkonto", "schedule": "twice_monthly", "handed_out_by": "Gadeplansmedarbejder",
            "starts_on": "2026-02-01"}
    refused = client.post(new, form)
    assert refused.status_code == 200 and "ingen NemKonto" in refused.content.decode()
    response = client.post(new, {**form, "payout_route": "cash"})
    arrangement = Arrangement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kontantadgang/ordninger/{arrangement.pk}/"
    overview = client.get(f"/borgere/{homeless.pk}/").content.decode()
    assert "Partnerbank" in overview and "Kontant udbetaling" in overview


def test_the_arrangement_page_logs_handouts_once_per_form(client, kbh_caseworker, arrangement):
    pay_cash(arrangement.citizen, "2650.00", datetime.date(2026, 3, 1))
    client.force_login(kbh_caseworker)
    page = client.get(f"/kontantadgang/ordninger/{arrangement.pk}/")
    body = page.content.decode()
    assert "Jens Gadeplansen" in body and 'name="idempotency_key"' in body
    assert AuditRecord.objects.filter(citizen_uuid=arrangement.citizen_id, request_id=page["X-Request-ID"],
                                      what="Navn, kontantordning og udleveringslog").exists()
    key = str(uuid.uuid4())
    form = {"idempotency_key": key, "handed_out_on": "2026-03-01", "kind": "cash", "amount": "2650,00",
            "card": "", "acknowledgement": "signed"}
    url = f"/kontantadgang/ordninger/{arrangement.pk}/udlevering/"
    assert client.post(url, form).status_code == 302
    second = client.post(url, form, follow=True)
    assert "allerede registreret" in second.content.decode()
    assert Handout.objects.count() == 1 and Handout.objects.get().amount == 2650
    bad = client.post(url, {**form, "idempotency_key": str(uuid.uuid4()), "amount": ""})
    assert bad.status_code == 200 and "Skriv det udleverede beløb" in bad.content.decode()
    assert Handout.objects.count() == 1


def test_illegal_status_changes_are_refused_with_a_message(client, kbh_caseworker, arrangement):
    client.force_login(kbh_caseworker)
    url = f"/kontantadgang/ordninger/{arrangement.pk}/status/"
    response = client.post(url, {"status": "active", "on": "2026-03-01", "reason": "x"})
    assert response.status_code == 200 and "kan ikke blive aktiv" in response.content.decode()
    response = client.post(url, {"status": "ended", "on": "2026-03-01", "reason": "Flyttet",
                                 "following_payout_route": ""})
    assert "må ikke stå uden udbetalingsvej" in response.content.decode()
    assert client.post(url, {"status": "ended", "on": "2026-03-01", "reason": "Flyttet",
                             "following_payout_route": "cash"}).status_code == 302
    assert Arrangement.objects.get().status == "ended"
    page = client.get(f"/kontantadgang/ordninger/{arrangement.pk}/").content.decode()
    assert "Registrér en udlevering" not in page
    key = str(uuid.uuid4())
    response = client.post(f"/kontantadgang/ordninger/{arrangement.pk}/udlevering/", {
        "idempotency_key": key, "handed_out_on": "2026-03-01", "kind": "cash", "amount": "100",
        "acknowledgement": "signed"})
    assert "afsluttet" in response.content.decode() and not Handout.objects.exists()


def test_the_arrangement_list_audits_every_citizen_shown(client, kbh_caseworker, arrangement):
    client.force_login(kbh_caseworker)
    response = client.get("/kontantadgang/ordninger/")
    assert "Jens Gadeplansen" in response.content.decode()
    assert AuditRecord.objects.filter(citizen_uuid=arrangement.citizen_id,
                                      request_id=response["X-Request-ID"]).exists()
    found = client.post("/kontantadgang/ordninger/", {"q": "gadeplansen"}).content.decode()
    assert f"/kontantadgang/borgere/{arrangement.citizen_id}/ny-ordning/" in found


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.BORGERSERVICE])
def test_another_municipality_gets_not_found(client, arrangement, role):
    client.force_login(UserFactory(role=role, municipalities=[751]))
    assert client.get(f"/kontantadgang/ordninger/{arrangement.pk}/").status_code == 404
    assert client.get(f"/kontantadgang/borgere/{arrangement.citizen_id}/ny-ordning/").status_code == 404
    assert "Gadeplansen" not in client.get("/kontantadgang/ordninger/").content.decode()
    assert not AuditRecord.objects.filter(citizen_uuid=arrangement.citizen_id).exists()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_MEMBER, Role.ADMINISTRATOR, Role.POOL_OFFICER, Role.UDK_STAFF,
                                  Role.JOBCENTRE_MANAGER])
def test_roles_that_do_not_serve_cash_arrangements_are_refused(client, arrangement, role):
    user = UserFactory(role=role, municipalities=[101], is_staff=role == Role.ADMINISTRATOR,
                       is_superuser=role == Role.ADMINISTRATOR)
    client.force_login(user)
    for path in ("/kontantadgang/ordninger/", f"/kontantadgang/ordninger/{arrangement.pk}/",
                 f"/kontantadgang/borgere/{arrangement.citizen_id}/ny-ordning/"):
        assert client.get(path).status_code == 403, path


def test_the_citizen_sees_their_own_arrangement_and_handouts_in_self_service(client, outreach, kbh_caseworker):
    login = UserFactory(role=Role.CITIZEN)
    citizen = make_citizen(municipality=101, first_name="Jan", last_name="Olsen", nemkonto="missing", user=login)
    from tests.cashaccess.conftest import arrange

    arrangement = arrange(citizen, outreach, kbh_caseworker)
    hand_out(arrangement, kbh_caseworker, handed_out_on=datetime.date(2026, 3, 15))
    client.force_login(login)
    page = client.get("/mit/").content.decode()
    assert "Kontantadgang" in page and "15. marts 2026: 2.650 kr. i kontanter" in page
    assert "Se hele udleveringsloggen" not in page  # staff pages are not linked for the citizen
    record = AuditRecord.objects.filter(citizen_uuid=citizen.pk).latest("at")
    assert "Kontantordninger og udleveringer" in record.what
    assert client.get(f"/kontantadgang/ordninger/{arrangement.pk}/").status_code == 403
