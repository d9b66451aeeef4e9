"""Tranche evaluation: each milestone met, not met and met late; exactly one payout; a
forfeited tranche becomes unclaimed money; redistribution through a follow-up pool."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhed.pools import milestones, selectors, services
from helhed.pools.models import AllocationBasis, Forfeiture, Payout
from tests.pools.conftest import (
    allocated_pool,
    apply,
    approve,
    evaluate,
    in_effort,
    on_benefit,
    resolve,
    schedule,
)

D = datetime.date


def payouts(pool, code=751):
    return {p.tranche.number: p for p in Payout.objects.filter(tranche__pool=pool, municipality_id=code)}


def forfeits(pool, code=751):
    return {f.tranche.number: f for f in Forfeiture.objects.filter(tranche__pool=pool, municipality_id=code)}


def test_tranche_amounts_sum_exactly_to_the_grant():
    assert milestones.tranche_amounts(Decimal(500001), {1: Decimal(30), 2: Decimal(40), 3: Decimal(30)}) == {
        1: Decimal(150000), 2: Decimal(200001), 3: Decimal(150000)}
    split = milestones.tranche_amounts(Decimal(7), {1: Decimal(30), 2: Decimal(40), 3: Decimal(30)})
    assert sum(split.values()) == 7


@pytest.mark.parametrize(("met_on", "today", "expected"), [
    (D(2026, 6, 10), D(2026, 7, 1), "pay"),
    (D(2026, 9, 30), D(2026, 10, 1), "pay"),  # on the latest date itself
    (D(2026, 10, 1), D(2026, 10, 2), "forfeit"),  # met late
    (None, D(2026, 9, 30), "wait"),
    (None, D(2026, 10, 1), "forfeit"),
    (D(2026, 8, 1), D(2026, 7, 1), "wait"),  # not yet
])
def test_decide(met_on, today, expected):
    assert milestones.decide(met_on=met_on, latest_on=D(2026, 9, 30), today=today) == expected


def test_the_first_tranche_is_paid_at_the_start(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    summary = evaluate(pool, D(2026, 2, 25))
    assert summary.to_pay == 0  # the period has not begun
    evaluate(pool, D(2026, 3, 1))
    first = payouts(pool)[1]
    assert first.amount == Decimal(150000) and first.met_on == D(2026, 3, 1)
    assert first.evidence["rule"] == "at_start" and first.rule_version == milestones.rule_version()
    assert payouts(pool, 101)[1].amount == Decimal(150000)


def test_all_afklaret_og_visiteret_met(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager)
    cases = list(programme.cases.order_by("number"))
    resolve(cases[0], D(2026, 4, 2))
    resolve(cases[1], D(2026, 6, 10))
    resolve(cases[2], D(2026, 5, 1), closed=True)
    evaluate(pool, D(2026, 7, 1))
    second = payouts(pool)[2]
    assert second.met_on == D(2026, 6, 10) and second.amount == Decimal(200000)
    assert second.evidence["resolved"] == 3 and second.evidence["gross_target_group"] == 3
    assert 2 not in payouts(pool, 101)  # Copenhagen has no review programme


def test_all_afklaret_og_visiteret_not_met_waits_then_is_forfeited(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager)
    cases = list(programme.cases.order_by("number"))
    resolve(cases[0], D(2026, 4, 2))
    resolve(cases[1], D(2026, 4, 3))
    summary = evaluate(pool, D(2026, 9, 30))
    assert 2 not in payouts(pool) and 2 not in forfeits(pool) and summary.waiting >= 1
    evaluate(pool, D(2026, 10, 1))
    lost = forfeits(pool)[2]
    assert lost.met_on is None and lost.amount == Decimal(200000)
    assert lost.evidence["resolved"] == 2 and lost.evidence["gross_target_group"] == 3
    assert 2 in forfeits(pool, 101)  # no programme at all: forfeited too


def test_all_afklaret_og_visiteret_met_late_is_forfeited(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager)
    for case, day in zip(programme.cases.order_by("number"), [D(2026, 4, 2), D(2026, 5, 1), D(2026, 10, 5)],
                         strict=True):
        resolve(case, day)
    evaluate(pool, D(2026, 10, 10))
    assert 2 not in payouts(pool)
    # Resolved after the latest date, and entered then: not a fact by the deadline.
    assert forfeits(pool)[2].met_on is None
    assert forfeits(pool)[2].evidence["not_resolved"] == [3]


def test_effort_share_met_in_three_consecutive_months(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager, in_order=False)
    on_benefit(programme)
    cases = list(programme.cases.order_by("number"))
    in_effort(cases[0], D(2026, 4, 1), D(2026, 6, 30))
    in_effort(cases[1], D(2026, 4, 20), D(2026, 6, 5), kind="loentilskud")
    in_effort(cases[2], D(2026, 3, 1), kind="mentor")  # not virksomhedsrettet
    evaluate(pool, D(2026, 6, 30))
    assert 3 not in payouts(pool)  # June has not ended
    evaluate(pool, D(2026, 7, 1))
    third = payouts(pool)[3]
    assert third.met_on == D(2026, 6, 30) and third.amount == Decimal(150000)
    months = third.evidence["months"]
    assert [m["month"] for m in months] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert [(m["in_virksomhedsrettet_indsats"], m["recipients"], m["reached"]) for m in months] == [
        (0, 3, False), (2, 3, True), (2, 3, True), (2, 3, True)]


def test_effort_share_not_met_when_the_run_is_broken(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager, in_order=False)
    on_benefit(programme)
    cases = list(programme.cases.order_by("number"))
    for month in (4, 5, 7, 8):  # June is missing
        in_effort(cases[0], D(2026, month, 1), D(2026, month, 28))
        in_effort(cases[1], D(2026, month, 1), D(2026, month, 28))
    evaluate(pool, D(2026, 9, 1))
    assert 3 not in payouts(pool) and 3 not in forfeits(pool)
    evaluate(pool, D(2027, 1, 1))
    lost = forfeits(pool)[3]
    assert lost.met_on is None
    assert [m["reached"] for m in lost.evidence["months"]][:6] == [False, True, True, False, True, True]


def test_effort_share_below_the_threshold_is_not_met(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager, tranches=schedule(threshold="67"), in_order=False)
    on_benefit(programme)
    cases = list(programme.cases.order_by("number"))
    in_effort(cases[0], D(2026, 3, 1))
    in_effort(cases[1], D(2026, 3, 1))  # 2 of 3 = 66.67 % < 67 %
    evaluate(pool, D(2026, 12, 1))
    assert 3 not in payouts(pool)


def test_effort_share_met_late_is_forfeited(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager, tranches=schedule(effort_latest=D(2026, 11, 30)),
                                     in_order=False)
    on_benefit(programme)
    cases = list(programme.cases.order_by("number"))
    in_effort(cases[0], D(2026, 10, 1))
    in_effort(cases[1], D(2026, 10, 1))
    evaluate(pool, D(2027, 1, 2))
    assert 3 not in payouts(pool)
    assert forfeits(pool)[3].met_on == D(2026, 12, 31)


def test_evaluating_again_pays_nothing_twice(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    first = evaluate(pool, D(2026, 3, 5))
    second = evaluate(pool, D(2026, 3, 6))
    assert first.to_pay == 2 and second.to_pay == 0 and second.already == 2
    assert Payout.objects.count() == 2


def test_forfeited_money_is_unclaimed_and_goes_out_again_in_a_follow_up_pool(officer, aarhus_manager):
    from tests.pools.conftest import AFTER_DEADLINE

    pool, _ = allocated_pool(officer, aarhus_manager, counts={751: 3, 101: 3, 147: 4}, total=Decimal(1000000))
    assert selectors.unclaimed(pool) == Decimal(400000)  # Frederiksberg did not apply
    evaluate(pool, D(2026, 10, 1))  # tranche 2 forfeited by both
    assert selectors.unclaimed(pool) == Decimal(400000) + 2 * Decimal(120000)
    available = selectors.available_for_follow_up(pool)
    with pytest.raises(ValidationError) as error:
        services.create_follow_up(parent=pool, actor=officer, name="Restpulje", legal_basis="§ 17.46.08.10",
                                  total=available + 1, period_start=D(2027, 1, 1), period_end=D(2027, 12, 31),
                                  opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30),
                                  tranches=schedule(start_latest=D(2027, 3, 1), resolved_latest=D(2027, 6, 1),
                                                    effort_latest=D(2027, 12, 1)))
    assert "uforbrugt" in error.value.message_dict["total"][0]
    follow_up = services.create_follow_up(
        parent=pool, actor=officer, name="Restpulje", legal_basis="§ 17.46.08.10", total=available,
        period_start=D(2027, 1, 1), period_end=D(2027, 12, 31), opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30),
        tranches=schedule(start_latest=D(2027, 3, 1), resolved_latest=D(2027, 6, 1), effort_latest=D(2027, 12, 1)))
    assert follow_up.parent == pool and follow_up.allocation_basis == AllocationBasis.APPLICANTS
    assert selectors.available_for_follow_up(pool) == 0
    in_window = datetime.datetime.combine(D(2026, 11, 15), datetime.time(10), tzinfo=AFTER_DEADLINE.tzinfo)
    approve(apply(follow_up, 147, now=in_window), officer, now=in_window)
    approve(apply(follow_up, 751, now=in_window), officer, now=in_window)
    rows = services.allocate_pool(pool=follow_up, actor=officer,
                                  now=datetime.datetime.combine(D(2026, 12, 1), datetime.time(9),
                                                                tzinfo=AFTER_DEADLINE.tzinfo))
    assert {a.municipality_id for a in rows} == {147, 751}  # Copenhagen did not apply: no share
    assert sum(a.amount for a in rows) == follow_up.total
    assert {a.municipality_id: a.amount for a in rows} == {147: Decimal(365714), 751: Decimal(274286)}
