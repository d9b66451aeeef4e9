"""No silent duplicates: a second application for a benefit with an open case warns, links
the open case and goes on only when the applicant confirms (docs/intake.md)."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helhed.casework import services as casework
from helhed.core.models import AuditRecord
from helhed.intake import selectors, services
from helhed.intake.models import Channel, SubmittedBy
from helhed.registry import services as registry
from tests.intake.conftest import FOLKEPENSION_ANSWERS

NOW = timezone.now()


def _register(actor, citizen, today, key, **kw):
    return services.register_application(
        actor=actor, citizen=citizen, benefit_area="folkepension", channel=Channel.PHONE, received_on=today,
        submitted_by=SubmittedBy.CITIZEN, answers=FOLKEPENSION_ANSWERS, today=today, now=NOW, idempotency_key=key,
        call_note="Ringede.", send_receipt=False, **kw)


def test_staff_are_held_back_until_they_confirm(udk, karen, today):
    first, _ = _register(udk, karen, today, "a")
    with pytest.raises(ValidationError) as caught:
        _register(udk, karen, today, "b")
    assert first.case.reference in caught.value.message_dict["duplicate_confirmed"][0]
    second, created = _register(udk, karen, today, "c", duplicate_confirmed=True)
    assert created and second.case_id and second.case_id != first.case_id


def test_a_closed_case_or_another_benefit_is_no_duplicate(udk, karen, today):
    first, _ = _register(udk, karen, today, "a")
    case = first.case
    case = casework.start_processing(case=case, version=case.version, actor=udk, on=today)
    case = casework.grant(case=case, version=case.version, actor=udk, on=today, monthly_amount=1, starts_on=today)
    casework.close_case(case=case, version=case.version, actor=udk, on=today)
    _, created = _register(udk, karen, today, "b")
    assert created
    draft = services.start_draft(actor=karen.user, citizen=karen, benefit_area="boligstoette", today=today)
    assert selectors.open_cases_for_benefit(karen, draft.benefit_area) == []


def test_the_citizen_is_warned_with_a_link_before_sending(client, udk, karen, today, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC), tick=False)
    first, _ = _register(udk, karen, today, "a")
    draft = services.start_draft(actor=karen.user, citizen=karen, benefit_area="folkepension", today=today)
    services.save_draft_answers(draft=draft, actor=karen.user, answers=FOLKEPENSION_ANSWERS)
    client.force_login(karen.user)
    page = client.get(f"/ansoegninger/kladde/{draft.pk}/gennemse/").content.decode()
    assert "allerede en åben sag" in page and f"/sager/post/{first.case_id}/" in page
    assert AuditRecord.objects.filter(actor=karen.user, purpose__contains="dobbeltansøgning").exists()
    refused = client.post(f"/ansoegninger/kladde/{draft.pk}/gennemse/", {})
    assert refused.status_code == 200 and "bekræfte" in refused.content.decode()
    sent = client.post(f"/ansoegninger/kladde/{draft.pk}/gennemse/", {"duplicate_confirmed": "ja"})
    assert sent.status_code == 302
    draft.refresh_from_db()
    detail = client.get(sent["Location"]).content.decode()
    assert draft.case_id and f"/sager/post/{draft.case_id}/" in detail


def test_a_representative_is_warned_too(client, udk, karen, mette, today, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC), tick=False)
    registry.grant_representation(citizen=karen, representative=mette, valid_from=datetime.date(2020, 1, 1))
    _register(udk, karen, today, "a")
    draft = services.start_draft(actor=mette.user, citizen=karen, benefit_area="folkepension", today=today)
    services.save_draft_answers(draft=draft, actor=mette.user, answers=FOLKEPENSION_ANSWERS)
    with pytest.raises(ValidationError):
        services.submit_draft(draft=draft, actor=mette.user, today=today, now=NOW)
    assert services.submit_draft(draft=draft, actor=mette.user, today=today, now=NOW,
                                 duplicate_confirmed=True).case_id


def test_staff_page_warns_and_the_api_answers_409(client, udk, karen, today, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC), tick=False)
    first, _ = _register(udk, karen, today, "a")
    client.force_login(udk)
    page = client.get(f"/ansoegninger/borgere/{karen.pk}/ny/?ydelse=folkepension").content.decode()
    assert "har allerede en åben sag" in page and f"/sager/{first.case_id}/" in page
    body = {"citizen_id": str(karen.pk), "benefit_area": "folkepension", "channel": "phone",
            "call_note": "Ringede.", "answers": FOLKEPENSION_ANSWERS}
    response = client.post("/api/v1/applications", json.dumps(body), content_type="application/json",
                           headers={"Idempotency-Key": "x1"})
    assert response.status_code == 409 and first.case.reference in response.json()["detail"]
    response = client.post("/api/v1/applications", json.dumps(body | {"duplicate_confirmed": True}),
                           content_type="application/json", headers={"Idempotency-Key": "x2"})
    assert response.status_code == 201 and response.json()["case_id"]
