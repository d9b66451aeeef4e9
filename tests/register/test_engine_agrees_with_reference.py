"""Hypothesis: on random registers the DuckDB engine and the slow reference implementation
(tests/register/reference.py) find exactly the same members with the same figures."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhed.register.targetgroups import AFKLARINGSPULJE_2019, FLERE_SKAL_MED_2017, ContinuousStay, ShareOfWindow
from helhed.register.vocabulary import YDELSER
from tests.register import reference
from tests.register.helpers import cprs, run_rows

PEOPLE = cprs(4)
KOMMUNER = [101, 461, 751, 851]
# Mostly benefits of the kontanthjælp system, so that the rules have something to find.
YDELSE = st.sampled_from(["kontanthjaelp_aktivitetsparat"] * 3 + ["kontanthjaelp_jobparat"] * 2
                         + ["uddannelseshjaelp_aktivitetsparat", "integrationsydelse_jobparat"] + list(YDELSER))
FIRST = datetime.date(2004, 1, 1)
LAST = datetime.date(2018, 12, 31)


@st.composite
def periods(draw):
    start = draw(st.dates(FIRST, LAST))
    # Short and long periods, and gaps around the 90-day edge come from the many short ones.
    length = draw(st.one_of(st.integers(0, 120), st.integers(0, 3000)))
    slut = None if draw(st.integers(0, 5)) == 0 else start + datetime.timedelta(days=length)
    return (draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(KOMMUNER)), draw(YDELSE), start, slut)


AS_OF = st.dates(datetime.date(2010, 1, 1), LAST) | st.just(datetime.date(2016, 2, 29))
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows=st.lists(periods(), min_size=1, max_size=25), as_of=AS_OF,
       max_gap=st.sampled_from([0, 30, 90]), years=st.sampled_from([1, 5]))
def test_continuous_stay(rows, as_of, max_gap, years):
    rule = ContinuousStay(name="t", version="1", title="t", source="t", years=years, max_gap_days=max_gap)
    assert run_rows(rows, rule, as_of).members == reference.continuous_stay(rule, rows, as_of)


@SETTINGS
@given(rows=st.lists(periods(), min_size=1, max_size=25), as_of=AS_OF)
def test_flere_skal_med_2017(rows, as_of):
    assert run_rows(rows, FLERE_SKAL_MED_2017, as_of).members == reference.continuous_stay(
        FLERE_SKAL_MED_2017, rows, as_of)


@SETTINGS
@given(rows=st.lists(periods(), min_size=1, max_size=25), as_of=AS_OF,
       window=st.sampled_from([1, 3, 10]), share=st.sampled_from(["0.5", "0.8", "0.95"]))
def test_share_of_window(rows, as_of, window, share):
    from decimal import Decimal

    rule = ShareOfWindow(name="t", version="1", title="t", source="t", window_years=window, min_share=Decimal(share))
    assert run_rows(rows, rule, as_of).members == reference.share_of_window(rule, rows, as_of)


@SETTINGS
@given(rows=st.lists(periods(), min_size=1, max_size=25), as_of=AS_OF)
def test_afklaringspulje_2019(rows, as_of):
    assert run_rows(rows, AFKLARINGSPULJE_2019, as_of).members == reference.share_of_window(
        AFKLARINGSPULJE_2019, rows, as_of)
