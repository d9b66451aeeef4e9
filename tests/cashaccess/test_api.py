"""The cash-access API for municipal staff: scoped, audited, idempotent."""

import datetime
import json
import uuid

from helhed.cashaccess.models import Handout, Solution
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.cashaccess.conftest import pay_cash
from tests.factories import UserFactory


def test_solutions_are_listed_and_recorded_for_the_users_own_municipality(client, outreach):
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    client.force_login(manager)
    assert client.get("/api/v1/cashaccess/solutions").json() == []
    payload = {"kind": "cash_card", "name": "Kontantkort", "provider": "Fiktiv Bank", "starts_on": "2026-01-01",
               "locations": ["Rådhuset"]}
    response = client.post("/api/v1/cashaccess/solutions", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201 and response.json()["municipality"] == 751
    bad = client.post("/api/v1/cashaccess/solutions", json.dumps({**payload, "ends_on": "2025-01-01"}),
                      content_type="application/json")
    assert bad.status_code == 422 and "Slutdatoen" in bad.json()["detail"]
    assert [s["name"] for s in client.get("/api/v1/cashaccess/solutions").json()] == ["Kontantkort"]
    assert Solution.objects.filter(municipality_id=751).count() == 1


def test_an_arrangement_read_through_the_api_is_audited(client, kbh_caseworker, arrangement):
    client.force_login(kbh_caseworker)
    response = client.get(f"/api/v1/cashaccess/arrangements/{arrangement.pk}")
    assert response.status_code == 200 and response.json()["citizen_name"] == "Jens Gadeplansen"
    assert AuditRecord.objects.filter(citizen_uuid=arrangement.citizen_id, channel="api",
                                      request_id=response["X-Request-ID"]).exists()
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751]))
    assert client.get(f"/api/v1/cashaccess/arrangements/{arrangement.pk}").status_code == 404


def test_a_handout_posted_twice_with_one_key_is_one_handout(client, kbh_caseworker, arrangement):
    pay_cash(arrangement.citizen, "2650.00", datetime.date(2026, 3, 1))
    client.force_login(kbh_caseworker)
    body = json.dumps({"idempotency_key": str(uuid.uuid4()), "handed_out_on": "2026-03-01", "kind": "cash",
                       "amount": "2650.00", "acknowledgement": "signed"})
    url = f"/api/v1/cashaccess/arrangements/{arrangement.pk}/handouts"
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert Handout.objects.count() == 1


def test_the_partnership_cannot_reach_the_municipal_api(client, partner, arrangement):
    client.force_login(partner)
    assert client.get("/api/v1/cashaccess/solutions").status_code == 403
    assert client.get(f"/api/v1/cashaccess/arrangements/{arrangement.pk}").status_code == 403
