"""The pages and API for two-dated facts: the case page shows both dates and what waits, a
colleague approves on the approvals page, the programme page imports a register extract."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.review import services
from helhed.review.models import Approval, Effort, RegisterImport
from tests.factories import UserFactory
from tests.review.conftest import extract_csv

D = datetime.date
KH = "kontanthjaelp_aktivitetsparat"


@pytest.fixture
def colleague(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Ole", last_name="Vang")


@pytest.fixture
def late_effort(programme, worker):
    case = programme.cases.first()
    effort, _ = services.add_effort(case=case, actor=worker, kind="praktik", starts_on=D(2026, 9, 1),
                                    employer="Fiktiv ApS", reason="Aftalen kom sent.")
    return effort


def test_the_case_page_shows_both_dates_and_what_waits(client, late_effort, worker):
    client.force_login(worker)
    page = client.get(f"/gennemgang/sager/{late_effort.case_id}/").content.decode()
    assert "1 oplysning venter på godkendelse" in page
    assert "24. november 2026 kl. 12.00" in page and "1. september 2026" in page
    assert "Venter på godkendelse" in page and "Aftalen kom sent." in page


def test_a_colleague_approves_on_the_approvals_page_and_the_one_who_entered_cannot(
        client, programme, late_effort, worker, colleague):
    url = f"/gennemgang/program/{programme.pk}/godkendelser/"
    client.force_login(worker)
    own = client.get(url).content.decode()
    assert "Du har selv registreret oplysningen" in own and 'value="approve"' not in own
    refused = client.post(url, {"kind": "effort", "pk": str(late_effort.pk), "decision": "approve",
                                "decision_reason": "Selv"})
    assert "selv registreret" in refused.content.decode()
    assert Effort.objects.get(pk=late_effort.pk).state == Approval.PENDING
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert 'value="approve"' in page and "Aftalen kom sent." in page
    assert AuditRecord.objects.filter(actor=colleague, purpose="Gennemgang: godkendelse af oplysninger").exists()
    missing = client.post(url, {"kind": "effort", "pk": str(late_effort.pk), "decision": "approve"})
    assert missing.status_code == 200 and "Skriv en begrundelse" in missing.content.decode()
    done = client.post(url, {"kind": "effort", "pk": str(late_effort.pk), "decision": "approve",
                             "decision_reason": "Aftalen er set."})
    assert done.status_code == 302
    effort = Effort.objects.get(pk=late_effort.pk)
    assert effort.state == Approval.APPROVED and effort.decision.decided_by == colleague
    assert "Der er ingen oplysninger, der venter" in client.get(url).content.decode()


def test_the_api_shows_the_dates_and_decides(client, late_effort, worker, colleague):
    client.force_login(worker)
    case = client.get(f"/api/v1/review/cases/{late_effort.case_id}").json()
    effort = case["efforts"][0]
    assert effort["approval"] == "pending" and effort["starts_on"] == "2026-09-01"
    assert effort["entered_at"].startswith("2026-11-24")
    url = f"/api/v1/review/facts/effort/{late_effort.pk}/decision"
    own = client.post(url, json.dumps({"approve": True, "reason": "OK"}), content_type="application/json")
    assert own.status_code == 422
    client.force_login(colleague)
    ok = client.post(url, json.dumps({"approve": False, "reason": "Ingen aftale."}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["approval"] == "rejected"
    outsider = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    client.force_login(outsider)
    assert client.post(url, json.dumps({"approve": True, "reason": "x"}),
                       content_type="application/json").status_code == 404


def test_the_programme_page_offers_the_extract_import(client, programme_and_citizens, manager, worker):
    programme, citizens = programme_and_citizens
    client.force_login(worker)
    assert "Indlæs et nyere registerudtræk" not in client.get(f"/gennemgang/program/{programme.pk}/").content.decode()
    assert client.get(f"/gennemgang/program/{programme.pk}/registerudtraek/").status_code == 404
    client.force_login(manager)
    assert "Indlæs et nyere registerudtræk" in client.get(f"/gennemgang/program/{programme.pk}/").content.decode()
    url = f"/gennemgang/program/{programme.pk}/registerudtraek/"
    content = extract_csv([(c.cpr, 751, KH, D(2020, 1, 1), None) for c in citizens])
    response = client.post(url, {"file": SimpleUploadedFile("perioder.csv", content), "extract_on": "2026-11-01",
                                 "kind": "periods"})
    assert response.status_code == 302
    batch = RegisterImport.objects.get(programme=programme)
    assert batch.members_found == 3 and batch.extract_on == D(2026, 11, 1)
    page = client.get(url).content.decode()
    assert "perioder.csv" in page and batch.sha256[:16] not in page  # the hash is kept, not shown
    again = client.post(url, {"file": SimpleUploadedFile("perioder.csv", content), "extract_on": "2026-11-02",
                              "kind": "periods"}).content.decode()
    assert "allerede indlæst" in again


@pytest.mark.parametrize(("kind", "pk"), [("event", "abc"), ("effort", "abc"), ("nothing", "1")])
def test_a_bad_fact_reference_is_a_message_not_an_error(client, programme, worker, kind, pk):
    client.force_login(worker)
    response = client.post(f"/gennemgang/program/{programme.pk}/godkendelser/",
                           {"kind": kind, "pk": pk, "decision": "approve", "decision_reason": "x"})
    assert response.status_code == 200
    assert "findes ikke" in response.content.decode() or "Ukendt" in response.content.decode()


def test_a_refused_file_import_answers_400_like_the_register_upload(client, programme, manager, worker):
    """The effort import and the register import re-show the form with the error and status
    400 (docs/api.md: a refused form is 400), as the register upload does; nothing is saved."""
    outsider = "0101801234"
    client.force_login(worker)
    efforts = client.post(f"/gennemgang/program/{programme.pk}/indlaes/", {
        "file": SimpleUploadedFile("juli.csv", f"cpr,type,start,slut,timer,arbejdsgiver\n"
                                               f"{outsider},praktik,2026-07-01,,10,X\n".encode())})
    assert efforts.status_code == 400 and "Fejl i inddata: juli.csv, række 1" in efforts.content.decode()
    assert not Effort.objects.exists()
    client.force_login(manager)
    register = client.post(f"/gennemgang/program/{programme.pk}/registerudtraek/", {
        "file": SimpleUploadedFile("perioder.csv", b"\xff\xfe\x00binary"), "extract_on": "2026-11-01",
        "kind": "periods"})
    assert register.status_code == 400 and not RegisterImport.objects.exists()
