"""The tranches count only facts that cannot be bent: entered by the deadline (Danish time),
approved by a colleague when dated back, and benefit periods from the registers."""

import datetime
from decimal import Decimal

import pytest

from helhed.core.calendar import COPENHAGEN
from helhed.core.roles import Role
from helhed.pools import milestones, services
from helhed.pools.models import Forfeiture, Payout
from helhed.review import measures
from helhed.review import services as review
from helhed.review.models import CaseEvent, Status
from tests.factories import UserFactory, make_citizen
from tests.pools.conftest import AFTER_DEADLINE, START, apply, approve, evaluate, make_pool, make_result, schedule

D = datetime.date
KH = "kontanthjaelp_aktivitetsparat"
AFKLARING = dict(exemption="none", citizen_view="Klar.", track="jobparat")


def at(day, hour=12, minute=0, second=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=COPENHAGEN)


@pytest.fixture
def worker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")


def pool_with_citizens(officer, manager, n=3, **kwargs):
    citizens = [make_citizen(municipality=751, first_name=f"B{i}", last_name="Puljesen") for i in range(n)]
    result = make_result(officer, {101: 3}, cprs={751: [c.cpr for c in citizens]})
    # Each milestone on its own evidence: tranche 3 does not wait for tranche 2 here.
    pool = make_pool(officer, result, total=Decimal("1000000"), tranches=schedule(**kwargs), tranches_in_order=False)
    for code in (751, 101):
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    pool.refresh_from_db()
    programme = review.create_programme(actor=manager, result=result, municipality_id=751, name="P",
                                        started_on=START)
    cases = [programme.cases.get(citizen=c) for c in citizens]
    return pool, programme, cases, citizens


def visitere(case, worker, on, reason=""):
    case = review.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker, on=on,
                                reason=reason)
    case = review.save_case(case=case, version=case.version, actor=worker, on=on, **AFKLARING)
    case = review.change_status(case=case, version=case.version, to=Status.AFKLARET, actor=worker, on=on,
                                reason=reason)
    return review.change_status(case=case, version=case.version, to=Status.VISITERET, actor=worker, on=on,
                                reason=reason)


def paid(pool, number):
    return Payout.objects.filter(tranche__pool=pool, tranche__number=number, municipality_id=751).first()


def lost(pool, number):
    return Forfeiture.objects.filter(tranche__pool=pool, tranche__number=number, municipality_id=751).first()


@pytest.mark.parametrize(("entered", "expected"), [
    (at(D(2026, 9, 30), 23, 59, 59), "paid"),  # the deadline day, Danish time
    (at(D(2026, 10, 1), 0, 0, 0), "forfeited"),  # a second later
])
def test_a_status_change_entered_after_the_deadline_does_not_count(officer, aarhus_manager, worker, time_machine,
                                                                   entered, expected):
    """Loophole: a case saved after tranche 2's deadline but dated the day before counted,
    and the tranche was paid."""
    pool, programme, cases, _ = pool_with_citizens(officer, aarhus_manager)
    time_machine.move_to(at(D(2026, 6, 1)), tick=False)
    for case in cases[:2]:
        visitere(case, worker, D(2026, 6, 1))
    time_machine.move_to(entered, tick=False)
    visitere(cases[2], worker, D(2026, 9, 29))
    evaluate(pool, D(2026, 10, 2))
    if expected == "paid":
        assert paid(pool, 2) is not None and lost(pool, 2) is None
        assert paid(pool, 2).met_on == D(2026, 9, 29)
    else:
        assert paid(pool, 2) is None
        evidence = lost(pool, 2).evidence
        assert evidence["entered_by"] == "2026-09-30 23:59:59 Europe/Copenhagen"
        assert evidence["resolutions_not_counted"] == [cases[2].number] and evidence["resolved"] == 2
    assert milestones.rule_version() == "puljer-2/gennemgang-2"


def test_a_backdated_visitation_counts_only_once_a_colleague_approved_it_by_the_deadline(
        officer, aarhus_manager, worker, time_machine):
    pool, programme, cases, _ = pool_with_citizens(officer, aarhus_manager)
    time_machine.move_to(at(D(2026, 6, 1)), tick=False)
    for case in cases[:2]:
        visitere(case, worker, D(2026, 6, 1))
    time_machine.move_to(at(D(2026, 9, 20)), tick=False)
    visitere(cases[2], worker, D(2026, 8, 1), reason="Sagen lå i papirform.")
    evaluate(pool, D(2026, 9, 21))
    assert paid(pool, 2) is None and lost(pool, 2) is None  # waits
    event = CaseEvent.objects.get(case=cases[2], to_status=Status.VISITERET)
    time_machine.move_to(at(D(2026, 9, 25)), tick=False)
    review.decide_fact(kind="event", pk=event.pk, approve=True, reason="Papirsagen er set.", actor=aarhus_manager)
    evaluate(pool, D(2026, 9, 26))
    assert paid(pool, 2).met_on == D(2026, 8, 1)


def test_the_effort_share_is_over_the_whole_gross_target_group_not_the_typed_periods(
        officer, aarhus_manager, worker, time_machine):
    """Loophole: one typed benefit period out of five cases gave 100 % three months running,
    and tranche 3 was paid."""
    pool, programme, cases, _ = pool_with_citizens(officer, aarhus_manager, n=5)
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    review.add_benefit_period(case=cases[0], actor=worker, ydelse=KH, starts_on=D(2020, 1, 1),
                              reason="Bevilling set i sagen.")
    review.add_effort(case=cases[0], actor=worker, kind="praktik", starts_on=D(2026, 3, 2), employer="X")
    evaluate(pool, D(2026, 7, 1))
    assert paid(pool, 3) is None
    outcome = milestones.consecutive_months(measures.load_facts(programme, until=D(2026, 7, 1)), start=START,
                                            today=D(2026, 7, 1), threshold=Decimal("40"), months=3)
    assert [(m["in_virksomhedsrettet_indsats"], m["recipients"]) for m in outcome.evidence["months"]] == [(1, 5)] * 4
    assert outcome.evidence["corrections_not_counted"] == 1


def test_the_effort_share_subtracts_those_the_register_shows_leaving(officer, aarhus_manager, worker, time_machine):
    from tests.review.conftest import import_extract

    pool, programme, cases, citizens = pool_with_citizens(officer, aarhus_manager, n=5)
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    review.add_effort(case=cases[0], actor=worker, kind="praktik", starts_on=D(2026, 4, 1), employer="X")
    # Before any extract the whole gross target group is the denominator: 1 of 5.
    evaluate(pool, D(2026, 7, 1))
    assert paid(pool, 3) is None
    time_machine.move_to(at(D(2026, 7, 2)), tick=False)
    batch = import_extract(programme, aarhus_manager, citizens, extract_on=D(2026, 7, 1),
                           ended={c.pk: D(2026, 3, 31) for c in citizens[2:]})
    evaluate(pool, D(2026, 7, 3))
    payout = paid(pool, 3)
    assert payout is not None and payout.met_on == D(2026, 6, 30)
    april = payout.evidence["months"][1]
    assert april["month"] == "2026-04" and (april["in_virksomhedsrettet_indsats"], april["recipients"]) == (1, 2)
    assert sorted(april["shown_out_of_benefit"]) == [c.number for c in cases[2:]]
    assert payout.evidence["extract"]["sha256"] == batch.sha256
    assert payout.evidence["gross_target_group"] == 5
