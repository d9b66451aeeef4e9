"""Letters: plain Danish (LIX of every template's demo letter ≤ 40), real PDFs, routing to
Digital Post or the print queue by exemption and login, the contact person of a citizen
with special needs, and the outbox that never sends a letter twice nor loses one."""

import datetime

import pytest
from django.core.management import call_command

from helhed.casework import letters, outbox, services
from helhed.casework.models import (
    CaseEvent,
    CaseStatus,
    EventKind,
    LetterChannel,
    LetterKind,
    LetterStatus,
    Task,
    TaskKind,
)
from helhed.core import outbox as core_outbox
from helhed.core.lix import lix
from helhed.core.roles import Role
from helhed.registry import services as registry
from helhed.registry.models import NeedsConclusion, SpecialNeedsAssessment
from tests.casework.conftest import NOW, TODAY, case_in
from tests.factories import UserFactory, make_citizen


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_template_has_a_demo_letter_in_plain_danish(kind):
    composed = letters.compose(kind, letters.DEMO_CONTEXT[kind] | {"name": "Karen Holm"})
    assert composed.lix <= letters.MAX_LIX, f"{kind}: LIX {composed.lix}"
    assert float(composed.lix) == pytest.approx(lix(f"{composed.subject}\n{composed.text}"), abs=0.05)
    assert "{{" not in composed.text and "Karen Holm" in composed.text
    assert len(composed.text.split()) > 20


def test_every_letter_kind_has_a_demo_letter():
    assert set(letters.DEMO_CONTEXT) == set(LetterKind.values) == set(letters.SUBJECTS)


def test_amounts_and_dates_are_written_the_danish_way():
    text = letters.compose(LetterKind.GRANTED, letters.DEMO_CONTEXT[LetterKind.GRANTED]).text
    assert "7.198 kr." in text and "2. marts 2026" in text


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_template_renders_a_real_pdf(kind):
    composed = letters.compose(kind, letters.DEMO_CONTEXT[kind])
    pdf = letters.render_pdf(subject=composed.subject, body_html=composed.body_html,
                             recipient={"name": "Karen Holm", "address_line": "Grøndalsvej 12", "postcode": "8260",
                                        "city": "Viby J"}, written_on=TODAY, reference="2026-ABCDEFGH",
                             sender="Udbetaling Danmark")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000


def test_the_letter_stores_its_lix(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    letter = case.letters.get()
    assert 0 < letter.lix <= 40


# --- Routing -------------------------------------------------------------------------------------

def _delivered(case):
    outbox.deliver(now=NOW)
    return case.letters.get(kind=LetterKind.RECEIPT)


def test_a_citizen_with_login_gets_digital_post(karen, worker):
    letter = _delivered(case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker))
    assert (letter.status, letter.channel) == (LetterStatus.DELIVERED, LetterChannel.DIGITAL_POST)
    assert bytes(letter.pdf).startswith(b"%PDF-")


def test_an_exempt_citizen_gets_paper(karen, worker):
    registry.register_digital_post_exemption(citizen=karen, ground="no_internet", registered_on=TODAY)
    letter = _delivered(case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker))
    assert letter.channel == LetterChannel.PRINT and letter.printed_at is None


def test_an_expired_exemption_means_digital_post_again(karen, worker):
    registry.register_digital_post_exemption(citizen=karen, ground="no_internet",
                                             registered_on=datetime.date(2022, 1, 10))  # ended 1 November 2024
    letter = _delivered(case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker))
    assert letter.channel == LetterChannel.DIGITAL_POST


def test_a_citizen_without_login_gets_paper(worker):
    citizen = make_citizen(municipality=751, first_name="Erik", last_name="Sørensen")
    letter = _delivered(case_in(CaseStatus.RECEIVED, citizen=citizen, actor=worker))
    assert letter.channel == LetterChannel.PRINT


def _assess(citizen, conclusion, contact, by):
    return SpecialNeedsAssessment.objects.create(
        citizen=citizen, municipality_id=751, factors=["psychiatric"], citizen_description="Jeg har svært ved breve.",
        conclusion=conclusion, reasoning="Samlet vurdering.", contact_person=contact, assessed_on=TODAY,
        review_on=TODAY + datetime.timedelta(days=365), assessed_by=by)


def test_special_needs_route_every_letter_to_the_contact_person_with_a_task(karen, worker):
    contact = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Kontakt", last_name="Person")
    _assess(karen, NeedsConclusion.SPECIAL_NEEDS, contact, worker)
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    sent = list(case.letters.all())
    assert {x.kind for x in sent} == {LetterKind.RECEIPT, LetterKind.HEARING}
    assert all(x.contact_person == contact for x in sent)
    tasks = Task.objects.filter(kind=TaskKind.EXPLAIN_LETTER, citizen=karen)
    assert tasks.count() == 2
    assert {t.assigned_to for t in tasks} == {contact} and {t.municipality_id for t in tasks} == {751}
    assert all(t.due_on == datetime.date(2026, 3, 9) for t in tasks)  # 5 business days after Monday 2 March


def test_no_special_needs_no_contact_task(karen, worker):
    _assess(karen, NeedsConclusion.DIGITAL_HELP, None, worker)
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    assert case.letters.get().contact_person is None
    assert not Task.objects.filter(kind=TaskKind.EXPLAIN_LETTER).exists()


# --- The outbox ----------------------------------------------------------------------------------

def test_a_letter_is_delivered_once_however_often_the_outbox_runs(karen, worker):
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    first = outbox.deliver(now=NOW)
    second = outbox.deliver(now=NOW)
    assert first["digital_post"] == 2 and sum(second.values()) == 0
    assert CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).count() == 2
    assert all(x.attempts == 1 for x in case.letters.all())


def test_the_same_key_writes_one_letter(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    a = services.queue_letter(case=case, kind=LetterKind.REFUSED, on=TODAY, key="k1", context={"reasons": "x"})
    b = services.queue_letter(case=case, kind=LetterKind.REFUSED, on=TODAY, key="k1", context={"reasons": "x"})
    assert a.pk == b.pk and case.letters.filter(kind=LetterKind.REFUSED).count() == 1


def test_a_failing_letter_is_retried_then_failed_never_lost(karen, worker, monkeypatch):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)

    def broken(**kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(letters, "render_pdf", broken)
    for attempt in range(1, core_outbox.MAX_ATTEMPTS):
        assert outbox.deliver(now=NOW)["retry"] == 1
        letter = case.letters.get()
        assert (letter.status, letter.attempts, letter.last_error) == (LetterStatus.QUEUED, attempt, "OSError")
    assert outbox.deliver(now=NOW)["failed"] == 1
    letter = case.letters.get()
    assert letter.status == LetterStatus.FAILED
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).exists()
    monkeypatch.undo()
    outbox.retry_failed(letter=letter)
    assert outbox.deliver(now=NOW)["digital_post"] == 1
    assert case.letters.get().status == LetterStatus.DELIVERED


def test_send_letters_command(karen, worker, capsys):
    case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    call_command("send_letters")
    assert "Digital Post: 1" in capsys.readouterr().out
