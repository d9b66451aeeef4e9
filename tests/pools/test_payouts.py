"""The payout side of issue 17: evaluation refuses a future date, no 0 kr. payout or
forfeiture for a municipality with nobody in the target group, two officers for every
krone, tranches in order, and a follow-up pool measured from its own start."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from helhed.core.calendar import COPENHAGEN, end_of_day
from helhed.core.formats import kroner
from helhed.pools import selectors, services
from helhed.pools.models import BatchLine, BatchStatus, Forfeiture, Payout
from tests.pools.conftest import (
    allocated_pool,
    apply,
    approve,
    evaluate,
    make_pool,
    make_result,
    resolve,
    schedule,
    two_officers,
)

D = datetime.date


# --- 1. A future date -------------------------------------------------------------------

def test_evaluation_refuses_a_date_after_today(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    now = datetime.datetime(2026, 9, 30, 23, 30, tzinfo=COPENHAGEN)
    with pytest.raises(ValidationError) as error:
        services.evaluate_pool(pool=pool, today=D(2026, 10, 1), now=now)
    assert "01.10.2026" in error.value.messages[0] and "efter i dag" in error.value.messages[0]
    assert not Forfeiture.objects.exists() and not BatchLine.objects.exists()
    # 23:30 UTC on 30 September is already 1 October in Denmark: allowed.
    assert services.evaluate_pool(pool=pool, today=D(2026, 10, 1), now=now + datetime.timedelta(hours=1)).hearings


def test_pool_evaluate_command_refuses_a_future_date(officer, aarhus_manager, time_machine, capsys):
    pool, _ = allocated_pool(officer, aarhus_manager)
    time_machine.move_to(datetime.datetime(2026, 9, 30, 12, tzinfo=COPENHAGEN), tick=False)
    with pytest.raises(SystemExit) as exit_:
        call_command("pool", "evaluate", "--today", "2026-10-01")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("Fejl: Raterne kan ikke vurderes pr. 01.10.2026")
    assert not BatchLine.objects.exists()
    call_command("pool", "evaluate", "--today", "2026-09-30")
    assert BatchLine.objects.filter(tranche__pool=pool).count() == 2  # tranche 1 for both


# --- 2. Nobody in the target group ---------------------------------------------------------

def test_a_municipality_with_nobody_in_the_target_group_gets_no_payout_and_no_forfeiture(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager, counts={751: 3, 101: 0})
    kbh = pool.allocations.get(municipality_id=101)
    assert kbh.applied and kbh.count == 0 and kbh.amount == 0
    summary = evaluate(pool, D(2026, 10, 1))
    assert summary.no_target_group == 1
    assert not Payout.objects.filter(municipality_id=101).exists()
    assert not Forfeiture.objects.filter(municipality_id=101).exists()
    assert not Payout.objects.filter(amount__lte=0).exists()
    dashboard = selectors.dashboard_figures(pool=pool, municipality_id=101, today=D(2026, 10, 1))
    assert {t.status for t in dashboard.tranches} == {"ingen i målgruppen"}
    assert dashboard.allocation_text == "Ingen i målgruppen"


# --- 3. Two officers for every krone ---------------------------------------------------------

def test_an_evaluation_only_proposes_and_a_second_officer_approves(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    now = end_of_day(D(2026, 3, 2))
    summary = services.evaluate_pool(pool=pool, today=D(2026, 3, 2), now=now)  # the nightly run
    batch = summary.batch
    assert summary.to_pay == 2 and batch.status == BatchStatus.PROPOSED and not Payout.objects.exists()
    line = batch.lines.get(municipality_id=751)
    assert line.amount == Decimal(150000) and line.rule_version and line.evidence["rule"] == "at_start"
    assert line.evidence["as_of"] == "2026-03-02"
    first, second = two_officers()
    with pytest.raises(ValidationError, match="indstilles"):
        services.decide_batch(batch=batch, approve=True, reason="Ok.", actor=first, now=now)
    services.recommend_batch(batch=batch, actor=first, now=now)
    with pytest.raises(ValidationError, match="selv indstillet"):
        services.decide_batch(batch=batch, approve=True, reason="Ok.", actor=first, now=now)
    with pytest.raises(ValidationError):
        services.decide_batch(batch=batch, approve=True, reason=" ", actor=second, now=now)
    # Evaluating again while the proposal waits proposes nothing twice.
    assert services.evaluate_pool(pool=pool, today=D(2026, 3, 3), now=end_of_day(D(2026, 3, 3))).batch is None
    services.decide_batch(batch=batch, approve=True, reason="Kontrolleret.", actor=second, now=now)
    assert Payout.objects.count() == 2
    payout = Payout.objects.get(municipality_id=751)
    assert payout.batch == batch and payout.created_by == second and payout.evidence == line.evidence
    with pytest.raises(ValidationError, match="allerede godkendt"):
        services.decide_batch(batch=batch, approve=True, reason="Igen.", actor=second, now=now)


def test_an_officers_own_evaluation_needs_another_officer(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    now = end_of_day(D(2026, 3, 2))
    batch = services.evaluate_pool(pool=pool, today=D(2026, 3, 2), now=now, actor=officer).batch
    assert batch.status == BatchStatus.RECOMMENDED and batch.recommended_by == officer
    with pytest.raises(ValidationError, match="selv indstillet"):
        services.decide_batch(batch=batch, approve=True, reason="Ok.", actor=officer, now=now)


def test_a_rejected_proposal_pays_nothing_and_the_tranches_are_proposed_again(officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    now = end_of_day(D(2026, 3, 2))
    first, second = two_officers()
    batch = services.evaluate_pool(pool=pool, today=D(2026, 3, 2), now=now, actor=first).batch
    services.decide_batch(batch=batch, approve=False, reason="Fordelingen skal kontrolleres.", actor=second,
                          now=now)
    assert not Payout.objects.exists() and not batch.lines.filter(open=True).exists()
    again = services.evaluate_pool(pool=pool, today=D(2026, 3, 3), now=end_of_day(D(2026, 3, 3)), actor=first)
    assert again.to_pay == 2


def test_payment_order_pdf_in_danish(officer, aarhus_manager):
    import io

    from pypdf import PdfReader

    from helhed.pools import reports

    pool, _ = allocated_pool(officer, aarhus_manager)
    evaluate(pool, D(2026, 3, 2))
    payout = Payout.objects.select_related("batch").get(municipality_id=751, tranche__number=1)
    reader = PdfReader(io.BytesIO(reports.payment_order_pdf(payout)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True and "/StructTreeRoot" in root and root["/Lang"] == "da"
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Udbetalingsordre" in text and "Aarhus" in text
    assert "150.000 kr." in text and "1. marts 2026" in text and payout.rule_version in text
    assert kroner(Decimal("1250.5")) == "1.250,50 kr."


# --- 4. Tranches in order; a follow-up pool's own start -----------------------------------------

def test_a_later_tranche_is_not_paid_before_an_earlier_one_is_met(officer, aarhus_manager):
    from tests.pools.conftest import in_effort, on_benefit

    pool, programme = allocated_pool(officer, aarhus_manager)
    on_benefit(programme)
    cases = list(programme.cases.order_by("number"))
    for case in cases[:2]:
        in_effort(case, D(2026, 3, 1))  # 2 of 3 in virksomhedsrettet indsats from March
    resolve(cases[0], D(2026, 4, 1))
    evaluate(pool, D(2026, 7, 1))  # tranche 3's own milestone met 31 May; tranche 2 not met
    assert not Payout.objects.filter(municipality_id=751, tranche__number=3).exists()
    for case in cases[1:]:
        resolve(case, D(2026, 7, 10))
    evaluate(pool, D(2026, 7, 20))
    third = Payout.objects.get(municipality_id=751, tranche__number=3)
    assert third.met_on == D(2026, 7, 10)  # met when the earlier tranche was
    assert third.evidence["own_milestone_met_on"] == "2026-05-31"


def test_a_follow_up_pool_is_not_met_before_its_own_start(officer, aarhus_manager):
    pool, programme = allocated_pool(officer, aarhus_manager, counts={751: 3, 101: 3, 147: 4})
    for case in programme.cases.all():
        resolve(case, D(2026, 5, 1))
    evaluate(pool, D(2026, 10, 1))
    follow_start = D(2027, 1, 1)
    follow = services.create_follow_up(
        parent=pool, actor=officer, name="Restpulje", legal_basis="§ 17.46.08.10",
        total=selectors.available_for_follow_up(pool), period_start=follow_start, period_end=D(2027, 12, 31),
        opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30),
        tranches=schedule(start_latest=D(2027, 3, 1), resolved_latest=D(2027, 6, 1), effort_latest=D(2027, 12, 1)),
        open_to="all")
    in_window = datetime.datetime(2026, 11, 15, 10, tzinfo=COPENHAGEN)
    approve(apply(follow, 751, now=in_window), officer, now=in_window)
    services.allocate_pool(pool=follow, actor=officer, now=datetime.datetime(2026, 12, 1, 9, tzinfo=COPENHAGEN))
    follow.refresh_from_db()
    summary = evaluate(follow, D(2026, 12, 15))
    assert summary.batch is None  # neither tranche 1 nor 2 before the follow-up starts
    evaluate(follow, D(2027, 1, 2))
    second = Payout.objects.get(tranche__pool=follow, municipality_id=751, tranche__number=2)
    assert second.met_on == follow_start and second.evidence["met_before_pool_start"] == "2026-05-01"


def test_two_officers_check_constraint_backs_the_rule(officer, aarhus_manager):
    from django.db import IntegrityError, transaction

    pool, _ = allocated_pool(officer, aarhus_manager)
    batch = services.evaluate_pool(pool=pool, today=D(2026, 3, 2), now=end_of_day(D(2026, 3, 2)),
                                   actor=officer).batch
    with pytest.raises(IntegrityError), transaction.atomic():
        type(batch).objects.filter(pk=batch.pk).update(status=BatchStatus.APPROVED, decided_by=officer)




def test_the_api_shows_proposals_to_officers_only_and_payouts_with_their_batch(client, officer, aarhus_manager):
    pool, _ = allocated_pool(officer, aarhus_manager)
    summary = evaluate(pool, D(2026, 3, 2))
    client.force_login(officer)
    batches = client.get(f"/api/v1/pools/{pool.pk}/batches").json()
    assert [b["status"] for b in batches] == ["approved"]
    assert {(line["municipality"], line["outcome"], line["amount"]) for line in batches[0]["lines"]} == {
        (751, "pay", "150000.00"), (101, "pay", "150000.00")}
    payouts = client.get(f"/api/v1/pools/{pool.pk}/payouts").json()
    assert {p["batch"] for p in payouts} == {str(summary.batch.pk)}
    client.force_login(aarhus_manager)
    assert client.get(f"/api/v1/pools/{pool.pk}/batches").status_code == 403


# --- 5. Allocation after a tranche's latest date ---------------------------------------------

def _late_pool(officer):
    pool = make_pool(officer, make_result(officer, {751: 3, 101: 3}), total=Decimal(1000000))
    for code in (751, 101):
        approve(apply(pool, code), officer)
    return pool


LATE = datetime.datetime(2026, 5, 4, 10, tzinfo=COPENHAGEN)  # tranche 1's latest date was 30 April


def test_allocating_after_a_latest_date_needs_a_choice_never_a_silent_forfeiture(officer):
    pool = _late_pool(officer)
    with pytest.raises(ValidationError) as error:
        services.allocate_pool(pool=pool, actor=officer, now=LATE)
    assert "Rate 1" in error.value.message_dict["late"][0]
    assert not pool.allocations.exists()
    with pytest.raises(ValidationError) as error:
        services.allocate_pool(pool=pool, actor=officer, now=LATE,
                               late_choices={1: services.LateChoice("move", "", D(2026, 4, 1))})
    assert len(error.value.message_dict["late"]) == 2  # no reason, and the new date is past too
    services.allocate_pool(pool=pool, actor=officer, now=LATE, late_choices={
        1: services.LateChoice("move", "Ministeriet fordelte for sent.", D(2026, 6, 30))})
    pool.refresh_from_db()
    first = pool.tranches.get(number=1)
    assert first.latest_on == D(2026, 6, 30) and first.original_latest_on == D(2026, 4, 30)
    evaluate(pool, D(2026, 5, 5))
    payout = Payout.objects.get(municipality_id=751, tranche__number=1)
    assert payout.met_on == D(2026, 5, 4) and payout.evidence["late_reason"] == "Ministeriet fordelte for sent."


def test_an_officer_may_choose_forfeiture_with_a_reason(officer):
    pool = _late_pool(officer)
    services.allocate_pool(pool=pool, actor=officer, now=LATE, late_choices={
        1: services.LateChoice("forfeit", "Startmidlerne var bundet til 2026-budgettet.")})
    pool.refresh_from_db()
    evaluate(pool, D(2026, 5, 5))
    lost = Forfeiture.objects.get(municipality_id=751, tranche__number=1)
    assert lost.evidence["late_choice"] == "forfeit" and "2026-budgettet" in lost.evidence["late_reason"]


def test_the_allocate_page_asks_for_the_choice(client, officer):
    from django.urls import reverse

    pool = _late_pool(officer)
    client.force_login(officer)
    with time_machine_at(LATE):
        response = client.post(reverse("pools:allocate", args=[pool.pk]), {"from_pool_page": "1"})
        assert response.status_code == 200 and "Flyt den seneste dato" in response.content.decode()
        assert not pool.allocations.exists()
        response = client.post(reverse("pools:allocate", args=[pool.pk]), {
            "rate1-choice": "move", "rate1-new_latest_on": "", "rate1-reason": "For sent."})
        assert response.status_code == 200 and "Skriv den nye seneste dato" in response.content.decode()
        client.post(reverse("pools:allocate", args=[pool.pk]), {
            "rate1-choice": "move", "rate1-new_latest_on": "2026-06-30", "rate1-reason": "For sent."})
    pool.refresh_from_db()
    assert pool.allocated_at and pool.tranches.get(number=1).late_choice == "move"


def time_machine_at(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)


# --- 6. Who gets leftover money ----------------------------------------------------------------

def _parent_with_leftover(officer, manager):
    """Aarhus and Copenhagen approved; Frederiksberg (147) did not apply; Copenhagen then loses
    tranche 2 while Aarhus, fully funded, loses nothing."""
    pool, programme = allocated_pool(officer, manager, counts={751: 30, 101: 3, 147: 4})
    for case in programme.cases.all():
        resolve(case, D(2026, 5, 1))
    evaluate(pool, D(2026, 10, 1))
    return pool


def _follow_up(officer, parent, **kwargs):
    return services.create_follow_up(
        parent=parent, actor=officer, name="Restpulje", legal_basis="§ 17.46.08.10", total=Decimal(100000),
        period_start=D(2027, 1, 1), period_end=D(2027, 12, 31), opens_on=D(2026, 11, 1), deadline=D(2026, 11, 30),
        tranches=schedule(start_latest=D(2027, 3, 1), resolved_latest=D(2027, 6, 1), effort_latest=D(2027, 12, 1)),
        **kwargs)


IN_FOLLOW_UP_WINDOW = datetime.datetime(2026, 11, 15, 10, tzinfo=COPENHAGEN)
AFTER_FOLLOW_UP = datetime.datetime(2026, 12, 1, 9, tzinfo=COPENHAGEN)


def test_a_follow_up_pool_is_open_only_to_those_short_of_their_full_share(officer, aarhus_manager):
    parent = _parent_with_leftover(officer, aarhus_manager)
    assert selectors.short_of_full_share(parent) == {101, 147}
    follow = _follow_up(officer, parent)
    with pytest.raises(ValidationError, match="kun åben"):
        apply(follow, 751, now=IN_FOLLOW_UP_WINDOW)  # fully funded: took most of the leftover before
    for code in (101, 147):
        approve(apply(follow, code, now=IN_FOLLOW_UP_WINDOW), officer, now=IN_FOLLOW_UP_WINDOW)
    rows = services.allocate_pool(pool=follow, actor=officer, now=AFTER_FOLLOW_UP)
    assert {r.municipality_id: r.amount for r in rows} == {101: Decimal(42857), 147: Decimal(57143)}


def test_a_follow_up_pool_for_an_explicit_list_with_equal_shares(officer, aarhus_manager):
    parent = _parent_with_leftover(officer, aarhus_manager)
    follow = _follow_up(officer, parent, open_to="list", eligible_codes=[147, 751], allocation_key="equal")
    with pytest.raises(ValidationError):
        apply(follow, 101, now=IN_FOLLOW_UP_WINDOW)
    for code in (147, 751):
        approve(apply(follow, code, now=IN_FOLLOW_UP_WINDOW), officer, now=IN_FOLLOW_UP_WINDOW)
    rows = services.allocate_pool(pool=follow, actor=officer, now=AFTER_FOLLOW_UP)
    assert {r.municipality_id: r.amount for r in rows} == {147: Decimal(50000), 751: Decimal(50000)}
    with pytest.raises(ValidationError):
        _follow_up(officer, parent, open_to="list", eligible_codes=[])


def test_amounts_set_by_the_officer_must_sum_exactly_to_the_pool(officer, aarhus_manager):
    parent = _parent_with_leftover(officer, aarhus_manager)
    follow = _follow_up(officer, parent, open_to="all", allocation_key="set")
    for code in (101, 147):
        approve(apply(follow, code, now=IN_FOLLOW_UP_WINDOW), officer, now=IN_FOLLOW_UP_WINDOW)
    with pytest.raises(ValidationError) as error:
        services.allocate_pool(pool=follow, actor=officer, now=AFTER_FOLLOW_UP,
                               amounts={101: Decimal(60000), 147: Decimal("39999.99")})
    assert any("præcis" in m for m in error.value.message_dict["amounts"])
    rows = services.allocate_pool(pool=follow, actor=officer, now=AFTER_FOLLOW_UP,
                                  amounts={101: Decimal(60000), 147: Decimal(40000)})
    assert {r.municipality_id: r.amount for r in rows if r.applied} == {101: Decimal(60000), 147: Decimal(40000)}


# --- 7. Notice and hearing before forfeiture ------------------------------------------------------

def test_notice_then_hearing_then_forfeiture_with_a_decision_letter(client, officer, aarhus_manager):
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    from helhed.pools.models import NoticeKind, TrancheNotice

    pool, _ = allocated_pool(officer, aarhus_manager)  # tranche 2's latest date: 30 September 2026
    evaluate(pool, D(2026, 8, 30))
    assert not TrancheNotice.objects.filter(municipality_id=751).exists()  # 31 days before
    evaluate(pool, D(2026, 8, 31))
    notice = TrancheNotice.objects.get(municipality_id=751, kind=NoticeKind.NOTICE)
    assert notice.tranche.number == 2 and notice.sent_on == D(2026, 8, 31)
    evaluate(pool, D(2026, 9, 10))
    assert TrancheNotice.objects.filter(municipality_id=751, kind=NoticeKind.NOTICE).count() == 1
    # The deadline passes: a hearing, never a forfeiture straight away.
    summary = evaluate(pool, D(2026, 10, 1), hearings_answered=False)
    assert summary.hearings == 2 and summary.to_forfeit == 0 and not Forfeiture.objects.exists()
    hearing = TrancheNotice.objects.get(municipality_id=751, kind=NoticeKind.HEARING)
    assert hearing.answer_by == D(2026, 10, 15)  # 10 business days after Thursday 1 October
    assert evaluate(pool, D(2026, 10, 15), hearings_answered=False).to_forfeit == 0  # the deadline day itself
    client.force_login(aarhus_manager)
    with time_machine_at(datetime.datetime(2026, 10, 14, 12, tzinfo=COPENHAGEN)):
        page = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
        assert "Partshøring om rate 2" in page and "15. oktober 2026" in page and "Send svaret" in page
        client.post(reverse("pools:answer_hearing", args=[hearing.pk]), {"answer": "Vi mangler to sager."})
    hearing.refresh_from_db()
    assert hearing.answer == "Vi mangler to sager." and hearing.answered_by == aarhus_manager
    with pytest.raises(ValidationError, match="allerede"):
        services.answer_hearing(hearing=hearing, answer="Igen.", actor=aarhus_manager,
                                now=end_of_day(D(2026, 10, 14)))
    kbh_hearing = TrancheNotice.objects.get(municipality_id=101, kind=NoticeKind.HEARING)
    with pytest.raises(ValidationError, match="Svarfristen"):
        services.answer_hearing(hearing=kbh_hearing, answer="For sent.", actor=None, now=end_of_day(D(2026, 10, 16)))
    summary = evaluate(pool, D(2026, 10, 16))
    assert summary.to_forfeit == 2
    lost = Forfeiture.objects.select_related("batch").get(municipality_id=751, tranche__number=2)
    assert lost.evidence["hearing_answer"] == "Vi mangler to sager."
    assert lost.evidence["hearing_answer_by"] == "2026-10-15"
    page = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert reverse("pools:forfeiture_pdf", args=[lost.pk]) in page
    pdf = client.get(reverse("pools:forfeiture_pdf", args=[lost.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for words in ("bortfalder", "Begrundelse", "30. september 2026", "Partshøring", "Vi mangler to sager",
                  "Klagevejledning", "4 uger", "200.000 kr."):
        assert words in text, words


def test_the_allocate_page_takes_amounts_set_by_the_officer(client, officer, aarhus_manager):
    from django.urls import reverse

    parent = _parent_with_leftover(officer, aarhus_manager)
    follow = _follow_up(officer, parent, open_to="all", allocation_key="set")
    for code in (101, 147):
        approve(apply(follow, code, now=IN_FOLLOW_UP_WINDOW), officer, now=IN_FOLLOW_UP_WINDOW)
    url = reverse("pools:allocate", args=[follow.pk])
    with time_machine_at(AFTER_FOLLOW_UP):
        client.force_login(officer)  # a session lasts a working day: log in on the day itself
        page = client.post(url, {"from_pool_page": "1"}).content.decode()
        assert "Beløb pr. kommune" in page and "Frederiksberg (kr.)" in page
        page = client.post(url, {"amount_101": "60.000", "amount_147": "30.000"}).content.decode()
        assert "<title>Fejl:" in page and "præcis" in page and not follow.allocations.exists()
        client.post(url, {"amount_101": "60.000", "amount_147": "40.000,00"})
    assert {a.municipality_id: a.amount for a in follow.allocations.all()} == {101: Decimal(60000),
                                                                              147: Decimal(40000)}
