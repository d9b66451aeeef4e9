import datetime

from helhed.review import measures, services
from helhed.review.measures import CaseFacts, Interval, effort_share_facts, resolved_facts
from helhed.review.models import Measurement, Status
from tests.review.conftest import TODAY, case_of, moment
from tests.review.test_state_machine import bring_to

D = datetime.date
KH = "kontanthjaelp_aktivitetsparat"


def facts(n, benefits=(), efforts=(), **kw):
    return CaseFacts(number=n, status=kw.pop("status", "in_review"),
                     benefits=tuple((y, Interval(a, b)) for y, a, b in benefits),
                     business_efforts=tuple(Interval(a, b) for a, b in efforts), **kw)


def test_one_day_of_effort_while_on_the_benefit_counts():
    cases = [
        facts(1, [(KH, D(2026, 1, 1), None)], [(D(2026, 3, 31), D(2026, 4, 15))]),  # last day of March
        facts(2, [(KH, D(2026, 1, 1), None)], [(D(2026, 2, 1), D(2026, 2, 28))]),  # February only
        facts(3, [(KH, D(2026, 1, 1), None)]),  # no effort
    ]
    march = effort_share_facts(cases, month=D(2026, 3, 1))
    assert (march.numerator, march.denominator) == (1, 3)
    assert march.evidence["recipients"] == [1, 2, 3] and march.evidence["in_virksomhedsrettet_indsats"] == [1]
    february = effort_share_facts(cases, month=D(2026, 2, 1))
    assert (february.numerator, february.denominator) == (1, 3)
    april = effort_share_facts(cases, month=D(2026, 4, 1))
    assert (april.numerator, april.denominator) == (1, 3)
    assert effort_share_facts(cases, month=D(2026, 5, 1)).numerator == 0


def test_people_who_leave_the_benefit_count_only_while_they_receive_it():
    left = facts(1, [(KH, D(2025, 1, 1), D(2026, 3, 10))], [(D(2026, 3, 11), None)])  # effort after leaving
    both = facts(2, [(KH, D(2025, 1, 1), D(2026, 3, 10))], [(D(2026, 3, 10), None)])  # overlaps on the last day
    march = effort_share_facts([left, both], month=D(2026, 3, 1))
    assert (march.numerator, march.denominator) == (1, 2)
    april = effort_share_facts([left, both], month=D(2026, 4, 1))
    assert (april.numerator, april.denominator, april.share, april.met) == (0, 0, None, None)


def test_the_denominator_is_a_parameter():
    cases = [facts(1, [("kontanthjaelp_jobparat", D(2026, 1, 1), None)], [(D(2026, 1, 5), None)]),
             facts(2, [(KH, D(2026, 1, 1), None)]),
             facts(3, [("fleksjob", D(2026, 1, 1), None)], [(D(2026, 1, 5), None)])]
    system = effort_share_facts(cases, month=D(2026, 1, 1), denominator="system")
    aktiv = effort_share_facts(cases, month=D(2026, 1, 1), denominator="aktivitetsparat")
    assert (system.numerator, system.denominator) == (1, 2) and system.met is True
    assert (aktiv.numerator, aktiv.denominator) == (0, 1) and aktiv.met is False
    assert system.parameters["denominator"] == "system" and "fleksjob" not in system.parameters["benefits"]


def test_leap_february_and_december_boundaries():
    case = facts(1, [(KH, D(2027, 12, 31), D(2028, 2, 29))], [(D(2028, 2, 29), D(2028, 3, 1))])
    assert effort_share_facts([case], month=D(2028, 2, 1)).numerator == 1
    assert effort_share_facts([case], month=D(2028, 3, 1)).denominator == 0
    assert effort_share_facts([case], month=D(2027, 12, 1)).denominator == 1


def test_all_afklaret_og_visiteret_on_a_date():
    cases = [facts(1, status="visiteret", visiteret_on=D(2026, 5, 1)),
             facts(2, status="closed", closed_on=D(2026, 6, 1)),
             facts(3, status="afklaret")]
    assert resolved_facts(cases, on=D(2026, 6, 1)).met is False
    done = [*cases[:2], facts(3, status="visiteret", visiteret_on=D(2026, 6, 2))]
    assert resolved_facts(done, on=D(2026, 6, 1)).met is False
    m = resolved_facts(done, on=D(2026, 6, 2))
    assert m.met is True and (m.numerator, m.denominator) == (3, 3)
    assert resolved_facts([], on=D(2026, 6, 2)).met is False


def test_programme_measures_and_stored_evidence(programme_and_citizens, worker, manager, clock_at_today):
    programme, citizens = programme_and_citizens
    a, b, c = (case_of(programme, x) for x in citizens)
    clock_at_today.move_to(moment(D(2026, 6, 30)))
    services.add_effort(case=a, actor=worker, kind="praktik", starts_on=D(2026, 6, 30), ends_on=D(2026, 7, 2),
                        employer="Fiktiv ApS")
    services.add_effort(case=b, actor=worker, kind="mentor", starts_on=D(2026, 6, 20))  # not virksomhedsrettet
    june = measures.monthly_effort_share(programme, D(2026, 6, 1))
    assert (june.numerator, june.denominator) == (1, 3)
    clock_at_today.move_to(moment(TODAY))
    bring_to(a, Status.VISITERET, worker)
    bring_to(b, Status.CLOSED, worker)
    assert not measures.all_afklaret_og_visiteret(programme, on=TODAY).met
    bring_to(c, Status.VISITERET, worker)
    assert not measures.all_afklaret_og_visiteret(programme, on=TODAY - datetime.timedelta(days=1)).met
    done = measures.all_afklaret_og_visiteret(programme, on=TODAY)
    assert done.met
    stored = services.record_measurement(programme=programme, measure=done, actor=manager)
    evidence = Measurement.objects.get(pk=stored.pk).evidence
    assert evidence["resolved"] == [1, 2, 3]
    assert evidence["entered_by"] == "2026-11-24 23:59:59 Europe/Copenhagen"
    assert evidence["extract"]["extract_on"] == "2026-11-23" and len(evidence["extract"]["sha256"]) == 64
    assert stored.rule_version == "2"
