"""Solutions, the arrangement's lifecycle, the payout-route rule and the hand-out log."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from helhed.cashaccess import services
from helhed.cashaccess.models import Arrangement, Handout, PayoutRoute, SolutionType
from helhed.cashaccess.services import payout_route_problem
from tests.cashaccess.conftest import START, arrange, hand_out
from tests.factories import make_citizen


def test_a_bank_tender_requirement_needs_its_text_bank_and_contract_period(kbh_caseworker):
    with pytest.raises(ValidationError) as error:
        services.record_solution(municipality_id=751, actor=kbh_caseworker, kind=SolutionType.BANK_TENDER,
                                 name="Udbud", provider="Aarhus Kommune", starts_on=START)
    assert {"requirement_text", "bank", "contract_starts_on", "contract_ends_on"} <= set(error.value.error_dict)
    solution = services.record_solution(
        municipality_id=751, actor=kbh_caseworker, kind=SolutionType.BANK_TENDER, name="Udbud",
        provider="Aarhus Kommune", starts_on=START, requirement_text="Betjent kasse alle hverdage",
        bank="Fiktiv Bank", contract_starts_on=START, contract_ends_on=datetime.date(2029, 12, 31),
    )
    assert solution.municipality_id == 751


def test_payment_card_handling_says_who_keeps_the_card_and_where_it_is_handed_out(kbh_caseworker):
    with pytest.raises(ValidationError) as error:
        services.record_solution(municipality_id=461, actor=kbh_caseworker,
                                 kind=SolutionType.PAYMENT_CARD_HANDLING, name="Kort", provider="Odense",
                                 starts_on=START)
    assert {"card_kept_by", "handout_place"} <= set(error.value.error_dict)


def test_a_solution_cannot_end_before_it_starts(outreach):
    with pytest.raises(ValidationError) as error:
        services.change_solution(solution=outreach, ends_on=START - datetime.timedelta(days=1))
    assert "ends_on" in error.value.error_dict


@pytest.mark.parametrize(("nemkonto", "route", "refused"), [
    ("missing", "nemkonto", True),
    ("missing", "cash", False),
    ("missing", "", True),
    ("registered", "nemkonto", False),
    ("registered", "bogus", True),
    ("udk_account", "payment_card", False),
])
def test_no_benefit_payment_is_left_without_a_payout_route(nemkonto, route, refused):
    assert (payout_route_problem(nemkonto=nemkonto, payout_route=route) is not None) == refused


def test_a_citizen_without_nemkonto_cannot_be_paid_to_nemkonto(homeless, outreach, kbh_caseworker):
    with pytest.raises(ValidationError) as error:
        arrange(homeless, outreach, kbh_caseworker, payout_route=PayoutRoute.NEMKONTO)
    assert "Ombudsmanden" in error.value.error_dict["payout_route"][0].messages[0]
    assert not Arrangement.objects.exists()


def test_an_arrangement_uses_a_running_solution_of_the_citizens_own_municipality(outreach, kbh_caseworker):
    aarhus_citizen = make_citizen(municipality=751)
    with pytest.raises(ValidationError, match="borgerens kommune"):
        arrange(aarhus_citizen, outreach, kbh_caseworker)
    kbh_citizen = make_citizen(municipality=101, first_name="Kaj")
    with pytest.raises(ValidationError, match="ikke i drift"):
        arrange(kbh_citizen, outreach, kbh_caseworker, starts_on=START - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        arrange(kbh_citizen, outreach, kbh_caseworker, ends_on=START - datetime.timedelta(days=1))
    assert "ends_on" in error.value.error_dict


def test_one_open_arrangement_per_citizen(arrangement, homeless, outreach, kbh_caseworker):
    with pytest.raises(ValidationError, match="allerede"):
        arrange(homeless, outreach, kbh_caseworker)


def test_the_arrangement_lifecycle(arrangement):
    on = datetime.date(2026, 6, 1)
    paused = services.change_arrangement_status(arrangement=arrangement, status="paused", on=on,
                                                reason="Indlagt", following_payout_route="cash")
    assert paused.status == "paused" and paused.following_payout_route == "cash"
    with pytest.raises(ValidationError, match="ikke udleveres"):
        hand_out(paused, arrangement.created_by, handed_out_on=on)
    resumed = services.change_arrangement_status(arrangement=paused, status="active", on=on, reason="Udskrevet")
    assert resumed.status == "active" and resumed.following_payout_route == ""
    ended = services.change_arrangement_status(arrangement=resumed, status="ended", on=on, reason="Flyttet",
                                               following_payout_route="payment_card")
    assert ended.status == "ended" and ended.ends_on == on
    for status in ("active", "paused", "ended"):
        with pytest.raises(ValidationError, match="kan ikke blive"):
            services.change_arrangement_status(arrangement=ended, status=status, on=on, reason="x",
                                               following_payout_route="cash")


def test_an_active_arrangement_cannot_become_active_again(arrangement):
    with pytest.raises(ValidationError, match="kan ikke blive aktiv"):
        services.change_arrangement_status(arrangement=arrangement, status="active", on=START, reason="x")


@pytest.mark.parametrize("status", ["paused", "ended"])
def test_pausing_or_ending_names_how_the_benefit_is_paid_afterwards(arrangement, status):
    for route in ("", "nemkonto"):  # the citizen has no NemKonto
        with pytest.raises(ValidationError) as error:
            services.change_arrangement_status(arrangement=arrangement, status=status, on=START, reason="x",
                                               following_payout_route=route)
        assert "following_payout_route" in error.value.error_dict
    assert Arrangement.objects.get(pk=arrangement.pk).status == "active"


def test_a_status_change_needs_a_reason_and_a_date_in_the_arrangement(arrangement):
    with pytest.raises(ValidationError):
        services.change_arrangement_status(arrangement=arrangement, status="paused", on=START, reason=" ",
                                           following_payout_route="cash")
    with pytest.raises(ValidationError):
        services.change_arrangement_status(arrangement=arrangement, status="paused", reason="x",
                                           on=START - datetime.timedelta(days=1), following_payout_route="cash")


def test_a_handout_on_an_ended_arrangement_is_refused(arrangement, kbh_caseworker):
    services.change_arrangement_status(arrangement=arrangement, status="ended", on=datetime.date(2026, 5, 1),
                                       reason="Flyttet", following_payout_route="cash")
    with pytest.raises(ValidationError, match="afsluttet"):
        hand_out(Arrangement.objects.get(pk=arrangement.pk), kbh_caseworker)
    assert not Handout.objects.exists()


def test_a_handout_needs_an_amount_for_cash_and_a_card_for_a_card(arrangement, kbh_caseworker):
    with pytest.raises(ValidationError):
        hand_out(arrangement, kbh_caseworker, amount=None)
    with pytest.raises(ValidationError):
        hand_out(arrangement, kbh_caseworker, amount=Decimal("-5"))
    with pytest.raises(ValidationError):
        hand_out(arrangement, kbh_caseworker, kind="card", amount=None, card=" ")
    with pytest.raises(ValidationError):
        hand_out(arrangement, kbh_caseworker, handed_out_on=START - datetime.timedelta(days=1))
    handout, created = hand_out(arrangement, kbh_caseworker, kind="card", amount=Decimal("9"), card="Visa Debit 1234")
    assert created and handout.amount is None and handout.staff_name == "Omar Nielsen"


def test_the_same_form_posted_twice_is_one_handout(arrangement, kbh_caseworker):
    key = uuid.uuid4()
    first, created = hand_out(arrangement, kbh_caseworker, key=key)
    again, created_again = hand_out(arrangement, kbh_caseworker, key=key)
    assert created and not created_again and first.pk == again.pk
    assert Handout.objects.count() == 1


def test_the_handout_log_is_append_only(arrangement, kbh_caseworker):
    handout, _ = hand_out(arrangement, kbh_caseworker)
    handout.amount = Decimal("1.00")
    with pytest.raises(PermissionError):
        handout.save()
    with pytest.raises(PermissionError):
        handout.delete()
    with pytest.raises(PermissionError):
        Handout.objects.filter(pk=handout.pk).update(amount=Decimal("1.00"))
    with pytest.raises(PermissionError):
        Handout.objects.all().delete()
    assert Handout.objects.get().amount == Decimal("2650.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_changing_a_handout_whoever_connects(arrangement, kbh_caseworker):
    from django.db import DatabaseError

    handout, _ = hand_out(arrangement, kbh_caseworker)
    statements = ("UPDATE cashaccess_handout SET amount = 1 WHERE id = %s",
                  "DELETE FROM cashaccess_handout WHERE id = %s")
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [handout.pk])
