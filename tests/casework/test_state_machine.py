"""Every transition of the case's state machine, legal and illegal, through the services;
optimistic locking; the timeline records who acted and on whose behalf."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from helhed.casework import policy, services
from helhed.casework.models import CaseEvent, CaseStatus, EventKind, TaskKind, TaskStatus
from tests.casework.conftest import TODAY, case_in, fresh
from tests.factories import make_citizen

ALL = list(CaseStatus.values)
LEGAL = {(s, t) for s, targets in policy.ALLOWED_TRANSITIONS.items() for t in targets}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_check_transition_allows_exactly_the_table(source, target):
    if (source, target) in LEGAL:
        policy.check_transition(source, target)
    else:
        with pytest.raises(ValidationError) as caught:
            policy.check_transition(source, target)
        assert caught.value.code == "illegal_transition"
        assert "kan ikke blive" in caught.value.messages[0]


def test_the_table_is_the_documented_timeline():
    assert {
        ("received", "processing"), ("processing", "hearing"), ("processing", "decided"),
        ("hearing", "processing"), ("hearing", "decided"), ("decided", "complaint"), ("decided", "closed"),
        ("complaint", "decided"),
    } == LEGAL


def _act(name, case, actor):
    kwargs = {
        "behandling": {},
        "partshoering": {"facts": "Du har et job."},
        "svar": {"answer": "Jobbet er stoppet."},
        "bevilg": {"monthly_amount": Decimal("7500.00"), "starts_on": TODAY},
        "afslag": {"reasons": "Du tjener for meget.", "no_hearing_ground": "kendte_oplysninger",
                   "no_hearing_reason": "Borgeren oplyste selv indtægten."},
        "afslut": {},
    }[name]
    return services.ACTIONS[name](case=case, version=case.version, actor=actor, on=TODAY, **kwargs)


TARGET = {"behandling": "processing", "partshoering": "hearing", "svar": "processing", "bevilg": "decided",
          "afslag": "decided", "afslut": "closed"}
FROM = {"behandling": {"received"}, "partshoering": {"processing"}, "svar": {"hearing"},
        "bevilg": {"processing", "hearing"}, "afslag": {"processing"}, "afslut": {"decided"}}
# Refused while the hearing's deadline runs (forvaltningsloven §§ 19 and 21), not by the table.
HELD = {("behandling", "hearing"), ("afslag", "hearing")}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", list(TARGET))
def test_every_action_from_every_status(status, action, karen, worker):
    case = case_in(status, citizen=karen, actor=worker)
    before = case.version
    events = CaseEvent.objects.filter(case=case).count()
    if (action, status) == ("partshoering", "decided"):  # a hearing before a repayment claim
        moved = _act(action, case, worker)
        assert fresh(moved).status == "decided" and moved.hearings.get().purpose == "repayment"
    elif status in FROM[action]:
        moved = _act(action, case, worker)
        assert fresh(moved).status == TARGET[action]
        assert fresh(moved).version == before + 1
        event = CaseEvent.objects.filter(case=case).exclude(kind__in=[EventKind.PAYMENT]).order_by("-at", "-id")[0]
        assert (event.from_status, event.to_status, event.actor) == (status, TARGET[action], worker)
    else:
        with pytest.raises(ValidationError) as caught:
            _act(action, case, worker)
        expected = "hearing_open" if (action, status) in HELD else "illegal_transition"
        assert caught.value.code == expected
        assert fresh(case).status == status and fresh(case).version == before
        assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.parametrize("status", ALL)
def test_a_complaint_only_about_a_decided_case(status, karen, worker):
    case = case_in(status, citizen=karen, actor=worker)
    if status == CaseStatus.DECIDED:
        services.record_complaint(case=case, actor=worker, received_on=TODAY, text="Uenig")
        assert fresh(case).status == CaseStatus.COMPLAINT
    else:
        with pytest.raises(ValidationError):
            services.record_complaint(case=case, actor=worker, received_on=TODAY, text="Uenig")


@pytest.mark.parametrize("status", ALL)
def test_follow_ups_only_on_a_granted_decided_case(status, karen, worker):
    case = case_in(status, citizen=karen, actor=worker)
    kwargs = dict(case=case, version=case.version, actor=worker, on=TODAY)
    if status == CaseStatus.DECIDED:
        services.efterregulering(**kwargs, year=2025, difference=Decimal("-100.00"))
        case = fresh(case)
        services.claim_repayment(case=case, version=case.version, actor=worker, on=TODAY, amount=Decimal("100.00"),
                                 reason="For meget.", due_on=TODAY + datetime.timedelta(days=30),
                                 no_hearing_ground="kendte_oplysninger", no_hearing_reason="Egen oplysning.")
        assert fresh(case).status == CaseStatus.DECIDED  # follow-ups do not move the case
        kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
        assert {EventKind.EFTERREGULERING, EventKind.TILBAGEBETALING} <= kinds
    else:
        with pytest.raises(ValidationError):
            services.efterregulering(**kwargs, year=2025, difference=Decimal("-100.00"))


def test_follow_ups_refused_on_a_refused_case(karen, worker):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, decision="refused")
    with pytest.raises(ValidationError) as caught:
        services.claim_repayment(case=case, version=case.version, actor=worker, on=TODAY, amount=Decimal("1"),
                                 reason="x", due_on=TODAY + datetime.timedelta(days=3))
    assert caught.value.code == "not_granted"


def test_a_stale_version_is_refused_and_nothing_changes(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    services.start_processing(case=case, version=case.version, actor=worker, on=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.send_hearing(case=case, version=case.version, actor=worker, on=TODAY, facts="x")  # old version
    assert caught.value.code == "stale"
    assert fresh(case).status == CaseStatus.PROCESSING


def test_hearing_sets_the_deadline_a_letter_and_a_task_closed_by_the_answer(karen, worker):
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)
    sent = datetime.date(2026, 3, 19)  # + 14 days is Skærtorsdag
    case = services.send_hearing(case=case, version=case.version, actor=worker, on=sent, facts="Du har et job.")
    assert case.hearing_deadline == datetime.date(2026, 4, 7)
    task = case.tasks.get(kind=TaskKind.HEARING)
    assert task.due_on == datetime.date(2026, 4, 7) and task.municipality_id == 751
    letter = case.letters.get(kind="hearing")
    assert "7. april 2026" in letter.text and "Du har et job." in letter.text
    services.record_hearing_answer(case=case, version=case.version, actor=worker, on=sent, answer="Stoppet.",
                                   representative=make_citizen(first_name="Mette", last_name="Lund"))
    assert case.tasks.get(kind=TaskKind.HEARING).status == TaskStatus.DONE
    answered = CaseEvent.objects.get(case=case, kind=EventKind.HEARING_ANSWERED)
    assert answered.on_behalf and answered.representative.first_name == "Mette"


def test_events_are_append_only(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    event = CaseEvent.objects.filter(case=case).first()
    event.text = "ændret"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).update(text="x")
    with pytest.raises(PermissionError):
        event.delete()


def test_open_case_records_received_and_writes_a_receipt(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.RECEIVED]
    receipt = case.letters.get()
    assert receipt.kind == "receipt" and case.reference in receipt.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_changing_the_timeline_even_in_raw_sql(karen, worker):
    case = case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)
    for sql in ("UPDATE casework_caseevent SET text = 'x'", "DELETE FROM casework_caseevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert CaseEvent.objects.filter(case=case).count() == 2
