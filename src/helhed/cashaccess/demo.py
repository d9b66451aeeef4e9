"""Cash access in the demo universe: solutions in the partnership's municipalities (DOMAIN.md,
seed 000: København lets citizens with an outreach worker collect cash at partner banks;
Aarhus put cash access into its bank tender) and in a dozen more, an arrangement with
hand-outs for the persona Jan Olsen, and arrangements for generated citizens, so the
partnership's pages have figures above the suppression limit. Deterministic."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from helhed.cashaccess import services
from helhed.cashaccess.models import (
    Acknowledgement,
    Benefit,
    CardIncapacity,
    HandoutKind,
    PayoutRoute,
    Schedule,
    SolutionType,
)
from helhed.core.models import User
from helhed.registry.models import Citizen

KOBENHAVN, AARHUS, ODENSE = 101, 751, 461
# Municipalities (by code) that pay cash at a service point in the demo.
SERVICE_POINT_MUNICIPALITIES = [147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169, 173]


def _key(n: int) -> uuid.UUID:
    return uuid.UUID(int=0xCA5E_0000_0000_0000_0000_0000_0000_0000 + n)


def _cash_case(*, citizen: Citizen, actor: User, on: datetime.date, amount: Decimal):
    """A granted kontanthjælp case whose first month is paid on ``on``: with the citizen's
    cash arrangement in place, it is paid in cash and waits in the hand-out log."""
    from helhed.casework import services as casework
    from helhed.casework.models import BenefitArea

    case = casework.open_case(citizen=citizen, benefit_area=BenefitArea.KONTANTHJAELP, opened_on=on, actor=actor,
                              send_receipt=False)
    case = casework.start_processing(case=case, version=case.version, actor=actor, on=on)
    return casework.grant(case=case, version=case.version, actor=actor, on=on, monthly_amount=amount, starts_on=on)


def _paid_in_cash(*, case, amount: Decimal, paid_on: datetime.date, actor: User, n: int) -> None:
    from helhed.casework import services as casework
    from helhed.casework.models import PaymentKind

    casework.pay(case=case, amount=amount, paid_on=paid_on, kind=PaymentKind.REGULAR, actor=actor, on=paid_on,
                 key=f"demo-cash-{n}", explanation="Løbende kontanthjælp.")


def _cash_months(*, arrangement, citizen, actor, days, amount, n, today) -> int:
    """The citizen's benefit paid in cash and handed out on each of ``days`` (one case, closed
    after the last); returns the last idempotency number used."""
    case = _cash_case(citizen=citizen, actor=actor, on=days[0], amount=amount)
    for on in days:
        n += 1
        if on != days[0]:
            _paid_in_cash(case=case, amount=amount, paid_on=on, actor=actor, n=n)
        services.log_handout(
            arrangement=arrangement, staff=actor, handed_out_on=on, kind=HandoutKind.CASH, amount=amount,
            acknowledgement=Acknowledgement.SIGNED, idempotency_key=_key(n), today=today,
        )
    _close(case, actor, days[-1])
    return n


def _close(case, actor: User, on: datetime.date) -> None:
    """The demo's earlier period of kontanthjælp ends, so a new application is no duplicate."""
    from helhed.casework import services as casework

    case.refresh_from_db()
    casework.close_case(case=case, version=case.version, actor=actor, on=on)


def build_cashaccess_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> None:
    start = today.replace(month=1, day=1) - datetime.timedelta(days=365)
    staff = {u.username: u for u in User.objects.filter(is_demo=True)}
    kbh_worker = staff["sagsbehandler.kbh"]
    aarhus_manager = staff["jobcenterleder.aarhus"]
    bank_partner = services.record_solution(
        municipality_id=KOBENHAVN, actor=kbh_worker, kind=SolutionType.PARTNER_BANK_OUTREACH,
        name="Kontanter i partnerbank med gadeplansmedarbejder", provider="Københavns Kommune og Fiktiv Sparekasse",
        locations="Fiktiv Sparekasse, Nørrebrogade\nFiktiv Sparekasse, Istedgade", capacity=60,
        description="Borgere med en gadeplansmedarbejder hæver kontanter to gange om måneden i en partnerbank.",
        starts_on=start,
    )
    services.record_solution(
        municipality_id=AARHUS, actor=aarhus_manager, kind=SolutionType.BANK_TENDER,
        name="Kontantadgang i bankudbuddet", provider="Aarhus Kommune",
        requirement_text="Banken skal holde mindst én betjent kontantkasse åben i kommunen alle hverdage.",
        bank="Fiktiv Bank A/S", contract_starts_on=datetime.date(today.year - 2, 1, 1),
        contract_ends_on=datetime.date(today.year + 2, 12, 31), starts_on=datetime.date(today.year - 2, 1, 1),
    )
    services.record_solution(
        municipality_id=ODENSE, actor=None, kind=SolutionType.PAYMENT_CARD_HANDLING,
        name="Betalingskort udleveret i Borgerservice", provider="Odense Kommune",
        locations="Borgerservice Odense, Ørbækvej", capacity=25, card_kept_by="Borgerservice",
        handout_place="i Borgerservice", starts_on=start,
    )
    service_points = {
        code: services.record_solution(
            municipality_id=code, actor=None, kind=SolutionType.SERVICE_POINT_PAYOUT,
            name="Kontant udbetaling i Borgerservice", provider="Kommunens Borgerservice",
            locations="Borgerservice, rådhuset", capacity=10, starts_on=start,
        )
        for code in SERVICE_POINT_MUNICIPALITIES
    }

    jan = personas["jan"]
    arrangement = services.set_up_arrangement(
        citizen=jan, solution=bank_partner, actor=kbh_worker, incapacity=CardIncapacity.HOMELESS,
        incapacity_note="Har mistet tre kort på herberget.", benefit=Benefit.KONTANTHJAELP,
        payout_route=PayoutRoute.CASH, schedule=Schedule.TWICE_MONTHLY,
        handed_out_by="Gadeplansmedarbejderen følger med i banken", starts_on=start,
    )
    days = []
    for months_back in range(5, -1, -1):
        for day in (1, 15):
            on = (today.replace(day=1) - datetime.timedelta(days=months_back * 30)).replace(day=day)
            if start <= on <= today:
                days.append(on)
    n = _cash_months(arrangement=arrangement, citizen=jan, actor=kbh_worker, days=days, amount=Decimal("2650.00"),
                     n=0, today=today)

    # One generated citizen per service-point municipality gets an arrangement and monthly cash.
    creator = kbh_worker
    for code, solution in service_points.items():
        citizen = Citizen.objects.filter(home_municipality_id=code).order_by("birth_date", "search_name").first()
        if citizen is None:
            continue
        a = services.set_up_arrangement(
            citizen=citizen, solution=solution, actor=creator, incapacity=CardIncapacity.COGNITIVE,
            benefit=Benefit.KONTANTHJAELP, payout_route=PayoutRoute.CASH, schedule=Schedule.MONTHLY,
            handed_out_by="Borgerservice", starts_on=start,
        )
        days = [d for d in ((today.replace(day=1) - datetime.timedelta(days=months_back * 30)).replace(day=2)
                            for months_back in range(2, -1, -1)) if d <= today]
        n = _cash_months(arrangement=a, citizen=citizen, actor=creator, days=days, amount=Decimal("1800.00"),
                         n=n, today=today)
