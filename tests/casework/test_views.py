"""Pages and API routes of casework: who may see and do what, and that every read of a
citizen's data is audited."""

import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest

from helhed.casework import outbox, services
from helhed.casework.models import (
    BenefitArea,
    CaseStatus,
    ComplaintOutcome,
    LetterChannel,
    LetterKind,
    PaymentKind,
    TaskKind,
    TaskStatus,
)
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import services as registry
from tests.casework.conftest import NOW, TODAY, case_in, fresh
from tests.factories import UserFactory, make_citizen


def _audited(user, citizen):
    return AuditRecord.objects.filter(actor=user, citizen_uuid=citizen.pk).exists()


@pytest.fixture
def municipal_case(karen, worker):
    return case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)


@pytest.fixture
def udk_case(karen, udk):
    return case_in(CaseStatus.RECEIVED, citizen=karen, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)


# --- Case list and case page ------------------------------------------------------------------------

def test_caseworker_sees_the_municipalitys_cases_and_udks_of_its_citizens(client, worker, municipal_case, udk_case,
                                                                         karen):
    client.force_login(worker)
    body = client.get("/sager/").content.decode()
    assert municipal_case.reference in body and udk_case.reference in body and "Karen Holm" in body
    assert _audited(worker, karen)


def test_udk_sees_only_udk_cases(client, udk, municipal_case, udk_case):
    client.force_login(udk)
    body = client.get("/sager/").content.decode()
    assert udk_case.reference in body and municipal_case.reference not in body
    assert client.get(f"/sager/{municipal_case.pk}/").status_code == 404
    assert client.get(f"/sager/{udk_case.pk}/").status_code == 200


def test_another_municipality_sees_nothing(client, other_worker, municipal_case, udk_case, karen):
    client.force_login(other_worker)
    assert "Karen" not in client.get("/sager/").content.decode()
    for case in (municipal_case, udk_case):
        assert client.get(f"/sager/{case.pk}/").status_code == 404
        assert client.post(f"/sager/{case.pk}/handling/partshoering/", {}).status_code == 404
    assert not _audited(other_worker, karen)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.POOL_OFFICER, Role.USERORG_MEMBER, Role.ADMINISTRATOR])
def test_roles_without_casework_are_refused(client, role, municipal_case):
    client.force_login(UserFactory(role=role, is_staff=role == Role.ADMINISTRATOR,
                                   is_superuser=role == Role.ADMINISTRATOR))
    for path in ("/sager/", f"/sager/{municipal_case.pk}/", "/sager/opgaver/", "/sager/udskrift/"):
        assert client.get(path).status_code == 403, path


def test_the_case_page_shows_timeline_letters_and_actions_and_is_audited(client, worker, municipal_case, karen):
    client.force_login(worker)
    response = client.get(f"/sager/{municipal_case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1") == 1
    assert "Ansøgning modtaget" in body and "Vi har fået din ansøgning" in body and "Send partshøring" in body
    assert _audited(worker, karen)


def test_a_caseworker_moves_the_case_through_the_page(client, worker, municipal_case):
    client.force_login(worker)
    response = client.post(f"/sager/{municipal_case.pk}/handling/partshoering/", {
        "partshoering-version": municipal_case.version, "partshoering-on": "2026-03-19",
        "partshoering-facts": "Du har et job.", "partshoering-days": "14"})
    assert response.status_code == 302
    case = fresh(municipal_case)
    assert case.status == CaseStatus.HEARING and case.hearing_deadline == datetime.date(2026, 4, 7)


def test_a_stale_form_is_refused_with_409_and_keeps_the_text(client, worker, municipal_case):
    client.force_login(worker)
    services.send_hearing(case=municipal_case, version=municipal_case.version, actor=worker, on=TODAY, facts="x")
    response = client.post(f"/sager/{municipal_case.pk}/handling/afslag/", {
        "afslag-version": municipal_case.version, "afslag-on": "2026-03-02", "afslag-reasons": "Min lange tekst"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "ændret af en anden" in body and "Min lange tekst" in body


def test_an_illegal_transition_gets_a_danish_message(client, worker, municipal_case):
    client.force_login(worker)
    response = client.post(f"/sager/{municipal_case.pk}/handling/afslut/", {
        "afslut-version": municipal_case.version, "afslut-on": "2026-03-02"})
    assert response.status_code == 200
    assert "Sagen er under behandling" in response.content.decode()
    assert fresh(municipal_case).status == CaseStatus.PROCESSING


def test_bad_input_gets_danish_errors(client, worker, municipal_case):
    client.force_login(worker)
    response = client.post(f"/sager/{municipal_case.pk}/handling/bevilg/", {
        "bevilg-version": municipal_case.version, "bevilg-on": "2026-03-02", "bevilg-monthly_amount": "mange",
        "bevilg-starts_on": ""})
    body = response.content.decode()
    assert "Skriv beløbet som 1.250,50 eller 1250" in body and "Skriv en dato" in body
    assert fresh(municipal_case).status == CaseStatus.PROCESSING


def test_municipal_staff_only_read_udk_cases(client, worker, udk_case):
    client.force_login(worker)
    body = client.get(f"/sager/{udk_case.pk}/").content.decode()
    assert "kun se" in body or "ikke ændre" in body
    response = client.post(f"/sager/{udk_case.pk}/handling/behandling/", {
        "behandling-version": udk_case.version, "behandling-on": "2026-03-02"})
    assert response.status_code == 403
    assert fresh(udk_case).status == CaseStatus.RECEIVED


def test_complaint_forward_outcome_and_correction_through_the_page(client, worker, karen):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    client.force_login(worker)
    assert client.post(f"/sager/{case.pk}/klage/", {"klage-received_on": "2026-03-03",
                                                    "klage-text": "Uenig"}).status_code == 302
    complaint = case.complaints.get()
    assert client.post(f"/sager/klager/{complaint.pk}/forward/",
                       {f"forward-{complaint.pk}-on": "2026-03-04",
                        f"forward-{complaint.pk}-reasons": "Reglerne er fulgt."}).status_code == 302
    assert client.post(f"/sager/klager/{complaint.pk}/outcome/", {
        f"outcome-{complaint.pk}-on": "2026-05-04", f"outcome-{complaint.pk}-outcome": ComplaintOutcome.MISGUIDED,
    }).status_code == 302
    body = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Beregn efterbetaling" in body
    # The citizen reads the outcome about herself, not about "borgeren"; names keep their capitals.
    client.force_login(karen.user)
    for page in ("/sager/post/", f"/sager/post/{case.pk}/"):
        main = re.search(r"<main.*</main>", client.get(page).content.decode(), re.DOTALL).group(0)
        assert "vejledningen var ikke god nok" in main and "borgeren" not in main.lower(), page
    assert "afgjort af Ankestyrelsen" in client.get(f"/sager/post/{case.pk}/").content.decode()
    client.force_login(worker)
    response = client.post(f"/sager/klager/{complaint.pk}/correct/", {
        f"correct-{complaint.pk}-should_have_received_from": "2025-09-15",
        f"correct-{complaint.pk}-until": "2026-01-01",
        f"correct-{complaint.pk}-monthly_rate": "7500,00", f"correct-{complaint.pk}-on": "2026-05-10"})
    assert response.status_code == 302
    assert case.payments.get(kind=PaymentKind.BACK_PAYMENT).amount == Decimal("26612.90")


def test_other_municipality_cannot_touch_a_complaint(client, other_worker, worker, karen):
    case = case_in(CaseStatus.COMPLAINT, citizen=karen, actor=worker)
    client.force_login(other_worker)
    complaint = case.complaints.get()
    assert client.post(f"/sager/klager/{complaint.pk}/forward/",
                       {f"forward-{complaint.pk}-on": "2026-03-04"}).status_code == 404


# --- Letters, Digital Post and the print queue -------------------------------------------------------------

def test_the_citizen_reads_delivered_letters_in_digital_post_and_downloads_the_pdf(client, karen, worker):
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    client.force_login(karen.user)
    assert "Vi har fået din ansøgning" not in client.get("/sager/post/").content.decode()  # not delivered yet
    outbox.deliver(now=NOW)
    body = client.get("/sager/post/").content.decode()
    assert "Vi har fået din ansøgning" in body and "Vi vil høre dig" in body
    letter = case.letters.get(kind=LetterKind.HEARING)
    response = client.get(f"/sager/breve/{letter.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert _audited(karen.user, karen)


def test_another_citizen_cannot_read_the_letter(client, karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    outbox.deliver(now=NOW)
    other = make_citizen(first_name="Ole", last_name="Andersen", user=UserFactory(role=Role.CITIZEN))
    client.force_login(other.user)
    assert client.get(f"/sager/breve/{case.letters.get().pk}/pdf/").status_code == 404
    assert "Vi har fået din ansøgning" not in client.get("/sager/post/").content.decode()


def test_a_representative_with_power_of_attorney_sees_the_letters(client, karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    outbox.deliver(now=NOW)
    mette = make_citizen(first_name="Mette", last_name="Lund", user=UserFactory(role=Role.CITIZEN))
    grant = registry.grant_representation(citizen=karen, representative=mette, kind="fuldmagt", scope="Alt",
                                          valid_from=datetime.date(2020, 1, 1))
    client.force_login(mette.user)
    body = client.get("/sager/post/").content.decode()
    assert "Vi har fået din ansøgning" in body and "Karen Holm" in body
    assert client.get(f"/sager/breve/{case.letters.get().pk}/pdf/").status_code == 200
    assert AuditRecord.objects.filter(actor=mette.user, citizen_uuid=karen.pk).exists()
    grant.valid_until = datetime.date(2021, 1, 1)
    grant.save()
    assert "Vi har fået din ansøgning" not in client.get("/sager/post/").content.decode()
    assert client.get(f"/sager/breve/{case.letters.get().pk}/pdf/").status_code == 404


def test_a_citizen_complains_in_self_service_once(client, karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    client.force_login(karen.user)
    assert "Klag over afgørelsen" in client.get("/sager/post/").content.decode()
    key = str(uuid.uuid4())
    data = {f"klage-{case.pk}-text": "Jeg er uenig.", f"klage-{case.pk}-key": key}
    assert client.post(f"/sager/post/{case.pk}/klage/", data).status_code == 302
    assert client.post(f"/sager/post/{case.pk}/klage/", data).status_code == 302  # a double click
    assert case.complaints.count() == 1 and fresh(case).status == CaseStatus.COMPLAINT
    empty = client.post(f"/sager/post/{case.pk}/klage/", {f"klage-{case.pk}-text": "",
                                                          f"klage-{case.pk}-key": str(uuid.uuid4())})
    assert empty.status_code == 200


def test_a_citizen_cannot_complain_about_someone_elses_case(client, karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    other = make_citizen(first_name="Ole", last_name="Andersen", user=UserFactory(role=Role.CITIZEN))
    client.force_login(other.user)
    assert client.post(f"/sager/post/{case.pk}/klage/", {f"klage-{case.pk}-text": "x",
                                                         f"klage-{case.pk}-key": str(uuid.uuid4())}).status_code == 404


def test_the_print_queue_has_the_exempt_citizens_letters_until_printed(client, karen, worker, other_worker):
    registry.register_digital_post_exemption(citizen=karen, ground="no_internet", registered_on=TODAY)
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    outbox.deliver(now=NOW)
    letter = case.letters.get()
    assert letter.channel == LetterChannel.PRINT
    client.force_login(other_worker)
    assert "Karen" not in client.get("/sager/udskrift/").content.decode()
    assert client.post(f"/sager/udskrift/{letter.pk}/udskrevet/").status_code == 404
    client.force_login(worker)
    assert "Grøndalsvej 12" in client.get("/sager/udskrift/").content.decode()
    assert _audited(worker, karen)
    assert client.post(f"/sager/udskrift/{letter.pk}/udskrevet/").status_code == 302
    assert case.letters.get().printed_by == worker
    assert "Grøndalsvej 12" not in client.get("/sager/udskrift/").content.decode()


# --- The work queue ---------------------------------------------------------------------------------

def test_the_work_queue_filters_takes_and_completes(client, karen, worker, other_worker, udk):
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)
    services.send_hearing(case=case, version=case.version, actor=worker, on=TODAY, facts="x")
    task = case.tasks.get(kind=TaskKind.HEARING)
    client.force_login(other_worker)
    assert case.reference not in client.get("/sager/opgaver/").content.decode()
    assert client.post(f"/sager/opgaver/{task.pk}/tag/").status_code == 404
    client.force_login(udk)
    assert case.reference not in client.get("/sager/opgaver/").content.decode()
    client.force_login(worker)
    body = client.get("/sager/opgaver/?kind=hearing").content.decode()
    assert case.reference in body and "Karen Holm" in body and _audited(worker, karen)
    assert case.reference not in client.get("/sager/opgaver/?kind=nemkonto").content.decode()
    taker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    client.force_login(taker)
    assert client.post(f"/sager/opgaver/{task.pk}/tag/").status_code == 302
    task.refresh_from_db()
    assert task.assigned_to == taker
    assert case.reference in client.get("/sager/opgaver/?mine=1").content.decode()
    assert client.post(f"/sager/opgaver/{task.pk}/loest/", follow=True).status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == taker
    assert case.reference not in client.get("/sager/opgaver/").content.decode()
    assert case.reference in client.get("/sager/opgaver/?status=done").content.decode()


# --- The overview ---------------------------------------------------------------------------------------

def test_the_overview_shows_cases_deadlines_and_letters_with_one_audit_record(client, karen, worker):
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    client.force_login(worker)
    body = client.get(f"/borgere/{karen.pk}/").content.decode()
    assert "Sager og breve" in body and case.reference in body and "Svarfrist i partshøring" in body
    records = AuditRecord.objects.filter(actor=worker, citizen_uuid=karen.pk)
    assert records.count() == 1 and "Sager, frister og breve" in records.get().what


def test_the_citizens_own_overview_links_to_digital_post(client, karen, worker):
    case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    client.force_login(karen.user)
    body = client.get("/mit/").content.decode()
    assert "Sager og breve" in body and "/sager/post/" in body


# --- API -----------------------------------------------------------------------------------------------

def test_api_lists_reads_and_moves_a_case(client, worker, municipal_case, karen):
    client.force_login(worker)
    listed = client.get("/api/v1/casework/cases").json()
    assert [c["reference"] for c in listed] == [municipal_case.reference]
    detail = client.get(f"/api/v1/casework/cases/{municipal_case.pk}").json()
    assert detail["status"] == "processing" and detail["citizen_name"] == "Karen Holm"
    status = client.get(f"/api/v1/casework/cases/{municipal_case.pk}/status").json()
    assert status == {"reference": municipal_case.reference, "status": "processing",
                      "status_label": "Under behandling", "version": municipal_case.version,
                      "hearing_deadline": None, "decision": ""}
    events = client.get(f"/api/v1/casework/cases/{municipal_case.pk}/events").json()
    assert [e["kind"] for e in events] == ["received", "processing"]
    letters = client.get(f"/api/v1/casework/cases/{municipal_case.pk}/letters").json()
    assert letters[0]["kind"] == "receipt" and letters[0]["lix"] <= 40
    moved = client.post(f"/api/v1/casework/cases/{municipal_case.pk}/actions", json.dumps({
        "version": municipal_case.version, "action": "partshoering", "facts": "Du har et job.", "on": "2026-12-11"}),
        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["hearing_deadline"] == "2026-12-28"
    stale = client.post(f"/api/v1/casework/cases/{municipal_case.pk}/actions", json.dumps({
        "version": municipal_case.version, "action": "afslag", "reasons": "x"}), content_type="application/json")
    assert stale.status_code == 409
    illegal = client.post(f"/api/v1/casework/cases/{municipal_case.pk}/actions", json.dumps({
        "version": municipal_case.version + 1, "action": "afslut"}), content_type="application/json")
    assert illegal.status_code == 422 and "partshøring" in illegal.json()["detail"]
    assert AuditRecord.objects.filter(actor=worker, citizen_uuid=karen.pk, channel="api").exists()


def test_api_scopes_and_refuses(client, other_worker, udk, municipal_case, worker):
    client.force_login(other_worker)
    assert client.get("/api/v1/casework/cases").json() == []
    assert client.get(f"/api/v1/casework/cases/{municipal_case.pk}").status_code == 404
    assert client.get(f"/api/v1/casework/cases/{municipal_case.pk}/events").status_code == 404
    client.force_login(UserFactory(role=Role.POOL_OFFICER))
    assert client.get("/api/v1/casework/cases").status_code == 403
    assert client.get("/api/v1/casework/tasks").status_code == 403
    udk_case = case_in(CaseStatus.RECEIVED, citizen=municipal_case.citizen, actor=udk,
                       benefit_area=BenefitArea.FOLKEPENSION)
    client.force_login(worker)
    refused = client.post(f"/api/v1/casework/cases/{udk_case.pk}/actions", json.dumps({
        "version": udk_case.version, "action": "behandling"}), content_type="application/json")
    assert refused.status_code == 403


def test_api_work_queue(client, worker, other_worker, karen):
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    task = case.tasks.get()
    client.force_login(other_worker)
    assert client.get("/api/v1/casework/tasks").json() == []
    assert client.post(f"/api/v1/casework/tasks/{task.pk}/done").status_code == 404
    client.force_login(worker)
    assert [t["id"] for t in client.get("/api/v1/casework/tasks").json()] == [str(task.pk)]
    taken = client.post(f"/api/v1/casework/tasks/{task.pk}/take").json()
    assert taken["assigned_to"] == "Lene Skov"
    assert client.post(f"/api/v1/casework/tasks/{task.pk}/done").json()["status"] == "done"
    assert client.post(f"/api/v1/casework/tasks/{task.pk}/take").status_code == 422
