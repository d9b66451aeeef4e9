"""Hearings that hold (forvaltningsloven §§ 19 and 21), reconsideration and complaint
deadlines (retssikkerhedsloven §§ 66-67), and representatives and contact persons acting in
them. Every date is explicit or frozen with time_machine."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhed.casework import outbox, policy, services
from helhed.casework.models import (
    CaseStatus,
    ComplaintStage,
    EventKind,
    HearingPurpose,
    LetterKind,
    PaymentKind,
    RespondedBy,
    ResponseChannel,
    TaskKind,
    TaskStatus,
)
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import services as registry
from tests.casework.conftest import NOW, TODAY, case_in, fresh
from tests.factories import UserFactory, make_citizen

D = datetime.date
EXEMPT = {"no_hearing_ground": "kendte_oplysninger", "no_hearing_reason": "Borgeren oplyste det selv."}


def _hearing(case, actor, sent):
    case = case_in(CaseStatus.PROCESSING, citizen=case, actor=actor) if not hasattr(case, "status") else case
    return fresh(services.send_hearing(case=case, version=case.version, actor=actor, on=sent, facts="Du har et job."))


def _refuse(case, actor, on, **kwargs):
    case = fresh(case)
    return services.refuse(case=case, version=case.version, actor=actor, on=on, reasons="Du tjener for meget.",
                           **kwargs)


# --- The hearing holds -----------------------------------------------------------------------------

def test_a_refusal_waits_for_the_hearing_over_easter(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 19))  # + 14 days is Skærtorsdag; Easter Monday is 6 April
    assert case.hearing_deadline == D(2026, 4, 7)
    for day in (D(2026, 3, 20), D(2026, 4, 6), D(2026, 4, 7)):
        with pytest.raises(ValidationError) as caught:
            _refuse(case, worker, day)
        assert caught.value.code == "hearing_open"
        assert "07.04.2026" in caught.value.messages[0] and "forvaltningsloven" in caught.value.messages[0]
    assert fresh(case).status == CaseStatus.HEARING
    assert case.tasks.get(kind=TaskKind.HEARING).status == TaskStatus.OPEN  # not closed silently
    _refuse(case, worker, D(2026, 4, 8))
    assert fresh(case).status == CaseStatus.DECIDED
    assert case.tasks.get(kind=TaskKind.HEARING).status == TaskStatus.DONE


def test_a_refusal_waits_for_the_hearing_over_christmas(karen, worker):
    case = _hearing(karen, worker, D(2026, 12, 11))  # + 14 days is 25 December; then a weekend
    assert case.hearing_deadline == D(2026, 12, 28)
    with pytest.raises(ValidationError):
        _refuse(case, worker, D(2026, 12, 28))
    _refuse(case, worker, D(2026, 12, 29))
    assert fresh(case).decision == "refused"


def test_a_decision_dated_ahead_does_not_jump_the_deadline(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    with pytest.raises(ValidationError) as caught:
        _refuse(case, worker, D(2026, 4, 30), today=D(2026, 3, 5))
    assert caught.value.code == "hearing_open"


def test_moving_on_without_an_answer_waits_for_the_deadline(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    with pytest.raises(ValidationError) as caught:
        services.start_processing(case=case, version=case.version, actor=worker, on=D(2026, 3, 10))
    assert caught.value.code == "hearing_open"
    case = services.start_processing(case=case, version=case.version, actor=worker, on=D(2026, 3, 17))
    assert fresh(case).status == CaseStatus.PROCESSING
    _refuse(case, worker, D(2026, 3, 18))  # the hearing was held and its deadline passed


def test_an_answer_lifts_the_hold_and_records_who_and_how(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    mette = make_citizen(first_name="Mette", last_name="Lund")
    case = services.record_hearing_answer(case=case, version=case.version, actor=karen.user, on=D(2026, 3, 4),
                                          answer="Jobbet er stoppet.", representative=mette)
    hearing = case.hearings.get()
    assert (hearing.response, hearing.responded_by, hearing.response_channel, hearing.representative) == (
        "answered", RespondedBy.REPRESENTATIVE, ResponseChannel.SELF_SERVICE, mette)
    event = case.events.get(kind=EventKind.HEARING_ANSWERED)
    assert event.representative == mette and "Repræsentant" in event.text
    _refuse(case, worker, D(2026, 3, 5))
    assert fresh(case).status == CaseStatus.DECIDED


def test_a_waiver_registered_by_staff_lifts_the_hold(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    case = services.waive_hearing(case=case, version=case.version, actor=worker, on=D(2026, 3, 3),
                                  responded_by=RespondedBy.STAFF, channel=ResponseChannel.PHONE)
    assert case.status == CaseStatus.PROCESSING
    assert "telefon" in case.events.get(kind=EventKind.HEARING_WAIVED).text
    _refuse(case, worker, D(2026, 3, 3))


def test_the_deadline_is_extended_on_request_with_a_reason(karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    with pytest.raises(ValidationError):
        services.extend_hearing(case=case, version=case.version, actor=worker, on=D(2026, 3, 5),
                                deadline=D(2026, 3, 30), reason="")
    with pytest.raises(ValidationError):  # not later than the deadline in force
        services.extend_hearing(case=case, version=case.version, actor=worker, on=D(2026, 3, 5),
                                deadline=D(2026, 3, 10), reason="Syg.")
    case = services.extend_hearing(case=case, version=case.version, actor=worker, on=D(2026, 3, 5),
                                   deadline=D(2026, 3, 28), reason="Borgeren er indlagt.")  # a Saturday
    assert case.hearing_deadline == D(2026, 3, 30)
    assert case.tasks.get(kind=TaskKind.HEARING).due_on == D(2026, 3, 30)
    assert "Borgeren er indlagt." in case.events.get(kind=EventKind.HEARING_EXTENDED).text
    with pytest.raises(ValidationError):
        _refuse(case, worker, D(2026, 3, 20))
    _refuse(case, worker, D(2026, 3, 31))


def test_no_refusal_without_a_hearing_or_a_recorded_reason(karen, worker):
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)
    with pytest.raises(ValidationError) as caught:
        _refuse(case, worker, TODAY)
    assert "no_hearing_reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _refuse(case, worker, TODAY, no_hearing_ground="ukendt", no_hearing_reason="x")
    _refuse(case, worker, TODAY, **EXEMPT)
    event = case.events.get(kind=EventKind.HEARING_NOT_REQUIRED)
    assert "§ 19, stk. 2" in event.text and "Borgeren oplyste det selv." in event.text


def test_a_grant_needs_no_hearing_and_says_so(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    assert "Ingen partshøring" in case.events.get(kind=EventKind.GRANTED).text
    held = _hearing(karen, worker, TODAY)
    granted = services.grant(case=held, version=held.version, actor=worker, on=TODAY,
                             monthly_amount=Decimal("100.00"), starts_on=TODAY)
    assert granted.status == CaseStatus.DECIDED and held.hearings.get().concluded_on == TODAY


def test_a_repayment_claim_needs_its_own_hearing(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    claim = dict(actor=worker, amount=Decimal("500.00"), reason="For meget.", due_on=D(2026, 6, 1))
    with pytest.raises(ValidationError) as caught:
        services.claim_repayment(case=case, version=case.version, on=TODAY, **claim)
    assert "no_hearing_reason" in caught.value.message_dict
    case = services.send_hearing(case=case, version=case.version, actor=worker, on=TODAY, facts="For meget i 2025.")
    assert case.status == CaseStatus.DECIDED and case.hearings.get().purpose == HearingPurpose.REPAYMENT
    assert case.letters.filter(kind=LetterKind.HEARING).count() == 1
    with pytest.raises(ValidationError) as caught:
        services.claim_repayment(case=fresh(case), version=case.version, on=D(2026, 3, 10), **claim)
    assert caught.value.code == "hearing_open"
    case = services.record_hearing_answer(case=fresh(case), version=case.version, actor=worker, on=D(2026, 3, 10),
                                          answer="Jeg kan betale af.")
    assert case.status == CaseStatus.DECIDED
    services.claim_repayment(case=fresh(case), version=case.version, on=D(2026, 3, 11), **claim)
    assert case.letters.filter(kind=LetterKind.REPAYMENT).count() == 1
    with pytest.raises(ValidationError):  # the next claim needs a hearing of its own
        services.claim_repayment(case=fresh(case), version=fresh(case).version, on=D(2026, 3, 12), **claim)


# --- Complaint deadline and reconsideration ------------------------------------------------------------

def _delivered_refusal(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    outbox.deliver(now=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))  # Monday 2 March
    return case


@pytest.mark.parametrize(("day", "late"), [(28, False), (29, True)])
def test_a_complaint_on_day_28_is_in_time_and_on_day_29_late(karen, worker, day, late):
    case = _delivered_refusal(karen, worker)
    received = D(2026, 3, 2) + datetime.timedelta(days=day)
    complaint = services.record_complaint(case=case, actor=karen.user, received_on=received, text="Uenig.")
    assert complaint.decision_delivered_on == D(2026, 3, 2) and complaint.complaint_deadline == D(2026, 3, 30)
    assert complaint.late is late
    assert complaint.stage == (ComplaintStage.LATE_REVIEW if late else ComplaintStage.RECONSIDERATION)
    assert case.events.filter(kind=EventKind.COMPLAINT_LATE).exists() is late
    task = case.tasks.get(kind=TaskKind.RECONSIDERATION)
    assert task.due_on == policy.reconsideration_deadline(received) == received + datetime.timedelta(weeks=4)


def test_a_late_complaint_is_treated_or_rejected_with_a_reason(karen, worker):
    case = _delivered_refusal(karen, worker)
    complaint = services.record_complaint(case=case, actor=worker, received_on=D(2026, 4, 10), text="Uenig.")
    with pytest.raises(ValidationError):  # no reconsideration before the late decision
        services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 4, 11), reasons="x")
    with pytest.raises(ValidationError):
        services.decide_late_complaint(complaint=complaint, actor=worker, on=D(2026, 4, 11), accept=True, reason="")
    complaint = services.decide_late_complaint(complaint=complaint, actor=worker, on=D(2026, 4, 11), accept=True,
                                               reason="Borgeren var indlagt.")
    assert complaint.stage == ComplaintStage.RECONSIDERATION

    other = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    late = services.record_complaint(case=other, actor=worker, received_on=D(2026, 6, 1), text="Uenig.")
    late = services.decide_late_complaint(complaint=late, actor=worker, on=D(2026, 6, 2), accept=False,
                                          reason="Ingen særlige grunde.")
    assert late.stage == ComplaintStage.REJECTED and fresh(other).status == CaseStatus.DECIDED
    letter = other.letters.get(kind=LetterKind.COMPLAINT_REJECTED)
    assert "for sent" in letter.subject and letter.lix <= 40
    assert other.tasks.get(kind=TaskKind.RECONSIDERATION).status == TaskStatus.DONE


def test_reconsideration_changes_the_decision_with_a_new_letter(karen, worker):
    case = _delivered_refusal(karen, worker)
    complaint = services.record_complaint(case=case, actor=karen.user, received_on=D(2026, 3, 10), text="Uenig.")
    complaint = services.change_decision(complaint=complaint, actor=worker, on=D(2026, 3, 20),
                                         monthly_amount=Decimal("7500.00"), starts_on=D(2026, 4, 1),
                                         reasons="Lønsedlen viser en lavere indtægt.")
    case = fresh(case)
    assert complaint.stage == ComplaintStage.CHANGED and complaint.forwarded_on is None
    assert (case.status, case.decision, case.monthly_amount) == (CaseStatus.DECIDED, "granted", Decimal("7500.00"))
    letter = case.letters.get(kind=LetterKind.RECONSIDERED)
    assert "ret" in letter.subject and "Lønsedlen" in letter.text and letter.lix <= 40
    assert case.payments.filter(kind=PaymentKind.REGULAR).count() == 1
    assert case.tasks.get(kind=TaskKind.RECONSIDERATION).status == TaskStatus.DONE
    with pytest.raises(ValidationError):  # done
        services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 3, 21), reasons="x")


def test_reconsideration_keeps_the_decision_and_forwards_with_reasons(karen, worker):
    case = _delivered_refusal(karen, worker)
    complaint = services.record_complaint(case=case, actor=karen.user, received_on=D(2026, 3, 10), text="Uenig.")
    with pytest.raises(ValidationError):
        services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 3, 20), reasons=" ")
    complaint = services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 3, 20),
                                           reasons="Indtægten er over grænsen.")
    assert complaint.stage == ComplaintStage.FORWARDED and complaint.reconsideration_reasons
    assert fresh(case).status == CaseStatus.COMPLAINT
    assert "Indtægten er over grænsen." in case.letters.get(kind=LetterKind.COMPLAINT_FORWARDED).text
    complaint = services.record_complaint_outcome(complaint=complaint, actor=worker, on=D(2026, 5, 1),
                                                  outcome="upheld")
    assert complaint.stage == ComplaintStage.DECIDED and fresh(case).status == CaseStatus.DECIDED


# --- Pages: caseworker, contact person, representative --------------------------------------------------

@pytest.fixture
def contact(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Kontakt")


def _special_needs(karen, contact, worker):
    registry.record_needs_assessment(
        citizen=karen, actor=worker, factors=["digital"], citizen_description="Jeg kan ikke læse brevene.",
        conclusion="special_needs", reasoning="Har brug for hjælp.", contact_person=contact,
        assessed_on=D(2026, 1, 5), review_on=D(2026, 12, 1))


def test_the_case_page_refuses_a_held_refusal_in_danish(client, karen, worker, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False)
    case = _hearing(karen, worker, D(2026, 3, 2))
    client.force_login(worker)
    body = client.get(f"/sager/{case.pk}/").content.decode()
    assert "svarfrist løber til og med" in body and "Forlæng svarfristen" in body
    response = client.post(f"/sager/{case.pk}/handling/afslag/", {
        "afslag-version": case.version, "afslag-on": "2026-03-05", "afslag-reasons": "Nej."})
    assert response.status_code == 200 and "forvaltningsloven §§ 19 og 21" in response.content.decode()
    assert fresh(case).status == CaseStatus.HEARING
    response = client.post(f"/sager/{case.pk}/handling/forlaeng/", {
        "forlaeng-version": case.version, "forlaeng-on": "2026-03-05", "forlaeng-deadline": "2026-03-31",
        "forlaeng-reason": "Datteren er på ferie."})
    assert response.status_code == 302 and fresh(case).hearing_deadline == D(2026, 3, 31)


def test_the_contact_person_registers_the_answer_from_the_case_page(client, karen, worker, contact, udk,
                                                                     time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False)
    _special_needs(karen, contact, worker)
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=udk, benefit_area="boligstoette")
    case = _hearing(case, udk, D(2026, 3, 2))
    client.force_login(worker)  # reads the UDK case, is not the contact person
    assert "Registrér svar" not in client.get(f"/sager/{case.pk}/").content.decode()
    data = {"svar-version": case.version, "svar-on": "2026-03-05", "svar-answer": "Karen har ikke arbejdet.",
            "svar-responded_by": "staff", "svar-channel": "in_person"}
    assert client.post(f"/sager/{case.pk}/handling/svar/", data).status_code == 403
    assert client.post(f"/sager/{case.pk}/handling/bevilg/", {}).status_code == 403
    client.force_login(contact)
    assert "Registrér svar på partshøringen" in client.get(f"/sager/{case.pk}/").content.decode()
    assert client.post(f"/sager/{case.pk}/handling/svar/", data).status_code == 302
    hearing = case.hearings.get()
    assert (hearing.registered_by, hearing.responded_by, hearing.response_channel) == (contact, "staff", "in_person")
    assert fresh(case).status == CaseStatus.PROCESSING
    assert client.post(f"/sager/{case.pk}/handling/afslag/", {}).status_code == 403  # only the answer


@pytest.fixture
def mette(db):
    return make_citizen(first_name="Mette", last_name="Lund", user=UserFactory(role=Role.CITIZEN))


def test_a_representative_answers_a_hearing_and_complains_for_the_citizen(client, karen, worker, mette,
                                                                           time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False)
    registry.grant_representation(citizen=karen, representative=mette, valid_from=D(2020, 1, 1))
    held = _hearing(karen, worker, D(2026, 3, 2))
    decided = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    client.force_login(mette.user)
    mailbox = client.get("/sager/post/").content.decode()
    assert f"/sager/post/{held.pk}/" in mailbox and f"/sager/post/{decided.pk}/" in mailbox
    page = client.get(f"/sager/post/{held.pk}/").content.decode()
    assert "Du har et job." in page and "Send svaret" in page
    assert AuditRecord.objects.filter(actor=mette.user, citizen_uuid=karen.pk).exists()
    assert client.post(f"/sager/post/{held.pk}/svar/", {"svar-response": "answered", "svar-answer": ""}
                       ).status_code == 200
    assert client.post(f"/sager/post/{held.pk}/svar/", {"svar-response": "answered",
                                                        "svar-answer": "Han har ikke arbejdet."}).status_code == 302
    hearing = held.hearings.get()
    assert (hearing.responded_by, hearing.representative) == (RespondedBy.REPRESENTATIVE, mette)
    assert held.events.get(kind=EventKind.HEARING_ANSWERED).representative == mette
    data = {f"klage-{decided.pk}-text": "Min far er uenig.", f"klage-{decided.pk}-key": str(uuid.uuid4())}
    assert client.post(f"/sager/post/{decided.pk}/klage/", data).status_code == 302
    complaint = decided.complaints.get()
    assert complaint.representative == mette and complaint.submitted_by == mette.user
    assert decided.events.get(kind=EventKind.COMPLAINT).representative == mette


@pytest.mark.parametrize("how", ["read_only", "other_area", "revoked", "expired", "none"])
def test_a_representative_without_acting_power_is_refused(client, karen, worker, mette, how, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False)
    kwargs = {"read_only": {"scope_kind": "read_only"},
              "other_area": {"scope_kind": "areas", "benefit_areas": ["folkepension"]},
              "revoked": {}, "expired": {"valid_until": D(2026, 3, 1)}, "none": None}[how]
    if kwargs is not None:
        rep = registry.grant_representation(citizen=karen, representative=mette, valid_from=D(2020, 1, 1), **kwargs)
        if how == "revoked":
            registry.revoke_representation(representation=rep, actor=karen.user, now=NOW)
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    client.force_login(mette.user)
    data = {f"klage-{case.pk}-text": "Uenig.", f"klage-{case.pk}-key": str(uuid.uuid4())}
    expected = 403 if how in ("read_only", "other_area") else 404
    assert client.post(f"/sager/post/{case.pk}/klage/", data).status_code == expected
    assert client.get(f"/sager/post/{case.pk}/").status_code == (200 if expected == 403 else 404)
    assert not case.complaints.exists()


def test_complaint_steps_on_the_case_page(client, karen, worker):
    case = _delivered_refusal(karen, worker)
    complaint = services.record_complaint(case=case, actor=worker, received_on=D(2026, 4, 10), text="Uenig.")
    client.force_login(worker)
    body = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Klagen kom for sent" in body and "Tag stilling til klagen" in body
    assert client.post(f"/sager/klager/{complaint.pk}/late/", {
        f"late-{complaint.pk}-on": "2026-04-11", f"late-{complaint.pk}-accept": "ja",
        f"late-{complaint.pk}-reason": "Borgeren var syg."}).status_code == 302
    body = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Genvurdering: ændr afgørelsen" in body and "Genvurdering hos myndigheden" in body
    response = client.post(f"/sager/klager/{complaint.pk}/change/", {
        f"change-{complaint.pk}-on": "2026-04-20", f"change-{complaint.pk}-monthly_amount": "7500,00",
        f"change-{complaint.pk}-starts_on": "2026-05-01",
        f"change-{complaint.pk}-reasons": "Ny lønseddel."})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert fresh(case).decision == "granted"
    assert "Afgørelsen er ændret: borgeren har fået ret" in client.get(f"/sager/{case.pk}/").content.decode()


def test_api_hearing_actions_and_hold(client, karen, worker):
    case = _hearing(karen, worker, D(2026, 3, 2))
    client.force_login(worker)

    def act(**body):
        return client.post(f"/api/v1/casework/cases/{case.pk}/actions", json.dumps(body),
                           content_type="application/json")

    response = act(version=fresh(case).version, action="afslag", on="2026-03-05", reasons="Nej.")
    assert response.status_code == 422 and "svarfrist" in response.json()["detail"]
    response = act(version=fresh(case).version, action="forlaeng", on="2026-03-05", deadline="2026-03-31",
                   reason="Syg.")
    assert response.status_code == 200 and response.json()["hearing_deadline"] == "2026-03-31"
    response = act(version=fresh(case).version, action="afkald", on="2026-03-06", responded_by="staff",
                   channel="phone")
    assert response.status_code == 200 and response.json()["status"] == "processing"
    response = act(version=fresh(case).version, action="afslag", on="2026-03-06", reasons="Nej.")
    assert response.status_code == 200 and response.json()["decision"] == "refused"


def test_a_hearing_answer_sent_twice_lands_on_the_case_with_one_answer(client, karen, worker, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False)
    held = _hearing(karen, worker, D(2026, 3, 2))
    client.force_login(karen.user)
    data = {"svar-response": "answered", "svar-answer": "Jeg har ikke arbejdet."}
    first = client.post(f"/sager/post/{held.pk}/svar/", data)
    second = client.post(f"/sager/post/{held.pk}/svar/", data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert held.hearings.get().response_text == "Jeg har ikke arbejdet."
    assert held.events.filter(kind=EventKind.HEARING_ANSWERED).count() == 1
    assert "Vi læser dit svar, før vi afgør sagen." in client.get(first.url).content.decode()
