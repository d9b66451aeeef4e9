"""A citizen moves: the home municipality and the citizen's Udbetaling Danmark cases move in
one transaction, the old municipality keeps its own cases with a task to close or hand them
over, and the move is kept as evidence that cannot be rewritten."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from helhed.casework import rules, selectors, services
from helhed.casework.models import Authority, BenefitArea, CaseEvent, CaseStatus, EventKind, TaskKind, TaskStatus
from helhed.registry.models import Citizen, Move
from tests.casework.conftest import TODAY, case_in, fresh

AARHUS, KOEBENHAVN = 751, 101


@pytest.fixture
def karens_cases(karen, worker, udk):
    pension = case_in(CaseStatus.PROCESSING, citizen=karen, actor=udk, benefit_area=BenefitArea.FOLKEPENSION)
    services.create_task(kind="other", title="Ring til Karen", case=pension, citizen=karen, municipality_id=AARHUS)
    own = case_in(CaseStatus.PROCESSING, citizen=karen, actor=worker)
    assert pension.authority == Authority.UDK and own.authority == Authority.MUNICIPALITY
    return pension, own


def test_the_new_municipality_sees_the_udk_cases_and_the_old_does_not(karen, karens_cases, worker, other_worker):
    pension, own = karens_cases
    assert rules.may_read_case(worker, pension) and not rules.may_read_case(other_worker, pension)

    counts = services.move_citizen(citizen=karen, to_municipality_id=KOEBENHAVN, moved_on=TODAY, actor=None,
                                   today=TODAY)
    assert counts == {"udk_cases": 1, "handover_tasks": 1}
    pension, own = fresh(pension), fresh(own)
    assert Citizen.objects.get(pk=karen.pk).home_municipality_id == KOEBENHAVN
    assert pension.municipality_id == KOEBENHAVN
    assert rules.may_read_case(other_worker, pension) and not rules.may_read_case(worker, pension)
    assert pension in selectors.case_list(user=other_worker, channel="web")
    assert pension not in selectors.case_list(user=worker, channel="web")
    # The open task of the moved case follows it into the new municipality's queue.
    assert [t.title for t in selectors.work_queue(user=other_worker, channel="web")] == ["Ring til Karen"]
    # The municipality's own case stays with the municipality that decides it, with a task.
    assert own.municipality_id == AARHUS and rules.may_read_case(worker, own)
    assert not rules.may_read_case(other_worker, own)
    handover = own.tasks.get(kind=TaskKind.MOVED_AWAY)
    assert handover.municipality_id == AARHUS and handover.status == TaskStatus.OPEN
    assert "København" in handover.title and own.reference in handover.title
    assert CaseEvent.objects.filter(case=pension, kind=EventKind.MOVED).get().on == TODAY
    move = Move.objects.get(citizen=karen)
    assert (move.from_municipality_id, move.to_municipality_id, move.moved_on) == (AARHUS, KOEBENHAVN, TODAY)


def test_a_form_opened_before_the_move_is_refused_not_saved_over_it(karen, karens_cases, udk):
    pension, _ = karens_cases
    services.move_citizen(citizen=karen, to_municipality_id=KOEBENHAVN, moved_on=TODAY, actor=None, today=TODAY)
    with pytest.raises(ValidationError):
        services.send_hearing(case=pension, version=pension.version, actor=udk, on=TODAY, facts="Du har et job.")


def test_a_move_in_the_future_before_the_last_or_to_the_same_municipality_is_refused(karen, karens_cases):
    pension, _ = karens_cases
    for to, on, field in [(KOEBENHAVN, TODAY + datetime.timedelta(days=1), "moved_on"),
                          (AARHUS, TODAY, "to_municipality"), (9999, TODAY, "to_municipality")]:
        with pytest.raises(ValidationError) as error:
            services.move_citizen(citizen=karen, to_municipality_id=to, moved_on=on, actor=None, today=TODAY)
        assert field in error.value.message_dict
    services.move_citizen(citizen=karen, to_municipality_id=KOEBENHAVN, moved_on=TODAY, actor=None, today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.move_citizen(citizen=karen, to_municipality_id=AARHUS, moved_on=TODAY - datetime.timedelta(days=3),
                              actor=None, today=TODAY)
    assert "før" in error.value.message_dict["moved_on"][0]
    # Nothing of the refused moves was kept.
    assert fresh(pension).municipality_id == KOEBENHAVN and Move.objects.filter(citizen=karen).count() == 1
    with pytest.raises(PermissionError):
        Move.objects.filter(citizen=karen).update(moved_on=TODAY)


def test_the_command_registers_a_move_and_refuses_bad_input(karen, karens_cases, capsys, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
    with pytest.raises(CommandError):
        call_command("move_citizen", "--citizen", str(karen.pk), "--to", str(KOEBENHAVN), "--on", "02.03.2026")
    with pytest.raises(SystemExit) as exit_:
        call_command("move_citizen", "--citizen", str(karen.pk), "--to", str(KOEBENHAVN), "--on", "2026-03-03")
    assert exit_.value.code == 2 and "Fejl: Flyttedatoen 03.03.2026 ligger i fremtiden." in capsys.readouterr().err
    call_command("move_citizen", "--citizen", str(karen.pk), "--to", str(KOEBENHAVN), "--on", "2026-03-02")
    assert "flyttet med: 1" in capsys.readouterr().out
    assert Citizen.objects.get(pk=karen.pk).home_municipality_id == KOEBENHAVN
