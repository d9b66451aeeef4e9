"""Complaints forwarded to Ankestyrelsen, retroactive correction with a back payment and a
letter, and payments that are never held back for lack of a NemKonto."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhed.casework import services
from helhed.casework.models import (
    CaseStatus,
    ComplaintOutcome,
    EventKind,
    LetterKind,
    PaymentKind,
    PaymentMethod,
    Task,
    TaskKind,
)
from helhed.registry.models import NemKontoStatus
from tests.casework.conftest import TODAY, case_in, fresh
from tests.factories import make_citizen

D = datetime.date


def _complaint(case, actor, **kwargs):
    return services.record_complaint(case=case, actor=actor, received_on=TODAY, text="Jeg fik ikke hjælp.", **kwargs)


def test_the_whole_complaint_and_correction(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    mette = make_citizen(first_name="Mette", last_name="Lund")
    complaint = _complaint(case, worker, representative=mette)
    assert fresh(case).status == CaseStatus.COMPLAINT
    with pytest.raises(ValidationError):  # not forwarded yet
        services.record_complaint_outcome(complaint=complaint, actor=worker, on=TODAY, outcome="upheld")
    complaint = services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 3, 5), reasons="Fastholdt.")
    with pytest.raises(ValidationError):
        services.forward_complaint(complaint=complaint, actor=worker, on=D(2026, 3, 6), reasons="Igen.")
    with pytest.raises(ValidationError):  # before it was forwarded
        services.record_complaint_outcome(complaint=complaint, actor=worker, on=D(2026, 3, 4),
                                          outcome=ComplaintOutcome.MISGUIDED)
    complaint = services.record_complaint_outcome(complaint=complaint, actor=worker, on=D(2026, 6, 1),
                                                  outcome=ComplaintOutcome.MISGUIDED)
    assert fresh(case).status == CaseStatus.DECIDED and complaint.awaits_correction
    payment = services.correct_retroactively(complaint=complaint, actor=worker, on=D(2026, 6, 10),
                                             should_have_received_from=D(2025, 9, 15), monthly_rate=Decimal("7500.00"),
                                             until=D(2026, 1, 1))
    assert payment.amount == Decimal("26612.90") and payment.kind == PaymentKind.BACK_PAYMENT
    assert payment.method == PaymentMethod.NEMKONTO and payment.complaint == complaint
    letter = case.letters.get(kind=LetterKind.BACK_PAYMENT)
    assert "26.612,90 kr." in letter.text and "3 hele måneder og 17 dage" in letter.text and letter.lix <= 40
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[kinds.index(EventKind.COMPLAINT):] == [
        EventKind.COMPLAINT, EventKind.COMPLAINT_FORWARDED, EventKind.COMPLAINT_OUTCOME, EventKind.PAYMENT,
        EventKind.BACK_PAYMENT]
    assert case.events.get(kind=EventKind.COMPLAINT).representative == mette
    with pytest.raises(ValidationError):  # computed once
        services.correct_retroactively(complaint=complaint, actor=worker, on=TODAY,
                                       should_have_received_from=D(2025, 9, 15), monthly_rate=Decimal("7500.00"),
                                       until=D(2026, 1, 1))


def test_correction_only_when_misguided(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    complaint = services.forward_complaint(complaint=_complaint(case, worker), actor=worker, on=TODAY,
                                           reasons="Fastholdt.")
    complaint = services.record_complaint_outcome(complaint=complaint, actor=worker, on=TODAY,
                                                  outcome=ComplaintOutcome.UPHELD)
    with pytest.raises(ValidationError) as caught:
        services.correct_retroactively(complaint=complaint, actor=worker, on=TODAY,
                                       should_have_received_from=D(2025, 1, 1), monthly_rate=Decimal("100"),
                                       until=D(2026, 1, 1))
    assert caught.value.code == "not_misguided"


def test_a_repeated_complaint_with_the_same_key_is_one(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    a = _complaint(case, karen.user, key="citizen-1")
    b = _complaint(fresh(case), karen.user, key="citizen-1")
    assert a.pk == b.pk and case.complaints.count() == 1


def test_without_nemkonto_the_payment_is_made_in_cash_and_a_task_is_made(worker):
    jan = make_citizen(municipality=101, first_name="Jan", last_name="Olsen", nemkonto=NemKontoStatus.MISSING)
    case = case_in(CaseStatus.DECIDED, citizen=jan, actor=worker)
    payment = case.payments.get()
    assert payment.method == PaymentMethod.CASH and payment.amount == Decimal("7500.00")
    task = Task.objects.get(kind=TaskKind.NEMKONTO, citizen=jan)
    assert task.municipality_id == 101 and task.case == case
    assert "kontant" in case.letters.get(kind=LetterKind.GRANTED).text


def test_with_nemkonto_no_task(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    assert case.payments.get().method == PaymentMethod.NEMKONTO
    assert not Task.objects.filter(kind=TaskKind.NEMKONTO).exists()


def test_efterregulering_in_the_citizens_favour_is_paid(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    services.efterregulering(case=case, version=case.version, actor=worker, on=TODAY, year=2025,
                             difference=Decimal("812.50"))
    assert case.payments.get(kind=PaymentKind.EFTERREGULERING).amount == Decimal("812.50")
    assert "812,50 kr. mere" in case.letters.get(kind=LetterKind.EFTERREGULERING).text
