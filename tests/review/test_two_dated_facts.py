"""Facts carry two dates: entered (server clock) and effective. Backdated facts and typed
corrections wait for a colleague's approval; benefit periods come from imported extracts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from helhed.core.roles import Role
from helhed.review import measures, services
from helhed.review.models import Approval, CaseEvent, Effort, FactDecision, RegisterImport, ReviewCase, Status
from tests.factories import UserFactory
from tests.review.conftest import STARTED, TODAY, extract_csv, import_extract, moment

D = datetime.date
KH = "kontanthjaelp_aktivitetsparat"


@pytest.fixture
def colleague(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Ole", last_name="Vang")


def test_the_effective_date_can_be_neither_in_the_future_nor_before_the_programme(programme, worker):
    case = programme.cases.first()
    for on, text in ((TODAY + datetime.timedelta(days=1), "ligger i fremtiden"),
                     (STARTED - datetime.timedelta(days=1), "før programmets start")):
        with pytest.raises(ValidationError) as error:
            services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker, on=on)
        assert text in error.value.message_dict["on"][0]
        with pytest.raises(ValidationError) as error:
            services.add_effort(case=case, actor=worker, kind="praktik", starts_on=on, employer="X")
        assert text in error.value.message_dict["starts_on"][0]
    assert not CaseEvent.objects.filter(case=case).exists() and not Effort.objects.exists()


def test_the_entry_moment_is_the_servers_and_cannot_be_given(programme, worker):
    case = programme.cases.first()
    case = services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker, on=TODAY)
    event = CaseEvent.objects.get(case=case, to_status=Status.IN_REVIEW)
    assert event.at == moment(TODAY) and event.on == TODAY
    assert not CaseEvent._meta.get_field("at").editable and not Effort._meta.get_field("created_at").editable


def test_fourteen_days_back_counts_at_once_fifteen_needs_a_reason_and_a_colleague(programme, worker, colleague):
    assert measures.BACKDATE_DAYS == 14
    a, b = programme.cases.order_by("number")[:2]
    effort, _ = services.add_effort(case=a, actor=worker, kind="praktik", starts_on=TODAY - datetime.timedelta(14),
                                    employer="X")
    assert effort.approval == Approval.NOT_NEEDED
    fifteen = TODAY - datetime.timedelta(15)
    with pytest.raises(ValidationError) as error:
        services.add_effort(case=b, actor=worker, kind="praktik", starts_on=fifteen, employer="X")
    assert "begrundelse" in error.value.message_dict["reason"][0]
    late, _ = services.add_effort(case=b, actor=worker, kind="praktik", starts_on=fifteen, employer="X",
                                  reason="Aftalen kom sent fra virksomheden.")
    assert late.approval == Approval.PENDING
    facts = {c.number: c for c in measures.load_facts(programme)}
    assert facts[b.number].business_efforts == () and facts[a.number].business_efforts != ()
    # Never the one who entered it.
    with pytest.raises(ValidationError) as error:
        services.decide_fact(kind="effort", pk=late.pk, approve=True, reason="OK", actor=worker)
    assert "selv registreret" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.decide_fact(kind="effort", pk=late.pk, approve=True, reason=" ", actor=colleague)
    outsider = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    with pytest.raises(PermissionDenied):
        services.decide_fact(kind="effort", pk=late.pk, approve=True, reason="OK", actor=outsider)
    services.decide_fact(kind="effort", pk=late.pk, approve=True, reason="Aftalen er set.", actor=colleague)
    late.refresh_from_db()
    assert late.state == Approval.APPROVED and late.decision.decided_by == colleague
    facts = {c.number: c for c in measures.load_facts(programme)}
    assert facts[b.number].business_efforts != ()
    # It counts from the day it was approved, not before.
    yesterday = measures.known_by(measures.load_facts(programme), TODAY - datetime.timedelta(1))
    assert {c.number: c for c in yesterday}[b.number].business_efforts == ()
    with pytest.raises(ValidationError) as error:
        services.decide_fact(kind="effort", pk=late.pk, approve=False, reason="Fortrudt", actor=colleague)
    assert "allerede behandlet" in error.value.messages[0]


def test_a_rejected_backdated_status_change_is_undone(programme, worker, colleague):
    case = programme.cases.first()
    case = services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker,
                                  on=D(2026, 4, 1), reason="Glemt at registrere.")
    event = CaseEvent.objects.get(case=case, to_status=Status.IN_REVIEW)
    assert event.approval == Approval.PENDING and event.entered_reason == "Glemt at registrere."
    services.decide_fact(kind="event", pk=event.pk, approve=False, reason="Ingen dokumentation.", actor=colleague)
    case = ReviewCase.objects.get(pk=case.pk)
    assert case.status == Status.NOT_STARTED and case.started_on is None


def test_the_history_is_append_only_and_a_decision_is_appended_beside_the_fact(programme, worker, colleague):
    """A colleague's decision never rewrites the event it decides (issue 22: the review's
    events append-only like the casework's); the event reads as it was entered, and a second
    decision on the same fact is refused by the database itself."""
    case = programme.cases.first()
    case = services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=worker,
                                  on=D(2026, 4, 1), reason="Glemt at registrere.")
    event = CaseEvent.objects.get(case=case, to_status=Status.IN_REVIEW)
    entered = {f.attname: getattr(event, f.attname) for f in CaseEvent._meta.concrete_fields}
    services.decide_fact(kind="event", pk=event.pk, approve=True, reason="Mødereferatet er set.", actor=colleague)
    event = CaseEvent.objects.select_related("decision").get(pk=event.pk)
    assert {f.attname: getattr(event, f.attname) for f in CaseEvent._meta.concrete_fields} == entered
    assert event.state == Approval.APPROVED and event.decision.reason == "Mødereferatet er set."
    event.text = "ændret"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).update(text="x")
    with pytest.raises(PermissionError):
        event.decision.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        FactDecision.objects.create(event=event, approved=False, decided_by=colleague, decided_by_name="x",
                                    reason="Fortrudt")
    if connection.vendor == "postgresql":
        for sql in ("UPDATE review_caseevent SET text = 'x'", "UPDATE review_factdecision SET approved = false",
                    "DELETE FROM review_factdecision"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)


def test_a_typed_benefit_period_is_a_correction_with_a_reason_and_a_second_approver(programme, worker, colleague):
    case = programme.cases.first()
    with pytest.raises(ValidationError) as error:
        services.add_benefit_period(case=case, actor=worker, ydelse=KH, starts_on=D(2020, 1, 1))
    assert "reason" in error.value.message_dict
    period = services.add_benefit_period(case=case, actor=worker, ydelse=KH, starts_on=D(2020, 1, 1),
                                         ends_on=D(2026, 5, 31), reason="Afgørelse om ophør af 31.05.2026.")
    assert period.approval == Approval.PENDING
    number = case.number
    may, june = D(2026, 5, 1), D(2026, 6, 1)
    # Until approved, the member stays in the denominator.
    assert number in measures.monthly_effort_share(programme, june).evidence["recipients"]
    services.decide_fact(kind="period", pk=period.pk, approve=True, reason="Afgørelsen er set.", actor=colleague)
    assert number not in measures.monthly_effort_share(programme, june).evidence["recipients"]
    assert number in measures.monthly_effort_share(programme, may).evidence["recipients"]


def test_a_register_extract_is_imported_once_newer_each_time_and_never_shows_a_cpr(
        programme_and_citizens, manager, worker, pool_officer):
    programme, citizens = programme_and_citizens
    with pytest.raises(PermissionDenied):
        import_extract(programme, worker, citizens, extract_on=D(2026, 10, 1))
    first = import_extract(programme, pool_officer, citizens, extract_on=D(2026, 10, 1))
    assert first.members_found == 3 and first.periods_kept == 3 and len(first.sha256) == 64
    with pytest.raises(ValidationError) as error:
        import_extract(programme, manager, citizens, extract_on=D(2026, 9, 1), name="aeldre.csv")
    assert "nyere" in error.value.message_dict["extract_on"][0]
    with pytest.raises(ValidationError) as error:
        import_extract(programme, manager, citizens, extract_on=TODAY + datetime.timedelta(1))
    assert "fremtiden" in error.value.message_dict["extract_on"][0]
    with pytest.raises(ValidationError) as error:
        import_extract(programme, manager, citizens, extract_on=D(2026, 11, 1))  # the same file
    assert error.value.code == "duplicate"
    bad = extract_csv([(citizens[0].cpr, 751, KH, D(2020, 1, 1), None), (citizens[1].cpr, 751, "findes_ikke",
                                                                         D(2020, 1, 1), None)])
    with pytest.raises(ValidationError) as error:
        services.import_register_extract(programme=programme, actor=manager, name="fejl.csv", content=bad,
                                         extract_on=D(2026, 11, 1))
    message = error.value.messages[0]
    assert message.startswith("fejl.csv, række 2: ydelsen")
    assert citizens[1].cpr.replace("-", "") not in message
    assert RegisterImport.objects.filter(programme=programme).count() == 1


def test_the_newest_extract_imported_by_the_cutoff_is_the_one_used(programme_and_citizens, manager, clock_at_today):
    programme, citizens = programme_and_citizens
    clock_at_today.move_to(moment(D(2026, 6, 2)))
    import_extract(programme, manager, citizens, extract_on=D(2026, 6, 1),
                   ended={citizens[0].pk: D(2026, 3, 31)})
    clock_at_today.move_to(moment(D(2026, 9, 2)))
    import_extract(programme, manager, citizens, extract_on=D(2026, 9, 1), name="sept.csv",
                   ended={citizens[0].pk: D(2026, 3, 31), citizens[1].pk: D(2026, 7, 31)})
    facts = measures.load_facts(programme)
    april = D(2026, 4, 1)
    august = D(2026, 8, 1)
    june_view = measures.known_by(facts, D(2026, 6, 30))
    assert measures.effort_share_facts(june_view, month=april).denominator == 2
    # In June's view the second citizen's period was still running: counted in August too.
    assert measures.effort_share_facts(june_view, month=august).denominator == 2
    september_view = measures.known_by(facts, D(2026, 9, 2))
    m = measures.effort_share_facts(september_view, month=august)
    assert m.denominator == 1 and m.evidence["extract"]["extract_on"] == "2026-09-01"
    assert measures.known_by(facts, D(2026, 6, 1))[0].extract is None  # imported on 2 June
