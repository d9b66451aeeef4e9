"""The business rules of casework, each one named, pure and with its source.

- ``ALLOWED_TRANSITIONS`` / ``check_transition``: the case's state machine.
- ``hearing_deadline``: the answer deadline in a partshøring.
- ``back_payment``: the amount owed when a citizen is placed as if guided correctly.
- ``payment_method``: how a payment reaches a citizen without a NemKonto.
- ``letter_channel``: Digital Post or paper.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from helhed.casework.models import CaseStatus, LetterChannel, PaymentMethod
from helhed.core.calendar import next_business_day
from helhed.registry.models import NemKontoStatus

# --- The state machine ---------------------------------------------------------------------

# Source: seed 004 (the case's timeline: received, under processing, hearing, decision,
# complaint); forvaltningsloven § 19 (partshøring before a decision against the citizen);
# a complaint is about a decision, so only a decided case can be complained about, and the
# case returns to "decided" with Ankestyrelsen's outcome. Efterregulering and
# tilbagebetaling are follow-ups on a decided (granted) case and do not change its status.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.PROCESSING}),
    CaseStatus.PROCESSING: frozenset({CaseStatus.HEARING, CaseStatus.DECIDED}),
    CaseStatus.HEARING: frozenset({CaseStatus.PROCESSING, CaseStatus.DECIDED}),
    CaseStatus.DECIDED: frozenset({CaseStatus.COMPLAINT, CaseStatus.CLOSED}),
    CaseStatus.COMPLAINT: frozenset({CaseStatus.DECIDED}),
    CaseStatus.CLOSED: frozenset(),
}

_STATUS_PHRASE = {
    CaseStatus.RECEIVED: "modtaget",
    CaseStatus.PROCESSING: "under behandling",
    CaseStatus.HEARING: "i partshøring",
    CaseStatus.DECIDED: "afgjort",
    CaseStatus.COMPLAINT: "påklaget",
    CaseStatus.CLOSED: "afsluttet",
}


def check_transition(source: str, target: str) -> None:
    """Refuse a transition that ``ALLOWED_TRANSITIONS`` does not allow, in plain Danish."""
    if target not in ALLOWED_TRANSITIONS[source]:
        allowed = sorted(_STATUS_PHRASE[s] for s in ALLOWED_TRANSITIONS[source])
        then = (f" Den kan kun blive {' eller '.join(allowed)}." if allowed
                else " Den kan ikke ændres mere.")
        raise ValidationError(
            f"Sagen er {_STATUS_PHRASE[source]} og kan ikke blive {_STATUS_PHRASE[target]}.{then}",
            code="illegal_transition",
        )


# --- Deadlines -------------------------------------------------------------------------------

HEARING_ANSWER_DAYS = 14


def hearing_deadline(sent_on: datetime.date, days: int = HEARING_ANSWER_DAYS) -> datetime.date:
    """The citizen's answer deadline in a partshøring: ``days`` calendar days after the
    letter is sent (forvaltningsloven § 21: the authority sets a deadline; 14 days is the
    usual one), moved to the next business day when it falls on a weekend or a Danish
    public holiday (DOMAIN.md, "Rules and facts for the code"; ``helhed.core.calendar``)."""
    if not 1 <= days <= 366:
        raise ValidationError({"days": "Svarfristen skal være mellem 1 og 366 dage."})
    try:
        return next_business_day(sent_on + datetime.timedelta(days=days))
    except OverflowError:
        raise ValidationError({"on": "Skriv en rigtig dato."}) from None


# --- Back payment ------------------------------------------------------------------------------

ØRE = Decimal("0.01")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later; the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class BackPayment:
    monthly_rate: Decimal
    start: datetime.date
    end: datetime.date
    whole_months: int
    remaining_days: int
    days_in_month: int
    amount: Decimal

    def explanation(self) -> str:
        parts = [f"{self.whole_months} hele måneder à {self.monthly_rate:.2f} kr."]
        if self.remaining_days:
            parts.append(f"{self.remaining_days} dage af {self.days_in_month} dage à "
                         f"{self.monthly_rate:.2f} kr. om måneden")
        return (f"Fra {self.start:%d.%m.%Y} til {self.end:%d.%m.%Y}: " + " og ".join(parts)
                + f" = {self.amount:.2f} kr.")


def back_payment(*, monthly_rate: Decimal, start: datetime.date, end: datetime.date) -> BackPayment:
    """What a citizen must be paid when placed as if guided correctly from ``start`` until
    ``end`` (the day the benefit was, or will be, paid from; not included).

    Rule: seed 004 (a citizen who did not get enough guidance may, through Ankestyrelsen,
    be placed as if correct guidance had been given from the start, and receive the help
    retroactively). The amount is the monthly rate × the whole months counted from
    ``start`` (``add_months``), plus the remaining days pro rata: monthly rate × days /
    the number of days in the calendar month where the remaining days begin. Computed in
    Decimal and rounded once, at the end, to whole øre (half up).
    """
    monthly_rate = Decimal(monthly_rate)
    if monthly_rate <= 0:
        raise ValidationError({"monthly_rate": "Den månedlige sats skal være større end 0 kr."})
    if end <= start:
        raise ValidationError({"start": "Datoen skal ligge før den dato, ydelsen blev udbetalt fra."})
    months = 0
    while add_months(start, months + 1) <= end:
        months += 1
    rest_from = add_months(start, months)
    days = (end - rest_from).days
    days_in_month = calendar.monthrange(rest_from.year, rest_from.month)[1]
    amount = monthly_rate * months + monthly_rate * days / days_in_month
    return BackPayment(monthly_rate=monthly_rate, start=start, end=end, whole_months=months, remaining_days=days,
                       days_in_month=days_in_month, amount=amount.quantize(ØRE, rounding=ROUND_HALF_UP))


# --- Payments and letters ------------------------------------------------------------------------

def payment_method(nemkonto: str) -> str:
    """How a payment is made. With a NemKonto (or an account through Udbetaling Danmark's
    bank) it goes to that account; without one it is paid another way (cash), never held
    back: a municipality may not withhold kontanthjælp because a citizen has no NemKonto,
    it must pay another way, e.g. in cash (Ombudsman, 2023, as cited in DOMAIN.md)."""
    if nemkonto in (NemKontoStatus.REGISTERED, NemKontoStatus.UDK_ACCOUNT):
        return PaymentMethod.NEMKONTO
    return PaymentMethod.CASH


def letter_channel(*, exempt_from_digital_post: bool, has_login: bool) -> str:
    """Where a letter goes: on paper (the print queue) when the citizen is exempt from
    Digital Post (seed 004: exemptions from mandatory digital communication) or cannot
    log in to self-service to read it; else to Digital Post."""
    if exempt_from_digital_post or not has_login:
        return LetterChannel.PRINT
    return LetterChannel.DIGITAL_POST
