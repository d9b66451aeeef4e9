"""Every clause and edge of the two preset rules, through the DuckDB engine, each checked
against the slow reference implementation too."""

import datetime
from decimal import Decimal

import pytest

from helhed.register.targetgroups import (
    AFKLARINGSPULJE_2019,
    FLERE_SKAL_MED_2017,
    RULES,
    ContinuousStay,
    ShareOfWindow,
    register,
    years_before,
)
from tests.register import reference
from tests.register.helpers import A, B, C, d, run_rows

FSM = FLERE_SKAL_MED_2017
D = d("2017-04-09")
KH_A = "kontanthjaelp_aktivitetsparat"
KH_J = "kontanthjaelp_jobparat"


def members(rows, rule=FSM, as_of=D):
    run = run_rows(rows, rule, as_of)
    expected = (reference.continuous_stay if isinstance(rule, ContinuousStay) else reference.share_of_window)(
        rule, rows, as_of)
    assert run.members == expected, "engine and reference disagree"
    return run.members


def test_the_two_presets_exist_with_their_parameters():
    assert set(RULES) >= {"flere-skal-med-2017", "afklaringspulje-2019"}
    assert FSM.parameters()["max_gap_days"] == 90 and FSM.parameters()["years"] == 5
    assert AFKLARINGSPULJE_2019.parameters()["min_share"] == "0.8"
    assert AFKLARINGSPULJE_2019.parameters()["window_years"] == 10
    assert "seed 002" in FSM.source.lower() or "Seed 002" in FSM.source
    assert FSM.figures == ("stay_start", "days_in_stay")
    assert AFKLARINGSPULJE_2019.figures == ("days_in_window",)


def test_a_new_rule_is_registered_without_touching_the_engine():
    rule = ContinuousStay(name="test-tre-aar", version="1", title="Tre år", source="test", years=3)
    try:
        register(rule)
        rows = [(A, 751, KH_A, d("2013-01-01"), None)]
        assert [m[0] for m in run_rows(rows, RULES["test-tre-aar"], D).members] == [A]
        with pytest.raises(ValueError):
            register(rule)
    finally:
        RULES.pop("test-tre-aar", None)


# (a) aktivitetsparat on D -------------------------------------------------------------

def test_aktivitetsparat_five_years_is_in_the_target_group():
    start = d("2010-01-01")
    assert members([(A, 751, KH_A, start, None)]) == [(A, 751, start, (D - start).days + 1)]


def test_jobparat_on_the_reference_date_is_not():
    assert members([(A, 751, KH_J, d("2010-01-01"), None)]) == []


@pytest.mark.parametrize("ydelse", ["uddannelseshjaelp_aktivitetsparat", "integrationsydelse_aktivitetsparat"])
def test_every_aktivitetsparat_benefit_counts(ydelse):
    assert len(members([(A, 751, ydelse, d("2011-01-01"), None)])) == 1


def test_aktivitetsparat_period_must_cover_the_date_itself():
    ends_before = [(A, 751, KH_A, d("2010-01-01"), D - datetime.timedelta(days=1))]
    ends_on = [(A, 751, KH_A, d("2010-01-01"), D)]
    starts_on = [(A, 751, KH_J, d("2010-01-01"), D - datetime.timedelta(days=1)), (A, 751, KH_A, D, None)]
    starts_after = [(A, 751, KH_J, d("2010-01-01"), None), (A, 751, KH_A, D + datetime.timedelta(days=1), None)]
    assert members(ends_before) == []
    assert len(members(ends_on)) == 1
    assert len(members(starts_on)) == 1
    assert members(starts_after) == []


# (b) a stay in the system that began at least five years before D ----------------------

def test_stay_must_begin_on_or_before_d_minus_five_years():
    cutoff = years_before(D, 5)
    assert cutoff == d("2012-04-09")
    assert len(members([(A, 751, KH_A, cutoff, None)])) == 1
    assert members([(A, 751, KH_A, cutoff + datetime.timedelta(days=1), None)]) == []


def test_jobparat_years_count_toward_the_stay():
    rows = [(A, 751, KH_J, d("2011-01-01"), d("2015-12-31")), (A, 751, KH_A, d("2016-01-01"), None)]
    assert members(rows) == [(A, 751, d("2011-01-01"), (D - d("2011-01-01")).days + 1)]


def test_benefits_outside_the_system_do_not_count_toward_the_stay():
    rows = [(A, 751, "sygedagpenge", d("2008-01-01"), d("2014-12-31")), (A, 751, KH_A, d("2015-01-01"), None)]
    assert members(rows) == []


def _two_periods_with_gap(gap_days: int):
    first_end = d("2012-12-31")
    second_start = first_end + datetime.timedelta(days=gap_days + 1)
    return [(A, 751, KH_J, d("2010-01-01"), first_end), (A, 751, KH_A, second_start, None)]


def test_a_gap_of_exactly_90_days_does_not_interrupt_the_stay():
    assert members(_two_periods_with_gap(90)) == [(A, 751, d("2010-01-01"), (D - d("2010-01-01")).days + 1)]


def test_a_gap_of_91_days_starts_a_new_stay():
    assert members(_two_periods_with_gap(91)) == []


def test_the_gap_is_a_parameter():
    wider = ContinuousStay(name="x", version="1", title="x", source="x", max_gap_days=91)
    assert len(members(_two_periods_with_gap(91), rule=wider)) == 1


def test_leaving_the_system_and_coming_back_starts_a_new_stay():
    rows = [(A, 751, KH_A, d("2003-01-01"), d("2013-06-30")),
            (A, 751, "dagpenge", d("2013-07-01"), d("2014-06-30")),
            (A, 751, KH_A, d("2014-07-01"), None)]
    assert members(rows) == []
    # ... and the new stay counts from its own start once five years have passed.
    later = d("2019-07-01")
    assert members(rows, as_of=later) == [(A, 751, d("2014-07-01"), (later - d("2014-07-01")).days + 1)]


def test_overlapping_periods_are_one_stay():
    rows = [(A, 751, KH_J, d("2010-01-01"), d("2014-01-01")),
            (A, 751, KH_A, d("2011-06-01"), d("2012-01-01")),  # inside the first
            (A, 751, KH_A, d("2013-12-01"), None)]  # overlaps the end of the first
    assert members(rows) == [(A, 751, d("2010-01-01"), (D - d("2010-01-01")).days + 1)]


def test_gap_is_measured_from_the_latest_end_not_the_previous_row():
    # The long first period ends after the short second one; the gap to the third period
    # is measured from the long one's end.
    rows = [(A, 751, KH_J, d("2010-01-01"), d("2014-06-30")),
            (A, 751, KH_A, d("2010-02-01"), d("2010-03-01")),
            (A, 751, KH_A, d("2014-09-28"), None)]  # 89 days after 2014-06-30
    assert len(members(rows)) == 1


def test_ongoing_periods_count_up_to_the_date_and_later_periods_are_ignored():
    rows = [(A, 751, KH_A, d("2011-01-01"), None), (A, 751, KH_J, d("2018-01-01"), None)]
    assert members(rows) == [(A, 751, d("2011-01-01"), (D - d("2011-01-01")).days + 1)]


def test_leap_day_reference_date_compares_with_28_february():
    leap = d("2024-02-29")
    assert years_before(leap, 5) == d("2019-02-28")
    assert len(members([(A, 751, KH_A, d("2019-02-28"), None)], as_of=leap)) == 1
    assert members([(A, 751, KH_A, d("2019-03-01"), None)], as_of=leap) == []


def test_leap_day_inside_the_stay_is_a_day_like_any_other():
    # 2016 is a leap year: 91 calendar days between 2016-01-31 and 2016-05-02 is a gap of 91.
    rows = [(A, 751, KH_A, d("2010-01-01"), d("2016-01-31")), (A, 751, KH_A, d("2016-05-02"), None)]
    assert members(rows) == []
    rows = [(A, 751, KH_A, d("2010-01-01"), d("2016-01-31")), (A, 751, KH_A, d("2016-05-01"), None)]
    assert len(members(rows)) == 1


# Municipality -----------------------------------------------------------------------

def test_a_move_between_municipalities_counts_the_new_one():
    rows = [(A, 751, KH_A, d("2010-01-01"), d("2016-05-31")), (A, 101, KH_A, d("2016-06-01"), None)]
    assert members(rows) == [(A, 101, d("2010-01-01"), (D - d("2010-01-01")).days + 1)]


def test_of_two_covering_periods_the_latest_started_decides():
    rows = [(A, 751, KH_A, d("2010-01-01"), None), (A, 101, KH_A, d("2016-06-01"), None)]
    assert members(rows)[0][1] == 101


def test_same_start_ties_go_to_the_lowest_kommunekode():
    rows = [(A, 751, KH_A, d("2010-01-01"), None), (A, 461, KH_A, d("2010-01-01"), None)]
    assert members(rows)[0][1] == 461


def test_a_jobparat_period_elsewhere_does_not_decide_the_municipality():
    rows = [(A, 751, KH_A, d("2010-01-01"), None), (A, 101, KH_J, d("2016-06-01"), None)]
    assert members(rows)[0][1] == 751


def test_output_is_sorted_by_cpr_and_one_row_per_person():
    rows = [(p, 751, KH_A, d("2010-01-01"), None) for p in (C, A, B)]
    rows.append((A, 751, KH_A, d("2009-01-01"), d("2009-12-31")))
    result = members(rows)
    assert [m[0] for m in result] == sorted([A, B, C])


# afklaringspulje-2019 ---------------------------------------------------------------

AP = AFKLARINGSPULJE_2019


def test_afklaringspulje_needs_aktivitetsparat_on_d():
    assert members([(A, 751, KH_J, d("2000-01-01"), None)], rule=AP) == []
    assert members([(A, 751, KH_A, d("2000-01-01"), None)], rule=AP) == [(A, 751, (D - years_before(D, 10)).days)]


def test_afklaringspulje_threshold_is_at_least_80_percent_of_the_window():
    window_start = years_before(D, 10)  # excluded
    window = (D - window_start).days
    needed = -(-window * 4 // 5)  # ceil(0.8 * window)
    first_day = D - datetime.timedelta(days=needed - 1)
    assert members([(A, 751, KH_A, first_day, None)], rule=AP) == [(A, 751, needed)]
    assert members([(A, 751, KH_A, first_day + datetime.timedelta(days=1), None)], rule=AP) == []


def test_afklaringspulje_counts_overlapping_days_once_and_only_inside_the_window():
    rows = [(A, 751, KH_J, d("2005-01-01"), d("2015-12-31")),
            (A, 751, KH_A, d("2010-01-01"), d("2011-01-01")),
            (A, 751, KH_A, d("2016-01-01"), None)]
    window_start = years_before(D, 10)
    assert members(rows, rule=AP) == [(A, 751, (D - window_start).days)]


def test_afklaringspulje_gaps_are_not_covered_days():
    rows = [(A, 751, KH_J, d("2007-04-10"), d("2012-12-31")), (A, 751, KH_A, d("2014-01-01"), None)]
    result = members(rows, rule=AP)
    covered = (d("2012-12-31") - d("2007-04-10")).days + 1 + (D - d("2014-01-01")).days + 1
    assert result == [(A, 751, covered)]


def test_afklaringspulje_share_is_a_parameter():
    rows = [(A, 751, KH_A, d("2012-01-01"), None)]
    half = ShareOfWindow(name="x", version="1", title="x", source="x", min_share=Decimal("0.5"))
    assert len(members(rows, rule=half)) == 1
    assert members(rows, rule=AP) == []
