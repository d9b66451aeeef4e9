"""The contact person works in the case (issue 18; lov om Udbetaling Danmark § 3 stk. 3):
the municipal contact person of a citizen with special needs adds notes to the timeline and
asks Udbetaling Danmark about its case, which lands in Udbetaling Danmark's queues; they can
change nothing else. Other staff cannot do either."""

import datetime
import json
import re

import pytest

from helhed.casework.models import BenefitArea, CaseEvent, CaseStatus, EventKind, Task, TaskKind
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.fasttrack import services as fasttrack
from helhed.fasttrack.models import Question, QuestionStatus
from helhed.registry.models import NeedsConclusion, SpecialNeedsAssessment
from tests.casework.conftest import TODAY, case_in, fresh
from tests.factories import UserFactory


@pytest.fixture
def contact(db):
    return UserFactory(role=Role.BORGERSERVICE, municipalities=[751], first_name="Sofie", last_name="Dahl")


@pytest.fixture
def assessed(karen, contact, worker):
    SpecialNeedsAssessment.objects.create(
        citizen=karen, municipality_id=751, factors=["psychiatric"], citizen_description="Breve er svære.",
        conclusion=NeedsConclusion.SPECIAL_NEEDS, reasoning="Samlet vurdering.", contact_person=contact,
        assessed_on=TODAY, review_on=TODAY + datetime.timedelta(days=365), assessed_by=worker)
    return karen


@pytest.fixture
def udk_case(assessed, udk):
    return case_in(CaseStatus.HEARING, citizen=assessed, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)


def test_the_contact_person_adds_a_note_to_the_timeline(client, contact, udk_case):
    client.force_login(contact)
    page = client.get(f"/sager/{udk_case.pk}/").content.decode()
    assert "Skriv et notat" in page and "Spørg Udbetaling Danmark om sagen" in page
    # Of the case's own actions only registering the citizen's answer to the hearing, or waiver.
    actions = set(re.findall(rf"/sager/{udk_case.pk}/handling/([a-z]+)/", page))
    assert actions == {"svar", "afkald"}
    version = udk_case.version
    response = client.post(f"/sager/{udk_case.pk}/notat/", {"notat-text": "Jeg har forklaret brevet til Karen."})
    assert response.status_code == 302
    note = CaseEvent.objects.get(case=udk_case, kind=EventKind.NOTE)
    assert note.actor == contact and note.text == "Jeg har forklaret brevet til Karen."
    assert fresh(udk_case).version == version and fresh(udk_case).status == CaseStatus.HEARING
    assert "Jeg har forklaret brevet til Karen." in client.get(f"/sager/{udk_case.pk}/").content.decode()


def test_an_empty_note_is_refused_with_a_message(client, contact, udk_case):
    client.force_login(contact)
    response = client.post(f"/sager/{udk_case.pk}/notat/", {"notat-text": "  "})
    assert response.status_code == 200 and "Dette felt er påkrævet" in response.content.decode()
    assert not CaseEvent.objects.filter(kind=EventKind.NOTE).exists()


def test_the_contact_person_asks_udk_and_udk_answers_from_its_queue(client, contact, udk_case, udk):
    client.force_login(contact)
    response = client.post(f"/sager/{udk_case.pk}/spoergsmaal/", {
        "spoergsmaal-subject": "Frist i partshøringen",
        "spoergsmaal-body": "Karen har brug for en uge mere. Kan fristen flyttes?"})
    assert response.status_code == 302
    question = Question.objects.get(case=udk_case)
    assert question.organisation.municipality_id == 751 and question.status == QuestionStatus.OPEN
    task = Task.objects.get(kind=TaskKind.QUESTION, case=udk_case)
    assert task.authority == "udk" and task.due_on == question.due_on and "Sofie Dahl" in task.description
    assert CaseEvent.objects.get(case=udk_case, kind=EventKind.QUESTION).actor == contact
    client.force_login(udk)
    assert "Frist i partshøringen" in client.get("/kvik-linje/udk/").content.decode()
    assert "Spørgsmål fra kontaktperson" in client.get("/sager/opgaver/").content.decode()
    fasttrack.answer_question(question=question, answer="Ja, vi flytter fristen en uge.", actor=udk)
    client.force_login(contact)
    page = client.get(f"/sager/{udk_case.pk}/").content.decode()
    assert "Ja, vi flytter fristen en uge." in page
    assert Task.objects.get(pk=task.pk).status == "done"


def test_others_may_neither_note_nor_ask(client, udk_case, other_worker, assessed):
    stranger_here = UserFactory(role=Role.BORGERSERVICE, municipalities=[751])
    for user in (stranger_here, other_worker):
        client.force_login(user)
        note = client.post(f"/sager/{udk_case.pk}/notat/", {"notat-text": "x"})
        ask = client.post(f"/sager/{udk_case.pk}/spoergsmaal/", {"spoergsmaal-subject": "x", "spoergsmaal-body": "y"})
        assert note.status_code in (403, 404) and ask.status_code in (403, 404)
    citizen = assessed.user
    client.force_login(citizen)
    assert client.post(f"/sager/{udk_case.pk}/notat/", {"notat-text": "x"}).status_code == 403
    assert not CaseEvent.objects.filter(kind__in=[EventKind.NOTE, EventKind.QUESTION]).exists()
    assert not Question.objects.exists()


def test_a_caseworker_on_a_municipal_case_may_note_but_the_contact_person_may_not_ask_udk(
        client, contact, assessed, worker):
    case = case_in(CaseStatus.PROCESSING, citizen=assessed, actor=worker)  # kontanthjælp: the municipality's
    client.force_login(worker)
    assert client.post(f"/sager/{case.pk}/notat/", {"notat-text": "Ringede til Karen."}).status_code == 302
    client.force_login(contact)
    assert client.post(f"/sager/{case.pk}/spoergsmaal/",
                       {"spoergsmaal-subject": "x", "spoergsmaal-body": "y"}).status_code == 403


def test_without_special_needs_there_is_no_contact_person(client, contact, karen, udk):
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)
    client.force_login(contact)
    assert client.post(f"/sager/{case.pk}/notat/", {"notat-text": "x"}).status_code == 403


def test_the_api_notes_and_asks_with_the_same_rules(client, contact, udk_case, worker):
    client.force_login(contact)
    note = client.post(f"/api/v1/casework/cases/{udk_case.pk}/notes", json.dumps({"text": "Forklaret."}),
                       content_type="application/json")
    assert note.status_code == 200 and note.json()["kind"] == "note"
    ask = client.post(f"/api/v1/casework/cases/{udk_case.pk}/questions",
                      json.dumps({"subject": "Status", "body": "Hvornår afgør I sagen?"}),
                      content_type="application/json")
    assert ask.status_code == 200 and ask.json()["status"] == "open"
    assert client.post(f"/api/v1/casework/cases/{udk_case.pk}/notes", json.dumps({"text": " "}),
                       content_type="application/json").status_code == 422
    client.force_login(worker)
    assert client.post(f"/api/v1/casework/cases/{udk_case.pk}/questions",
                       json.dumps({"subject": "x", "body": "y"}), content_type="application/json").status_code == 403


def test_reading_the_case_is_audited_for_the_contact_person(client, contact, udk_case):
    client.force_login(contact)
    client.get(f"/sager/{udk_case.pk}/")
    assert AuditRecord.objects.filter(citizen_uuid=udk_case.citizen_id, actor=contact).exists()
