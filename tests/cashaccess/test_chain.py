"""NemKonto and cash as one chain (issue 19): an opened account closes the one NemKonto task;
a cash payment waits in the hand-out log of the citizen's arrangement and its letter says
where and when; the log refuses a future date and more than is due, is corrected by
reversals, and reconciles per citizen and month."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helhed.casework import services as casework
from helhed.casework.letters import MAX_LIX
from helhed.casework.models import Letter, LetterKind, Task, TaskKind, TaskStatus
from helhed.cashaccess import selectors, services
from helhed.cashaccess.models import ExpectedHandout, Handout
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import services as registry
from helhed.registry.models import NemKontoStatus
from tests.cashaccess.conftest import TODAY, hand_out, pay_cash
from tests.factories import UserFactory

OCTOBER = datetime.date(2026, 10, 1)


def _nemkonto_tasks(citizen, status=TaskStatus.OPEN):
    return Task.objects.filter(citizen=citizen, kind=TaskKind.NEMKONTO, status=status)


def _granted_cash_case(citizen, actor, *, on=datetime.date(2026, 11, 20), amount=Decimal("5300.00")):
    case = casework.open_case(citizen=citizen, benefit_area="kontanthjaelp", opened_on=on, actor=actor,
                              send_receipt=False)
    case = casework.start_processing(case=case, version=case.version, actor=actor, on=on)
    casework.grant(case=case, version=case.version, actor=actor, on=on, monthly_amount=amount, starts_on=on)
    return case


# --- NemKonto ---------------------------------------------------------------------------------

def test_payments_and_an_application_leave_one_open_nemkonto_task(homeless, kbh_caseworker):
    for on in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 2)):
        case = casework.open_case(citizen=homeless, benefit_area="kontanthjaelp", opened_on=on, actor=None,
                                  send_receipt=False)
        casework.pay(case=case, amount=Decimal("100"), paid_on=on, kind="regular", actor=None, on=on,
                     key=f"p-{on}")
    casework.create_task(kind=TaskKind.NEMKONTO, title="Hjælp borgeren med at få en NemKonto", citizen=homeless,
                         municipality_id=101, key="nemkonto:application")
    assert _nemkonto_tasks(homeless).count() == 1


def test_the_database_refuses_a_second_open_nemkonto_task(homeless):
    Task.objects.create(kind=TaskKind.NEMKONTO, authority="municipality", citizen=homeless, title="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(kind=TaskKind.NEMKONTO, authority="municipality", citizen=homeless, title="B")


def test_an_account_opened_through_udks_bank_changes_the_status_and_closes_the_task(homeless, kbh_caseworker):
    casework.create_task(kind=TaskKind.NEMKONTO, title="NemKonto", citizen=homeless, municipality_id=101)
    registry.record_account_opened(citizen=homeless, actor=kbh_caseworker, opened_at="udk_bank",
                                   opened_on=TODAY, today=TODAY)
    homeless.refresh_from_db()
    assert homeless.nemkonto == NemKontoStatus.UDK_ACCOUNT
    assert not _nemkonto_tasks(homeless).exists() and _nemkonto_tasks(homeless, TaskStatus.DONE).count() == 1
    assert homeless.nemkonto_changes.get().recorded_by == kbh_caseworker
    with pytest.raises(ValidationError, match="allerede en NemKonto"):
        registry.record_account_opened(citizen=homeless, actor=kbh_caseworker, opened_at="other_bank",
                                       opened_on=TODAY, today=TODAY)


def test_an_account_cannot_be_recorded_as_opened_tomorrow(homeless, kbh_caseworker):
    with pytest.raises(ValidationError) as error:
        registry.record_account_opened(citizen=homeless, actor=kbh_caseworker, opened_at="other_bank",
                                       opened_on=TODAY + datetime.timedelta(days=1), today=TODAY)
    assert "opened_on" in error.value.error_dict
    homeless.refresh_from_db()
    assert homeless.nemkonto == NemKontoStatus.MISSING


def test_staff_record_the_account_on_a_page_that_is_audited_and_scoped(client, homeless, kbh_caseworker):
    url = f"/borgere/{homeless.pk}/nemkonto/"
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751]))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(role=Role.CITIZEN))
    assert client.get(url).status_code == 403
    client.force_login(kbh_caseworker)
    overview = client.get(f"/borgere/{homeless.pk}/").content.decode()
    assert url in overview
    assert client.get(url).status_code == 200
    assert AuditRecord.objects.filter(citizen_uuid=homeless.pk, what="Navn og NemKonto").exists()
    bad = client.post(url, {"opened_at": "other_bank", "opened_on": "2099-01-01"})
    assert bad.status_code == 200 and "ligger i fremtiden" in bad.content.decode()
    response = client.post(url, {"opened_at": "other_bank", "opened_on": TODAY.isoformat()})
    assert response.status_code == 302
    homeless.refresh_from_db()
    assert homeless.nemkonto == NemKontoStatus.REGISTERED


# --- Cash payments on the arrangement ------------------------------------------------------------

def test_a_cash_payment_waits_in_the_log_and_its_letter_says_where_and_when(arrangement, homeless, kbh_caseworker):
    outreach = arrangement.solution
    outreach.locations = "Fiktiv Sparekasse, Nørrebrogade\nFiktiv Sparekasse, Istedgade"
    outreach.save()
    # Granted on Saturday 21 November 2026: the cash can be collected from Monday.
    case = _granted_cash_case(homeless, kbh_caseworker, on=datetime.date(2026, 11, 21))
    expected = ExpectedHandout.objects.get(payment__case=case)
    assert expected.arrangement == arrangement and expected.amount == Decimal("5300.00")
    assert expected.collect_from == datetime.date(2026, 11, 23)
    assert expected.place == "Fiktiv Sparekasse, Nørrebrogade"
    assert selectors.open_expected(arrangement) == [expected]
    letter = Letter.objects.get(case=case, kind=LetterKind.GRANTED)
    assert "kontant" in letter.text and "23. november 2026" in letter.text
    assert "Fiktiv Sparekasse, Nørrebrogade" in letter.text and "Gadeplansmedarbejderen" in letter.text
    assert "fx kontant" not in letter.text
    assert letter.lix <= MAX_LIX


def test_a_cash_payment_without_a_cash_arrangement_makes_a_task(homeless, kbh_caseworker):
    case = _granted_cash_case(homeless, kbh_caseworker)
    assert not ExpectedHandout.objects.exists()
    assert Task.objects.filter(citizen=homeless, case=case, kind=TaskKind.CASH_ARRANGEMENT).count() == 1


def test_the_log_refuses_a_date_in_the_future(arrangement, kbh_caseworker):
    pay_cash(arrangement.citizen, "5300.00", datetime.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="fremtiden"):
        hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("5300.00"),
                 handed_out_on=TODAY + datetime.timedelta(days=1))
    assert not Handout.objects.exists()


def test_the_log_refuses_more_than_is_due(arrangement, kbh_caseworker):
    pay_cash(arrangement.citizen, "5300.00", datetime.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="til gode: 5.300 kr."):
        hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("99999.00"),
                 handed_out_on=datetime.date(2026, 11, 3))
    hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("5300.00"),
             handed_out_on=datetime.date(2026, 11, 3))
    with pytest.raises(ValidationError, match="til gode: 0 kr."):
        hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("1.00"),
                 handed_out_on=datetime.date(2026, 11, 3))


def test_a_handout_confirms_its_payment(arrangement, kbh_caseworker):
    payment = pay_cash(arrangement.citizen, "5300.00", datetime.date(2026, 11, 2))
    expected = payment.expected_handout
    hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("5300.00"),
             handed_out_on=datetime.date(2026, 11, 3), expected=expected)
    assert selectors.open_expected(arrangement) == []
    with pytest.raises(ValidationError):
        hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("5300.00"),
                 handed_out_on=datetime.date(2026, 11, 3), expected=expected)


def test_a_mistake_is_corrected_by_an_appended_reversal_with_a_reason(arrangement, kbh_caseworker):
    pay_cash(arrangement.citizen, "5300.00", datetime.date(2026, 11, 2))
    wrong, _ = hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("3500.00"),
                        handed_out_on=datetime.date(2026, 11, 3))
    with pytest.raises(ValidationError):
        services.reverse_handout(handout=wrong, staff=kbh_caseworker, reason=" ", today=TODAY,
                                 idempotency_key=uuid.uuid4())
    reversal, created = services.reverse_handout(handout=wrong, staff=kbh_caseworker, reason="Tastefejl: 3.500",
                                                 today=TODAY, idempotency_key=uuid.uuid4())
    assert created and reversal.reverses == wrong and reversal.amount == wrong.amount
    assert Handout.objects.get(pk=wrong.pk).amount == Decimal("3500.00")  # the mistake itself is kept
    assert selectors.amount_due(arrangement) == Decimal("5300.00")
    with pytest.raises(ValidationError, match="allerede tilbageført"):
        services.reverse_handout(handout=wrong, staff=kbh_caseworker, reason="Igen", today=TODAY,
                                 idempotency_key=uuid.uuid4())
    with pytest.raises(ValidationError, match="kan ikke tilbageføres"):
        services.reverse_handout(handout=reversal, staff=kbh_caseworker, reason="Igen", today=TODAY,
                                 idempotency_key=uuid.uuid4())


# --- Reconciliation ---------------------------------------------------------------------------------

def test_reconciliation_on_a_month_with_a_reversal(arrangement, homeless, kbh_caseworker):
    pay_cash(homeless, "2650.00", datetime.date(2026, 10, 1))
    pay_cash(homeless, "2650.00", datetime.date(2026, 10, 15))
    hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("2650.00"),
             handed_out_on=datetime.date(2026, 10, 1))
    wrong, _ = hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("2560.00"),
                        handed_out_on=datetime.date(2026, 10, 15))
    before = selectors.reconcile(arrangements=type(arrangement).objects.all(), month=OCTOBER)
    assert [(r.paid, r.handed_out, r.matches) for r in before] == [(Decimal("5300.00"), Decimal("5210.00"), False)]
    services.reverse_handout(handout=wrong, staff=kbh_caseworker, reason="Beløbet blev tastet forkert",
                             today=datetime.date(2026, 11, 2), idempotency_key=uuid.uuid4())
    hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("2650.00"),
             handed_out_on=datetime.date(2026, 10, 15))
    rows = services.reconcile_month(municipality_id=101, month=OCTOBER, today=TODAY)
    assert rows == []
    row, = selectors.reconcile(arrangements=type(arrangement).objects.all(), month=OCTOBER)
    assert (row.paid, row.handed_out) == (Decimal("5300.00"), Decimal("5300.00"))
    # The reversal, dated in November, leaves November empty.
    assert selectors.reconcile(arrangements=type(arrangement).objects.all(), month=datetime.date(2026, 11, 1)) == []
    assert not Task.objects.filter(kind=TaskKind.CASH_RECONCILIATION).exists()


def test_a_mismatch_becomes_one_task_however_often_the_month_is_reconciled(arrangement, homeless, kbh_caseworker):
    pay_cash(homeless, "2650.00", datetime.date(2026, 10, 1))
    for _ in range(2):
        rows = services.reconcile_month(municipality_id=101, month=OCTOBER, today=TODAY)
    assert [r.difference for r in rows] == [Decimal("2650.00")]
    task = Task.objects.get(kind=TaskKind.CASH_RECONCILIATION)
    assert task.citizen == homeless and task.municipality_id == 101 and "2.650 kr." in task.description
    with pytest.raises(ValidationError, match="ikke slut"):
        services.reconcile_month(municipality_id=101, month=datetime.date(2026, 11, 1), today=TODAY)


def test_the_reconciliation_page_lists_the_month_and_makes_tasks(client, arrangement, homeless, kbh_caseworker):
    pay_cash(homeless, "2650.00", datetime.date(2026, 10, 1))
    client.force_login(UserFactory(role=Role.PARTNERSHIP_MEMBER))
    assert client.get("/kontantadgang/afstemning/").status_code == 403
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751]))
    assert "Gadeplansen" not in client.get("/kontantadgang/afstemning/?month=2026-10").content.decode()
    client.force_login(kbh_caseworker)
    page = client.get("/kontantadgang/afstemning/?month=2026-10").content.decode()
    assert "Jens Gadeplansen" in page and "2.650 kr." in page
    assert AuditRecord.objects.filter(citizen_uuid=homeless.pk, purpose__contains="afstemning").exists()
    assert "Skriv måneden" in client.get("/kontantadgang/afstemning/?month=oktober").content.decode()
    assert client.post("/kontantadgang/afstemning/", {"month": "2026-10"}).status_code == 302
    assert Task.objects.filter(kind=TaskKind.CASH_RECONCILIATION, citizen=homeless).count() == 1
    assert "ikke slut" in client.post("/kontantadgang/afstemning/", {"month": "2026-11"}).content.decode()


def test_the_arrangement_page_shows_what_waits_and_reverses_a_handout(client, arrangement, homeless, kbh_caseworker):
    pay_cash(homeless, "2650.00", datetime.date(2026, 11, 2))
    wrong, _ = hand_out(arrangement, kbh_caseworker, pay=False, amount=Decimal("2000.00"),
                        handed_out_on=datetime.date(2026, 11, 3))
    client.force_login(kbh_caseworker)
    url = f"/kontantadgang/ordninger/{arrangement.pk}/"
    page = client.get(url).content.decode()
    assert "650 kr. til gode" in page
    bad = client.post(f"{url}tilbagefoersel/", {"idempotency_key": str(uuid.uuid4()), "handout": str(wrong.pk),
                                                 "reason": ""})
    assert bad.status_code == 200 and "Skriv, hvorfor" in bad.content.decode()
    response = client.post(f"{url}tilbagefoersel/", {"idempotency_key": str(uuid.uuid4()), "handout": str(wrong.pk),
                                                      "reason": "Forkert beløb"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Tilbageført" in page and "Forkert beløb" in page and "2.650 kr. til gode" in page
