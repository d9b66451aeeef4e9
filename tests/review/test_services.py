import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helhed.core.roles import Role
from helhed.review import services
from helhed.review.models import Effort, EffortImport, ReviewCase
from tests.factories import UserFactory, make_citizen
from tests.review.conftest import make_programme, make_result

D = datetime.date


def test_a_programme_fixes_the_gross_target_group_and_lists_unregistered_members(manager):
    programme, citizens = make_programme(manager, n_citizens=2, n_unregistered=1)
    assert programme.gross_target_group == 3 and programme.cases.count() == 3
    assert list(programme.cases.values_list("number", flat=True)) == [1, 2, 3]
    unlinked = programme.cases.get(citizen__isnull=True)
    assert services.link_citizens(programme=programme) == 0
    assert unlinked.status == "not_started"


def test_only_a_manager_of_the_municipality_makes_a_programme_once(manager, worker):
    citizen = make_citizen(municipality=751)
    result = make_result(manager, [citizen.cpr])
    with pytest.raises(PermissionDenied):
        services.create_programme(actor=worker, result=result, municipality_id=751, name="X", started_on=D(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.create_programme(actor=manager, result=result, municipality_id=101, name="X",
                                  started_on=D(2026, 1, 1))
    services.create_programme(actor=manager, result=result, municipality_id=751, name="X", started_on=D(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.create_programme(actor=manager, result=result, municipality_id=751, name="X",
                                  started_on=D(2026, 1, 1))
    assert error.value.code == "duplicate"


def test_bulk_assignment_balances_the_load(manager, worker):
    programme, _ = make_programme(manager, n_citizens=5)
    other = UserFactory(role=Role.CASEWORKER, municipalities=[751], username="zoe")
    first = programme.cases.get(number=1)
    services.assign_case(case=first, caseworker=worker, actor=manager, on=D(2026, 3, 1))
    assert services.assign_in_bulk(programme=programme, caseworkers=[worker, other], actor=manager) == 4
    counts = {w: programme.cases.filter(caseworker=w).count() for w in (worker, other)}
    assert counts == {worker: 2, other: 3} or counts == {worker: 3, other: 2}
    outsider = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    with pytest.raises(ValidationError):
        services.assign_case(case=first, caseworker=outsider, actor=manager, on=D(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        services.assign_in_bulk(programme=programme, caseworkers=[worker], actor=worker)


def test_an_effort_posted_twice_is_one_effort_and_bad_values_are_refused(programme, worker):
    case = programme.cases.first()
    key = uuid.uuid4()
    e1, created1 = services.add_effort(
        reason="Registreret sent", case=case, actor=worker, kind="praktik", starts_on=D(2026, 5, 1),
        employer="Fiktiv ApS", hours_per_week=Decimal("10"), idempotency_key=key)
    e2, created2 = services.add_effort(
        reason="Registreret sent", case=case, actor=worker, kind="praktik", starts_on=D(2026, 5, 1),
        employer="Fiktiv ApS", hours_per_week=Decimal("10"), idempotency_key=key)
    assert created1 and not created2 and e1.pk == e2.pk and Effort.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        services.add_effort(
            reason="Registreret sent", case=case, actor=worker, kind="loentilskud", starts_on=D(2026, 5, 1),
            ends_on=D(2026, 4, 1), hours_per_week=Decimal("50"))
    assert set(error.value.message_dict) == {"ends_on", "hours_per_week", "employer"}
    assert Effort.objects.count() == 1


def test_the_post_that_loses_the_race_gets_the_first_effort_and_leaves_no_event(programme, worker):
    """Both posts passed the look-up before either saved: the database's unique key decides,
    and the loser's case event (written in the same transaction) is gone with it
    (``core.idempotent.insert_once``)."""
    from helhed.core.idempotent import insert_once

    case = programme.cases.first()
    key = uuid.uuid4()
    first, _ = services.add_effort(reason="Registreret sent", case=case, actor=worker, kind="praktik",
                                   starts_on=D(2026, 5, 1),
                                   employer="Fiktiv ApS", hours_per_week=Decimal("10"), idempotency_key=key)
    events = case.events.count()
    late = Effort(case=case, kind="praktik", starts_on=D(2026, 5, 1), employer="Fiktiv ApS",
                  hours_per_week=Decimal("10"), idempotency_key=key, created_by=worker)
    got, created = insert_once(late, then=lambda e: case.events.create(on=D(2026, 5, 1), text="skal ikke gemmes"))
    assert (got.pk, created) == (first.pk, False) and case.events.count() == events
    with pytest.raises(RuntimeError):
        insert_once(Effort(case=case, kind="praktik", starts_on=D(2026, 5, 1), employer="Fiktiv ApS",
                           hours_per_week=Decimal("10"), idempotency_key=uuid.uuid4(), created_by=worker),
                    then=lambda e: (_ for _ in ()).throw(RuntimeError("the event failed")))
    assert Effort.objects.count() == 1


def test_overlapping_benefit_periods_are_refused(programme, worker):
    case = programme.cases.first()
    services.add_benefit_period(
        reason="Registreret sent", case=case, actor=worker, ydelse="kontanthjaelp_aktivitetsparat",
        starts_on=D(2020, 1, 1), ends_on=D(2026, 1, 31))
    with pytest.raises(ValidationError):
        services.add_benefit_period(reason="Registreret sent", case=case, actor=worker, ydelse="kontanthjaelp_jobparat",
                                    starts_on=D(2026, 1, 31))
    services.add_benefit_period(
        reason="Registreret sent", case=case, actor=worker, ydelse="kontanthjaelp_jobparat", starts_on=D(2026, 2, 1))
    with pytest.raises(ValidationError):
        services.add_benefit_period(
            reason="Registreret sent", case=case, actor=worker, ydelse="findes_ikke", starts_on=D(2026, 2, 1))


def _csv(*rows, header="cpr,type,start,slut,timer,arbejdsgiver"):
    return ("\n".join([header, *rows]) + "\n").encode()


def test_import_writes_every_row_or_nothing(programme_and_citizens, worker):
    programme, citizens = programme_and_citizens
    a, b = citizens[0].cpr.replace("-", ""), citizens[1].cpr
    good = _csv(f"{a},praktik,2026-05-01,,10,Fiktiv ApS", f"{b},mentor,2026-05-01,2026-06-30,\"2,5\",")
    batch = services.import_efforts(programme=programme, actor=worker, name="indsatser.csv", content=good)
    assert batch.rows == 2 and Effort.objects.filter(import_batch=batch).count() == 2
    with pytest.raises(ValidationError) as error:
        services.import_efforts(programme=programme, actor=worker, name="indsatser.csv", content=good)
    assert error.value.code == "duplicate"
    outsider = make_citizen(municipality=751, first_name="Ude", last_name="Afgruppen").cpr
    bad = _csv(f"{a},praktik,2026-07-01,,10,Fiktiv ApS", f"{outsider},praktik,2026-07-01,,,X",
               f"{a},svømning,2026-07-01,,,", f"{a},praktik,2026-07-01,2026-06-01,,X")
    with pytest.raises(ValidationError) as error:
        services.import_efforts(programme=programme, actor=worker, name="juli.csv", content=bad)
    message = error.value.messages[0]
    assert message.startswith("Fejl i inddata: juli.csv, række 2: borgeren er ikke i programmets")
    assert "(2 andre rækker har også fejl.)" in message and outsider.replace("-", "") not in message
    assert Effort.objects.count() == 2 and EffortImport.objects.count() == 1


@pytest.mark.parametrize(("content", "expected"), [
    (b"cpr,type\n", "linje 1: mangler kolonnen 'start'"),
    (b"\xff\xfe", "kan ikke læses som CSV"),
    (_csv("3201991234,praktik,2026-01-01,,,X"), "række 1: CPR-nummeret er ikke gyldigt"),
    (_csv(), "ingen rækker"),
])
def test_import_messages(programme, worker, content, expected):
    with pytest.raises(ValidationError) as error:
        services.import_efforts(programme=programme, actor=worker, name="f.csv", content=content)
    assert expected in error.value.messages[0]
    assert not ReviewCase.objects.filter(efforts__isnull=False).exists()


def test_an_import_written_in_chunks_leaves_nothing_when_a_chunk_fails(programme_and_citizens, worker, monkeypatch):
    """The rows are written a chunk to a transaction (so other users are not locked out); a
    chunk that fails takes the chunks before it and the import's record with it."""
    programme, citizens = programme_and_citizens
    rows = [f"{c.cpr},mentor,2026-05-01,,,"for c in citizens]
    monkeypatch.setattr(services, "WRITE_CHUNK", 1)
    real, calls = Effort.objects.bulk_create, []

    def failing_second_chunk(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Effort.objects, "bulk_create", failing_second_chunk)
    with pytest.raises(RuntimeError, match="disk full"):
        services.import_efforts(programme=programme, actor=worker, name="indsatser.csv", content=_csv(*rows))
    assert calls == [1, 1] and Effort.objects.count() == 0 and EffortImport.objects.count() == 0
    monkeypatch.undo()
    batch = services.import_efforts(programme=programme, actor=worker, name="indsatser.csv", content=_csv(*rows))
    assert Effort.objects.filter(import_batch=batch).count() == len(citizens) == 3


def test_a_form_key_used_for_another_case_is_refused_and_makes_nothing(programme, worker):
    first_case, other_case = programme.cases.all()[:2]
    key = uuid.uuid4()
    services.add_effort(reason="Registreret sent", case=first_case, actor=worker, kind="praktik",
                        starts_on=D(2026, 5, 1), employer="Fiktiv ApS", hours_per_week=Decimal("10"),
                        idempotency_key=key)
    with pytest.raises(ValidationError) as error:
        services.add_effort(reason="Registreret sent", case=other_case, actor=worker, kind="praktik",
                            starts_on=D(2026, 5, 1), employer="Fiktiv ApS", hours_per_week=Decimal("10"),
                            idempotency_key=key)
    assert error.value.code == "key_reused" and "en anden sag" in error.value.messages[0]
    assert Effort.objects.count() == 1 and not Effort.objects.filter(case=other_case).exists()
