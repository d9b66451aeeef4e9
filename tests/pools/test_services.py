"""Defining a pool, applying in the window (Danish time, around daylight saving), deciding,
allocating by target-group counts, and the unclaimed money."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhed.core.calendar import COPENHAGEN
from helhed.pools import selectors, services
from helhed.pools.models import Allocation, Application, ApplicationStatus, MilestoneKind, StaffingLine
from tests.pools.conftest import AFTER_DEADLINE, IN_WINDOW, STAFFING, apply, approve, make_pool, make_result, schedule

UTC = datetime.UTC


def test_a_pool_is_defined_with_its_tranche_schedule(officer):
    result = make_result(officer, {751: 10, 101: 20})
    pool = make_pool(officer, result)
    assert [(t.number, t.percent, t.kind) for t in pool.tranches.all()] == [
        (1, Decimal("30"), MilestoneKind.AT_START), (2, Decimal("40"), MilestoneKind.ALL_RESOLVED),
        (3, Decimal("30"), MilestoneKind.EFFORT_SHARE)]
    third = pool.tranches.get(number=3)
    assert third.threshold == 40 and third.months == 3
    assert "40 % i virksomhedsrettet indsats i 3 sammenhængende måneder" in third.description
    assert pool.reference_date == result.as_of and pool.rule_name == "flere-skal-med-2017"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"tranches": schedule()[:2]}, "tranches", "100 %"),
    ({"total": Decimal("100.50")}, "total", "helt antal enheder"),
    ({"total": Decimal("0")}, "total", "positivt"),
    ({"deadline": datetime.date(2025, 1, 1)}, "deadline", "efter den dag"),
    ({"tranches": schedule(threshold="0")}, "tranches", "andel"),
    ({"tranches": schedule(months=0)}, "tranches", "måneder"),
])
def test_a_bad_pool_is_refused_with_a_message(officer, change, field, message):
    result = make_result(officer, {751: 1})
    with pytest.raises(ValidationError) as error:
        make_pool(officer, result, **change)
    assert any(message in m for m in error.value.message_dict[field])


def test_an_application_with_a_staffing_plan(officer, aarhus_manager):
    pool = make_pool(officer, make_result(officer, {751: 10}))
    application = apply(pool, 751, aarhus_manager)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.total_fte == Decimal("3.5")
    assert application.total_cost == Decimal("1700000")
    assert set(StaffingLine.objects.values_list("role", flat=True)) == {"caseworker", "mentor"}


def test_a_duplicate_submission_creates_one_application(officer, aarhus_manager):
    pool = make_pool(officer, make_result(officer, {751: 10}))
    key = uuid.uuid4()
    first = apply(pool, 751, aarhus_manager, key=key)
    again, created = services.submit_application(pool=pool, municipality_id=751, actor=aarhus_manager, contact="X",
                                                 staffing=STAFFING, idempotency_key=key, now=IN_WINDOW)
    other_key, created2 = services.submit_application(pool=pool, municipality_id=751, actor=aarhus_manager,
                                                      contact="X", staffing=STAFFING, idempotency_key=uuid.uuid4(),
                                                      now=IN_WINDOW)
    assert again == first == other_key and not created and not created2
    assert Application.objects.count() == 1 and StaffingLine.objects.count() == 2


def test_a_staffing_plan_without_staff_is_refused(officer):
    pool = make_pool(officer, make_result(officer, {751: 10}))
    with pytest.raises(ValidationError) as error:
        services.submit_application(pool=pool, municipality_id=751, actor=None, contact="",
                                    staffing=[("mentor", Decimal(0), Decimal(0)), ("caseworker", Decimal(-1), 0)],
                                    idempotency_key=uuid.uuid4(), now=IN_WINDOW)
    assert "kontaktpersonen" in error.value.message_dict["contact"][0]
    assert any("negative" in m for m in error.value.message_dict["staffing"])
    assert not Application.objects.exists()


# Daylight saving time in 2026 starts on 29 March (02:00 → 03:00) and ends on 25 October.
@pytest.mark.parametrize(("deadline", "last_moment_utc"), [
    (datetime.date(2026, 3, 28), datetime.datetime(2026, 3, 28, 22, 59, 59, tzinfo=UTC)),  # CET, day before
    (datetime.date(2026, 3, 29), datetime.datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC)),  # the change day: CEST
    (datetime.date(2026, 10, 24), datetime.datetime(2026, 10, 24, 21, 59, 59, tzinfo=UTC)),  # CEST, day before
    (datetime.date(2026, 10, 25), datetime.datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC)),  # the change day: CET
])
def test_the_deadline_is_the_end_of_the_day_in_danish_time(officer, deadline, last_moment_utc):
    pool = make_pool(officer, make_result(officer, {751: 10, 101: 5}), deadline=deadline)
    local = last_moment_utc.astimezone(COPENHAGEN)
    assert (local.date(), local.hour, local.minute, local.second) == (deadline, 23, 59, 59)
    accepted = apply(pool, 751, now=last_moment_utc)
    assert accepted.pk
    midnight = last_moment_utc + datetime.timedelta(seconds=1)
    assert midnight.astimezone(COPENHAGEN).time() == datetime.time(0, 0, 0)
    with pytest.raises(ValidationError) as error:
        apply(pool, 101, now=midnight)
    assert f"Ansøgningsfristen var {deadline:%d.%m.%Y}" in error.value.messages[0]
    assert not Application.objects.filter(municipality_id=101).exists()


def test_an_application_before_the_window_opens_is_refused(officer):
    pool = make_pool(officer, make_result(officer, {751: 1}))
    with pytest.raises(ValidationError, match="åbner for ansøgninger"):
        apply(pool, 751, now=datetime.datetime(2026, 1, 4, 23, 0, tzinfo=COPENHAGEN))


def test_approve_and_reject_with_a_reason(officer):
    pool = make_pool(officer, make_result(officer, {751: 1, 101: 1}))
    a, b = apply(pool, 751), apply(pool, 101)
    assert approve(a, officer).status == ApplicationStatus.APPROVED
    with pytest.raises(ValidationError) as error:
        services.decide_application(application=b, approve=False, reason=" ", actor=officer, now=IN_WINDOW)
    assert "begrundelse" in error.value.message_dict["reason"][0]
    b = services.decide_application(application=b, approve=False, reason="Bemandingsplanen mangler mentorer.",
                                    actor=officer, now=IN_WINDOW)
    assert b.status == ApplicationStatus.REJECTED and b.reason.startswith("Bemandingsplanen")
    with pytest.raises(ValidationError, match="allerede"):
        approve(b, officer)


def test_allocation_by_target_group_counts_leaves_non_applicants_share_unclaimed(officer):
    result = make_result(officer, {751: 3, 101: 5, 147: 2})
    pool = make_pool(officer, result, total=Decimal("1000"))
    approve(apply(pool, 751), officer)
    approve(apply(pool, 101), officer)
    with pytest.raises(ValidationError, match="efter ansøgningsfristen"):
        services.allocate_pool(pool=pool, actor=officer, now=IN_WINDOW)
    rows = services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    got = {a.municipality_id: (a.count, a.amount, a.applied) for a in rows}
    assert got == {101: (5, Decimal(500), True), 147: (2, Decimal(200), False), 751: (3, Decimal(300), True)}
    assert sum(a.amount for a in rows) == pool.total
    pool.refresh_from_db()
    assert selectors.unclaimed(pool) == Decimal(200)
    with pytest.raises(ValidationError, match="allerede fordelt"):
        services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)


def test_allocation_waits_for_every_decision(officer):
    pool = make_pool(officer, make_result(officer, {751: 3}))
    apply(pool, 751)
    with pytest.raises(ValidationError, match="ikke afgjort"):
        services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    assert not Allocation.objects.exists()


def test_the_seed_pool_sums_exactly_to_262_5_million(officer):
    counts = {101: 4100, 751: 2300, 461: 1500, 360: 420, 147: 333, 665: 97, 813: 1}
    pool = make_pool(officer, make_result(officer, counts))
    for code in counts:
        if code != 665:
            approve(apply(pool, code), officer)
    rows = services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    assert sum(a.amount for a in rows) == Decimal("262500000")
    assert all(a.amount == a.amount.to_integral_value() for a in rows)
    lemvig = next(a for a in rows if a.municipality_id == 665)
    pool.refresh_from_db()
    assert selectors.unclaimed(pool) == lemvig.amount > 0
